/**
 * @packageDocumentation
 * The browser-safe part of `@sc4it/rmb`: the peer, envelopes, tokens and twin resolvers, without
 * the relay (node:http, Redis) or file access. The peer uses the global `WebSocket`.
 */
export type { RmbAddress, RmbEnvelope, RmbMessage, RmbPayload } from './envelope.ts';
export { SCHEMA_JSON, address, envelopeDeadline, hasTag, isExpired, newUid, nowSeconds, sameAddress, sessionKey, stamp } from './envelope.ts';
export { envelopeChallenge } from './challenge.ts';
export { decodeRmbEnvelope, encodeRmbEnvelope } from './codec.ts';
export { EnvelopeError, openEnvelope, sealPayload, signEnvelope, verifyEnvelopeSignature } from './envelope-crypto.ts';
export { RelayAuthError, createRelayToken, parseRelayToken, verifyRelayToken } from './jwt.ts';
export { cachedTwinResolver, chainTwinResolver, parseTwinsList, relayDomains, staticTwinResolver, toTwinsFileEntry } from './twin-resolver.ts';
export type { StaticTwinResolver, TwinResolver, TwinsFileEntry } from './twin-resolver.ts';
export { RmbPeer, RmbRemoteError } from './peer/peer.ts';
export type { RmbHandler, RmbIncoming, RmbPeerInit, RmbReply, RmbRequestOptions } from './peer/peer.ts';
export { webSocketFactory } from './peer/socket.ts';
export type { RmbSocket, SocketFactory, SocketHandlers } from './peer/socket.ts';
