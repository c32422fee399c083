import { md5 } from '@noble/hashes/legacy.js';
import type { RmbAddress, RmbEnvelope } from './envelope.ts';

const enc = new TextEncoder();

/**
 * The envelope digest of rmb.md §2.1: MD5 over the plain concatenation (no separators, no
 * length prefixes) of uid, tags, timestamp, expiration, source, destination, the message
 * oneof, schema, federation, the payload bytes and every relay. Returns the 16 raw bytes,
 * which is what gets signed.
 *
 * An absent address hashes as `"0"` (rmb-rs's default `Address`); only unsigned relay errors
 * lack one, and nobody checks their digest (rmb.md §9.5).
 */
export function envelopeChallenge(env: RmbEnvelope): Uint8Array {
  const h = md5.create();
  const text = (s: string): void => {
    if (s !== '') h.update(enc.encode(s));
  };
  const addr = (a: RmbAddress | undefined): void => {
    text(String(a?.twin ?? 0));
    if (a?.connection !== undefined) text(a.connection);
  };
  text(env.uid);
  if (env.tags !== undefined) text(env.tags);
  text(String(env.timestamp));
  text(String(env.expiration));
  addr(env.source);
  addr(env.destination);
  const m = env.message;
  if (m?.kind === 'request') text(m.command);
  else if (m?.kind === 'error') {
    text(String(m.code));
    text(m.message);
  }
  if (env.schema !== undefined) text(env.schema);
  if (env.federation !== undefined) text(env.federation);
  if (env.payload !== undefined && env.payload.data.length > 0) h.update(env.payload.data);
  for (const r of env.relays) text(r);
  return h.digest();
}
