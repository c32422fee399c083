import fc from 'fast-check';
import type { Resources } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import {
  MAINNET_PRICING_POLICY, UNIT_TEST_PRICING_POLICY, type BillingModel, type ContractKind, type IncomingReport,
  contractCost, createReportLedger, discount, ingestReports, ledgerOpenContract, payout, settleReports, unitsUsdToTft,
} from '../src/index.ts';
import * as ref from '../../conformance/tools/gen-billing-ref.ts';

const GiB = 1n << 30n;
const RUNS = { numRuns: 300 };
const u64 = (max: bigint) => fc.bigInt({ min: 0n, max });
const resourcesArb = fc.record({ cru: u64(256n), mru: u64(2048n * GiB), sru: u64(65536n * GiB), hru: u64(262144n * GiB) });
const policyArb = fc.constantFrom(MAINNET_PRICING_POLICY, UNIT_TEST_PRICING_POLICY);
const refPolicy = (p: typeof MAINNET_PRICING_POLICY): ref.RefPolicy => ref.REF_POLICIES[p === MAINNET_PRICING_POLICY ? 'mainnet' : 'unit-test']!;

describe('cost agrees with the rational reference', () => {
  it('node contracts', () => {
    fc.assert(fc.property(resourcesArb, fc.nat(8), fc.integer({ min: 1, max: 10_000_000 }), policyArb, fc.boolean(), (r, ips, s, p, rented) => {
      const c = contractCost({ kind: 'node', resources: r, publicIps: ips, seconds: s, policy: p, onRentedNode: rented });
      expect(c.unitsUsd).toBe(ref.resourcesCostRef(r, BigInt(ips), BigInt(s), refPolicy(p), !rented));
    }), RUNS);
  });
  it('rent and name contracts, TFT conversion', () => {
    fc.assert(fc.property(resourcesArb, fc.integer({ min: 1, max: 10_000_000 }), policyArb, fc.integer({ min: 0, max: 100 }), fc.integer({ min: 1, max: 5000 }), (r, s, p, pct, price) => {
      const rent = contractCost({ kind: 'rent', resources: r, seconds: s, policy: p, rentDiscountPercent: pct });
      expect(rent.unitsUsd).toBe(ref.rentCostRef(r, BigInt(s), refPolicy(p), BigInt(pct)));
      const name = contractCost({ kind: 'name', seconds: s, policy: p });
      expect(name.unitsUsd).toBe(ref.nameCostRef(BigInt(s), refPolicy(p)));
      expect(unitsUsdToTft(rent.unitsUsd, { priceMusd: price, minMusd: 20, maxMusd: 2000 })).toBe(ref.tftRef(rent.unitsUsd, BigInt(price), 20n, 2000n));
    }), RUNS);
  });
  it('discount', () => {
    fc.assert(fc.property(u64(10n ** 12n), fc.integer({ min: 1, max: 10_000_000 }), u64(10n ** 17n), fc.boolean(), (a, s, bal, cert) => {
      const d = discount(a, { seconds: s, balancePlanck: bal, certified: cert });
      const e = ref.discountRef(a, BigInt(s), bal, cert);
      expect([d.level, d.amountPlanck]).toEqual([e.level, e.amount]);
    }), RUNS);
  });
});

