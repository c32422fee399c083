import { bytesToHex, hexToBytes } from './bytes.ts';
import { DecodeError } from './errors.ts';

/** `out[k] = v` that keeps a `__proto__` key as an own property instead of swapping the prototype. */
function setOwn(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__') Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  else out[k] = v;
}

/**
 * JSON that carries `bigint` and `Uint8Array` across the wire (JSON-RPC, state files).
 * A bigint becomes `{"$bigint":"<decimal>"}` and bytes become `{"$bytes":"<hex>"}`: tagged
 * objects cannot collide with user strings the way a `"123n"` convention would.
 */
export function toJsonValue(value: unknown): unknown {
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  if (value instanceof Uint8Array) return { $bytes: bytesToHex(value) };
  if (Array.isArray(value)) return value.map(toJsonValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) setOwn(out, k, toJsonValue(v));
    return out;
  }
  return value;
}

/** Inverse of {@link toJsonValue}. */
export function fromJsonValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromJsonValue);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    if (keys.length === 1 && keys[0] === '$bigint') {
      const s = obj['$bigint'];
      if (typeof s !== 'string' || !/^-?\d+$/.test(s)) {
        throw new DecodeError('decode.json', 'invalid $bigint value');
      }
      return BigInt(s);
    }
    if (keys.length === 1 && keys[0] === '$bytes') {
      const s = obj['$bytes'];
      if (typeof s !== 'string') throw new DecodeError('decode.json', 'invalid $bytes value');
      return hexToBytes(s, '$bytes');
    }
    const out: Record<string, unknown> = {};
    for (const k of keys) setOwn(out, k, fromJsonValue(obj[k]));
    return out;
  }
  return value;
}

/** `JSON.stringify` with bigint and bytes support. */
export function encodeJson(value: unknown, space?: number): string {
  return JSON.stringify(toJsonValue(value), null, space);
}

/** `JSON.parse` with bigint and bytes support; throws {@link DecodeError} `decode.json`. */
export function decodeJson(text: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (cause) {
    throw new DecodeError('decode.json', 'malformed JSON', { cause });
  }
  return fromJsonValue(parsed);
}

/**
 * Deterministic JSON (keys sorted by code unit, no whitespace) with bigint and bytes support:
 * the byte form that chain calls are signed over.
 */
export function canonicalJson(value: unknown): string {
  const v = toJsonValue(value);
  const walk = (x: unknown): string => {
    if (Array.isArray(x)) return `[${x.map(walk).join(',')}]`;
    if (x !== null && typeof x === 'object') {
      const obj = x as Record<string, unknown>;
      const keys = Object.keys(obj).sort();
      return `{${keys.map((k) => `${JSON.stringify(k)}:${walk(obj[k])}`).join(',')}}`;
    }
    return JSON.stringify(x);
  };
  return walk(v);
}
