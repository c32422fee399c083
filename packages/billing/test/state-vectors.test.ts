// @sc4it/conformance vectors/billing/grace_test.json and reports_test.json against this package.
// Expected values: tools/gen-billing-state-ref.ts (plain references written from the spec §11–§13
// and from this README's report rules; the ledger one models time as one flag per second), which
// do not use @sc4it/billing.
import { eachTest, loadVectors, type VectorTest } from '@sc4it/conformance';
import { describe, expect, it } from 'vitest';
import {
  BillingError, MAINNET_PRICING_POLICY, UNIT_TEST_PRICING_POLICY, type GraceStepInput, type IncomingReport, type ReportLedgerMode,
  createReportLedger, graceStep, ingestReports, ledgerCloseContract, ledgerOpenContracts, openContractReports, settleReports,
} from '../src/index.ts';

type J = Record<string, unknown>;
/** bigint → decimal string, recursively, undefined dropped (the vectors' convention). */
const enc = (v: unknown): unknown => {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(enc);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, enc(x)]));
  return v;
};
const bigs = (o: J, keys: readonly string[]): J => ({ ...o, ...Object.fromEntries(keys.filter((k) => o[k] !== undefined).map((k) => [k, BigInt(o[k] as string)])) });

function graceInput(t: J): GraceStepInput {
  const i = bigs(t, ['contractId', 'standardDuePlanck', 'additionalDuePlanck']);
  i.payment = bigs(t.payment as J, ['standardReserve', 'additionalReserve', 'standardOverdraft', 'additionalOverdraft']);
  i.account = bigs(t.account as J, ['free', 'frozen', 'reserved']);
  return i as unknown as GraceStepInput;
}
const report = (r: J): IncomingReport => bigs(r, ['contractId', 'cru', 'sru', 'hru', 'mru', 'nru']) as unknown as IncomingReport;
const expectError = (run: () => unknown, code: string | undefined): void => {
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(BillingError);
  expect((caught as BillingError).code).toBe(code);
};

describe('billing/grace vectors', () => {
  const file = loadVectors('billing', 'grace');
  it('covers both models, the spec scenarios and one invalid input per rule', () => {
    const types = file.testGroups.map((g) => g.type);
    expect(types).toEqual(['GraceStepV29', 'GraceStepV27', 'InvalidGraceInput']);
    expect(file.numberOfTests).toBeGreaterThanOrEqual(60);
  });
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      const input = graceInput(test.input as J);
      if (test.result === 'invalid') return expectError(() => graceStep(input), test.error);
      expect(test.result).toBe('valid');
      const r = graceStep(input);
      const want = test.expected as J;
      const got = enc(r) as J;
      for (const k of ['outcome', 'state', 'payment', 'account', 'chargedPlanck', 'amountBilledPlanck', 'overdraftPlanck', 'events', 'updateTimestamp', 'resetNu', 'removed']) {
        expect(got[k], k).toEqual(want[k]);
      }
      if (want.payout === null) expect(r.payout).toBeNull();
      else {
        const p = got.payout as J;
        const w = want.payout as J;
        expect(Object.fromEntries(Object.keys(w).map((k) => [k, p[k]]))).toEqual(w);
      }
    });
  }
});

describe('billing/reports vectors', () => {
  const file = loadVectors('billing', 'reports');
  const policies: Record<string, typeof MAINNET_PRICING_POLICY> = { mainnet: MAINNET_PRICING_POLICY, 'unit-test': UNIT_TEST_PRICING_POLICY };
  it('covers scenarios, derived replays, both modes, every rejection code', () => {
    const all = [...eachTest(file)].map((x) => x.test);
    expect(all.filter((t) => t.flags.includes('Derived')).length).toBeGreaterThanOrEqual(25);
    expect(all.some((t) => t.mode === 'tfchain')).toBe(true);
    expect(new Set(all.filter((t) => t.result === 'invalid').map((t) => t.error))).toEqual(
      new Set(['billing.invalid_report', 'billing.unknown_contract', 'billing.contract_closed', 'billing.invalid_input']),
    );
  });
  const open = (t: VectorTest) => ledgerOpenContracts(
    createReportLedger({ mode: t.mode as ReportLedgerMode }),
    (t.contracts as J[]).map((c) => ({ contractId: BigInt(c.contractId as string), startTimestamp: c.openedAt as number })),
  );
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      switch (group.type) {
        case 'LedgerScenario': {
          expect(test.result).toBe('valid');
          let ledger = open(test);
          for (const step of test.steps as J[]) {
            if (step.op === 'ingest') {
              const out = ingestReports(ledger, (step.reports as J[]).map(report));
              ledger = out.ledger;
              expect(out.results.map((r) => enc({ outcome: r.outcome, error: r.error }))).toEqual(step.outcomes);
            } else if (step.op === 'settle') {
              const out = settleReports(ledger, { upTo: step.upTo as number, policy: policies[test.policy as string]!, onRentedNode: step.onRentedNode === true });
              ledger = out.ledger;
              const bills = out.bills.slice().sort((a, b) => (a.contractId < b.contractId ? -1 : 1)).map((b) => ({
                contractId: b.contractId, from: b.from, to: b.to, unitsUsd: b.unitsUsd,
                windows: b.windows.map((w) => ({ from: w.from, to: w.to, unitsUsd: w.unitsUsd, nruBytes: w.nruBytes, late: w.late })),
              }));
              expect(enc(bills)).toEqual(step.bills);
            } else if (step.op === 'close') {
              ledger = ledgerCloseContract(ledger, BigInt(step.contractId as string));
            } else throw new Error(`unknown step ${String(step.op)}`);
          }
          return;
        }
        case 'RejectedReport': {
          expect(test.result).toBe('invalid');
          let ledger = open(test);
          if (test.closed === true) ledger = ledgerCloseContract(ledger, 1n);
          const out = ingestReports(ledger, [report(test.report as J)]);
          expect(out.results[0]).toMatchObject({ outcome: test.outcome, error: test.error });
          expect(out.ledger).toBe(ledger); // state untouched
          return;
        }
        case 'InvalidLedgerInput':
          expect(test.result).toBe('invalid');
          return expectError(() => openContractReports(BigInt(test.contractId as string), test.startTimestamp as number, 0n,
            test.mode === undefined ? {} : { mode: test.mode as ReportLedgerMode }), test.error);
        default:
          throw new Error(`unknown group ${group.type}`);
      }
    });
  }
});
