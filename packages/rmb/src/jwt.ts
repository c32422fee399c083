import { Sc4itError, type ErrorCode, type Twin, utf8ToBytes, bytesToUtf8 } from '@sc4it/types';
import { type Identity, signTyped, verifyTyped } from '@sc4it/crypto';
import { base64UrlDecode, base64UrlEncode } from './base64url.ts';
import { type RmbAddress, address, nowSeconds } from './envelope.ts';
import type { TwinResolver } from './twin-resolver.ts';

/** JWT claims of a relay token (rmb.md §3.2). */
export interface RelayTokenClaims {
  /** Twin id. */
  sub: number;
  /** Session id; absent or null means "no session", which differs from `""`. */
  sid?: string | null;
  /** Issued at, unix seconds. */
  iat: number;
  /** Expiry, unix seconds. */
  exp: number;
}

export interface CreateRelayTokenOptions {
  /** Session id (`sid`); omitted → `"sid": null` like rmb-rs. */
  session?: string | null;
  /** Unix seconds; defaults to now. */
  now?: number;
  /** Lifetime in seconds (default 60, like the Go SDK). */
  ttl?: number;
  /** Write `"typ":"JWT"` in the header like the Go and TS clients (default true). */
  typ?: boolean;
}

/**
 * Mints the token a peer puts, whole, in the relay URL's query string (rmb.md §3.1–3.2):
 * unpadded base64url header and claims, signed with the 65-byte typed signature directly over
 * the ASCII `header.claims` (no hashing).
 */
export function createRelayToken(identity: Identity, twinId: number, options: CreateRelayTokenOptions = {}): string {
  const iat = options.now ?? nowSeconds();
  const header = options.typ === false ? { alg: 'RS512' } : { alg: 'RS512', typ: 'JWT' };
  const claims = { sub: twinId, iat, exp: iat + (options.ttl ?? 60), sid: options.session ?? null };
  const input = `${base64UrlEncode(utf8ToBytes(JSON.stringify(header)))}.${base64UrlEncode(utf8ToBytes(JSON.stringify(claims)))}`;
  const sig = signTyped(identity, utf8ToBytes(input));
  return `${input}.${base64UrlEncode(sig)}`;
}

/** A refused relay handshake, with the HTTP status and plain-text body rmb-rs answers (rmb.md §3.3). */
export class RelayAuthError extends Sc4itError {
  override name = 'RelayAuthError';
  readonly status: number;
  constructor(code: ErrorCode, status: number, body: string, details?: string) {
    super(code, body, details === undefined ? {} : { details });
    this.status = status;
  }
}

export interface ParsedRelayToken {
  claims: RelayTokenClaims;
  /** The ASCII bytes `header.claims` the signature covers. */
  signingInput: Uint8Array;
  signature: Uint8Array;
}

function isUint(v: unknown, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max;
}

function invalid(details: string): RelayAuthError {
  return new RelayAuthError('crypto.jwt_invalid', 401, 'invalid jwt', details);
}

/** Splits and checks a token's structure: `alg` exactly RS512, `typ` ignored, `sub`/`iat`/`exp` required. */
export function parseRelayToken(token: string): ParsedRelayToken {
  if (token === '') throw new RelayAuthError('crypto.jwt_missing', 400, 'missing jwt');
  const parts = token.split('.');
  if (parts.length !== 3) throw invalid('expected three dot-separated parts');
  let header: unknown;
  let claims: unknown;
  let signature: Uint8Array;
  try {
    header = JSON.parse(bytesToUtf8(base64UrlDecode(parts[0]!, 'header')));
    claims = JSON.parse(bytesToUtf8(base64UrlDecode(parts[1]!, 'claims')));
    signature = base64UrlDecode(parts[2]!, 'signature');
  } catch {
    throw invalid('bad base64url or JSON');
  }
  if (typeof header !== 'object' || header === null || (header as { alg?: unknown }).alg !== 'RS512') {
    throw invalid('alg must be RS512');
  }
  if (typeof claims !== 'object' || claims === null) throw invalid('claims must be an object');
  const c = claims as Record<string, unknown>;
  if (!isUint(c.sub, 0xffff_ffff)) throw invalid('sub must be a u32');
  if (!isUint(c.iat, Number.MAX_SAFE_INTEGER)) throw invalid('iat must be a u64');
  if (!isUint(c.exp, Number.MAX_SAFE_INTEGER)) throw invalid('exp must be a u64');
  if (c.sid !== undefined && c.sid !== null && typeof c.sid !== 'string') throw invalid('sid must be a string or null');
  const out: RelayTokenClaims = { sub: c.sub, iat: c.iat, exp: c.exp };
  if (typeof c.sid === 'string' || c.sid === null) out.sid = c.sid;
  return { claims: out, signingInput: utf8ToBytes(`${parts[0]}.${parts[1]}`), signature };
}

export interface VerifyRelayTokenOptions {
  /** Unix seconds; defaults to now. */
  now?: number;
  /**
   * Refuse tokens whose `iat` is more than this many seconds ahead (default: no check). rmb-rs
   * never looks at `iat` (rmb.md §3.3, §11.4), so by default neither do we: any clock skew is
   * tolerated and only `exp` counts. Set it to refuse tokens minted far in the future; leave a few
   * seconds at least, since the TS client's `iat` can run ahead of the relay's clock.
   */
  maxClockSkew?: number;
}

/** Relay side of rmb.md §3.3: returns the session the connection speaks for. */
export async function verifyRelayToken(
  token: string,
  resolver: TwinResolver,
  options: VerifyRelayTokenOptions = {},
): Promise<{ twin: Twin; session: RmbAddress; claims: RelayTokenClaims }> {
  const { claims, signingInput, signature } = parseRelayToken(token);
  const now = options.now ?? nowSeconds();
  if (now > claims.exp) throw new RelayAuthError('crypto.jwt_expired', 401, 'invalid jwt', 'token expired');
  if (options.maxClockSkew !== undefined && claims.iat > now + options.maxClockSkew) throw invalid('iat is in the future');
  let twin: Twin | null;
  try {
    twin = await resolver.getTwin(claims.sub);
  } catch (cause) {
    throw new RelayAuthError('chain.twin_lookup_failed', 500, 'failed to get twin', String((cause as Error)?.message ?? cause));
  }
  if (twin === null) throw new RelayAuthError('chain.twin_not_exists', 401, `twin not found ${claims.sub}`);
  if (!verifyTyped(twin.account, signingInput, signature)) {
    throw new RelayAuthError('crypto.bad_signature', 401, 'invalid jwt', 'bad signature');
  }
  return { twin, session: address(claims.sub, claims.sid), claims };
}
