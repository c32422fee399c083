// Generates vectors/billing/{units,cost,discount,percent}_test.json (grace and reports: gen-billing-state.ts).
//
// Expected values come from two places, recorded per test in `source`:
// - the spec's fixed assertions (chain-and-billing.md §18: tfchain tests.rs `test_cu_calculation`,
//   `test_calculate_discount!`, `test_percent`, and the issue #373 worked example);
// - tools/gen-billing-ref.ts, a reference written for these vectors with exact rational
//   arithmetic (it does not use @sc4it/billing).
// Deterministic: inputs come from a seeded xorshift32.
//
//   cd packages/billing && pnpm exec tsx ../conformance/tools/gen-billing.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  REF_POLICIES, type RefResources, discountRef, extraFeeRef, nameCostRef, nruCostRef, payoutRef, percentRef,
  perbillPercentRef, raw, rentCostRef, resourcesCostRef, tftRef, unitsRef,
} from './gen-billing-ref.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'billing');
const SEED = 0xb111;
let state = SEED;
function next(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}
const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
const big = (max: bigint): bigint => ((BigInt(next()) << 32n) | BigInt(next())) % (max + 1n);

const GiB = 1n << 30n;
const REF = 'reference: tools/gen-billing-ref.ts (exact rationals, spec §';
const SPEC18 = 'spec §18';

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  source: string;
  result: 'valid' | 'invalid';
  error?: string;
  [k: string]: unknown;
}
interface Group {
  type: string;
  tests: Test[];
}

function write(topic: string, schema: string, header: string[], notes: Record<string, { bugType: string; description: string }>, groups: Group[]): void {
  let id = 1;
  for (const g of groups) for (const t of g.tests) t.tcId = id++;
  const file = {
    schema, suite: 'billing', version: '1', generator: { tool: 'tools/gen-billing.ts', seed: SEED }, header, notes,
    numberOfTests: id - 1, testGroups: groups,
  };
  writeFileSync(join(DIR, `${topic}_test.json`), `${JSON.stringify(file, null, 2)}\n`);
  console.log(`${topic}: ${id - 1} tests`);
}
const s = (v: bigint): string => v.toString();
const res = (r: RefResources): Record<string, string> => ({ cru: s(r.cru), mru: s(r.mru), sru: s(r.sru), hru: s(r.hru) });

function randomResources(): RefResources {
  const mode = next() % 3;
  if (mode === 0) {
    // whole GiB, typical VM sizes
    return { cru: BigInt(pick([1, 2, 4, 8, 16, 32])), mru: BigInt(pick([1, 2, 4, 8, 16, 64, 256])) * GiB, sru: BigInt(pick([0, 15, 25, 50, 100, 160, 500])) * GiB, hru: BigInt(pick([0, 0, 1000, 4000])) * GiB };
  }
  if (mode === 1) {
    // odd byte counts: the GiB conversion cuts on the 2^-64 grid
    return { cru: big(64n), mru: big(512n * GiB), sru: big(4096n * GiB), hru: big(16384n * GiB) };
  }
  // small values near the grid
  return { cru: big(3n), mru: big(5n), sru: big(3n * GiB), hru: big(1000n) };
}
const SECONDS = [1n, 6n, 59n, 60n, 3599n, 3600n, 3601n, 7200n, 86_400n, 2_592_000n];
const randomSeconds = (): bigint => (next() % 3 === 0 ? big(1_000_000n) + 1n : pick(SECONDS));

