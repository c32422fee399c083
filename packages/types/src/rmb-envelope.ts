/**
 * RMB envelope codec (spec rmb.md §1): plain TypeScript objects in, protobuf bytes out, and back.
 *
 * The generated protobufjs classes (src/gen/rmb.js) stay internal. The public shape:
 * - 64-bit fields (`timestamp`, `expiration`, `ttl`) are `bigint` on output, so every u64 on the
 *   wire round-trips exactly (the digest of rmb.md §2.1 prints them in decimal); inputs also accept
 *   a safe-integer `number`.
 * - proto3 `optional` fields are present only when they were on the wire (`'tags' in env`).
 * - oneofs are flattened as in protobufjs: at most one of `request | response | error | ping |
 *   pong` and at most one of `plain | cipher`. `envelopeMessageKind` tells which.
 * - unknown fields are accepted and dropped (rmb.md §1.6).
 */
import { DecodeError, Sc4itError } from './errors.ts';
import { bigintToLong, longToBigint } from './protobuf-runtime.ts';
import {
  Envelope as PbEnvelope,
  Backlog as PbBacklog,
  Address as PbAddress,
  Error as PbError,
} from './gen/rmb.js';

/** `Address` (§1.1): a twin and optionally one of its sessions. */
export interface RmbAddress {
  /** tfchain twin id (u32). */
  twin: number;
  /** Session id ("sid"); proto3 optional. */
  connection?: string;
}

/** `Request` (§1.1). */
export interface RmbRequest {
  command: string;
}

/** `Response` (§1.1): empty. */
export type RmbResponse = Record<string, never>;

/** `Error` (§1.1): application-specific code (u32) and text. */
export interface RmbError {
  code: number;
  message: string;
}

/** `Ping` / `Pong` (§1.1): empty. */
export type RmbPing = Record<string, never>;
export type RmbPong = Record<string, never>;

/** Which member of the `message` oneof is set. */
export type EnvelopeMessageKind = 'request' | 'response' | 'error' | 'ping' | 'pong';

/** `Envelope` (§1.2) as returned by `decodeEnvelope`. */
export interface Envelope {
  uid: string;
  tags?: string;
  /** unix seconds (u64) */
  timestamp: bigint;
  /** TTL in seconds counted from `timestamp` (u64) */
  expiration: bigint;
  source?: RmbAddress;
  destination?: RmbAddress;
  request?: RmbRequest;
  response?: RmbResponse;
  error?: RmbError;
  ping?: RmbPing;
  pong?: RmbPong;
  /** 65 bytes: type byte + 64-byte signature (§2.2) */
  signature?: Uint8Array;
  schema?: string;
  /** deprecated, still hashed (§2.1) */
  federation?: string;
  plain?: Uint8Array;
  cipher?: Uint8Array;
  /** deprecated, still hashed (§2.1) */
  relays: string[];
}

/** What `encodeEnvelope` accepts: u64 fields as bigint or safe integer; most fields optional. */
export interface EnvelopeInput
  extends Partial<Omit<Envelope, 'timestamp' | 'expiration' | 'relays'>> {
  timestamp?: bigint | number;
  expiration?: bigint | number;
  relays?: readonly string[];
}

/** `Backlog` (§1.3), internal to rmb-peer. */
export interface RmbBacklog {
  uid: string;
  reference?: string;
  reply_to: string;
  module: string;
  /** u64 */
  ttl: bigint;
}

export interface RmbBacklogInput extends Partial<Omit<RmbBacklog, 'ttl'>> {
  ttl?: bigint | number;
}

const MESSAGE_KINDS: readonly EnvelopeMessageKind[] = ['request', 'response', 'error', 'ping', 'pong'];
const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = 0xffff_ffff;

/** The member of the `message` oneof that is set, or `undefined`. */
export function envelopeMessageKind(env: EnvelopeInput): EnvelopeMessageKind | undefined {
  return MESSAGE_KINDS.find((k) => env[k] !== undefined);
}

// ---- encode -----------------------------------------------------------------------------------

function bad(field: string, what: string): never {
  throw new Sc4itError('envelope.invalid_field', `cannot encode envelope: ${what}`, { field });
}

