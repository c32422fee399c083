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
import { DecodeError, DeploymentError, type Sc4itError, canonicalGoCIDR, canonicalGoIP } from '@sc4it/types';
import { rfc3339ToUnix } from './rfc3339.ts';

// ---- errors with lazily built field paths ----------------------------------------------------

/**
 * A decoding failure on its way up. Leaves know only their own field name; each enclosing struct
 * adds its segment in a `catch` as the failure passes, so a path string is only ever built for
 * an error (none per field read). {@link Fail.toError} makes the public typed error.
 */
export class Fail {
  /** Path segments, innermost first: a name, or an index (`[i]`). */
  readonly segs: (string | number)[] = [];
  private readonly make: (field: string) => Sc4itError;

  constructor(make: (field: string) => Sc4itError, name: string, index = -1) {
    this.make = make;
    if (index >= 0) this.segs.push(index);
    this.segs.push(name);
  }

  /** The typed error, with the path as `workloads[1].data.size` (empty names are skipped). */
  toError(): Sc4itError {
    let path = '';
    for (let i = this.segs.length - 1; i >= 0; i--) {
      const s = this.segs[i]!;
      if (typeof s === 'number') path += `[${s}]`;
      else if (s !== '') path = path === '' ? s : `${path}.${s}`;
    }
    return this.make(path);
  }
}

/** Adds the segment `name[index]` to a {@link Fail} passing through a struct; returns it. */
export function at(e: unknown, name: string, index = -1): unknown {
  if (e instanceof Fail) {
    if (index >= 0) e.segs.push(index);
    e.segs.push(name);
  }
  return e;
}

export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

export function typeFail(name: string, expected: string, v: unknown, index = -1): Fail {
  const msg = `expected ${expected}, got ${describe(v)}`;
  return new Fail((field) => new DeploymentError('deployment.wrong_type', msg, { field }), name, index);
}

function rangeFail(name: string, index: number, what: string): Fail {
  return new Fail((field) => new DeploymentError('deployment.out_of_range', `expected ${what}`, { field }), name, index);
}

function unsafeFail(name: string, index: number): Fail {
  return new Fail(
    (field) =>
      new DecodeError(
        'decode.unsafe_integer',
        'integer above 2^53 given as a JS number (precision lost); pass a bigint or a decimal string',
        { field },
      ),
    name,
    index,
  );
}

// ---- structs ----------------------------------------------------------------------------------

export type Rec = Record<string, unknown>;

/** A Go struct: its JSON field names, with exact and case-folded lookups for the slow path. */
export interface StructSpec {
  readonly names: readonly string[];
  readonly exact: ReadonlyMap<string, number>;
  readonly folded: ReadonlyMap<string, number>;
}

