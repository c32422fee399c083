/**
 * Go `encoding/json` (v1) decoding rules, applied to a value that `JSON.parse` produced, for the
 * field kinds of zos `pkg/gridtypes` (deployment-hash.md §2.1, §2.4):
 *
 * - a missing key or `null` gives the Go zero value (`0`, `""`, `false`, empty list, zero struct,
 *   nil pointer);
 * - object keys match struct fields case-insensitively (Go folds ASCII case, and also maps the
 *   Kelvin sign U+212A to `k` and the long s U+017F to `s`); when several keys match one field,
 *   the last one wins, as Go decodes keys in document order; unknown keys are ignored;
 * - a value of the wrong JSON type, or a number out of the Go type's range, is an error. Where Go
 *   only accepts JSON numbers, sc4it also accepts a `bigint` (and, for 64-bit fields, a decimal
 *   string) because `JSON.parse` cannot carry integers above 2^53 exactly; a JS number above
 *   2^53 is refused rather than hashed with lost precision.
 */
import { DecodeError, DeploymentError, canonicalGoCIDR, canonicalGoIP } from '@sc4it/types';
import { rfc3339ToUnix } from './rfc3339.ts';

/** A Go struct: its JSON field names in declaration order, with exact and folded lookups. */
export interface StructSpec {
  readonly names: readonly string[];
  /** Reads the fields by exact name, in `names` order (plain property reads are the fast path). */
  readonly read: (o: Record<string, unknown>) => unknown[];
  readonly exact: ReadonlyMap<string, number>;
  readonly folded: ReadonlyMap<string, number>;
}

export function struct(names: readonly string[], read: (o: Record<string, unknown>) => unknown[]): StructSpec {
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  names.forEach((n, i) => {
    exact.set(n, i);
    folded.set(fold(n)!, i);
  });
  return { names, read, exact, folded };
}

/** Go's `foldName` restricted to what can equal an ASCII field name; `null` if it cannot. */
function fold(key: string): string | null {
  let out = '';
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c < 0x80) out += String.fromCharCode(c >= 97 && c <= 122 ? c - 32 : c);
    else if (c === 0x212a) out += 'K';
    else if (c === 0x017f) out += 'S';
    else return null;
  }
  return out;
}

const NO_FIELDS: readonly unknown[] = [];

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

/** `base.name[index]`, built only when an error needs it. */
export function fieldPath(base: string, name: string, index = -1): string {
  const p = base === '' ? name : name === '' ? base : `${base}.${name}`;
  return index < 0 ? p : `${p}[${index}]`;
}

export function typeError(path: string, expected: string, v: unknown): DeploymentError {
  return new DeploymentError('deployment.wrong_type', `expected ${expected}, got ${describe(v)}`, { field: path });
}

/**
 * Decodes a JSON object into the fields of `spec` (by index). `null`/`undefined` give the zero
 * struct (every field `undefined`).
 */
export function fields(v: unknown, spec: StructSpec, path: string): readonly unknown[] {
  if (v === null || v === undefined) return NO_FIELDS;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(path, 'an object', v);
  const o = v as Record<string, unknown>;
  const out = spec.read(o);
  let present = 0;
  for (let i = 0; i < out.length; i++) if (out[i] !== undefined) present++;
  // Fast path: every key is an exact field name. Otherwise (unknown keys, or keys that only match
  // a field case-insensitively) decode key by key as Go does.
  let keys = 0;
  for (const k in o) {
    void k;
    keys++;
  }
  return keys === present ? out : slowFields(o, spec);
}

function slowFields(o: Record<string, unknown>, spec: StructSpec): unknown[] {
  const out = new Array<unknown>(spec.names.length);
  for (const k in o) {
    let idx = spec.exact.get(k);
    if (idx === undefined) {
      const f = fold(k);
      if (f === null) continue;
      idx = spec.folded.get(f);
      if (idx === undefined) continue;
    }
    out[idx] = o[k];
  }
  return out;
}

/** A JSON array as Go decodes it into a slice: `null`/`undefined` give an empty slice. */
export function list(v: unknown, base: string, name: string, index = -1): readonly unknown[] {
  if (v === null || v === undefined) return NO_FIELDS;
  if (!Array.isArray(v)) throw typeError(fieldPath(base, name, index), 'an array', v);
  return v;
}

