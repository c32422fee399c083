// Junk input never escapes as anything but a typed outcome: a `rejected` report with a code, or a
// BillingError; the state passed in is never changed.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BillingError, EMPTY_PAYMENT_STATE, type GraceStepInput, type IncomingReport, createReportLedger, graceStep, ingestReports,
  ledgerOpenContract, nruReportCost, payout, MAINNET_PRICING_POLICY, extraFeeUnitsUsd, openContractReports,
} from '../src/index.ts';

const junk = fc.oneof(
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.integer(), fc.double(), fc.string({ maxLength: 5 }), fc.constant(null),
  fc.constant(undefined), fc.boolean(), fc.constant({}), fc.constant([]),
);

describe('bad input: typed outcomes only', () => {
  it('ingestReports: junk reports are rejected with a billing.* code, the ledger is unchanged', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    fc.assert(fc.property(fc.array(fc.record({
      contractId: fc.oneof(fc.constant(1n), junk), timestamp: fc.oneof(fc.integer({ min: 1001, max: 9999 }), junk),
      cru: junk, sru: junk, hru: junk, mru: junk, nru: junk, window: junk,
    }, { requiredKeys: [] }), { maxLength: 5 }), (reports) => {
      const out = ingestReports(ledger, reports as unknown as IncomingReport[]);
      expect(out.results).toHaveLength(reports.length);
      for (const r of out.results) {
        if (r.outcome === 'rejected') expect(r.error).toMatch(/^billing\./);
      }
      expect(ledger.contracts.get(1n)!.pending).toEqual([]);
    }), { numRuns: 400 });
  });

  it('graceStep, payout, nruReportCost, extraFeeUnitsUsd, openContractReports: a result or a BillingError', () => {
    const base: GraceStepInput = {
      contractId: 1n, kind: 'node', twinId: 1, nodeId: 1, state: { kind: 'Created' }, payment: { ...EMPTY_PAYMENT_STATE },
      account: { free: 10_000n, frozen: 0n, reserved: 0n }, block: 10, timestamp: 1, standardDuePlanck: 100n,
    };
    fc.assert(fc.property(junk, junk, junk, fc.constantFrom('v2.7-lock', 'v2.9-reserve'), (a, b, c, model) => {
      const attempts: (() => unknown)[] = [
        () => graceStep({ ...base, model, standardDuePlanck: a as bigint, account: { free: b as bigint, frozen: 0n, reserved: 0n }, block: c as number }),
        () => graceStep({ ...base, model, additionalDuePlanck: a as bigint, payment: { ...EMPTY_PAYMENT_STATE, standardOverdraft: b as bigint } }),
        () => payout(a as bigint, model, { additionalPlanck: b as bigint }),
        () => nruReportCost(a as bigint, b as number, MAINNET_PRICING_POLICY),
        () => extraFeeUnitsUsd(a as bigint, b as number),
        () => openContractReports(a as bigint, b as number),
      ];
      for (const run of attempts) {
        try {
          run();
        } catch (e) {
          expect(e).toBeInstanceOf(BillingError);
          expect((e as BillingError).code).toMatch(/^billing\./);
        }
      }
      expect(base.payment).toEqual(EMPTY_PAYMENT_STATE);
    }), { numRuns: 400 });
  });
});
