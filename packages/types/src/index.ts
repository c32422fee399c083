/**
 * @packageDocumentation
 * Wire formats, domain types, the zos-JSON codec, the error base class and the `ChainClient`
 * interface shared by every sc4it package.
 */
export {
  Sc4itError,
  DecodeError,
  DeploymentError,
  CryptoError,
  ChainError,
  TransportError,
  isSc4itError,
  isRetryable,
} from './errors.ts';
export type { ErrorCode, ErrorCodePrefix, Sc4itErrorOptions } from './errors.ts';
export { bytesToHex, hexToBytes, utf8ToBytes, bytesToUtf8, concatBytes, equalBytes } from './bytes.ts';
export { toJsonValue, fromJsonValue, encodeJson, decodeJson, canonicalJson } from './json-codec.ts';
export { WORKLOAD_TYPES } from './deployment.ts';
export { parseGoIP, formatGoIP, parseGoCIDR, formatGoCIDR, canonicalGoIP, canonicalGoCIDR } from './go-net.ts';
export type { GoCidr } from './go-net.ts';
export type * from './deployment.ts';
export type * from './chain.ts';
export { signingPayload, signTransaction, sendCall } from './chain-tx.ts';
export {
  encodeEnvelope,
  decodeEnvelope,
  envelopeMessageKind,
  encodeBacklog,
  decodeBacklog,
} from './rmb-envelope.ts';
export type {
  Envelope,
  EnvelopeInput,
  EnvelopeMessageKind,
  RmbAddress,
  RmbRequest,
  RmbResponse,
  RmbError,
  RmbPing,
  RmbPong,
  RmbBacklog,
  RmbBacklogInput,
} from './rmb-envelope.ts';
export { parseDeployment, formatDeployment } from './deployment-codec.ts';
export type { ParseDeploymentOptions } from './deployment-codec.ts';
export { deploymentToProto, deploymentFromProto, encodeDeployment, decodeDeployment } from './deployment-proto.ts';
/** The generated `sc4it.v1` protobuf classes (proto/sc4it.proto): `sc4itProto.v1.Contract.encode(…)`. */
export { sc4it as sc4itProto } from './gen/sc4it.js';