/** Go `string` (and named string types). */
export function str(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  throw typeError(fieldPath(base, name, index), 'a string', v);
}

/** Go `bool`, rendered with `%t`. */
export function bool(v: unknown, base: string, name: string, index = -1): 'true' | 'false' {
  if (v === true) return 'true';
  if (v === false || v === null || v === undefined) return 'false';
  throw typeError(fieldPath(base, name, index), 'a boolean', v);
}

const U64_MAX = 0xffff_ffff_ffff_ffffn;
const PAD9 = ['000000000', '00000000', '0000000', '000000', '00000', '0000', '000', '00', '0', ''];

/**
 * Decimal text of a safe non-negative integer. V8 formats small integers from a cache but takes a
 * slow path for heap numbers (>= 2^31), which dominated the hash; two small halves are fast.
 */
export function decimal(n: number): string {
  if (n < 0x8000_0000) return String(n);
  const hi = Math.floor(n / 1e9);
  const lo = String(n - hi * 1e9);
  return String(hi) + PAD9[lo.length]! + lo;
}
const I64_MIN = -0x8000_0000_0000_0000n;
const I64_MAX = 0x7fff_ffff_ffff_ffffn;

function rangeError(path: string, what: string): DeploymentError {
  return new DeploymentError('deployment.out_of_range', `expected ${what}`, { field: path });
}

/** Go `uint8`/`uint16`/`uint32` (`max` = 2^n - 1), rendered with `%d`. */
export function uintSmall(v: unknown, max: number, base: string, name: string, index = -1): string {
  if (typeof v === 'number') {
    if (v > 0 && v <= max && Math.floor(v) === v) return decimal(v);
    if (v === 0 && !Object.is(v, -0)) return '0';
    throw rangeError(fieldPath(base, name, index), `an integer in 0..${max}`);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= BigInt(max)) return v.toString();
    throw rangeError(fieldPath(base, name, index), `an integer in 0..${max}`);
  }
  if (v === null || v === undefined) return '0';
  throw typeError(fieldPath(base, name, index), 'an integer', v);
}

const DECIMAL_U = /^(?:0|[1-9][0-9]*)$/;
const DECIMAL_I = /^-?(?:0|[1-9][0-9]*)$/;

function unsafe(path: string): DecodeError {
  return new DecodeError(
    'decode.unsafe_integer',
    'integer above 2^53 given as a JS number (precision lost); pass a bigint or a decimal string',
    { field: path },
  );
}

/** Go `uint64` / `uint` / `gridtypes.Unit`, rendered with `%d`. */
export function u64(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'number') {
    // Fast path: a safe non-negative integer (and not -0, which Go's ParseUint refuses).
    if (v > 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return decimal(v);
    if (v === 0 && !Object.is(v, -0)) return '0';
    if (!Number.isInteger(v) || v < 0 || Object.is(v, -0)) throw rangeError(fieldPath(base, name, index), 'an integer in 0..2^64-1');
    if (v >= 2 ** 64) throw rangeError(fieldPath(base, name, index), 'an integer in 0..2^64-1');
    throw unsafe(fieldPath(base, name, index));
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= U64_MAX) return v.toString();
    throw rangeError(fieldPath(base, name, index), 'an integer in 0..2^64-1');
  }
  if (typeof v === 'string') {
    if (DECIMAL_U.test(v) && (v.length < 20 || BigInt(v) <= U64_MAX)) return v;
    throw rangeError(fieldPath(base, name, index), 'an integer in 0..2^64-1 (decimal string)');
  }
  if (v === null || v === undefined) return '0';
  throw typeError(fieldPath(base, name, index), 'an integer', v);
}

