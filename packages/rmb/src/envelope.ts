/**
 * The RMB envelope as sc4it handles it: a plain object with the oneofs as discriminated unions.
 * Field numbers and meaning: rmb.md §1.2. The wire codec lives in `codec.ts`.
 */

/** A twin, optionally narrowed to one session (`connection` = the JWT `sid`). */
export interface RmbAddress {
  twin: number;
  /** Session id. Absent and `""` are different sessions (rmb.md §3.4). */
  connection?: string;
}

export type RmbMessage =
  | { kind: 'request'; command: string }
  | { kind: 'response' }
  | { kind: 'error'; code: number; message: string }
  | { kind: 'ping' }
  | { kind: 'pong' };

export type RmbPayload = { kind: 'plain'; data: Uint8Array } | { kind: 'cipher'; data: Uint8Array };

export interface RmbEnvelope {
  /** UUID v4 text. */
  uid: string;
  tags?: string;
  /** Unix seconds. */
  timestamp: number;
  /** TTL in seconds, counted from `timestamp`. */
  expiration: number;
  source?: RmbAddress;
  destination?: RmbAddress;
  message?: RmbMessage;
  /** 65 bytes: type byte (`s` / `e`) + 64-byte signature (rmb.md §2.2). */
  signature?: Uint8Array;
  schema?: string;
  /** Deprecated, informational, but hashed (rmb.md §1.4). */
  federation?: string;
  payload?: RmbPayload;
  /** Deprecated relay hostnames of the sender, still hashed (rmb.md §1.4). */
  relays: string[];
}

/** `schema` value the ThreeFold clients expect on replies (rmb.md §9.1). */
export const SCHEMA_JSON = 'application/json';

/** Unix seconds now. */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

/** Absolute deadline of an envelope in unix seconds. */
export function envelopeDeadline(env: Pick<RmbEnvelope, 'timestamp' | 'expiration'>): number {
  return env.timestamp + env.expiration;
}

/** rmb.md §2.4 step 1: expired when `timestamp + expiration − now ≤ 0`. */
export function isExpired(env: Pick<RmbEnvelope, 'timestamp' | 'expiration'>, now: number = nowSeconds()): boolean {
  return envelopeDeadline(env) - now <= 0;
}

/** Exact address equality, `connection` absent ≠ `""` (rmb.md §3.5). */
export function sameAddress(a: RmbAddress | undefined, b: RmbAddress | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.twin === b.twin && a.connection === b.connection;
}

/** Queue / session key of an address: `<twin>` or `<twin>:<sid>` (rmb.md §5.3). */
export function sessionKey(addr: RmbAddress): string {
  return addr.connection === undefined ? `${addr.twin}` : `${addr.twin}:${addr.connection}`;
}

/** Makes an address, leaving `connection` out when it is undefined or null. */
export function address(twin: number, connection?: string | null): RmbAddress {
  return connection === undefined || connection === null ? { twin } : { twin, connection };
}

/** `tags` split on commas or whitespace contains `tag` exactly (rmb.md §5.2 `fail-fast`). */
export function hasTag(env: Pick<RmbEnvelope, 'tags'>, tag: string): boolean {
  if (env.tags === undefined || env.tags === '') return false;
  return env.tags.split(/[\s,]+/).includes(tag);
}

/**
 * rmb.md §2.3 `stamp()`: a zero or future timestamp becomes now, keeping `expiration`; an older
 * one becomes now with `expiration` reduced by the elapsed time, so the deadline does not move.
 */
export function stamp(env: RmbEnvelope, now: number = nowSeconds()): void {
  if (env.timestamp === 0 || env.timestamp > now) {
    env.timestamp = now;
    return;
  }
  const elapsed = now - env.timestamp;
  env.timestamp = now;
  env.expiration = Math.max(0, env.expiration - elapsed);
}

/** Random UUID v4 (CSPRNG). */
export function newUid(): string {
  return globalThis.crypto.randomUUID();
}