export function struct(names: readonly string[]): StructSpec {
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  names.forEach((n, i) => {
    exact.set(n, i);
    folded.set(fold(n)!, i);
  });
  return { names, exact, folded };
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

/** The zero struct: every field reads `undefined`. */
const EMPTY: Rec = Object.freeze({});

/**
 * A JSON object decoded into a struct: `null`/`undefined` give the zero struct, anything but an
 * object is an error. The fields are then read by exact name, after {@link exact}.
 */
export function obj(v: unknown): Rec {
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Rec;
  if (v === null || v === undefined) return EMPTY;
  throw typeFail('', 'an object', v);
}

/** 1 when a field was read, for the key count of {@link exact}. */
export function has(v: unknown): number {
  return v === undefined ? 0 : 1;
}

/**
 * The fast path of Go's field matching: when `o` has exactly `present` keys, where `present`
 * counts the struct's fields read by exact name, every key is an exact field name and `o` is
 * used as it is (no allocation). Otherwise (unknown keys, or keys that match a field only
 * case-insensitively) the object is decoded key by key as Go does, into a fresh object with the
 * exact names.
 */
export function exact(o: Rec, present: number, spec: StructSpec): Rec {
  let keys = 0;
  for (const k in o) {
    void k;
    keys++;
  }
  return keys === present ? o : slowFields(o, spec);
}

/** Go's decoding of an object's keys into a struct: case-insensitive, the last match wins. */
export function slowFields(o: Rec, spec: StructSpec): Rec {
  const out = Object.create(null) as Rec;
  for (const k in o) {
    let idx = spec.exact.get(k);
    if (idx === undefined) {
      const f = fold(k);
      if (f === null) continue;
      idx = spec.folded.get(f);
      if (idx === undefined) continue;
    }
    out[spec.names[idx]!] = o[k];
  }
  return out;
}

const NO_ITEMS: readonly unknown[] = [];

/** A JSON array as Go decodes it into a slice: `null`/`undefined` give an empty slice. */
export function list(v: unknown, name: string): readonly unknown[] {
  if (Array.isArray(v)) return v;
  if (v === null || v === undefined) return NO_ITEMS;
  throw typeFail(name, 'an array', v);
}

// ---- strings ----------------------------------------------------------------------------------

/**
 * Set while a deployment is re-read because its text holds UTF-16 surrogates: then every string
 * is made well-formed on its own (a lone surrogate becomes U+FFFD, as Go decodes each JSON
 * string), so joined fragments can never pair halves from different strings. Only set for the
 * duration of one synchronous call.
 */
let careful = false;

export function setCareful(on: boolean): void {
  careful = on;
}

/** Go `string` (and named string types). */
export function str(v: unknown, name: string, index = -1): string {
  if (typeof v === 'string') return careful ? wellFormed(v) : v;
  if (v === null || v === undefined) return '';
  throw typeFail(name, 'a string', v, index);
}

/** `str` without the surrogate treatment, for values that are checked, not written. */
export function rawStr(v: unknown, name: string): string {
  if (typeof v === 'string') return v;
  if (v === null || v === undefined) return '';
  throw typeFail(name, 'a string', v);
}

export function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

/** `s` with every lone surrogate replaced by U+FFFD (what Go's JSON decoder makes of it). */
export function wellFormed(s: string): string {
  if (!hasSurrogate(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i]!;
    }
  }
  return out;
}

/** Go `bool`, rendered with `%t`. */
export function bool(v: unknown, name: string): 'true' | 'false' {
  if (v === true) return 'true';
  if (v === false || v === null || v === undefined) return 'false';
  throw typeFail(name, 'a boolean', v);
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


/** Go `uint8`/`uint16`/`uint32` (`max` = 2^n - 1), rendered with `%d`. */
export function uintSmall(v: unknown, max: number, name: string): string {
  if (typeof v === 'number') {
    if (v > 0 && v <= max && Math.floor(v) === v) return decimal(v);
    if (v === 0 && !Object.is(v, -0)) return '0';
    throw rangeFail(name, -1, `an integer in 0..${max}`);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= BigInt(max)) return v.toString();
    throw rangeFail(name, -1, `an integer in 0..${max}`);
  }
  if (v === null || v === undefined) return '0';
  throw typeFail(name, 'an integer', v);
}

const DECIMAL_U = /^(?:0|[1-9][0-9]*)$/;
const DECIMAL_I = /^-?(?:0|[1-9][0-9]*)$/;

/** Go `uint64` / `uint` / `gridtypes.Unit`, rendered with `%d`. */
export function u64(v: unknown, name: string): string {
  if (typeof v === 'number') {
    // Fast path: a safe non-negative integer (and not -0, which Go's ParseUint refuses).
    if (v > 0 && v <= Number.MAX_SAFE_INTEGER && Math.floor(v) === v) return decimal(v);
    if (v === 0 && !Object.is(v, -0)) return '0';
    if (!Number.isInteger(v) || v < 0 || Object.is(v, -0)) throw rangeFail(name, -1, 'an integer in 0..2^64-1');
    if (v >= 2 ** 64) throw rangeFail(name, -1, 'an integer in 0..2^64-1');
    throw unsafeFail(name, -1);
  }
  if (typeof v === 'bigint') {
    if (v >= 0n && v <= U64_MAX) return v.toString();
    throw rangeFail(name, -1, 'an integer in 0..2^64-1');
  }
  if (typeof v === 'string') {
    if (DECIMAL_U.test(v) && (v.length < 20 || BigInt(v) <= U64_MAX)) return v;
    throw rangeFail(name, -1, 'an integer in 0..2^64-1 (decimal string)');
  }
  if (v === null || v === undefined) return '0';
  throw typeFail(name, 'an integer', v);
}