/** Go `int64` given as a number, bigint or decimal string; `null` if `v` is another string. */
export function i64(v: unknown, base: string, name: string, index = -1): string | null {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw rangeError(fieldPath(base, name, index), 'an integer in -2^63..2^63-1');
    if (!Number.isSafeInteger(v)) {
      if (v >= 2 ** 63 || v < -(2 ** 63)) throw rangeError(fieldPath(base, name, index), 'an integer in -2^63..2^63-1');
      throw unsafe(fieldPath(base, name, index));
    }
    return v < 0 ? `-${decimal(-v)}` : decimal(v === 0 ? 0 : v);
  }
  if (typeof v === 'bigint') {
    if (v >= I64_MIN && v <= I64_MAX) return v.toString();
    throw rangeError(fieldPath(base, name, index), 'an integer in -2^63..2^63-1');
  }
  if (typeof v === 'string') {
    if (!DECIMAL_I.test(v)) return null;
    const b = BigInt(v);
    if (b < I64_MIN || b > I64_MAX) throw rangeError(fieldPath(base, name, index), 'an integer in -2^63..2^63-1');
    return b.toString();
  }
  if (v === null || v === undefined) return '0';
  throw typeError(fieldPath(base, name, index), 'an integer', v);
}

/**
 * zos `Bytes` / `EncryptionKey` (hex text, decoded with Go `hex.DecodeString`, either case, even
 * length), rendered with `%x`: lower-case hex.
 */
export function hexBytes(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'string') {
    const n = v.length;
    let upper = false;
    let ok = (n & 1) === 0;
    for (let i = 0; ok && i < n; i++) {
      const c = v.charCodeAt(i);
      if ((c >= 48 && c <= 57) || (c >= 97 && c <= 102)) continue;
      if (c >= 65 && c <= 70) upper = true;
      else ok = false;
    }
    if (ok) return upper ? v.toLowerCase() : v;
    throw new DeploymentError('deployment.invalid_hex', 'invalid hex string', { field: fieldPath(base, name, index), upstream: goHexError(v) });
  }
  if (v === null || v === undefined) return '';
  throw typeError(fieldPath(base, name, index), 'a hex string', v);
}


/** The error text of Go's `hex.DecodeString` for a string it rejects (first bad byte, else length). */
function goHexError(v: string): string {
  const bad = /[^0-9a-fA-F]/.exec(v);
  if (bad === null) return 'encoding/hex: odd length hex string';
  // Go reports the first offending byte as a rune (%#U): for non-ASCII text, the UTF-8 lead byte.
  const b = new TextEncoder().encode(bad[0])[0] ?? 0;
  return `encoding/hex: invalid byte: U+${b.toString(16).toUpperCase().padStart(4, '0')} '${String.fromCharCode(b)}'`;
}

/** Go `net.IP` (via `UnmarshalText` → `net.ParseIP`), rendered with `IP.String()`; empty is `<nil>`. */
export function ip(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'string') {
    if (v === '') return '<nil>';
    const out = canonicalGoIP(v);
    if (out !== null) return out;
    throw new DeploymentError('deployment.invalid_ip', 'invalid IP address', { field: fieldPath(base, name, index), upstream: `invalid IP address: ${v}` });
  }
  if (v === null || v === undefined) return '<nil>';
  throw typeError(fieldPath(base, name, index), 'an IP address string', v);
}

/**
 * `gridtypes.IPNet` (via `net.ParseCIDR`, host bits kept), rendered with `IPNet.String()`;
 * empty is `<nil>`.
 */
export function cidr(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'string') {
    if (v === '') return '<nil>';
    const out = canonicalGoCIDR(v);
    if (out !== null) return out;
    throw new DeploymentError('deployment.invalid_cidr', 'invalid CIDR address', { field: fieldPath(base, name, index), upstream: `invalid CIDR address: ${v}` });
  }
  if (v === null || v === undefined) return '<nil>';
  throw typeError(fieldPath(base, name, index), 'a CIDR string', v);
}

/**
 * `gridtypes.Timestamp` (int64 unix seconds; Go also accepts an RFC 3339 date string and turns it
 * into unix seconds), rendered with `%d`.
 */
export function timestamp(v: unknown, base: string, name: string, index = -1): string {
  if (typeof v === 'boolean' || (typeof v === 'object' && v !== null)) {
    throw typeError(fieldPath(base, name, index), 'a timestamp (integer or RFC 3339 string)', v);
  }
  const n = i64(v, base, name, index);
  if (n !== null) return n;
  const t = rfc3339ToUnix(v as string);
  if (t !== null) return t;
  throw new DeploymentError('deployment.invalid_timestamp', 'expected unix seconds or an RFC 3339 date', {
    field: fieldPath(base, name, index),
    upstream: 'unknown timestamp format, expecting a timestamp or an ISO-8601 date',
  });
}
