/**
 * U64F64 (substrate-fixed) emulated exactly on bigint: a value is its raw u128, value × 2^64.
 * Spec: chain-and-billing.md §14. Multiply and divide floor, `round()` adds one when fraction bit
 * 63 is set (ties away from zero), `to_num::<u64>()` truncates.
 */
import { BillingError } from './errors.ts';

/** Raw bits of a U64F64: the value times 2^64. */
export type Fixed = bigint;

export const FRAC_BITS = 64n;
/** 1.0 as U64F64. */
export const FX_ONE: Fixed = 1n << 64n;
const HALF: Fixed = 1n << 63n;
export const U64_MAX = (1n << 64n) - 1n;
export const U128_MAX = (1n << 128n) - 1n;

function check128(raw: bigint, what: string): bigint {
  if (raw > U128_MAX) throw new BillingError('billing.overflow', `U64F64 overflow in ${what}`);
  return raw;
}

/** `U64F64::from_num(n)` for an unsigned integer below 2^64. */
export function fxFromInt(n: bigint): Fixed {
  if (n < 0n || n > U64_MAX) throw new BillingError('billing.overflow', 'U64F64::from_num out of range');
  return n << FRAC_BITS;
}

/** fixed × fixed: `(a·b) >> 64`. */
export function fxMul(a: Fixed, b: Fixed): Fixed {
  return check128((a * b) >> FRAC_BITS, 'mul');
}

/** fixed / fixed: `(a << 64) / b`, floored. */
export function fxDiv(a: Fixed, b: Fixed): Fixed {
  if (b === 0n) throw new BillingError('billing.division_by_zero', 'U64F64 division by zero');
  return check128((a << FRAC_BITS) / b, 'div');
}

/** `round()`: the integer nearest to the value, ties away from zero. Returns an integer. */
export function fxRound(a: Fixed): bigint {
  return (a + HALF) >> FRAC_BITS;
}

/** `round().to_num::<u64>()` with the overflow the chain would panic on made a typed error. */
export function fxRoundU64(a: Fixed): bigint {
  const r = (a + HALF) >> FRAC_BITS;
  if (r > U64_MAX) throw new BillingError('billing.overflow', 'result does not fit in u64');
  return r;
}

/** `to_num::<u64>()` on the integer part (truncation). */
export function fxFloor(a: Fixed): bigint {
  return a >> FRAC_BITS;
}

/**
 * `U64F64::from_num(f64)`: the exact binary value of the double (every double in U64F64's range
 * with at most 64 fraction bits is exact; the multipliers 0.8, 0.7, 0.6, 0.4, 1.25 and 1.5 are).
 */
export function fxFromF64(x: number): Fixed {
  if (!Number.isFinite(x) || x < 0 || x >= 2 ** 64) {
    throw new BillingError('billing.overflow', 'U64F64::from_num(f64) out of range');
  }
  if (x === 0) return 0n;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const exp = Number((bits >> 52n) & 0x7ffn);
  let mant = bits & ((1n << 52n) - 1n);
  let e = exp - 1075; // value = mant × 2^e
  if (exp === 0) e = -1074;
  else mant |= 1n << 52n;
  const shift = BigInt(e) + FRAC_BITS;
  // Fraction bits beyond 64 are dropped (round to nearest, ties even, in `fixed`); no double we use has them.
  return shift >= 0n ? mant << shift : roundHalfEvenShift(mant, -shift);
}

function roundHalfEvenShift(m: bigint, s: bigint): bigint {
  const q = m >> s;
  const rem = m - (q << s);
  const half = 1n << (s - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) return q + 1n;
  return q;
}

/** Decimal text of a fixed value, `digits` fraction digits truncated (for display only). */
export function fxToDecimal(a: Fixed, digits = 6): string {
  const int = a >> FRAC_BITS;
  const frac = a & (FX_ONE - 1n);
  if (digits <= 0) return int.toString();
  const scaled = (frac * 10n ** BigInt(digits)) >> FRAC_BITS;
  return `${int}.${scaled.toString().padStart(digits, '0')}`;
}

/**
 * `Perbill` / `Percent` × n (sp-arithmetic `overflow_prune_mul`, rounding nearest, ties down):
 * `(n / acc) × parts` plus `(n % acc) × parts / acc`, the latter rounded up only when its
 * remainder is greater than `acc / 2`. Spec §14.
 */
export function perThingMul(n: bigint, parts: bigint, acc: bigint): bigint {
  const rem = n % acc;
  const remMul = rem * parts;
  let c = remMul / acc;
  if (remMul % acc > acc / 2n) c += 1n;
  return (n / acc) * parts + c;
}

const PERCENT_ACC = 100n;
const PERBILL_ACC = 1_000_000_000n;

/** `Percent::from_percent(p) * n` (p is capped at 100 as the chain does). */
export function percentOf(p: number | bigint, n: bigint): bigint {
  let parts = BigInt(p);
  if (parts > PERCENT_ACC) parts = PERCENT_ACC;
  if (parts < 0n) throw new BillingError('billing.invalid_input', 'negative percentage');
  return perThingMul(n, parts, PERCENT_ACC);
}

/** `Perbill::from_percent(p) * n` (p is capped at 100 as the chain does). */
export function perbillPercentOf(p: number | bigint, n: bigint): bigint {
  let pct = BigInt(p);
  if (pct > 100n) pct = 100n;
  if (pct < 0n) throw new BillingError('billing.invalid_input', 'negative percentage');
  return perThingMul(n, pct * 10_000_000n, PERBILL_ACC);
}
