/**
 * A lossless JSON tree for decoders that must see what Go's `encoding/json` sees:
 * - numbers keep their literal text, so `18446744073709551615` is not rounded to 2^64;
 * - objects keep every entry in order, duplicates included (Go: the last matching key wins);
 * - lone UTF-16 surrogates written as `\uD800` escapes become U+FFFD, as Go decodes them.
 *
 * `parseJsonTree` reads JSON text; `jsonTreeFromValue` wraps a JS value (from `JSON.parse` or
 * built in code, bigint allowed) into the same shape, so one decoder serves both inputs.
 */
import { DecodeError } from './errors.ts';

export type JsonTree =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'array'; items: JsonTree[] }
  | { kind: 'object'; entries: [string, JsonTree][] };

/** Nesting limit; deeper input is refused instead of exhausting the stack. */
export const JSON_MAX_DEPTH = 512;

const NUMBER_RE = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function fail(pos: number, what: string): never {
  throw new DecodeError('decode.json', `invalid JSON: ${what} at offset ${pos}`);
}

/** Parses JSON text (RFC 8259; one value, surrounding whitespace allowed). */
export function parseJsonTree(text: string): JsonTree {
  if (typeof text !== 'string') throw new DecodeError('decode.json', 'invalid JSON: expected a string');
  let pos = 0;
  const n = text.length;

  const ws = (): void => {
    while (pos < n) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else break;
    }
  };

  const str = (): string => {
    // at the opening quote
    pos++;
    let out = '';
    let start = pos;
    for (;;) {
      if (pos >= n) fail(pos, 'unterminated string');
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(start, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail(pos, 'control character in string');
      if (c === 0x5c) {
        out += text.slice(start, pos);
        pos++;
        const e = text.charCodeAt(pos);
        switch (e) {
          case 0x22: out += '"'; pos++; break;
          case 0x5c: out += '\\'; pos++; break;
          case 0x2f: out += '/'; pos++; break;
          case 0x62: out += '\b'; pos++; break;
          case 0x66: out += '\f'; pos++; break;
          case 0x6e: out += '\n'; pos++; break;
          case 0x72: out += '\r'; pos++; break;
          case 0x74: out += '\t'; pos++; break;
          case 0x75: {
            const u = hex4(pos + 1);
            pos += 5;
            if (u >= 0xd800 && u < 0xdc00) {
              // a high surrogate must be followed by an escaped low surrogate
              if (text.charCodeAt(pos) === 0x5c && text.charCodeAt(pos + 1) === 0x75) {
                const lo = hex4(pos + 2);
                if (lo >= 0xdc00 && lo < 0xe000) {
                  out += String.fromCharCode(u, lo);
                  pos += 6;
                  break;
                }
              }
              out += '\ufffd';
            } else if (u >= 0xdc00 && u < 0xe000) {
              out += '\ufffd';
            } else {
              out += String.fromCharCode(u);
            }
            break;
          }
          default:
            fail(pos, 'invalid escape');
        }
        start = pos;
        continue;
      }
      if (c >= 0xd800 && c < 0xe000) {
        // raw lone surrogates cannot come from UTF-8 text; treat them as Go treats bad UTF-8
        const isPair = c < 0xdc00 && pos + 1 < n && (text.charCodeAt(pos + 1) & 0xfc00) === 0xdc00;
        if (isPair) {
          pos += 2;
          continue;
        }
        out += text.slice(start, pos) + '\ufffd';
        pos++;
        start = pos;
        continue;
      }
      pos++;
    }
  };

  const hex4 = (at: number): number => {
    let v = 0;
    for (let i = 0; i < 4; i++) {
      const c = text.charCodeAt(at + i);
      let d: number;
      if (c >= 0x30 && c <= 0x39) d = c - 0x30;
      else if (c >= 0x61 && c <= 0x66) d = c - 0x57;
      else if (c >= 0x41 && c <= 0x46) d = c - 0x37;
      else return fail(at + i, 'invalid \\u escape');
      v = v * 16 + d;
    }
    return v;
  };

  const value = (depth: number): JsonTree => {
    if (depth > JSON_MAX_DEPTH) fail(pos, 'nesting too deep');
    ws();
    if (pos >= n) fail(pos, 'unexpected end of input');
    const c = text.charCodeAt(pos);
    if (c === 0x7b) {
      pos++;
      const entries: [string, JsonTree][] = [];
      ws();
      if (text.charCodeAt(pos) === 0x7d) {
        pos++;
        return { kind: 'object', entries };
      }
      for (;;) {
        ws();
        if (text.charCodeAt(pos) !== 0x22) fail(pos, 'expected a string key');
        const k = str();
        ws();
        if (text.charCodeAt(pos) !== 0x3a) fail(pos, "expected ':'");
        pos++;
        entries.push([k, value(depth + 1)]);
        ws();
        const d = text.charCodeAt(pos);
        if (d === 0x2c) {
          pos++;
          continue;
        }
        if (d === 0x7d) {
          pos++;
          return { kind: 'object', entries };
        }
        fail(pos, "expected ',' or '}'");
      }
    }
    if (c === 0x5b) {
      pos++;
      const items: JsonTree[] = [];
      ws();
      if (text.charCodeAt(pos) === 0x5d) {
        pos++;
        return { kind: 'array', items };
      }
      for (;;) {
        items.push(value(depth + 1));
        ws();
        const d = text.charCodeAt(pos);
        if (d === 0x2c) {
          pos++;
          continue;
        }
        if (d === 0x5d) {
          pos++;
          return { kind: 'array', items };
        }
        fail(pos, "expected ',' or ']'");
      }
    }
    if (c === 0x22) return { kind: 'string', value: str() };
    if (text.startsWith('true', pos)) {
      pos += 4;
      return { kind: 'bool', value: true };
    }
    if (text.startsWith('false', pos)) {
      pos += 5;
      return { kind: 'bool', value: false };
    }
    if (text.startsWith('null', pos)) {
      pos += 4;
      return { kind: 'null' };
    }
    NUMBER_RE.lastIndex = pos;
    const m = NUMBER_RE.exec(text);
    if (m === null) fail(pos, 'unexpected character');
    pos += m[0].length;
    return { kind: 'number', text: m[0] };
  };

  const root = value(0);
  ws();
  if (pos !== n) fail(pos, 'trailing characters');
  return root;
}