/** Go `int64` given as a number, bigint or decimal string; `null` if `v` is another string. */
export function i64(v: unknown, name: string): string | null {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) throw rangeFail(name, -1, 'an integer in -2^63..2^63-1');
    if (!Number.isSafeInteger(v)) {
      if (v >= 2 ** 63 || v < -(2 ** 63)) throw rangeFail(name, -1, 'an integer in -2^63..2^63-1');
      throw unsafeFail(name, -1);
    }
    return v < 0 ? `-${decimal(-v)}` : decimal(v === 0 ? 0 : v);
  }
  if (typeof v === 'bigint') {
    if (v >= I64_MIN && v <= I64_MAX) return v.toString();
    throw rangeFail(name, -1, 'an integer in -2^63..2^63-1');
  }
  if (typeof v === 'string') {
    if (!DECIMAL_I.test(v)) return null;
    const b = BigInt(v);
    if (b < I64_MIN || b > I64_MAX) throw rangeFail(name, -1, 'an integer in -2^63..2^63-1');
    return b.toString();
  }
  if (v === null || v === undefined) return '0';
  throw typeFail(name, 'an integer', v);
}

const HEX_LOWER = /^(?:[0-9a-f]{2})*$/;
const HEX_ANY = /^(?:[0-9a-fA-F]{2})*$/;

/**
 * zos `Bytes` / `EncryptionKey` (hex text, decoded with Go `hex.DecodeString`, either case, even
 * length), rendered with `%x`: lower-case hex.
 */
export function hexBytes(v: unknown, name: string): string {
  if (typeof v === 'string') {
    // Native regex scans beat a charCodeAt loop about 2x on 64-character keys.
    if (HEX_LOWER.test(v)) return v;
    if (HEX_ANY.test(v)) return v.toLowerCase();
    const upstream = goHexError(v);
    throw new Fail((field) => new DeploymentError('deployment.invalid_hex', 'invalid hex string', { field, upstream }), name);
  }
  if (v === null || v === undefined) return '';
  throw typeFail(name, 'a hex string', v);
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
export function ip(v: unknown, name: string): string {
  if (typeof v === 'string') {
    if (v === '') return '<nil>';
    const out = canonicalGoIP(v);
    if (out !== null) return out;
    const upstream = `invalid IP address: ${v}`;
    throw new Fail((field) => new DeploymentError('deployment.invalid_ip', 'invalid IP address', { field, upstream }), name);
  }
  if (v === null || v === undefined) return '<nil>';
  throw typeFail(name, 'an IP address string', v);
}

/**
 * `gridtypes.IPNet` (via `net.ParseCIDR`, host bits kept), rendered with `IPNet.String()`;
 * empty is `<nil>`.
 */
export function cidr(v: unknown, name: string, index = -1): string {
  if (typeof v === 'string') {
    if (v === '') return '<nil>';
    const out = canonicalGoCIDR(v);
    if (out !== null) return out;
    const upstream = `invalid CIDR address: ${v}`;
    throw new Fail((field) => new DeploymentError('deployment.invalid_cidr', 'invalid CIDR address', { field, upstream }), name, index);
  }
  if (v === null || v === undefined) return '<nil>';
  throw typeFail(name, 'a CIDR string', v, index);
}

/**
 * `gridtypes.Timestamp` (int64 unix seconds; Go also accepts an RFC 3339 date string and turns it
 * into unix seconds), rendered with `%d`.
 */
export function timestamp(v: unknown, name: string): string {
  if (typeof v === 'boolean' || (typeof v === 'object' && v !== null)) {
    throw typeFail(name, 'a timestamp (integer or RFC 3339 string)', v);
  }
  const n = i64(v, name);
  if (n !== null) return n;
  const t = rfc3339ToUnix(v as string);
  if (t !== null) return t;
  throw new Fail(
    (field) =>
      new DeploymentError('deployment.invalid_timestamp', 'expected unix seconds or an RFC 3339 date', {
        field,
        upstream: 'unknown timestamp format, expecting a timestamp or an ISO-8601 date',
      }),
    name,
  );
}
