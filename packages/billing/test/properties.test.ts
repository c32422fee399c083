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
  // A set of reports with distinct (contract, timestamp), then copies and a shuffle.
  const reportArb = (cid: bigint) => fc.record({
    contractId: fc.constant(cid), timestamp: fc.integer({ min: 1001, max: 200_000 }),
    cru: u64(16n), sru: u64(500n * GiB), hru: u64(1000n * GiB), mru: u64(64n * GiB), nru: u64(10n ** 11n),
  });
  const setArb = fc.tuple(
    fc.uniqueArray(reportArb(1n), { selector: (r) => r.timestamp, maxLength: 12 }),
    fc.uniqueArray(reportArb(2n), { selector: (r) => r.timestamp, maxLength: 12 }),
  ).map(([a, b]) => [...a, ...b] as IncomingReport[]);

  const open = () => ledgerOpenContract(ledgerOpenContract(createReportLedger(), 1n, 1000), 2n, 1000);
  const totals = (bills: { contractId: bigint; unitsUsd: bigint; windows: { to: number }[] }[]) =>
    bills.map((b) => [b.contractId, b.unitsUsd, b.windows.map((w) => w.to)] as const).sort((x, y) => Number(x[0] - y[0]));

  it('same bill for any arrival order, duplicates never billed', () => {
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
      expect(again.results.every((r) => r.outcome === 'duplicate' || r.outcome === 'late')).toBe(true);
      expect(settleReports(again.ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY }).bills).toEqual([]);
    }), { numRuns: 150 });
  });

  it('with settles in between, billed windows never overlap and no timestamp is billed twice', () => {
    fc.assert(fc.property(setArb, fc.array(fc.integer({ min: 1000, max: 200_000 }), { maxLength: 4 }), fc.func(fc.integer()), (set, cuts, rnd) => {
      const all = [...set, ...set].map((r, i) => ({ r, k: rnd(i) })).sort((a, b) => a.k - b.k).map((x) => x.r);
      let ledger = open();
      const windows: { id: bigint; from: number; to: number }[] = [];
      const chunk = Math.ceil(all.length / (cuts.length + 1)) || 1;
      for (let i = 0, c = 0; i < all.length; i += chunk, c++) {
        ledger = ingestReports(ledger, all.slice(i, i + chunk)).ledger;
        const s = settleReports(ledger, { upTo: cuts[c] ?? 1e9, policy: MAINNET_PRICING_POLICY });
        ledger = s.ledger;
        for (const b of s.bills) for (const w of b.windows) windows.push({ id: b.contractId, from: w.from, to: w.to });
      }
      const s = settleReports(ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY });
      for (const b of s.bills) for (const w of b.windows) windows.push({ id: b.contractId, from: w.from, to: w.to });
      for (const id of [1n, 2n]) {
        const ws = windows.filter((w) => w.id === id).sort((x, y) => x.from - y.from);
        for (let i = 1; i < ws.length; i++) expect(ws[i]!.from).toBeGreaterThanOrEqual(ws[i - 1]!.to);
        expect(new Set(ws.map((w) => w.to)).size).toBe(ws.length);
      }
    }), { numRuns: 150 });
  });
});
