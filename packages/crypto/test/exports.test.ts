// The public surface of @sc4it/crypto (other packages code against these names).
import { expect, it } from 'vitest';
import * as api from '../src/index.ts';

it('exports exactly these values', () => {
  expect(Object.keys(api).sort()).toEqual([
    'BUS_CIPHER_OVERHEAD',
    'SEALED_DATA_OVERHEAD',
    'SEALED_DATA_VERSION',
    'SS58_FORMAT_GENERIC',
    'TYPED_SIGNATURE_PREFIX',
    'addressFromPublicKey',
    'busDecrypt',
    'busDecryptWithKey',
    'busEncrypt',
    'busEncryptWithKey',
    'busSharedKey',
    'decodeTypedSignature',
    'generateMnemonic',
    'identityFromMnemonic',
    'identityFromSeed',
    'isValidMnemonic',
    'miniSecretFromMnemonic',
    'multisigStatus',
    'openData',
    'publicKeyFromAddress',
    'sealData',
    'secp256k1PublicKey',
    'signDeployment',
    'signTyped',
    'verifyDeployment',
    'verifySignature',
    'verifyTyped',
  ]);
});
