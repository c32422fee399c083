// Outcomes of the report ledger; costs worked by hand from spec §6 and §9 (mainnet policy):
// 4 cores, 8 GiB, 160 GiB SSD for one hour = CU 2 × 100000 + SU 0.8 × 50000 = 240000 units USD
// (the chain's value lands just below and rounds to it); 2 GB of traffic = 2 × 15000 = 30000.
import { describe, expect, it } from 'vitest';
import {
  MAINNET_PRICING_POLICY, type IncomingReport, createReportLedger, ingestReports, ledgerCloseContract, ledgerOpenContract,
  settleReports,
} from '../src/index.ts';

const GiB = 1n << 30n;
const vm = (timestamp: number, nru = 0n, extra: Partial<IncomingReport> = {}): IncomingReport => ({
  contractId: 1n, timestamp, cru: 4n, mru: 8n * GiB, sru: 160n * GiB, hru: 0n, nru, ...extra,
});
const opts = { policy: MAINNET_PRICING_POLICY, upTo: 1e9 };

describe('report ledger', () => {
  it('bills an hour window, one per timestamp; explicit outcomes for the rest', () => {
    let ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const a = ingestReports(ledger, [vm(4600, 2_000_000_000n), vm(4600, 2_000_000_000n), vm(900), { ...vm(5000), contractId: 9n }]);
    expect(a.results.map((r) => r.outcome)).toEqual(['accepted', 'duplicate', 'late', 'rejected']);
    expect(a.results[3]!.error).toBe('billing.unknown_contract');
    const s = settleReports(a.ledger, opts);
    expect(s.bills).toHaveLength(1);
    expect(s.bills[0]!.windows).toEqual([{ from: 1000, to: 4600, unitsUsd: 270_000n, cu: 200_000n, su: 40_000n, nu: 30_000n, nruBytes: 2_000_000_000n }]);
    ledger = s.ledger;

    // after settling: a resend is a duplicate, an older report is late, neither billed
    const b = ingestReports(ledger, [vm(4600, 2_000_000_000n), vm(3000)]);
    expect(b.results.map((r) => [r.outcome, r.reason])).toEqual([['duplicate', 'already settled'], ['late', 'window already settled']]);
    expect(b.ledger).toBe(ledger);
  });

  it('an explicit window reaching into settled time is overlapping and billed only for its new part', () => {
    let ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    ledger = settleReports(ingestReports(ledger, [vm(4600)]).ledger, opts).ledger;
    const r = ingestReports(ledger, [vm(8200, 0n, { window: 7200 })]);
    expect(r.results[0]!.outcome).toBe('overlapping');
    const s = settleReports(r.ledger, opts);
    expect(s.bills[0]!.windows[0]).toMatchObject({ from: 4600, to: 8200, unitsUsd: 240_000n });
  });

  it('an explicit window shorter than the gap bills only the window', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 0);
    const s = settleReports(ingestReports(ledger, [vm(100_000, 0n, { window: 3600 })]).ledger, opts);
    expect(s.bills[0]!.windows[0]).toMatchObject({ from: 96_400, to: 100_000, unitsUsd: 240_000n });
  });

  it('NRU is a running counter; a counter that went down restarted', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const s = settleReports(ingestReports(ledger, [vm(4600, 3_000_000_000n), vm(8200, 5_000_000_000n), vm(11_800, 1_000_000_000n)]).ledger, opts);
    expect(s.bills[0]!.windows.map((w) => w.nruBytes)).toEqual([3_000_000_000n, 2_000_000_000n, 1_000_000_000n]);
    expect(s.bills[0]!.windows.map((w) => w.nu)).toEqual([45_000n, 30_000n, 15_000n]);
  });

  it('settles only up to upTo; the rest stays pending', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const s = settleReports(ingestReports(ledger, [vm(8200), vm(4600)]).ledger, { ...opts, upTo: 5000 });
    expect(s.bills[0]!.windows.map((w) => w.to)).toEqual([4600]);
    expect(s.ledger.contracts.get(1n)!.pending.map((p) => p.timestamp)).toEqual([8200]);
  });

  it('a conflicting copy at the same timestamp: duplicate; the smaller one is kept whatever the order', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const big = vm(4600, 0n, { cru: 8n });
    const small = vm(4600);
    for (const order of [[big, small], [small, big]]) {
      const r = ingestReports(ledger, order);
      expect(r.results.map((x) => [x.outcome, x.conflict])).toEqual([['accepted', undefined], ['duplicate', true]]);
      expect(settleReports(r.ledger, opts).bills[0]!.unitsUsd).toBe(240_000n);
    }
  });

  it('rejects malformed reports and reports for closed contracts, state untouched', () => {
    let ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const bad = [
      { ...vm(5000), cru: -1n }, { ...vm(5000), mru: 5 as unknown as bigint }, { ...vm(5000), timestamp: 1.5 },
      { ...vm(5000), window: 0 }, null as unknown as IncomingReport,
    ];
    const r = ingestReports(ledger, bad);
    expect(r.results.every((x) => x.outcome === 'rejected')).toBe(true);
    expect(r.ledger).toBe(ledger);
    ledger = ledgerCloseContract(ledger, 1n);
    expect(ingestReports(ledger, [vm(5000)]).results[0]).toMatchObject({ outcome: 'rejected', error: 'billing.contract_closed' });
  });

  it('is pure: the input ledger never changes', () => {
    const ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    const before = JSON.stringify([...ledger.contracts.entries()], (_, v) => (typeof v === 'bigint' ? `${v}n` : v));
    settleReports(ingestReports(ledger, [vm(4600), vm(8200)]).ledger, opts);
    expect(JSON.stringify([...ledger.contracts.entries()], (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).toBe(before);
  });
});