function u64(v: unknown, field: string): ReturnType<typeof bigintToLong> | undefined {
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isSafeInteger(v)) b = BigInt(v);
  else return bad(field, 'expected a bigint or safe integer');
  if (b < 0n || b > U64_MAX) bad(field, 'out of u64 range');
  if (b === 0n) return undefined; // proto3 default: not written
  return bigintToLong(b);
}

function u32(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > U32_MAX) bad(field, 'expected a u32');
  return v;
}

function str(v: unknown, field: string): string {
  if (typeof v !== 'string') bad(field, 'expected a string');
  return v;
}

function bytes(v: unknown, field: string): Uint8Array {
  if (!(v instanceof Uint8Array)) bad(field, 'expected a Uint8Array');
  return v;
}

function emptyMsg(v: unknown, field: string): Record<string, never> {
  if (typeof v !== 'object' || v === null) bad(field, 'expected an object');
  return {};
}

function address(v: unknown, field: string): PbAddress.$Properties {
  if (typeof v !== 'object' || v === null) bad(field, 'expected an object');
  const a = v as Partial<RmbAddress>;
  const out: PbAddress.$Properties = { twin: u32(a.twin ?? 0, `${field}.twin`) };
  if (a.connection !== undefined) out.connection = str(a.connection, `${field}.connection`);
  return out;
}

/**
 * Encodes an envelope to protobuf bytes. Checks types and ranges first and throws
 * `Sc4itError` code `envelope.invalid_field` (with `field`) instead of writing a wrong message;
 * more than one member of a oneof is refused the same way.
 */
export function encodeEnvelope(env: EnvelopeInput): Uint8Array {
  if (typeof env !== 'object' || env === null) bad('', 'expected an object');
  const m: PbEnvelope.$Properties & Record<string, unknown> = {};
  if (env.uid !== undefined) m.uid = str(env.uid, 'uid');
  if (env.tags !== undefined) m.tags = str(env.tags, 'tags');
  const ts = u64(env.timestamp ?? 0n, 'timestamp');
  if (ts) m.timestamp = ts;
  const exp = u64(env.expiration ?? 0n, 'expiration');
  if (exp) m.expiration = exp;
  if (env.source !== undefined) m.source = address(env.source, 'source');
  if (env.destination !== undefined) m.destination = address(env.destination, 'destination');

  const kinds = MESSAGE_KINDS.filter((k) => env[k] !== undefined);
  if (kinds.length > 1) bad(kinds.join('|'), 'more than one member of oneof `message` is set');
  if (env.request !== undefined) {
    const r = env.request as unknown;
    if (typeof r !== 'object' || r === null) bad('request', 'expected an object');
    m.request = { command: str((r as Partial<RmbRequest>).command ?? '', 'request.command') };
  }
  if (env.response !== undefined) m.response = emptyMsg(env.response, 'response');
  if (env.error !== undefined) {
    const e = env.error as unknown;
    if (typeof e !== 'object' || e === null) bad('error', 'expected an object');
    const pe: PbError.$Properties = {
      code: u32((e as Partial<RmbError>).code ?? 0, 'error.code'),
      message: str((e as Partial<RmbError>).message ?? '', 'error.message'),
    };
    m.error = pe;
  }
  if (env.ping !== undefined) m.ping = emptyMsg(env.ping, 'ping');
  if (env.pong !== undefined) m.pong = emptyMsg(env.pong, 'pong');

  if (env.signature !== undefined) m.signature = bytes(env.signature, 'signature');
  if (env.schema !== undefined) m.schema = str(env.schema, 'schema');
  if (env.federation !== undefined) m.federation = str(env.federation, 'federation');

  if (env.plain !== undefined && env.cipher !== undefined) {
    bad('plain|cipher', 'more than one member of oneof `payload` is set');
  }
  if (env.plain !== undefined) m.plain = bytes(env.plain, 'plain');
  if (env.cipher !== undefined) m.cipher = bytes(env.cipher, 'cipher');

  if (env.relays !== undefined) {
    if (!Array.isArray(env.relays)) bad('relays', 'expected an array of strings');
    m.relays = env.relays.map((r, i) => str(r, `relays[${i}]`));
  }
  return PbEnvelope.encode(m).finish();
}

// ---- decode -----------------------------------------------------------------------------------

const toBigint = longToBigint;

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