// ---- units ------------------------------------------------------------------------------------
{
  const cuSpec: Group = { type: 'CuFromGib', tests: [] };
  for (const [cru, mru, cu] of [[4n, 1024n, 128n], [32n, 128n, 32n], [4n, 2n, 1n], [4n, 1n, 1n], [16n, 16n, 8n]] as const) {
    cuSpec.tests.push({
      tcId: 0, comment: `cru ${cru}, mru ${mru} GiB`, flags: [], source: `${SPEC18} test_cu_calculation (tfchain tests.rs)`, result: 'valid',
      cru: s(cru), mruGib: s(mru), cu: s(cu),
    });
  }
  const ru: Group = { type: 'ResourceUnits', tests: [] };
  for (let i = 0; i < 20; i++) {
    const r = randomResources();
    const u = unitsRef(r, REF_POLICIES.mainnet!);
    ru.tests.push({
      tcId: 0, comment: `derived #${i + 1}`, flags: ['Derived'], source: `${REF}6 steps 1-3)`, result: 'valid',
      resources: res(r), cuRaw: s(raw(u.cu)), suRaw: s(raw(u.su)),
    });
  }
  write('units', 'billing_units_schema_v1', [
    'Resource units (chain-and-billing.md §6 steps 1-3): bytes are converted to GiB (factor_base_1024 of the',
    'policy unit, Gigabytes) as U64F64; SU = hru/1200 + sru/200; CU = min(max(mru/4, cru/2), max(mru/8, cru),',
    'max(mru/2, cru/4)). CuFromGib takes cru and mru already in GiB and gives CU as an integer;',
    'ResourceUnits takes bytes and gives the U64F64 raw bits (value x 2^64) of CU and SU as decimal strings.',
  ], {
    Derived: { bugType: 'FUNCTIONALITY', description: 'derived from the spec rules with the rational reference' },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed error is expected' },
  }, [cuSpec, ru, { type: 'InvalidResourceUnits', tests: [
    { tcId: 0, comment: 'negative sru', flags: ['BadInput'], source: 'rule: resources are u64 (spec §1.1)', result: 'invalid', error: 'billing.invalid_input', resources: { cru: '1', mru: '0', sru: '-1', hru: '0' } },
    { tcId: 0, comment: 'hru beyond u64', flags: ['BadInput'], source: 'rule: resources are u64 (spec §1.1)', result: 'invalid', error: 'billing.invalid_input', resources: { cru: '1', mru: '0', sru: '0', hru: s(1n << 64n) } },
  ] }]);
}