describe('discount with an hourly rate given (the issue\'s `{ balancePlanck, hourlyPlanck }` form)', () => {
  // reference: monthly = hourly × 720, months = balance / monthly cut to the grid, §8 table,
  // round(amount × multiplier)
  const refLevel = (hourly: bigint, balance: bigint): { name: string; mult: ref.Q } => {
    if (hourly === 0n) return { name: 'None', mult: ref.q(1n) };
    const months = ref.cut(ref.q(balance, hourly * 720n));
    return ref.LEVELS.find((l) => ref.cmp(months, l.min) >= 0) ?? { name: 'None', mult: ref.q(1n) };
  };
  it('agrees with the rational reference', () => {
    fc.assert(fc.property(u64(10n ** 12n), u64(10n ** 12n), u64(10n ** 17n), (a, h, bal) => {
      const d = discount(a, { hourlyPlanck: h, balancePlanck: bal });
      const l = refLevel(h, bal);
      const level = a === 0n ? 'None' : l.name;
      expect([d.level, d.amountPlanck]).toEqual([level, a === 0n ? 0n : ref.roundQ(ref.cut(ref.mul(ref.q(a), l.mult)))]);
    }), RUNS);
  });
  it('spec §18 table: 1000 planck an hour against 1, 1.5, 3, 6 and 18 months of balance', () => {
    const rows: [bigint, string, bigint][] = [[720_000n, 'None', 1000n], [1_080_000n, 'Default', 800n], [2_160_000n, 'Bronze', 700n], [4_320_000n, 'Silver', 600n], [12_960_000n, 'Gold', 400n]];
    for (const [balance, level, amount] of rows) {
      const d = discount(1000n, { hourlyPlanck: 1000n, balancePlanck: balance });
      expect([d.level, d.amountPlanck]).toEqual([level, amount]);
    }
  });
});

describe('breakdown explains the bill', () => {
  it('the parts add up to unitsUsd', () => {
    fc.assert(fc.property(fc.constantFrom<ContractKind>('node', 'rent', 'name'), resourcesArb, fc.nat(4), fc.nat(1_000_000), policyArb, u64(10n ** 12n), u64(10n ** 6n), (kind, r, ips, s, p, nru, unbilled) => {
      const c = contractCost({ kind, resources: r, publicIps: ips, seconds: s, policy: p, nruBytes: nru, unbilledNuUnitsUsd: unbilled, extraFeeMusd: 5000n });
      const b = c.breakdown;
      expect(b.cu + b.su + b.ipu + b.rounding + b.rentDiscount + b.nu + b.nuUnbilled + b.uniqueName).toBe(c.unitsUsd);
      expect(b.extraFee).toBe(c.extraFeeUnitsUsd);
    }), RUNS);
  });
});

describe('monotonicity', () => {
  const keys = ['cru', 'mru', 'sru', 'hru'] as const;
  it('cost never falls when a resource, the IP count or the time grows', () => {
    fc.assert(fc.property(fc.constantFrom<ContractKind>('node', 'rent', 'name'), resourcesArb, fc.nat(4), fc.nat(1_000_000), policyArb,
      fc.constantFrom(...keys), u64(64n * GiB), fc.nat(3), fc.nat(100_000), (kind, r, ips, s, p, key, dr, dips, ds) => {
        const base = contractCost({ kind, resources: r, publicIps: ips, seconds: s, policy: p }).unitsUsd;
        const more: Resources = { ...r, [key]: r[key] + dr };
        expect(contractCost({ kind, resources: more, publicIps: ips, seconds: s, policy: p }).unitsUsd).toBeGreaterThanOrEqual(base);
        expect(contractCost({ kind, resources: r, publicIps: ips + dips, seconds: s, policy: p }).unitsUsd).toBeGreaterThanOrEqual(base);
        expect(contractCost({ kind, resources: r, publicIps: ips, seconds: s + ds, policy: p }).unitsUsd).toBeGreaterThanOrEqual(base);
      }), RUNS);
  });
  it('a discount never raises a cost, and more balance never costs more', () => {
    fc.assert(fc.property(u64(10n ** 12n), fc.integer({ min: 1, max: 10_000_000 }), u64(10n ** 17n), u64(10n ** 17n), (a, s, bal, extra) => {
      const d = discount(a, { seconds: s, balancePlanck: bal });
      expect(d.amountPlanck).toBeLessThanOrEqual(a);
      expect(discount(a, { seconds: s, balancePlanck: bal + extra }).amountPlanck).toBeLessThanOrEqual(d.amountPlanck);
    }), RUNS);
  });
});