/**
 * Wraps a JS value into a {@link JsonTree}. `undefined` object members are skipped (as
 * `JSON.stringify` does); a bigint becomes its decimal literal; a finite number its shortest
 * decimal text (integers never in exponent form). Anything JSON cannot hold (functions, symbols,
 * NaN, Infinity, class instances such as Uint8Array or Date, cycles) throws `decode.json`.
 */
export function jsonTreeFromValue(value: unknown, depth = 0): JsonTree {
  if (depth > JSON_MAX_DEPTH) throw new DecodeError('decode.json', 'invalid JSON value: nesting too deep');
  if (value === null) return { kind: 'null' };
  switch (typeof value) {
    case 'boolean':
      return { kind: 'bool', value };
    case 'string':
      return { kind: 'string', value: wellFormed(value) };
    case 'bigint':
      return { kind: 'number', text: value.toString() };
    case 'number':
      if (!Number.isFinite(value)) throw new DecodeError('decode.json', 'invalid JSON value: non-finite number');
      return { kind: 'number', text: numberText(value) };
    case 'object': {
      if (Array.isArray(value)) return { kind: 'array', items: value.map((v) => jsonTreeFromValue(v, depth + 1)) };
      const proto: unknown = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) {
        throw new DecodeError('decode.json', 'invalid JSON value: not a plain object');
      }
      const entries: [string, JsonTree][] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v !== undefined) entries.push([k, jsonTreeFromValue(v, depth + 1)]);
      }
      return { kind: 'object', entries };
    }
    default:
      throw new DecodeError('decode.json', `invalid JSON value: ${typeof value}`);
  }
}

/** Lone surrogates become U+FFFD, as they do once encoded as UTF-8 (and as Go decodes them). */
function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

/** Decimal text of a finite JS number; integers never use exponent form. */
function numberText(v: number): string {
  if (Number.isInteger(v)) return Object.is(v, -0) ? '0' : BigInt(v).toString();
  return String(v);
}

/** Writes a JSON string literal (escapes as `JSON.stringify`). */
export function jsonString(s: string): string {
  return JSON.stringify(s);
}

/**
 * A plain JS value of a tree: integers beyond 2^53 become bigint, other numbers `Number`.
 * Used for opaque JSON such as a workload result's `data`.
 */
export function jsonTreeToValue(t: JsonTree): unknown {
  switch (t.kind) {
    case 'null':
      return null;
    case 'bool':
      return t.value;
    case 'string':
      return t.value;
    case 'number': {
      if (/^-?\d+$/.test(t.text)) {
        const b = BigInt(t.text);
        return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
      }
      return Number(t.text);
    }
    case 'array':
      return t.items.map(jsonTreeToValue);
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const [k, v] of t.entries) {
        if (k === '__proto__') Object.defineProperty(out, k, { value: jsonTreeToValue(v), enumerable: true, writable: true, configurable: true });
        else out[k] = jsonTreeToValue(v);
      }
      return out;
    }
  }
}

/** Serialises a plain value (bigint as a bare number) as compact JSON. */
export function stringifyJsonValue(v: unknown, depth = 0): string {
  if (depth > JSON_MAX_DEPTH) throw new DecodeError('decode.json', 'invalid JSON value: nesting too deep');
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isFinite(v) ? JSON.stringify(v) : 'null';
    case 'boolean':
      return v ? 'true' : 'false';
    case 'string':
      return JSON.stringify(v);
    case 'object':
      if (Array.isArray(v)) return `[${v.map((x) => stringifyJsonValue(x, depth + 1)).join(',')}]`;
      return `{${Object.entries(v)
        .filter(([, x]) => x !== undefined)
        .map(([k, x]) => `${JSON.stringify(k)}:${stringifyJsonValue(x, depth + 1)}`)
        .join(',')}}`;
    default:
      throw new DecodeError('decode.json', `invalid JSON value: ${typeof v}`);
  }
}
