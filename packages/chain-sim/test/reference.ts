/**
 * An independent reference for the billing tests, written from shared/spec/chain-and-billing.md
 * §5–§12 with plain rational arithmetic (exact fractions of bigints) — NOT with @sc4it/billing.
 * The chain computes in U64F64; the two agree whenever a value is not within 2^-60 of a rounding
 * tie, which `round` asserts so a test can never pass by luck.
 */
export interface Q {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  a = a < 0n ? -a : a;
  while (b) [a, b] = [b, a % b];
  return a;
};

export function q(n: bigint | number, d: bigint | number = 1n): Q {
  let N = BigInt(n);
  let D = BigInt(d);
  if (D < 0n) [N, D] = [-N, -D];
  const g = gcd(N, D) || 1n;
  return { n: N / g, d: D / g };
}
export const add = (a: Q, b: Q): Q => q(a.n * b.d + b.n * a.d, a.d * b.d);
export const mul = (a: Q, b: Q): Q => q(a.n * b.n, a.d * b.d);
export const div = (a: Q, b: Q): Q => q(a.n * b.d, a.d * b.n);
export const lt = (a: Q, b: Q): boolean => a.n * b.d < b.n * a.d;
export const min = (...xs: Q[]): Q => xs.reduce((m, x) => (lt(x, m) ? x : m));
export const max = (...xs: Q[]): Q => xs.reduce((m, x) => (lt(m, x) ? x : m));

/** Round half away from zero (U64F64 `round`), refusing values too close to a tie. */
export function round(x: Q): bigint {
  const floor = x.n / x.d;
  const frac = q(x.n - floor * x.d, x.d);
  const diff = add(frac, q(-1n, 2n));
  if (diff.n !== 0n && lt(q(diff.n < 0n ? -diff.n : diff.n, diff.d), q(1n, 1n << 40n))) {
    throw new Error('reference value too close to a rounding tie: pick other inputs');
  }
  return lt(frac, q(1n, 2n)) ? floor : floor + 1n;
}

const GIB = 1n << 30n;

export interface Policy {
  su: bigint;
  cu: bigint;
  nu: bigint;
  ipu: bigint;
  uniqueName: bigint;
  rentPercent: number;
}

/** Mainnet policy 1 (spec §5 table). */
export const MAINNET: Policy = { su: 50_000n, cu: 100_000n, nu: 15_000n, ipu: 40_000n, uniqueName: 2_500n, rentPercent: 50 };

export function units(res: { cru: bigint; mru: bigint; sru: bigint; hru: bigint }): { cu: Q; su: Q } {
  const mru = q(res.mru, GIB);
  const cru = q(res.cru);
  const cu = min(max(div(mru, q(4)), div(cru, q(2))), max(div(mru, q(8)), cru), max(div(mru, q(2)), div(cru, q(4))));
  const su = add(div(q(res.hru, GIB), q(1200)), div(q(res.sru, GIB), q(200)));
  return { cu, su };
}

/** §6 node contract: round(su_cost + cu_cost + ip_cost) + unbilled, over `s` seconds. */
export function nodeCost(p: Policy, s: number, res: { cru: bigint; mru: bigint; sru: bigint; hru: bigint } | null, ips: number, unbilled = 0n): bigint {
  if (s === 0) return 0n;
  let total = mul(q(BigInt(ips) * p.ipu, 3600n), q(s));
  if (res) {
    const { cu, su } = units(res);
    total = add(total, mul(mul(q(p.su, 3600n), q(s)), su));
    total = add(total, mul(mul(q(p.cu, 3600n), q(s)), cu));
  }
  return round(total) + unbilled;
}

/** §14 Percent × n: nearest, ties down. */
export function percent(pct: number, n: bigint): bigint {
  const exact = q(n * BigInt(pct), 100n);
  const floor = exact.n / exact.d;
  const rem = q(exact.n - floor * exact.d, exact.d);
  return lt(q(1n, 2n), rem) ? floor + 1n : floor;
}

export function rentCost(p: Policy, s: number, res: { cru: bigint; mru: bigint; sru: bigint; hru: bigint }): bigint {
  const { cu, su } = units(res);
  const full = round(add(mul(mul(q(p.su, 3600n), q(s)), su), mul(mul(q(p.cu, 3600n), q(s)), cu)));
  return percent(p.rentPercent, full);
}

export function nameCost(p: Policy, s: number): bigint {
  return round(mul(q(p.uniqueName, 3600n), q(s)));
}

/** §9: round((nru / 10^9) × (nu / 3600) × window). */
export function nruCost(p: Policy, nru: bigint, window: number): bigint {
  return round(mul(mul(q(nru, 1_000_000_000n), q(p.nu, 3600n)), q(window)));
}

/** §7: round(units / (price × 10000) × 10^7), price clamped to [min, max]. */
export function toPlanck(unitsUsd: bigint, priceMusd: number, minMusd = 10, maxMusd = 1000): bigint {
  const p = Math.min(Math.max(priceMusd, minMusd), maxMusd);
  return round(mul(q(unitsUsd, BigInt(p) * 10_000n), q(10_000_000n)));
}

export type Level = 'None' | 'Default' | 'Bronze' | 'Silver' | 'Gold';
const MULT: Record<Level, Q> = { None: q(1), Default: q(8, 10), Bronze: q(7, 10), Silver: q(6, 10), Gold: q(4, 10) };

/** §8: level from months covered, result round(amount × multiplier). */
export function discount(amount: bigint, s: number, balance: bigint): { level: Level; amount: bigint } {
  if (amount === 0n) return { level: 'None', amount: 0n };
  const hourly = q(amount * 3600n, BigInt(s));
  const monthly = round(mul(hourly, q(720)));
  const d = q(balance, monthly);
  const level: Level = !lt(d, q(18)) ? 'Gold' : !lt(d, q(6)) ? 'Silver' : !lt(d, q(3)) ? 'Bronze' : !lt(d, q(3, 2)) ? 'Default' : 'None';
  return { level, amount: round(mul(q(amount), MULT[level])) };
}

/** Perbill::from_percent(x) × n (nearest, ties down) — same rule as Percent for whole percents. */
export const perbill = percent;

/** §12 v2.9 payout of a standard reserve: 10% staking, 40% foundation, farmer the rest. */
export function payoutV29(reserve: bigint): { staking: bigint; foundation: bigint; farmer: bigint } {
  const staking = perbill(10, reserve);
  const foundation = perbill(40, reserve);
  return { staking, foundation, farmer: reserve - staking - foundation };
}

/**
 * §11 v2.7 cultivation split: 10% foundation, 5% staking, each solution provider its take,
 * sales (50 − Σtake)%, burn 50% − 10% − 5%.
 */
export function payoutV27(
  amount: bigint,
  takes: number[] = [],
): { foundation: bigint; staking: bigint; sales: bigint; burned: bigint; providers: bigint[] } {
  const foundation = perbill(10, amount);
  const staking = perbill(5, amount);
  const sum = takes.reduce((a, t) => a + t, 0);
  const sales = perbill(50 - sum, amount);
  const providers = takes.map((t) => perbill(t, amount));
  return { foundation, staking, sales, burned: perbill(50, amount) - foundation - staking, providers };
}

/**
 * §6 dedicated-node extra fee over `s` seconds, units USD: round(fee_mUSD × 10000 × s / 2 592 000)
 * (30-day month, `SECS_PER_MONTH`); converted to TFT on its own and never discounted.
 */
export function extraFeeCost(feeMusd: bigint, s: number): bigint {
  return round(q(feeMusd * 10_000n * BigInt(s), 2_592_000n));
}
