/**
 * A schema-driven decoder that reads a {@link JsonTree} the way Go's `encoding/json` fills a
 * struct (zosbase decodes deployments with it), so that what sc4it accepts and rejects matches
 * the node:
 * - keys match a field exactly or, failing that, case-insensitively (Go `bytes.EqualFold`, where
 *   `ſ` folds to `s` and the Kelvin sign to `k`); the last matching key wins; unknown keys are
 *   ignored;
 * - `null` leaves a value, string, bool or struct untouched and clears a slice, map or pointer;
 * - a repeated object key decodes into the existing struct / map (Go merges);
 * - integers must be integer literals (`1e3`, `1.0`, `-0` are refused for unsigned fields) within
 *   the Go type's range; a wrong JSON kind is a type error.
 *
 * Errors carry Go's text (`json: cannot unmarshal … into Go struct field S.path of type T`) in
 * `upstream`. One deliberate leniency: 64-bit integer fields also accept a decimal string (and a
 * bigint in object input), because JavaScript callers cannot write such numbers otherwise; the
 * node itself would refuse a quoted number, and `formatDeployment` always writes bare numbers.
 */
import { DeploymentError } from './errors.ts';
import type { JsonTree } from './json-tree.ts';
import { parseGoCIDR, parseGoIP } from './go-net.ts';

export type Kind =
  | { k: 'uint'; bits: 8 | 16 | 32; go: string }
  | { k: 'u64'; go: string }
  | { k: 'ts' }
  | { k: 'str'; go: string }
  | { k: 'bool' }
  | { k: 'ip' }
  | { k: 'cidr' }
  | { k: 'hex'; go: string }
  | { k: 'struct'; s: StructSchema }
  | { k: 'ptr'; s: StructSchema }
  | { k: 'optstr'; go: string }
  | { k: 'array'; of: Kind; go: string }
  | { k: 'map' }
  | { k: 'raw' };

export interface FieldSchema {
  /** the Go JSON name (tag, or Go field name when there is no tag) */
  json: string;
  /** the property in sc4it's typed object */
  prop: string;
  kind: Kind;
}

export interface StructSchema {
  /** Go type name, e.g. `zos.ZMachine` */
  go: string;
  fields: FieldSchema[];
}

/** Where we are, for error messages: Go's innermost struct and field stack, and a JS path. */
interface Ctx {
  goStruct: string | null;
  goFields: string[];
  path: string;
  /** prefix for upstream texts, e.g. `failed to load data into object of type '*zos.ZMount': ` */
  upstreamPrefix: string;
}

export function rootCtx(path: string, upstreamPrefix = ''): Ctx {
  return { goStruct: null, goFields: [], path, upstreamPrefix };
}

function goTypeOf(kind: Kind): string {
  switch (kind.k) {
    case 'uint':
    case 'u64':
    case 'str':
    case 'hex':
    case 'array':
      return kind.go;
    case 'optstr':
      return kind.go;
    case 'ts':
      return 'gridtypes.Timestamp';
    case 'bool':
      return 'bool';
    case 'ip':
      return 'net.IP';
    case 'cidr':
      return 'gridtypes.IPNet';
    case 'struct':
    case 'ptr':
      return kind.s.go;
    case 'map':
      return 'map[string]string';
    case 'raw':
      return 'json.RawMessage';
  }
}

function typeError(ctx: Ctx, value: string, goType: string, code: 'deployment.wrong_type' | 'deployment.out_of_range'): never {
  const where =
    ctx.goStruct !== null || ctx.goFields.length > 0
      ? `Go struct field ${ctx.goStruct ?? ''}.${ctx.goFields.join('.')}`
      : 'Go value';
  const upstream = `${ctx.upstreamPrefix}json: cannot unmarshal ${value} into ${where} of type ${goType}`;
  const what = code === 'deployment.out_of_range' ? `${value} does not fit ${goType}` : `expected ${goType}, got ${value}`;
  throw new DeploymentError(code, `invalid deployment: ${what}`, { field: ctx.path, upstream });
}

export function hardError(ctx: Ctx, code: `deployment.${string}`, short: string, upstream: string | undefined): never {
  throw new DeploymentError(code, `invalid deployment: ${short}`, {
    field: ctx.path,
    ...(upstream === undefined ? {} : { upstream: `${ctx.upstreamPrefix}${upstream}` }),
  });
}

function kindName(t: JsonTree): string {
  switch (t.kind) {
    case 'null':
      return 'null';
    case 'bool':
      return 'bool';
    case 'number':
      return 'number';
    case 'string':
      return 'string';
    case 'array':
      return 'array';
    case 'object':
      return 'object';
  }
}

const U64_MAX = (1n << 64n) - 1n;
const I64_MIN = -(1n << 63n);
const I64_MAX = (1n << 63n) - 1n;

