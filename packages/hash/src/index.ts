/**
 * @packageDocumentation
 * The zos deployment challenge and its MD5 hash, byte-identical to the node (zos, Go): challenge
 * text, digest, hex hash, the on-chain hash bytes and the bytes to sign.
 * Spec: shared/spec/deployment-hash.md §2–§4.
 */
export {
  deploymentChallenge,
  deploymentDigest,
  deploymentHash,
  deploymentHashFromJson,
  contractHashBytes,
  signingMessage,
  bytesToSign,
  POLKA_WALLET_STYLE,
} from './hash.ts';
export type { DeploymentInput } from './hash.ts';
