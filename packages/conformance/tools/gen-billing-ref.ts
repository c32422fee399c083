// An independent reference for tfchain billing arithmetic (shared/spec/chain-and-billing.md
// §6–§9, §11, §12, §14), written for the vector generator and the billing tests. It does NOT use
// @sc4it/billing: every quantity is an exact rational (BigInt numerator / denominator), and each
// U64F64 operation of the chain is modelled as "compute exactly, then cut to a multiple of 2^-64
// towards zero" (`q`), `round()` as floor(x + 1/2), Perbill/Percent as the exact product rounded
// to nearest with ties down. Only the spec's formulas and evaluation order are shared.

export interface Q {
  n: bigint;
  d: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  a = a < 0n ? -a : a;
  while (b !== 0n) [a, b] = [b, a % b];
  return a;
}

export function q(n: bigint, d = 1n): Q {
  if (d === 0n) throw new Error('reference: division by zero');
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return { n: n / g, d: d / g };
}
export const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const sub = (a: Q, b: Q): Q => q(a.n * b.d - b.n * a.d, a.d * b.d);
export const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
export const cmp = (a: Q, b: Q): number => {
  const l = a.n * b.d, r = b.n * a.d;
  return l < r ? -1 : l > r ? 1 : 0;
};
export const maxQ = (a: Q, b: Q): Q => (cmp(a, b) >= 0 ? a : b);
export const minQ = (a: Q, b: Q): Q => (cmp(a, b) <= 0 ? a : b);
/** Largest integer ≤ x (x ≥ 0 here). */
export function floorQ(x: Q): bigint {
  const f = x.n / x.d;
  return x.n < 0n && f * x.d !== x.n ? f - 1n : f;
}
const TWO64 = 1n << 64n;
/** Cut to the U64F64 grid (towards zero; values are non-negative). */
export const cut = (x: Q): Q => q(floorQ(mul(x, q(TWO64))), TWO64);
/** `round()`: nearest integer, ties away from zero (x ≥ 0). */
export const roundQ = (x: Q): bigint => floorQ(add(x, q(1n, 2n)));
/** The U64F64 raw bits of a grid value, as the vectors record them. */
export const raw = (x: Q): bigint => floorQ(mul(x, q(TWO64)));

/** Exact rational value of a JS double, by doubling until integral (power-of-two scaling is exact). */
export function doubleQ(x: number): Q {
  let k = 0n;
  while (!Number.isInteger(x)) {
    x *= 2;
    k++;
  }
  return q(BigInt(x), 1n << k);
}

/** Nearest integer to x, ties down (sp-arithmetic NearestPrefDown). */
export function nearestTiesDown(x: Q): bigint {
  const f = floorQ(x);
  const frac = sub(x, q(f));
  return cmp(frac, q(1n, 2n)) > 0 ? f + 1n : f;
}
export const percentRef = (pct: bigint, n: bigint): bigint => nearestTiesDown(q(n * (pct > 100n ? 100n : pct), 100n));
export const perbillPercentRef = (pct: bigint, n: bigint): bigint =>
  nearestTiesDown(q(n * (pct > 100n ? 100n : pct) * 10_000_000n, 1_000_000_000n));

export interface RefPolicy {
  su: bigint;
  cu: bigint;
  nu: bigint;
  ipu: bigint;
  uniqueName: bigint;
  /** unit exponents: 0 bytes … 3 GB … 4 TB */
  suUnit: number;
  cuUnit: number;
  nuUnit: number;
  rentPercent: bigint;
}

export const REF_POLICIES: Record<string, RefPolicy> = {
  mainnet: { su: 50_000n, cu: 100_000n, nu: 15_000n, ipu: 40_000n, uniqueName: 2_500n, suUnit: 3, cuUnit: 3, nuUnit: 3, rentPercent: 50n },
  'unit-test': { su: 194_400n, cu: 305_600n, nu: 50_000n, ipu: 69_400n, uniqueName: 13_900n, suUnit: 3, cuUnit: 3, nuUnit: 3, rentPercent: 50n },
};

const f1024 = (e: number): bigint => 1024n ** BigInt(e);
const f1000 = (e: number): bigint => 1000n ** BigInt(e);

/** (value / 3600) on the grid: the per-second price, cut first (§14 order). */
const perSecond = (value: bigint): Q => cut(q(value, 3600n));

export interface RefResources {
  cru: bigint;
  mru: bigint;
  sru: bigint;
  hru: bigint;
}

/** CU and SU as grid rationals (§6 steps 1–3). */
export function unitsRef(r: RefResources, p: RefPolicy): { cu: Q; su: Q } {
  const hru = cut(q(r.hru, f1024(p.suUnit)));
  const sru = cut(q(r.sru, f1024(p.suUnit)));
  const mru = cut(q(r.mru, f1024(p.cuUnit)));
  const cru = q(r.cru);
  const su = add(cut(div(hru, q(1200n))), cut(div(sru, q(200n))));
  const cu1 = maxQ(cut(div(mru, q(4n))), cut(div(cru, q(2n))));
  const cu2 = maxQ(cut(div(mru, q(8n))), cru);
  const cu3 = maxQ(cut(div(mru, q(2n))), cut(div(cru, q(4n))));
  return { cu: minQ(minQ(cu1, cu2), cu3), su };
}

