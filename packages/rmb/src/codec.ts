import { DecodeError, type Envelope, type EnvelopeInput, decodeEnvelope, encodeEnvelope } from '@sc4it/types';
import type { RmbEnvelope, RmbMessage } from './envelope.ts';

/**
 * Wire codec: the protobuf of `@sc4it/types` (rmb.md §1) adapted to {@link RmbEnvelope}, whose
 * oneofs are discriminated unions and whose u64 times are numbers. Times beyond 2^53 − 1 are
 * refused (`decode.envelope`): no real envelope carries them and their decimal digest could not
 * be reproduced from a number.
 */
export function encodeRmbEnvelope(env: RmbEnvelope): Uint8Array {
  const out: EnvelopeInput = { uid: env.uid, timestamp: env.timestamp, expiration: env.expiration, relays: env.relays };
  if (env.tags !== undefined) out.tags = env.tags;
  if (env.source !== undefined) out.source = env.source;
  if (env.destination !== undefined) out.destination = env.destination;
  const m = env.message;
  if (m !== undefined) {
    if (m.kind === 'request') out.request = { command: m.command };
    else if (m.kind === 'error') out.error = { code: m.code, message: m.message };
    else out[m.kind] = {};
  }
  if (env.signature !== undefined) out.signature = env.signature;
  if (env.schema !== undefined) out.schema = env.schema;
  if (env.federation !== undefined) out.federation = env.federation;
  if (env.payload !== undefined) out[env.payload.kind] = env.payload.data;
  return encodeEnvelope(out);
}

function safe(v: bigint, field: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DecodeError('decode.envelope', 'cannot decode envelope: time out of range', { field });
  }
  return Number(v);
}

function messageOf(e: Envelope): RmbMessage | undefined {
  if (e.request !== undefined) return { kind: 'request', command: e.request.command };
  if (e.response !== undefined) return { kind: 'response' };
  if (e.error !== undefined) return { kind: 'error', code: e.error.code, message: e.error.message };
  if (e.ping !== undefined) return { kind: 'ping' };
  if (e.pong !== undefined) return { kind: 'pong' };
  return undefined;
}

/** Decodes a frame; throws `DecodeError` `decode.envelope` on anything that is not an envelope. */
export function decodeRmbEnvelope(bytes: Uint8Array): RmbEnvelope {
  const e = decodeEnvelope(bytes);
  const env: RmbEnvelope = {
    uid: e.uid,
    timestamp: safe(e.timestamp, 'timestamp'),
    expiration: safe(e.expiration, 'expiration'),
    relays: e.relays,
  };
  if (e.tags !== undefined) env.tags = e.tags;
  if (e.source !== undefined) env.source = e.source;
  if (e.destination !== undefined) env.destination = e.destination;
  const m = messageOf(e);
  if (m !== undefined) env.message = m;
  if (e.signature !== undefined) env.signature = e.signature;
  if (e.schema !== undefined) env.schema = e.schema;
  if (e.federation !== undefined) env.federation = e.federation;
  if (e.plain !== undefined) env.payload = { kind: 'plain', data: e.plain };
  else if (e.cipher !== undefined) env.payload = { kind: 'cipher', data: e.cipher };
  return env;
}