function fromPbAddress(a: PbAddress.$Properties): RmbAddress {
  const out: RmbAddress = { twin: a.twin ?? 0 };
  if (own(a, 'connection') && typeof a.connection === 'string') out.connection = a.connection;
  return out;
}

function asBytes(v: unknown): Uint8Array {
  if (!(v instanceof Uint8Array)) return new Uint8Array(0);
  // Copy out of Node's Buffer pool so callers get a plain, independent Uint8Array.
  return new Uint8Array(v);
}

/**
 * Decodes protobuf bytes into an `Envelope`. Unknown fields are accepted and dropped; a later
 * oneof member on the wire replaces an earlier one (proto3 rule). Anything that is not a valid
 * encoding (truncated, bad wire type, invalid UTF-8 in a string, not a Uint8Array) throws
 * `DecodeError` code `decode.envelope`; nothing else is thrown.
 */
export function decodeEnvelope(bytes: Uint8Array): Envelope {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError('decode.envelope', 'cannot decode envelope: expected a Uint8Array');
  }
  let m: PbEnvelope;
  try {
    m = PbEnvelope.decode(bytes);
  } catch (cause) {
    throw new DecodeError('decode.envelope', 'cannot decode envelope: invalid protobuf', {
      cause,
      ...(cause instanceof Error ? { details: cause.message } : {}),
    });
  }
  const env: Envelope = {
    uid: m.uid ?? '',
    timestamp: toBigint(m.timestamp),
    expiration: toBigint(m.expiration),
    relays: Array.isArray(m.relays) ? [...m.relays] : [],
  };
  if (own(m, 'tags') && typeof m.tags === 'string') env.tags = m.tags;
  if (m.source) env.source = fromPbAddress(m.source);
  if (m.destination) env.destination = fromPbAddress(m.destination);
  switch (m.message) {
    case 'request':
      env.request = { command: m.request?.command ?? '' };
      break;
    case 'response':
      env.response = {};
      break;
    case 'error':
      env.error = { code: m.error?.code ?? 0, message: m.error?.message ?? '' };
      break;
    case 'ping':
      env.ping = {};
      break;
    case 'pong':
      env.pong = {};
      break;
    default:
      break;
  }
  if (own(m, 'signature')) env.signature = asBytes(m.signature);
  if (own(m, 'schema') && typeof m.schema === 'string') env.schema = m.schema;
  if (own(m, 'federation') && typeof m.federation === 'string') env.federation = m.federation;
  if (m.payload === 'plain') env.plain = asBytes(m.plain);
  else if (m.payload === 'cipher') env.cipher = asBytes(m.cipher);
  return env;
}

/** Encodes a `Backlog` (§1.3). Same input rules as `encodeEnvelope`. */
export function encodeBacklog(b: RmbBacklogInput): Uint8Array {
  if (typeof b !== 'object' || b === null) bad('', 'expected an object');
  const m: PbBacklog.$Properties = {};
  if (b.uid !== undefined) m.uid = str(b.uid, 'uid');
  if (b.reference !== undefined) m.reference = str(b.reference, 'reference');
  if (b.reply_to !== undefined) m.replyTo = str(b.reply_to, 'reply_to');
  if (b.module !== undefined) m.module = str(b.module, 'module');
  const ttl = u64(b.ttl ?? 0n, 'ttl');
  if (ttl) m.ttl = ttl;
  return PbBacklog.encode(m).finish();
}

/** Decodes a `Backlog`; throws `DecodeError` code `decode.backlog` on invalid bytes. */
export function decodeBacklog(bytes: Uint8Array): RmbBacklog {
  if (!(bytes instanceof Uint8Array)) {
    throw new DecodeError('decode.backlog', 'cannot decode backlog: expected a Uint8Array');
  }
  let m: PbBacklog;
  try {
    m = PbBacklog.decode(bytes);
  } catch (cause) {
    throw new DecodeError('decode.backlog', 'cannot decode backlog: invalid protobuf', { cause });
  }
  const out: RmbBacklog = {
    uid: m.uid ?? '',
    reply_to: m.replyTo ?? '',
    module: m.module ?? '',
    ttl: toBigint(m.ttl),
  };
  if (own(m, 'reference') && typeof m.reference === 'string') out.reference = m.reference;
  return out;
}
