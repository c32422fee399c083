import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError, canonicalJson, decodeJson, encodeJson, hexToBytes } from './index.ts';

describe('json codec', () => {
  it('round-trips bigint and bytes, nested anywhere', () => {
    fc.assert(
      fc.property(
        fc.jsonValue(),
        fc.bigInt(),
        fc.uint8Array({ maxLength: 40 }),
        (j, b, u) => {
          const plain: unknown = JSON.parse(JSON.stringify(j ?? null));
          const v = { plain, b, list: [u, b], deep: { u } };
          expect(decodeJson(encodeJson(v))).toEqual(v);
        },
      ),
    );
  });

  it('keeps a "__proto__" key as data (never as the prototype)', () => {
    const v = JSON.parse('{"plain":{"__proto__":{"x":1n}},"b":{"__proto__":null}}'.replace('1n', '{"$bigint":"1"}'));
    const back = decodeJson(encodeJson(decodeJson(JSON.stringify(v)))) as Record<string, Record<string, unknown>>;
    expect(Object.keys(back['plain']!)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(back['plain'], '__proto__')?.value).toEqual({ x: 1n });
    expect(Object.getPrototypeOf(back['plain'])).toBe(Object.prototype);
    expect(encodeJson(back)).toBe('{"plain":{"__proto__":{"x":{"$bigint":"1"}}},"b":{"__proto__":null}}');
  });

  it('does not confuse user strings with tagged values', () => {
    expect(decodeJson(encodeJson({ name: '123n', other: '$bigint' }))).toEqual({ name: '123n', other: '$bigint' });
  });

  it('rejects malformed JSON and bad tags with typed errors', () => {
    expect(() => decodeJson('{')).toThrow(DecodeError);
    expect(() => decodeJson('{"$bigint":"12x"}')).toThrow(DecodeError);
    expect(() => decodeJson('{"$bytes":"zz"}')).toThrow(DecodeError);
    expect(() => hexToBytes('abc')).toThrow(DecodeError);
  });

  it('canonical JSON ignores key order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.integer()), (d) => {
        const reversed = Object.fromEntries(Object.entries(d).reverse());
        expect(canonicalJson(reversed)).toBe(canonicalJson(d));
      }),
    );
    expect(canonicalJson({ b: 1n, a: new Uint8Array([1, 255]) })).toBe('{"a":{"$bytes":"01ff"},"b":{"$bigint":"1"}}');
  });
});