describe('payouts', () => {
  const takesArb = fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 4 }).filter((t) => t.reduce((a, b) => a + b, 0) <= 50);
  it('the shares always sum to the amount charged', () => {
    fc.assert(fc.property(u64(10n ** 15n), u64(10n ** 12n), fc.constantFrom<BillingModel>('v2.7-lock', 'v2.9-reserve'), fc.constantFrom<ContractKind>('node', 'rent', 'name'), takesArb, (a, x, model, kind, takes) => {
      const p = payout(a, model, { kind, additionalPlanck: x, solutionProviderTakes: takes });
      const shares = p.farmer + p.foundation + p.stakingPool + p.certifiedSales + p.burned + p.solutionProviders.reduce((s, v) => s + v, 0n);
      expect(shares).toBe(p.charged);
      expect(shares + p.retained).toBe(a + x);
      for (const v of [p.farmer, p.foundation, p.stakingPool, p.certifiedSales, p.burned, ...p.solutionProviders]) expect(v).toBeGreaterThanOrEqual(0n);
      if (model === 'v2.9-reserve') expect(p.retained).toBe(0n);
      if (model === 'v2.7-lock' && takes.length === 0) expect(p.retained === 0n || p.retained === 1n).toBe(true);
    }), RUNS);
  });
});

