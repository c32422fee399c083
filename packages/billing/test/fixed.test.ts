import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BillingError, DISCOUNT_MULTIPLIERS, FX_ONE, MAINNET_PRICING_POLICY, contractCost, discount, fxDiv, fxFromF64, fxFromInt,
  fxMul, fxRound, fxToDecimal, payout, percentOf, unitsUsdToTft,
} from '../src/index.ts';

describe('U64F64 (§14)', () => {
  it('from_num(0.8) is the exact double', () => {
    expect(fxFromF64(0.8)).toBe(14757395258967642112n); // spec §14
    expect(DISCOUNT_MULTIPLIERS.Default).toBe(14757395258967642112n);
    expect(fxFromF64(1.25)).toBe(FX_ONE + FX_ONE / 4n);
    expect(fxFromF64(1.5)).toBe(FX_ONE + FX_ONE / 2n);
  });
  it('round() ties away from zero; mul and div floor', () => {
    expect(fxRound(FX_ONE / 2n)).toBe(1n);
    expect(fxRound(FX_ONE / 2n - 1n)).toBe(0n);
    expect(fxRound(5n * FX_ONE + FX_ONE / 2n)).toBe(6n);
    expect(fxDiv(fxFromInt(1n), fxFromInt(3n))).toBe((1n << 64n) / 3n);
    expect(fxMul(fxDiv(fxFromInt(1n), fxFromInt(3n)), fxFromInt(3n))).toBe(FX_ONE - 1n);
    expect(fxToDecimal(fxFromInt(7n) + FX_ONE / 4n, 2)).toBe('7.25');
  });
  it('Percent rounds to nearest with ties down (spec §18 test_percent)', () => {
    expect([percentOf(25, 1000n), percentOf(50, 1000n), percentOf(25, 992n)]).toEqual([250n, 500n, 248n]);
    expect(percentOf(50, 1n)).toBe(0n);
    expect(percentOf(50, 3n)).toBe(1n);
    expect(percentOf(150, 10n)).toBe(10n); // from_percent caps at 100
  });
});

describe('typed errors', () => {
  const code = (f: () => unknown): string | undefined => {
    try {
      f();
    } catch (e) {
      expect(e).toBeInstanceOf(BillingError);
      return (e as BillingError).code;
    }
    return undefined;
  };
  it('names each bad input', () => {
    expect(code(() => unitsUsdToTft(1n, { priceMusd: 0, minMusd: 0, maxMusd: 0 }))).toBe('billing.division_by_zero');
    expect(code(() => unitsUsdToTft(-1n, { priceMusd: 20, minMusd: 20, maxMusd: 2000 }))).toBe('billing.invalid_input');
    expect(code(() => discount(10n, { balancePlanck: -1n, seconds: 3600 }))).toBe('billing.invalid_input');
    expect(code(() => discount(10n, { balancePlanck: 1n, seconds: 0 }))).toBe('billing.invalid_input');
    expect(code(() => discount(10n, { balancePlanck: 1n }))).toBe('billing.invalid_input');
    expect(code(() => payout(10n, 'v2.7-lock', { solutionProviderTakes: [30, 30] }))).toBe('billing.invalid_input');
    expect(code(() => payout(10n, 'v9' as never))).toBe('billing.invalid_input');
    expect(code(() => contractCost({ kind: 'name', seconds: 1.5, policy: MAINNET_PRICING_POLICY }))).toBe('billing.invalid_input');
    expect(code(() => contractCost({ kind: 'node', seconds: 1, publicIps: -1, policy: MAINNET_PRICING_POLICY }))).toBe('billing.invalid_input');
    expect(code(() => contractCost({ kind: 'rent', seconds: 1, rentDiscountPercent: 300, policy: MAINNET_PRICING_POLICY }))).toBe('billing.invalid_input');
    expect(code(() => contractCost({ kind: 'node', seconds: 2n ** 63n, resources: { cru: 2n ** 40n, mru: 0n, sru: 0n, hru: 0n }, policy: MAINNET_PRICING_POLICY }))).toBe('billing.overflow');
  });
  it('the upstream error name is kept for the provider check', () => {
    try {
      payout(1n, 'v2.7-lock', { solutionProviderTakes: [51] });
    } catch (e) {
      expect((e as BillingError).upstream).toBe('InvalidProviderConfiguration');
    }
    expect.assertions(1);
  });
  it('junk input gives a result or a BillingError, never another error', () => {
    const junk = fc.oneof(fc.bigInt(), fc.integer(), fc.double(), fc.string(), fc.constant(null), fc.constant(undefined), fc.boolean());
    fc.assert(fc.property(junk, junk, junk, fc.constantFrom('node', 'name', 'rent', 'x'), (a, b, c, kind) => {
      try {
        contractCost({ kind: kind as never, seconds: a as never, resources: { cru: b as never, mru: c as never, sru: 0n, hru: 0n }, publicIps: c as never, policy: MAINNET_PRICING_POLICY });
        discount(a as never, { balancePlanck: b as never, seconds: c as never });
        unitsUsdToTft(a as never, { priceMusd: b as never, minMusd: 1, maxMusd: c as never });
      } catch (e) {
        expect(e).toBeInstanceOf(BillingError);
      }
    }), { numRuns: 500 });
  });
});