// ---- cost -------------------------------------------------------------------------------------
{
  const worked: Group = { type: 'WorkedExample', tests: [] };
  const vm: RefResources = { cru: 4n, mru: 8n * GiB, sru: 160n * GiB, hru: 0n };
  const vmUnits = unitsRef(vm, REF_POLICIES.mainnet!);
  worked.tests.push({
    tcId: 0, comment: 'issue #373: VM 4 cores, 8 GiB, 160 GiB SSD, one IPv4, one hour, mainnet policy, 20 mUSD/TFT',
    flags: [], source: `${SPEC18} issue #373 worked example (CU 2, SU 0.8, 280000 units USD/h, 14000000 planck/h); raw bits from the reference`,
    result: 'valid', policy: 'mainnet', resources: res(vm), publicIps: 1, seconds: '3600',
    cu: '2', su: '0.8', cuRaw: s(raw(vmUnits.cu)), suRaw: s(raw(vmUnits.su)), unitsUsd: '280000',
    priceMusd: 20, minMusd: 20, maxMusd: 2000, tftPlanck: '14000000',
  });

  const node: Group = { type: 'NodeContractCost', tests: [] };
  for (let i = 0; i < 40; i++) {
    const policy = i % 4 === 3 ? 'unit-test' : 'mainnet';
    const r = randomResources();
    const ips = BigInt(pick([0, 0, 1, 1, 2, 5]));
    const sec = i === 0 ? 0n : randomSeconds();
    const rented = next() % 8 === 0;
    const unbilled = next() % 4 === 0 ? big(100_000n) : 0n;
    const p = REF_POLICIES[policy]!;
    const units = sec === 0n ? 0n : resourcesCostRef(r, ips, sec, p, !rented) + unbilled;
    node.tests.push({
      tcId: 0, comment: `derived #${i + 1}${sec === 0n ? ' (0 s: nothing, not even amount_unbilled)' : ''}${rented ? ' (node rented: CU/SU not billed)' : ''}`,
      flags: ['Derived'], source: `${REF}6 node contract)`, result: 'valid',
      policy, resources: res(r), publicIps: Number(ips), seconds: s(sec), onRentedNode: rented, unbilledNuUnitsUsd: s(unbilled), unitsUsd: s(units),
    });
  }
  const name: Group = { type: 'NameContractCost', tests: [] };
  for (let i = 0; i < 8; i++) {
    const policy = i % 2 ? 'unit-test' : 'mainnet';
    const sec = randomSeconds();
    name.tests.push({
      tcId: 0, comment: `derived #${i + 1}`, flags: ['Derived'], source: `${REF}6 name contract)`, result: 'valid',
      policy, seconds: s(sec), unitsUsd: s(nameCostRef(sec, REF_POLICIES[policy]!)),
    });
  }
  const rent: Group = { type: 'RentContractCost', tests: [] };
  for (let i = 0; i < 12; i++) {
    const policy = i % 3 === 2 ? 'unit-test' : 'mainnet';
    const r = { cru: BigInt(pick([4, 8, 16, 32, 64])), mru: BigInt(pick([8, 16, 64, 256, 512])) * GiB + big(GiB), sru: big(4096n * GiB), hru: big(20_000n * GiB) };
    const sec = randomSeconds();
    const pct = BigInt(pick([50, 50, 25, 100, 0, 33]));
    const fee = next() % 2 ? BigInt(pick([0, 1000, 12_345, 50_000])) : 0n;
    rent.tests.push({
      tcId: 0, comment: `derived #${i + 1}: share paid ${pct}%, extra fee ${fee} mUSD/month`, flags: ['Derived'],
      source: `${REF}6 rent contract, extra fee)`, result: 'valid', policy, resources: res(r), seconds: s(sec),
      rentDiscountPercent: Number(pct), extraFeeMusd: s(fee),
      unitsUsd: s(rentCostRef(r, sec, REF_POLICIES[policy]!, pct)), extraFeeUnitsUsd: s(fee === 0n ? 0n : extraFeeRef(fee, sec)),
    });
  }
  const nru: Group = { type: 'NruReportCost', tests: [] };
  for (let i = 0; i < 10; i++) {
    const policy = i % 3 === 2 ? 'unit-test' : 'mainnet';
    const bytes = pick([1_000_000_000n, 0n, big(10n ** 12n), big(5_000_000n), 123_456_789_012n]);
    const window = pick([3600n, 3600n, 1n, 60n, 86_400n, big(10_000n) + 1n]);
    nru.tests.push({
      tcId: 0, comment: `derived #${i + 1}${bytes === 1_000_000_000n && window === 3600n ? ' (1 GB over 1 h: the per-GB price)' : ''}`,
      flags: ['Derived'], source: `${REF}9)`, result: 'valid', policy, nruBytes: s(bytes), window: s(window),
      unitsUsd: s(nruCostRef(bytes, window, REF_POLICIES[policy]!)),
    });
  }
  const tft: Group = { type: 'TftConversion', tests: [] };
  const prices: [number, number, number][] = [[20, 20, 2000], [50, 10, 1000], [5, 20, 2000], [3000, 20, 2000], [17, 10, 1000], [1234, 20, 2000], [20, 20, 2000], [99, 10, 1000]];
  for (let i = 0; i < 14; i++) {
    const [pr, mn, mx] = prices[i % prices.length]!;
    const units = pick([280_000n, 1n, 0n, big(10n ** 9n), big(1000n), 2500n]);
    tft.tests.push({
      tcId: 0, comment: `derived #${i + 1}: price ${pr} clamped to [${mn}, ${mx}]`, flags: ['Derived', ...(pr < mn || pr > mx ? ['Clamped'] : [])],
      source: `${REF}7)`, result: 'valid', unitsUsd: s(units), priceMusd: pr, minMusd: mn, maxMusd: mx,
      tftPlanck: s(tftRef(units, BigInt(pr), BigInt(mn), BigInt(mx))),
    });
  }
  // Near ties: the exact rational cost ends in .5, but the chain cuts (value / 3600) to the 2^-64
  // grid first, so it lands just below .5 and rounds down; computing value x s / 3600 exactly
  // (the wrong evaluation order) would round up.
  const ties: Group = { type: 'NearTie', tests: [] };
  const half = (num: bigint, den: bigint): boolean => (2n * num) % (2n * den) === den;
  for (const policy of ['mainnet', 'unit-test'] as const) {
    const p = REF_POLICIES[policy]!;
    let found = 0;
    for (let sec = 1n; sec < 5000n && found < 4; sec++) {
      if (!half(p.uniqueName * sec, 3600n)) continue;
      found++;
      ties.tests.push({
        tcId: 0, comment: `name contract, ${policy}, ${sec} s: exact ${p.uniqueName}x${sec}/3600 ends in .5`, flags: ['NearTie'],
        source: `${REF}6, §14 evaluation order)`, result: 'valid', kind: 'name', policy, seconds: s(sec),
        unitsUsd: s(nameCostRef(sec, p)), naiveUnitsUsd: s((p.uniqueName * sec + 1800n) / 3600n),
      });
    }
    found = 0;
    for (let sec = 1n; sec < 5000n && found < 4; sec++) {
      const ips = BigInt(1 + (found % 3));
      if (!half(ips * p.ipu * sec, 3600n)) continue;
      found++;
      const zero = { cru: 0n, mru: 0n, sru: 0n, hru: 0n };
      ties.tests.push({
        tcId: 0, comment: `node contract with ${ips} IPv4 only, ${policy}, ${sec} s: exact cost ends in .5`, flags: ['NearTie'],
        source: `${REF}6, §14 evaluation order)`, result: 'valid', kind: 'node', policy, resources: res(zero), publicIps: Number(ips), seconds: s(sec),
        unitsUsd: s(resourcesCostRef(zero, ips, sec, p, true)), naiveUnitsUsd: s((ips * p.ipu * sec + 1800n) / 3600n),
      });
    }
    found = 0;
    for (let sec = 1n; sec < 20000n && found < 4; sec++) {
      // SU only: sru = 200 GiB x k gives SU = k exactly
      const k = BigInt(1 + found);
      if (!half(k * p.su * sec, 3600n)) continue;
      found++;
      const r = { cru: 0n, mru: 0n, sru: 200n * k * GiB, hru: 0n };
      ties.tests.push({
        tcId: 0, comment: `node contract, SU ${k} only, ${policy}, ${sec} s: exact cost ends in .5`, flags: ['NearTie'],
        source: `${REF}6, §14 evaluation order)`, result: 'valid', kind: 'node', policy, resources: res(r), publicIps: 0, seconds: s(sec),
        unitsUsd: s(resourcesCostRef(r, 0n, sec, p, true)), naiveUnitsUsd: s((k * p.su * sec + 1800n) / 3600n),
      });
    }
  }
  for (const [units, price] of [[1n, 2000], [3n, 2000], [1n, 400], [12_345n, 2000], [7n, 400]] as const) {
    tft.tests.push({
      tcId: 0, comment: `near tie: ${units} units at ${price} mUSD is exactly k.5 planck; the cut quotient rounds down`, flags: ['NearTie'],
      source: `${REF}7, §14)`, result: 'valid', unitsUsd: s(units), priceMusd: price, minMusd: 20, maxMusd: 2000,
      tftPlanck: s(tftRef(units, BigInt(price), 20n, 2000n)),
    });
  }
  const invalid: Group = { type: 'InvalidCostInput', tests: [
    { tcId: 0, comment: 'negative memory', flags: ['BadInput'], source: 'rule: resources are u64 (spec §1.1)', result: 'invalid', error: 'billing.invalid_input', kind: 'node', policy: 'mainnet', resources: { cru: '1', mru: '-1', sru: '0', hru: '0' }, publicIps: 0, seconds: '3600' },
    { tcId: 0, comment: 'sru beyond u64', flags: ['BadInput'], source: 'rule: resources are u64 (spec §1.1)', result: 'invalid', error: 'billing.invalid_input', kind: 'node', policy: 'mainnet', resources: { cru: '1', mru: '0', sru: s(1n << 64n), hru: '0' }, publicIps: 0, seconds: '3600' },
    { tcId: 0, comment: 'negative seconds', flags: ['BadInput'], source: 'rule: elapsed time saturates at 0 on chain; a negative input is a caller bug', result: 'invalid', error: 'billing.invalid_input', kind: 'name', policy: 'mainnet', seconds: '-5' },
    { tcId: 0, comment: 'unknown contract kind', flags: ['BadInput'], source: 'rule: kinds are node, name, rent (spec §1)', result: 'invalid', error: 'billing.invalid_input', kind: 'service', policy: 'mainnet', seconds: '3600' },
    { tcId: 0, comment: 'u32::MAX public IPs for u64::MAX seconds: the cost does not fit in u64', flags: ['BadInput', 'Overflow'], source: 'rule: the chain converts the rounded cost with to_num::<u64>() (§6, §14); beyond u64 it would panic', result: 'invalid', error: 'billing.overflow', kind: 'node', policy: 'mainnet', resources: { cru: '0', mru: '0', sru: '0', hru: '0' }, publicIps: 4294967295, seconds: s((1n << 64n) - 1n) },
    { tcId: 0, comment: 'extra fee x 10000 x seconds beyond u64', flags: ['BadInput', 'Overflow'], source: 'rule: the extra fee product is formed in u64 (§6); beyond it the runtime would overflow', result: 'invalid', error: 'billing.overflow', kind: 'rent', policy: 'mainnet', resources: { cru: '4', mru: s(8n * GiB), sru: '0', hru: '0' }, seconds: '3600', extraFeeMusd: s(10n ** 15n) },
  ] };
  const invalidTft: Group = { type: 'InvalidTftConversion', tests: [
    { tcId: 0, comment: 'price, min and max 0: division by zero', flags: ['BadInput'], source: 'rule: §7 divides by the clamped price x 10000; 0 would panic on chain', result: 'invalid', error: 'billing.division_by_zero', unitsUsd: '280000', priceMusd: 0, minMusd: 0, maxMusd: 0 },
    { tcId: 0, comment: 'clamped price 500000 mUSD: price x 10000 beyond u32', flags: ['BadInput', 'Overflow'], source: 'rule: §7 forms price x 10000 as u32 (AverageTftPrice is u32 mUSD)', result: 'invalid', error: 'billing.overflow', unitsUsd: '280000', priceMusd: 500000, minMusd: 20, maxMusd: 1000000 },
    { tcId: 0, comment: 'negative units', flags: ['BadInput'], source: 'rule: units USD are u64', result: 'invalid', error: 'billing.invalid_input', unitsUsd: '-1', priceMusd: 20, minMusd: 20, maxMusd: 2000 },
  ] };
  write('cost', 'billing_cost_schema_v1', [
    'Contract cost in units USD (1 USD = 10^7 units) over `seconds` (chain-and-billing.md §6, §7, §9), U64F64 with',
    'the chain evaluation order. Policies: "mainnet" (su 50000, cu 100000, nu 15000, ipu 40000, unique_name 2500,',
    'discount_for_dedication_nodes 50) and "unit-test" (194400, 305600, 50000, 69400, 13900, 50), all Gigabytes.',
    'Resources in bytes (cru in cores) as decimal strings. Node: round(su+cu+ip) + unbilledNuUnitsUsd, CU/SU',
    'skipped when onRentedNode; 0 seconds costs 0. Rent: Percent(rentDiscountPercent) x round(su+cu) of the node,',
    'extra fee round(fee x 10000 x s / 2592000) apart. TFT: round(units / (clamp(price) x 10000) x 10^7) planck.',
  ], {
    Derived: { bugType: 'FUNCTIONALITY', description: 'derived from the spec rules with the rational reference' },
    Clamped: { bugType: 'EDGE_CASE', description: 'the average price lies outside [min, max] and is clamped' },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed error is expected' },
    NearTie: { bugType: 'EDGE_CASE', description: 'the exact rational ends in .5; the chain evaluation order lands just below and rounds down' },
    Overflow: { bugType: 'EDGE_CASE', description: 'a value the chain would overflow on (panic or wrap): billing.overflow' },
  }, [worked, node, name, rent, nru, tft, ties, invalid, invalidTft]);
}

