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
    expect(a.results.map((r) => r.outcome)).toEqual(['accepted', 'duplicate', 'rejected', 'rejected']);
    expect(a.results[2]).toMatchObject({ error: 'billing.invalid_report', reason: "timestamp not after the contract's start" });
    expect(a.results[3]!.error).toBe('billing.unknown_contract');
    const s = settleReports(a.ledger, opts);
    expect(s.bills).toHaveLength(1);
    expect(s.bills[0]!.windows).toEqual([{ from: 1000, to: 4600, unitsUsd: 270_000n, cu: 200_000n, su: 40_000n, nu: 30_000n, nruBytes: 2_000_000_000n }]);
    ledger = s.ledger;

    // after settling: a resend is a duplicate; an older report falls in billed time: overlapping, refused
    const b = ingestReports(ledger, [vm(4600, 2_000_000_000n), vm(3000)]);
    expect(b.results.map((r) => [r.outcome, r.reason])).toEqual([
      ['duplicate', 'already settled'], ['overlapping', 'its time is already billed; refused, never billed'],
    ]);
    expect(b.ledger).toBe(ledger);
  });

  it("mode 'tfchain': a report at or before the settled time is late and never billed (the chain's rule, said out loud)", () => {
    let ledger = ledgerOpenContract(createReportLedger({ mode: 'tfchain' }), 1n, 1000);
    const a = ingestReports(ledger, [vm(4600, 2_000_000_000n), vm(4600, 2_000_000_000n), vm(900)]);
    expect(a.results.map((r) => r.outcome)).toEqual(['accepted', 'duplicate', 'late']);
    ledger = settleReports(a.ledger, opts).ledger;
    const b = ingestReports(ledger, [vm(4600, 2_000_000_000n), vm(3000)]);
    expect(b.results.map((r) => [r.outcome, r.reason])).toEqual([['duplicate', 'already settled'], ['late', 'window already settled']]);
    expect(b.ledger).toBe(ledger);
  });

  it('an explicit window reaching into billed time is overlapping: refused, never billed; a fitting resend is accepted', () => {
    let ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    ledger = settleReports(ingestReports(ledger, [vm(4600)]).ledger, opts).ledger;
    const r = ingestReports(ledger, [vm(8200, 0n, { window: 7200 })]);
    expect(r.results[0]).toMatchObject({ outcome: 'overlapping', reason: 'window reaches into billed time; refused, never billed' });
    expect(r.ledger).toBe(ledger);
    expect(settleReports(r.ledger, opts).bills).toEqual([]);
    const again = ingestReports(ledger, [vm(8200, 0n, { window: 3600 })]);
    expect(again.results[0]!.outcome).toBe('accepted');
    expect(settleReports(again.ledger, opts).bills[0]!.windows[0]).toMatchObject({ from: 4600, to: 8200, unitsUsd: 240_000n });
  });

  it("mode 'tfchain': the same report is overlapping but billed for its unsettled part", () => {
    let ledger = ledgerOpenContract(createReportLedger({ mode: 'tfchain' }), 1n, 1000);
    ledger = settleReports(ingestReports(ledger, [vm(4600)]).ledger, opts).ledger;
    const r = ingestReports(ledger, [vm(8200, 0n, { window: 7200 })]);
    expect(r.results[0]!.outcome).toBe('overlapping');
    const s = settleReports(r.ledger, opts);
    expect(s.bills[0]!.windows[0]).toMatchObject({ from: 4600, to: 8200, unitsUsd: 240_000n });
  });

  it('a late report for unbilled time is billed at the next settle (a correction); one in billed time is refused', () => {
    // a short explicit window leaves (1000, 96400] unbilled
    let ledger = ledgerOpenContract(createReportLedger(), 1n, 1000);
    let s = settleReports(ingestReports(ledger, [vm(100_000, 0n, { window: 3600 })]).ledger, opts);
    expect(s.bills[0]!.windows[0]).toMatchObject({ from: 96_400, to: 100_000, unitsUsd: 240_000n });
    expect(s.ledger.contracts.get(1n)!.gaps).toEqual([[1000, 96_400]]);
    ledger = s.ledger;
    const r = ingestReports(ledger, [vm(50_000, 5_000_000_000n, { window: 3600 }), vm(53_600), vm(99_000), vm(40_000, 0n, { window: 46_400 })]);
    expect(r.results.map((x) => x.outcome)).toEqual(['late', 'late', 'overlapping', 'late']);
    s = settleReports(r.ledger, opts);
    // each late window billed once (240 000 units USD an hour: 39 000 s → 2 600 000); its traffic is
    // already in the 100 000 report's counter increase: NU 0
    expect(s.bills[0]!.windows.map((w) => [w.from, w.to, w.unitsUsd, w.nu, w.late])).toEqual([
      [1000, 40_000, 2_600_000n, 0n, true], [46_400, 50_000, 240_000n, 0n, true], [50_000, 53_600, 240_000n, 0n, true],
    ]);
    expect(s.ledger.contracts.get(1n)!.billedUntil).toBe(100_000);
    expect(s.ledger.contracts.get(1n)!.gaps).toEqual([[40_000, 46_400], [53_600, 96_400]]);
    // now that time is billed: a report there is refused, and a window reaching back into it too
    const t = ingestReports(s.ledger, [vm(45_000, 0n, { window: 7200 }), vm(52_000), vm(60_000, 0n, { window: 3600 })]);
    expect(t.results.map((x) => x.outcome)).toEqual(['overlapping', 'overlapping', 'late']);
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
