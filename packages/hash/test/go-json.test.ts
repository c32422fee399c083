import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decimal, i64, u64 } from '../src/go-json.ts';

describe('integer rendering (Go %d)', () => {
  it('decimal() matches BigInt for every safe non-negative integer', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer({ min: 0, max: 2 ** 31 }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER })), (n) => {
        expect(decimal(n)).toBe(BigInt(n).toString());
      }),
      { numRuns: 2000 },
    );
    for (const n of [0, 1, 2 ** 31 - 1, 2 ** 31, 1e9, 1e9 + 1, 2 ** 32, 10737418240, 1_000_000_000_000, Number.MAX_SAFE_INTEGER]) {
      expect(decimal(n)).toBe(BigInt(n).toString());
    }
  });

  it('u64 / i64 agree across number, bigint and decimal string', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), (b) => {
        expect(u64(b, 'x')).toBe(b.toString());
        expect(u64(b.toString(), 'x')).toBe(b.toString());
        if (b <= BigInt(Number.MAX_SAFE_INTEGER)) expect(u64(Number(b), 'x')).toBe(b.toString());
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }), (b) => {
        expect(i64(b, 'x')).toBe(b.toString());
        expect(i64(b.toString(), 'x')).toBe(b.toString());
        if (b <= BigInt(Number.MAX_SAFE_INTEGER) && b >= BigInt(Number.MIN_SAFE_INTEGER)) expect(i64(Number(b), 'x')).toBe(b.toString());
      }),
    );
  });
});
