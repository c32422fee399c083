/**
 * Staking discount (spec §8, `calculate_discount_tft`; ADR-0008) and the Certified ×1.25.
 */
import { BillingError } from './errors.ts';
import { type Fixed, FRAC_BITS, FX_ONE, U64_MAX, fxFromF64, fxRoundU64 } from './fixed.ts';
import { assertU64 } from './units.ts';

export type DiscountLevel = 'None' | 'Default' | 'Bronze' | 'Silver' | 'Gold';

/** The level's price multiplier as the chain builds it: `U64F64::from_num(f64)`. */
export const DISCOUNT_MULTIPLIERS: Readonly<Record<DiscountLevel, Fixed>> = Object.freeze({
  None: FX_ONE,
  Default: fxFromF64(0.8),
  Bronze: fxFromF64(0.7),
  Silver: fxFromF64(0.6),
  Gold: fxFromF64(0.4),
});

const T_1_5 = fxFromF64(1.5);
const T_3 = 3n << FRAC_BITS;
const T_6 = 6n << FRAC_BITS;
const T_18 = 18n << FRAC_BITS;
const CERTIFIED = fxFromF64(1.25);

export interface DiscountInput {
  /** Usable balance of the twin plus that of its bonded stash (planck). */
  balancePlanck: bigint;
  /** Seconds the amount covers (the chain's form: hourly = amount × 3600 / s). */
  seconds?: number | bigint;
  /**
   * Alternatively the amount per hour, when already normalised: monthly = hourly × 720.
   * Ignored when `seconds` is given.
   */
  hourlyPlanck?: bigint;
  /** Certified node: × 1.25 after the discount (v2.9+; v2.7 always passes Diy). */
  certified?: boolean;
}

export interface DiscountResult {
  level: DiscountLevel;
  /** `round(amount × multiplier [× 1.25])`, planck. */
  amountPlanck: bigint;
  /** `round(hourly × 24 × 30)`, planck. */
  monthlyPlanck: bigint;
  /** balance / monthly as U64F64 raw (months covered). */
  monthsCovered: Fixed;
}

/** The level for a number of months covered (U64F64 raw); thresholds compared exactly. */
export function discountLevelFor(monthsCovered: Fixed): DiscountLevel {
  if (monthsCovered >= T_18) return 'Gold';
  if (monthsCovered >= T_6) return 'Silver';
  if (monthsCovered >= T_3) return 'Bronze';
  if (monthsCovered >= T_1_5) return 'Default';
  return 'None';
}

/**
 * Discounts an amount (planck) as the chain does: hourly rate, monthly = round(hourly × 720),
 * months = balance / monthly, level by the table of §8, `round(amount × multiplier)`, and the
 * Certified × 1.25 before rounding when `certified`.
 *
 * A zero amount gives `None` and 0. A monthly amount that rounds to 0 would divide by zero on
 * chain (a runtime panic); here it gives `None`, the undiscounted amount (documented divergence).
 * @throws {BillingError} `billing.invalid_input` (seconds 0 with a non-zero amount, bad values).
 */
export function discount(amountPlanck: bigint, input: DiscountInput): DiscountResult {
  assertU64(amountPlanck, 'amountPlanck');
  const balance = input.balancePlanck;
  if (typeof balance !== 'bigint' || balance < 0n) {
    throw new BillingError('billing.invalid_input', 'balancePlanck must be a non-negative bigint', { field: 'balancePlanck' });
  }
  if (balance > U64_MAX) throw new BillingError('billing.overflow', 'balance does not fit U64F64');
  if (amountPlanck === 0n) return { level: 'None', amountPlanck: 0n, monthlyPlanck: 0n, monthsCovered: 0n };
  let monthly: bigint;
  if (input.seconds !== undefined) {
    const s = typeof input.seconds === 'bigint' ? input.seconds : BigInt(checkInt(input.seconds));
    if (s <= 0n || s > U64_MAX) throw new BillingError('billing.invalid_input', 'seconds must be positive', { field: 'seconds' });
    // from_num(amount) × from_num(3600) / from_num(s): exact product, floored quotient.
    const hourly = ((amountPlanck * 3600n) << FRAC_BITS) / s;
    monthly = fxRoundU64(hourly * 720n);
  } else if (input.hourlyPlanck !== undefined) {
    assertU64(input.hourlyPlanck, 'hourlyPlanck');
    monthly = input.hourlyPlanck * 720n;
  } else {
    throw new BillingError('billing.invalid_input', 'seconds or hourlyPlanck is required', { field: 'seconds' });
  }
  let level: DiscountLevel = 'None';
  let months: Fixed = 0n;
  if (monthly !== 0n) {
    months = (balance << FRAC_BITS) / monthly;
    level = discountLevelFor(months);
  }
  let amount = amountPlanck * DISCOUNT_MULTIPLIERS[level];
  if (input.certified === true) amount = (amount * CERTIFIED) >> FRAC_BITS;
  return { level, amountPlanck: fxRoundU64(amount), monthlyPlanck: monthly, monthsCovered: months };
}

function checkInt(n: number): number {
  if (!Number.isSafeInteger(n)) throw new BillingError('billing.invalid_input', 'seconds must be an integer', { field: 'seconds' });
  return n;
}