/** Go `bytes.EqualFold` restricted to our ASCII field names. */
function foldKey(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\u017f') out += 'S';
    else if (ch === '\u212a') out += 'K';
    else if (ch.charCodeAt(0) < 0x80) out += ch.toUpperCase();
    else out += ch; // cannot fold to ASCII: never matches an ASCII name
  }
  return out;
}

function findField(s: StructSchema, key: string): FieldSchema | undefined {
  for (const f of s.fields) if (f.json === key) return f;
  const fk = foldKey(key);
  for (const f of s.fields) if (foldKey(f.json) === fk) return f;
  return undefined;
}

export function zeroOf(kind: Kind): unknown {
  switch (kind.k) {
    case 'uint':
      return 0;
    case 'u64':
    case 'ts':
      return 0n;
    case 'str':
    case 'ip':
    case 'cidr':
    case 'hex':
      return '';
    case 'bool':
      return false;
    case 'struct':
      return zeroStruct(kind.s);
    case 'ptr':
    case 'optstr':
    case 'raw':
      return undefined;
    case 'array':
      return [];
    case 'map':
      return {};
  }
}

export function zeroStruct(s: StructSchema): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of s.fields) {
    const z = zeroOf(f.kind);
    if (z !== undefined) o[f.prop] = z;
  }
  return o;
}

/** Decodes `t` into a struct (merging into `into` when given, as Go does). */
export function decodeStruct(t: JsonTree, s: StructSchema, ctx: Ctx, into?: Record<string, unknown>): Record<string, unknown> {
  const obj = into ?? zeroStruct(s);
  if (t.kind === 'null') return obj;
  if (t.kind !== 'object') typeError(ctx, kindName(t), s.go, 'deployment.wrong_type');
  for (const [key, v] of t.entries) {
    const f = findField(s, key);
    if (f === undefined) continue;
    const sub: Ctx = {
      goStruct: s.go.replace(/^[a-z]+\./, ''),
      goFields: [...ctx.goFields, f.json],
      path: `${ctx.path}${ctx.path === '' ? '' : '.'}${f.prop}`,
      upstreamPrefix: ctx.upstreamPrefix,
    };
    const cur = obj[f.prop];
    const next = decodeValue(v, f.kind, sub, cur);
    if (next === undefined) delete obj[f.prop];
    else obj[f.prop] = next;
  }
  return obj;
}

function integer(t: JsonTree, kind: Kind & { k: 'uint' | 'u64' }, ctx: Ctx): bigint {
  const go = goTypeOf(kind);
  let text: string;
  if (t.kind === 'number') text = t.text;
  else if (t.kind === 'string' && kind.k === 'u64' && /^[0-9]+$/.test(t.value)) text = t.value; // leniency
  else return typeError(ctx, kindName(t), go, 'deployment.wrong_type');
  if (!/^[0-9]+$/.test(text)) typeError(ctx, `number ${text}`, go, 'deployment.out_of_range');
  const v = BigInt(text);
  const max = kind.k === 'u64' ? U64_MAX : (1n << BigInt(kind.bits)) - 1n;
  if (v > max) typeError(ctx, `number ${text}`, go, 'deployment.out_of_range');
  return v;
}

const TS_ERROR = 'unknown timestamp format, expecting a timestamp or an ISO-8601 date';

function daysIn(month: number, year: number): number {
  if (month === 2) return (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0)) ? 29 : 28;
  return [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
}

/** Go `time.Time.UnmarshalJSON` (strict RFC 3339) → unix seconds, or null. */
function rfc3339ToUnix(s: string): bigint | null {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})$/.exec(s);
  if (m === null) return null;
  const [year, month, day, hour, min, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || min > 59 || sec > 59) return null;
  let offset = 0;
  const z = m[8]!;
  if (z !== 'Z') {
    const hh = Number(z.slice(1, 3));
    const mm = Number(z.slice(4, 6));
    if (hh > 23 || mm > 59) return null;
    offset = (hh * 60 + mm) * 60 * (z[0] === '-' ? -1 : 1);
  }
  const d = daysFromCivil(year, month, day);
  return d * 86_400n + BigInt(hour * 3600 + min * 60 + sec - offset);
}

/** Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm). */
function daysFromCivil(y0: number, m: number, d: number): bigint {
  const y = m <= 2 ? y0 - 1 : y0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return BigInt(era * 146097 + doe - 719468);
}

function timestamp(t: JsonTree, ctx: Ctx): bigint {
  if (t.kind === 'null') return 0n;
  if (t.kind === 'number' && /^-?[0-9]+$/.test(t.text)) {
    const v = BigInt(t.text);
    if (v >= I64_MIN && v <= I64_MAX) return v;
  }
  if (t.kind === 'string') {
    if (/^-?[0-9]+$/.test(t.value)) {
      // leniency for JS callers (see header); the node refuses a quoted number
      const v = BigInt(t.value);
      if (v >= I64_MIN && v <= I64_MAX) return v;
    }
    const v = rfc3339ToUnix(t.value);
    if (v !== null) return v;
  }
  return hardError(ctx, 'deployment.invalid_timestamp', 'invalid timestamp', TS_ERROR);
}

