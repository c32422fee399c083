/**
 * @packageDocumentation
 * Identities, signatures, multisignature, bus encryption and sealed contract data for sc4it,
 * compatible with ThreeFold (polkadot keyring, rmb, zos). Pure JS (@noble / @scure): runs in
 * Node and browsers.
 */
export { identityFromMnemonic, identityFromSeed, secp256k1PublicKey } from './identity.ts';
export type { Identity, Secp256k1KeyPair } from './identity.ts';
export { generateMnemonic, isValidMnemonic, miniSecretFromMnemonic } from './mnemonic.ts';
export { addressFromPublicKey, publicKeyFromAddress, SS58_FORMAT_GENERIC } from './ss58.ts';
export {
  verifySignature,
  signTyped,
  verifyTyped,
  decodeTypedSignature,
  TYPED_SIGNATURE_PREFIX,
} from './signature.ts';
export type { TypedSignature } from './signature.ts';
export {
  busEncrypt,
  busDecrypt,
  busSharedKey,
  busEncryptWithKey,
  busDecryptWithKey,
  BUS_CIPHER_OVERHEAD,
} from './bus-cipher.ts';
export type { CryptoErrorCode } from './fail.ts';
export { sealData, openData, SEALED_DATA_VERSION, SEALED_DATA_OVERHEAD } from './sealed-data.ts';
export type { SealDataOptions, OpenDataOptions } from './sealed-data.ts';
export { signDeployment } from './deployment-sign.ts';
export { verifyDeployment, multisigStatus } from './multisig.ts';
export type {
  TwinKey,
  GetTwinKey,
  MultisigPolicy,
  MultisigStatus,
  RequestState,
  VerifyDeploymentOptions,
} from './multisig.ts';