// ---- discount ---------------------------------------------------------------------------------
{
  const spec: Group = { type: 'Discount', tests: [] };
  for (const [months, amount, level] of [[1, 1000n, 'None'], [1.5, 800n, 'Default'], [3, 700n, 'Bronze'], [6, 600n, 'Silver'], [18, 400n, 'Gold']] as const) {
    spec.tests.push({
      tcId: 0, comment: `balance covers ${months} months`, flags: [], source: `${SPEC18} test_calculate_discount! (tfchain tests.rs)`, result: 'valid',
      amountPlanck: '1000', seconds: '3600', balancePlanck: s(BigInt(Math.round(1000 * 720 * months))), certified: false,
      level, discountedPlanck: s(amount),
    });
  }
  const derived: Group = { type: 'DiscountDerived', tests: [] };
  const push = (amount: bigint, sec: bigint, balance: bigint, certified: boolean, comment: string, flags: string[] = []): void => {
    const d = discountRef(amount, sec, balance, certified);
    derived.tests.push({
      tcId: 0, comment, flags: ['Derived', ...flags], source: `${REF}8)`, result: 'valid',
      amountPlanck: s(amount), seconds: s(sec), balancePlanck: s(balance), certified, level: d.level, discountedPlanck: s(d.amount), monthlyPlanck: s(d.monthly),
    });
  };
  // thresholds: exactly at and one planck below
  for (const m of [15n, 30n, 60n, 180n]) {
    const monthly = 14_000_000n * 720n;
    push(14_000_000n, 3600n, (monthly * m) / 10n, false, `exactly ${m}/10 months`, ['Threshold']);
    push(14_000_000n, 3600n, (monthly * m) / 10n - 1n, false, `one planck below ${m}/10 months`, ['Threshold']);
  }
  for (let i = 0; i < 16; i++) {
    const amount = pick([big(100_000_000n) + 1n, big(1000n) + 1n, 14_000_000n, 7n]);
    const sec = randomSeconds();
    const balance = big(10n ** 14n);
    push(amount, sec, balance, i % 4 === 1, `derived #${i + 1}${i % 4 === 1 ? ' (Certified x1.25, v2.9)' : ''}`, i % 4 === 1 ? ['Certified'] : []);
  }
  // 0.7 as a double is just below 0.7: an odd multiple of 5 planck at Bronze is a near tie.
  for (const a of [5n, 15n, 25n, 1_000_005n]) {
    push(a, 3600n, a * 720n * 4n, false, `near tie: ${a} x 0.7 ends in .5 exactly, the f64 0.7 is below it`, ['NearTie']);
  }
  push(0n, 3600n, 10n ** 12n, false, 'zero amount: None, 0');
  write('discount', 'billing_discount_schema_v1', [
    'Staking discount (chain-and-billing.md §8): hourly = amount x 3600 / seconds (U64F64), monthly =',
    'round(hourly x 720), months = balance / monthly, level None < 1.5 <= Default < 3 <= Bronze < 6 <= Silver',
    '< 18 <= Gold, discounted = round(amount x multiplier [x 1.25 when certified]); multipliers are the f64',
    'values 0.8, 0.7, 0.6, 0.4 taken exactly. Amounts in planck (10^7 per TFT) as decimal strings.',
  ], {
    Derived: { bugType: 'FUNCTIONALITY', description: 'derived from the spec rules with the rational reference' },
    Threshold: { bugType: 'EDGE_CASE', description: 'balance exactly at a level threshold, or one planck below it' },
    Certified: { bugType: 'FUNCTIONALITY', description: 'Certified node: x1.25 after the discount (v2.9+; v2.7 passes Diy)' },
    NearTie: { bugType: 'EDGE_CASE', description: 'the decimal product ends in .5; the exact double multiplier decides' },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed error is expected' },
  }, [spec, derived, { type: 'InvalidDiscountInput', tests: [
    { tcId: 0, comment: 'balance 2^64: does not fit U64F64', flags: ['BadInput'], source: 'rule: §8 takes U64F64::from_num(balance); beyond u64 it cannot', result: 'invalid', error: 'billing.overflow', amountPlanck: '1000', seconds: '3600', balancePlanck: s(1n << 64n), certified: false },
    { tcId: 0, comment: 'negative balance', flags: ['BadInput'], source: 'rule: balances are u128 planck', result: 'invalid', error: 'billing.invalid_input', amountPlanck: '1000', seconds: '3600', balancePlanck: '-1', certified: false },
    { tcId: 0, comment: 'a non-zero amount over 0 seconds', flags: ['BadInput'], source: 'rule: §8 divides by the seconds billed; the chain never bills 0 s with an amount', result: 'invalid', error: 'billing.invalid_input', amountPlanck: '1000', seconds: '0', balancePlanck: '1000000', certified: false },
  ] }]);
}