/** Go `hex.DecodeString` validation; returns the error text or null. */
export function goHexError(s: string): string | null {
  const b = new TextEncoder().encode(s);
  const isHex = (c: number): boolean => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
  const invalid = (c: number): string => {
    const printable = (c >= 0x20 && c <= 0x7e) || (c >= 0xa1 && c !== 0xad);
    const u = `U+${c.toString(16).toUpperCase().padStart(4, '0')}`;
    return `encoding/hex: invalid byte: ${printable ? `${u} '${c === 0x27 ? "\\'" : String.fromCharCode(c)}'` : u}`;
  };
  let i = 1;
  for (; i < b.length; i += 2) {
    if (!isHex(b[i - 1]!)) return invalid(b[i - 1]!);
    if (!isHex(b[i]!)) return invalid(b[i]!);
  }
  if (b.length % 2 === 1) {
    if (!isHex(b[b.length - 1]!)) return invalid(b[b.length - 1]!);
    return 'encoding/hex: odd length hex string';
  }
  return null;
}

/** Byte length of a hex string already checked by {@link goHexError}. */
export function hexLength(s: string): number {
  return s.length / 2;
}

export function decodeValue(t: JsonTree, kind: Kind, ctx: Ctx, cur: unknown): unknown {
  switch (kind.k) {
    case 'uint':
      if (t.kind === 'null') return cur;
      return Number(integer(t, kind, ctx));
    case 'u64':
      if (t.kind === 'null') return cur;
      return integer(t, kind, ctx);
    case 'ts':
      return timestamp(t, ctx);
    case 'str':
      if (t.kind === 'null') return cur;
      if (t.kind !== 'string') typeError(ctx, kindName(t), kind.go, 'deployment.wrong_type');
      return t.value;
    case 'optstr':
      if (t.kind === 'null') return undefined;
      if (t.kind !== 'string') typeError(ctx, kindName(t), kind.go, 'deployment.wrong_type');
      return t.value;
    case 'bool':
      if (t.kind === 'null') return cur;
      if (t.kind !== 'bool') typeError(ctx, kindName(t), 'bool', 'deployment.wrong_type');
      return t.value;
    case 'ip':
      if (t.kind === 'null') return '';
      if (t.kind !== 'string') typeError(ctx, kindName(t), 'net.IP', 'deployment.wrong_type');
      if (t.value !== '' && parseGoIP(t.value) === null) {
        hardError(ctx, 'deployment.invalid_ip', `invalid IP address ${JSON.stringify(t.value)}`, `invalid IP address: ${t.value}`);
      }
      return t.value;
    case 'cidr':
      if (t.kind === 'null') return cur;
      if (t.kind !== 'string') typeError(ctx, kindName(t), 'gridtypes.IPNet', 'deployment.wrong_type');
      if (t.value !== '' && parseGoCIDR(t.value) === null) {
        hardError(ctx, 'deployment.invalid_cidr', `invalid CIDR ${JSON.stringify(t.value)}`, `invalid CIDR address: ${t.value}`);
      }
      return t.value;
    case 'hex': {
      if (t.kind === 'null') return '';
      if (t.kind !== 'string') typeError(ctx, kindName(t), kind.go, 'deployment.wrong_type');
      const err = goHexError(t.value);
      if (err !== null) hardError(ctx, 'deployment.invalid_hex', 'invalid hex', err);
      return t.value;
    }
    case 'struct':
      return decodeStruct(t, kind.s, ctx, cur as Record<string, unknown>);
    case 'ptr':
      if (t.kind === 'null') return undefined;
      return decodeStruct(t, kind.s, ctx, cur as Record<string, unknown> | undefined);
    case 'array': {
      if (t.kind === 'null') return [];
      if (t.kind !== 'array') typeError(ctx, kindName(t), kind.go, 'deployment.wrong_type');
      return t.items.map((item, i) => decodeValue(item, kind.of, { ...ctx, path: `${ctx.path}[${i}]` }, zeroOf(kind.of)));
    }
    case 'map': {
      if (t.kind === 'null') return {};
      if (t.kind !== 'object') typeError(ctx, kindName(t), 'map[string]string', 'deployment.wrong_type');
      const out = (cur as Record<string, string> | undefined) ?? {};
      for (const [k, v] of t.entries) {
        const sub = { ...ctx, path: `${ctx.path}[${JSON.stringify(k)}]` };
        let val = '';
        if (v.kind === 'string') val = v.value;
        else if (v.kind !== 'null') typeError(sub, kindName(v), 'string', 'deployment.wrong_type');
        Object.defineProperty(out, k, { value: val, enumerable: true, writable: true, configurable: true });
      }
      return out;
    }
    case 'raw':
      return t;
  }
}
