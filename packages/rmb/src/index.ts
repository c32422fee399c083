/**
 * @packageDocumentation
 * Reliable Message Bus for sc4it: relay and peer, wire-compatible with ThreeFold's rmb-rs and
 * `@threefold/rmb_direct_client` (spec rmb.md), with retries, dedup and durable queues.
 */
export type { RmbAddress, RmbEnvelope, RmbMessage, RmbPayload } from './envelope.ts';
export {
  SCHEMA_JSON,
  address,
  envelopeDeadline,
  hasTag,
  isExpired,
  newUid,
  nowSeconds,
  sameAddress,
  sessionKey,
  stamp,
} from './envelope.ts';
export { envelopeChallenge } from './challenge.ts';
export { decodeRmbEnvelope, encodeRmbEnvelope } from './codec.ts';
export { EnvelopeError, openEnvelope, sealPayload, signEnvelope, verifyEnvelopeSignature } from './envelope-crypto.ts';
export type { OpenEnvelopeOptions, OpenedEnvelope } from './envelope-crypto.ts';
export { RelayAuthError, createRelayToken, parseRelayToken, verifyRelayToken } from './jwt.ts';
export type { CreateRelayTokenOptions, ParsedRelayToken, RelayTokenClaims, VerifyRelayTokenOptions } from './jwt.ts';
export { base64UrlDecode, base64UrlEncode } from './base64url.ts';
export {
  cachedTwinResolver,
  chainTwinResolver,
  parseTwinsList,
  relayDomains,
  staticTwinResolver,
  toTwinsFileEntry,
} from './twin-resolver.ts';
export type {
  CacheOptions,
  ChainTwinResolverOptions,
  StaticTwinResolver,
  TwinResolver,
  TwinsFileEntry,
} from './twin-resolver.ts';
export { loadTwinsFile } from './twins-file.ts';
export { runRelayCli } from './cli.ts';
export type { ConnectChain, RelayCliDeps } from './cli.ts';
export { RELAY_ERRORS, startRelay } from './relay/relay.ts';
export type { RelayLogLevel, RelayOptions, RelayStats, RunningRelay } from './relay/relay.ts';
export { memoryQueue } from './relay/memory-queue.ts';
export { redisQueue } from './relay/redis-queue.ts';
export type { RedisQueueOptions } from './relay/redis-queue.ts';
export type { QueueLimits, QueuedMessage, RelayQueue } from './relay/queue.ts';
export type { RateLimit } from './relay/limiter.ts';
export { DomainRanker } from './relay/ranker.ts';
export type { DomainRankerOptions } from './relay/ranker.ts';
export { RmbPeer, RmbRemoteError } from './peer/peer.ts';
export type { RmbHandler, RmbIncoming, RmbPeerInit, RmbReply, RmbRequestOptions } from './peer/peer.ts';
export { webSocketFactory } from './peer/socket.ts';
export type { RmbSocket, SocketFactory, SocketHandlers } from './peer/socket.ts';
export { DedupWindow } from './peer/dedup.ts';
export type { DedupEntry, DedupStore } from './peer/dedup.ts';
export { redisDedupStore } from './peer/redis-dedup.ts';
export type { RedisDedupStoreOptions } from './peer/redis-dedup.ts';