// ---- percent and payouts ----------------------------------------------------------------------
{
  const spec: Group = { type: 'Percent', tests: [] };
  for (const [pct, n, out] of [[25n, 1000n, 250n], [50n, 1000n, 500n], [25n, 992n, 248n]] as const) {
    spec.tests.push({ tcId: 0, comment: `${pct}% of ${n}`, flags: [], source: `${SPEC18} test_percent (tfchain tests.rs)`, result: 'valid', kind: 'Percent', percent: Number(pct), n: s(n), out: s(out) });
  }
  for (const [pct, n] of [[50n, 1n], [50n, 3n], [50n, 5n], [33n, 50n], [10n, 15n], [5n, 10n], [75n, 2n]] as const) {
    spec.tests.push({ tcId: 0, comment: `${pct}% of ${n}: nearest, ties down`, flags: ['Derived', 'Tie'], source: `${REF}14 Percent)`, result: 'valid', kind: 'Percent', percent: Number(pct), n: s(n), out: s(percentRef(pct, n)) });
  }
  for (const [pct, n] of [[10n, 5n], [5n, 10n], [50n, 1n], [40n, 3n], [10n, big(10n ** 15n)], [35n, 7n], [1n, 50n]] as const) {
    spec.tests.push({ tcId: 0, comment: `Perbill::from_percent(${pct}) x ${n}`, flags: ['Derived'], source: `${REF}14 Perbill)`, result: 'valid', kind: 'Perbill', percent: Number(pct), n: s(n), out: s(perbillPercentRef(pct, n)) });
  }
  const pay: Group = { type: 'Payout', tests: [] };
  for (let i = 0; i < 16; i++) {
    const model = i % 2 ? 'v2.7-lock' : 'v2.9-reserve';
    const kind = pick(['node', 'node', 'rent', 'name']);
    const amount = pick([big(10n ** 10n), big(100n), 1n, 0n, 14_000_000n]);
    const additional = kind === 'rent' ? pick([0n, big(10n ** 8n)]) : 0n;
    const takes = model === 'v2.7-lock' && next() % 2 ? pick([[10n], [20n, 5n], [50n], [17n, 17n, 16n]]) : [];
    const p = payoutRef(model, amount, additional, kind, takes);
    pay.tests.push({
      tcId: 0, comment: `derived #${i + 1}: ${model}, ${kind} contract`, flags: ['Derived'],
      source: `${REF}${model === 'v2.7-lock' ? '11' : '12'} payout table)`, result: 'valid',
      model, kind, amountPlanck: s(amount), additionalPlanck: s(additional), solutionProviderTakes: takes.map(Number),
      farmer: s(p.farmer), foundation: s(p.foundation), stakingPool: s(p.stakingPool), certifiedSales: s(p.certifiedSales),
      solutionProviders: p.solutionProviders.map(s), burned: s(p.burned),
    });
  }
  write('percent', 'billing_percent_schema_v1', [
    'Per-thing arithmetic (chain-and-billing.md §14): Percent::from_percent(p) x n and Perbill::from_percent(p) x n,',
    'rounded to nearest with ties down. Payouts (§11 v2.7 cultivation split, §12 v2.9+ reserve split) of a',
    'standard amount and an additional (extra fee) amount, planck as decimal strings.',
  ], {
    Derived: { bugType: 'FUNCTIONALITY', description: 'derived from the spec rules with the rational reference' },
    Tie: { bugType: 'EDGE_CASE', description: 'exact half: ties go down' },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed error is expected' },
  }, [spec, pay, { type: 'InvalidPayout', tests: [
    { tcId: 0, comment: 'solution provider takes sum to 51%', flags: ['BadInput'], source: 'rule: Σtake ≤ 50 (§2.4 InvalidProviderConfiguration)', result: 'invalid', error: 'billing.invalid_input', model: 'v2.7-lock', kind: 'node', amountPlanck: '1000', additionalPlanck: '0', solutionProviderTakes: [26, 25] },
    { tcId: 0, comment: 'negative amount', flags: ['BadInput'], source: 'rule: amounts are u128 planck', result: 'invalid', error: 'billing.invalid_input', model: 'v2.9-reserve', kind: 'node', amountPlanck: '-1', additionalPlanck: '0', solutionProviderTakes: [] },
    { tcId: 0, comment: 'unknown billing model', flags: ['BadInput'], source: "rule: models are 'v2.7-lock' and 'v2.9-reserve'", result: 'invalid', error: 'billing.invalid_input', model: 'v2.8', kind: 'node', amountPlanck: '1000', additionalPlanck: '0', solutionProviderTakes: [] },
  ] }]);
}