describe('reports: any order bills exactly once', () => {
  // A set of reports with distinct (contract, timestamp), some with an explicit window (short ones
  // leave unbilled gaps that late reports can fill), then copies and a shuffle.
  const reportArb = (cid: bigint) => fc.record({
    contractId: fc.constant(cid), timestamp: fc.integer({ min: 1001, max: 200_000 }),
    cru: u64(16n), sru: u64(500n * GiB), hru: u64(1000n * GiB), mru: u64(64n * GiB), nru: u64(10n ** 11n),
    window: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined, freq: 3 }),
  }).map((r) => (r.window === undefined ? (({ window: _w, ...rest }) => rest)(r) : r) as IncomingReport);
  const setArb = fc.tuple(
    fc.uniqueArray(reportArb(1n), { selector: (r) => r.timestamp, maxLength: 12 }),
    fc.uniqueArray(reportArb(2n), { selector: (r) => r.timestamp, maxLength: 12 }),
  ).map(([a, b]) => [...a, ...b] as IncomingReport[]);

  const open = (mode: 'exact' | 'tfchain' = 'exact') =>
    ledgerOpenContract(ledgerOpenContract(createReportLedger({ mode }), 1n, 1000), 2n, 1000);
  const totals = (bills: { contractId: bigint; unitsUsd: bigint; windows: { to: number }[] }[]) =>
    bills.map((b) => [b.contractId, b.unitsUsd, b.windows.map((w) => w.to)] as const).sort((x, y) => Number(x[0] - y[0]));
  const key = (r: { contractId: bigint; timestamp: number }) => `${r.contractId}:${r.timestamp}`;

  it('settled together: same bill for any arrival order, every report billed once, duplicates never', () => {
    fc.assert(fc.property(setArb, fc.array(fc.nat(), { maxLength: 10 }), fc.func(fc.integer()), (set, dupIdx, rnd) => {
      const dups = set.length ? dupIdx.map((i) => ({ ...set[i % set.length]! })) : [];
      const all = [...set, ...dups];
      const shuffled = all.map((r, i) => ({ r, k: rnd(i) })).sort((a, b) => a.k - b.k).map((x) => x.r);
      const sorted = [...set].sort((a, b) => a.timestamp - b.timestamp);

      const a = ingestReports(open(), shuffled);
      const b = ingestReports(open(), sorted);
      expect(a.results.filter((r) => r.outcome === 'accepted').length).toBe(set.length);
      expect(a.results.filter((r) => r.outcome === 'duplicate').length).toBe(dups.length);
      const sa = settleReports(a.ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY });
      const sb = settleReports(b.ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY });
      expect(totals(sa.bills)).toEqual(totals(sb.bills));
      // every report's timestamp is billed once
      const billed = sa.bills.flatMap((x) => x.windows.map((w) => `${x.contractId}:${w.to}`));
      expect(new Set(billed).size).toBe(billed.length);
      expect(billed.length).toBe(set.length);
      // replaying everything after the settle bills nothing more
      const again = ingestReports(sa.ledger, shuffled);
      expect(again.results.every((r) => r.outcome === 'duplicate')).toBe(true);
      expect(settleReports(again.ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY }).bills).toEqual([]);
    }), { numRuns: 150 });
  });

  // The chunked replay used by the next two properties: the set twice, shuffled, in chunks with a
  // settle after each (at a random cut), then a final settle of everything.
  function replay(mode: 'exact' | 'tfchain', set: IncomingReport[], cuts: number[], rnd: (i: number) => number) {
    const all = [...set, ...set].map((r, i) => ({ r, k: rnd(i) })).sort((a, b) => a.k - b.k).map((x) => x.r);
    let ledger = open(mode);
    const windows: { id: bigint; from: number; to: number }[] = [];
    const outcomes = new Map<string, string[]>();
    const chunk = Math.ceil(all.length / (cuts.length + 1)) || 1;
    const take = (bills: { contractId: bigint; windows: { from: number; to: number }[] }[]) => {
      for (const b of bills) for (const w of b.windows) windows.push({ id: b.contractId, from: w.from, to: w.to });
    };
    for (let i = 0, c = 0; i < all.length; i += chunk, c++) {
      const batch = all.slice(i, i + chunk);
      const got = ingestReports(ledger, batch);
      got.results.forEach((r, j) => outcomes.set(key(batch[j]!), [...(outcomes.get(key(batch[j]!)) ?? []), r.outcome]));
      ledger = got.ledger;
      const s = settleReports(ledger, { upTo: cuts[c] ?? 1e9, policy: MAINNET_PRICING_POLICY });
      ledger = s.ledger;
      take(s.bills);
    }
    take(settleReports(ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY }).bills);
    return { windows, outcomes };
  }
  const noOverlap = (windows: { id: bigint; from: number; to: number }[]) => {
    for (const id of [1n, 2n]) {
      const ws = windows.filter((w) => w.id === id).sort((x, y) => x.from - y.from);
      for (let i = 1; i < ws.length; i++) expect(ws[i]!.from).toBeGreaterThanOrEqual(ws[i - 1]!.to);
      expect(new Set(ws.map((w) => w.to)).size).toBe(ws.length);
    }
  };
  const cutsArb = fc.array(fc.integer({ min: 1000, max: 200_000 }), { maxLength: 4 });

  it('settles in between: each report is billed exactly once (accepted, or late for unbilled time) or refused as overlapping because its time was billed; no second is billed twice', () => {
    fc.assert(fc.property(setArb, cutsArb, fc.func(fc.integer()), (set, cuts, rnd) => {
      const { windows, outcomes } = replay('exact', set, cuts, rnd);
      noOverlap(windows);
      for (const r of set) {
        const seen = outcomes.get(key(r))!;
        // the first copy decides; the second is a duplicate, or refused again when the first was
        const first = seen[0]!;
        expect(['accepted', 'late', 'overlapping']).toContain(first);
        for (const later of seen.slice(1)) expect(later).toBe(first === 'overlapping' ? 'overlapping' : 'duplicate');
        const billedHere = windows.filter((w) => w.id === r.contractId && w.to === r.timestamp);
        if (first === 'overlapping') {
          expect(billedHere).toHaveLength(0);
          // refused only because another report's billed window holds part of its own
          const from = r.window === undefined ? r.timestamp - 1 : r.timestamp - r.window;
          expect(windows.some((w) => w.id === r.contractId && w.to !== r.timestamp && w.from < r.timestamp && from < w.to)).toBe(true);
        } else {
          expect(billedHere).toHaveLength(1); // accepted and late reports: billed exactly once, none lost
        }
      }
    }), { numRuns: 150 });
  });

  it("mode 'tfchain' (the chain's rule): with settles in between, billed windows never overlap, no timestamp billed twice, late reports never billed", () => {
    fc.assert(fc.property(setArb, cutsArb, fc.func(fc.integer()), (set, cuts, rnd) => {
      const { windows, outcomes } = replay('tfchain', set, cuts, rnd);
      noOverlap(windows);
      for (const r of set) {
        const billed = windows.filter((w) => w.id === r.contractId && w.to === r.timestamp).length;
        expect(billed).toBe(outcomes.get(key(r))![0] === 'late' ? 0 : 1);
      }
    }), { numRuns: 150 });
  });
});