/** round(su_cost + cu_cost + ip_cost) (§6 steps 4–6, without amount_unbilled). */
export function resourcesCostRef(r: RefResources, ips: bigint, s: bigint, p: RefPolicy, billResources: boolean): bigint {
  let total = q(0n);
  if (billResources) {
    const { cu, su } = unitsRef(r, p);
    total = add(cut(mul(mul(perSecond(p.su), q(s)), su)), cut(mul(mul(perSecond(p.cu), q(s)), cu)));
  }
  if (ips > 0n) total = add(total, mul(mul(q(ips), perSecond(p.ipu)), q(s)));
  return roundQ(total);
}

export function nameCostRef(s: bigint, p: RefPolicy): bigint {
  return roundQ(mul(perSecond(p.uniqueName), q(s)));
}

export function rentCostRef(r: RefResources, s: bigint, p: RefPolicy, pct: bigint): bigint {
  return percentRef(pct, resourcesCostRef(r, 0n, s, p, true));
}

/** One NRU report's cost (§9). */
export function nruCostRef(nru: bigint, window: bigint, p: RefPolicy): bigint {
  const used = cut(q(nru, f1000(p.nuUnit)));
  return roundQ(mul(cut(mul(used, perSecond(p.nu))), q(window)));
}

export function extraFeeRef(feeMusd: bigint, s: bigint): bigint {
  return roundQ(cut(q(feeMusd * 10_000n * s, 2_592_000n)));
}

export function tftRef(units: bigint, priceMusd: bigint, minMusd: bigint, maxMusd: bigint): bigint {
  let pr = priceMusd < minMusd ? minMusd : priceMusd;
  if (pr > maxMusd) pr = maxMusd;
  return roundQ(mul(cut(q(units, pr * 10_000n)), q(10_000_000n)));
}

export const LEVELS = [
  { name: 'Gold', min: q(18n), mult: doubleQ(0.4) },
  { name: 'Silver', min: q(6n), mult: doubleQ(0.6) },
  { name: 'Bronze', min: q(3n), mult: doubleQ(0.7) },
  { name: 'Default', min: doubleQ(1.5), mult: doubleQ(0.8) },
] as const;

export function discountRef(amount: bigint, s: bigint, balance: bigint, certified: boolean): { level: string; amount: bigint; monthly: bigint } {
  if (amount === 0n) return { level: 'None', amount: 0n, monthly: 0n };
  const hourly = cut(q(amount * 3600n, s));
  const monthly = roundQ(mul(hourly, q(720n)));
  let level = 'None';
  let mult = q(1n);
  if (monthly !== 0n) {
    const months = cut(q(balance, monthly));
    for (const l of LEVELS) {
      if (cmp(months, l.min) >= 0) {
        level = l.name;
        mult = l.mult;
        break;
      }
    }
  }
  let due = cut(mul(q(amount), mult));
  if (certified) due = cut(mul(due, doubleQ(1.25)));
  return { level, amount: roundQ(due), monthly };
}

export interface RefPayout {
  farmer: bigint;
  foundation: bigint;
  stakingPool: bigint;
  certifiedSales: bigint;
  solutionProviders: bigint[];
  burned: bigint;
}

/** §11 table (v2.7) and §12 table (v2.9+); the extra fee goes 100% to the farmer in both. */
export function payoutRef(model: string, amount: bigint, additional: bigint, kind: string, takes: bigint[]): RefPayout {
  if (model === 'v2.9-reserve') {
    const staking = perbillPercentRef(10n, amount);
    if (kind === 'name') {
      return { farmer: additional, foundation: amount - staking, stakingPool: staking, certifiedSales: 0n, solutionProviders: [], burned: 0n };
    }
    const foundation = perbillPercentRef(40n, amount);
    return { farmer: amount - foundation - staking + additional, foundation, stakingPool: staking, certifiedSales: 0n, solutionProviders: [], burned: 0n };
  }
  if (amount === 0n) {
    return { farmer: additional, foundation: 0n, stakingPool: 0n, certifiedSales: 0n, solutionProviders: takes.map(() => 0n), burned: 0n };
  }
  const foundation = perbillPercentRef(10n, amount);
  const staking = perbillPercentRef(5n, amount);
  const sumTake = takes.reduce((a, b) => a + b, 0n);
  const sales = 50n - sumTake > 0n ? perbillPercentRef(50n - sumTake, amount) : 0n;
  const half = perbillPercentRef(50n, amount);
  const burned = half - foundation - staking;
  return {
    farmer: additional, foundation, stakingPool: staking, certifiedSales: sales,
    solutionProviders: takes.map((t) => perbillPercentRef(t, amount)), burned: burned < 0n ? 0n : burned,
  };
}
