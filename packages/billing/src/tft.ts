/**
 * Units USD → TFT planck (spec §7, `calculate_cost_in_tft_from_units_usd`).
 */
import { BillingError } from './errors.ts';
import { FRAC_BITS, fxRoundU64 } from './fixed.ts';
import { assertU64 } from './units.ts';

export interface TftPrice {
  /** `AverageTftPrice`, mUSD per TFT (u32). */
  priceMusd: number;
  /** `MinTftPrice`, mUSD. */
  minMusd: number;
  /** `MaxTftPrice`, mUSD. */
  maxMusd: number;
}

function u32(v: number, field: string): number {
  if (!Number.isInteger(v) || v < 0 || v > 0xffff_ffff) {
    throw new BillingError('billing.invalid_input', `${field} must be a u32`, { field });
  }
  return v;
}

/** `min(max(average, min), max)`: the price the chain bills at, mUSD per TFT. */
export function clampTftPrice(price: TftPrice): number {
  const avg = u32(price.priceMusd, 'priceMusd');
  const min = u32(price.minMusd, 'minMusd');
  const max = u32(price.maxMusd, 'maxMusd');
  return Math.min(Math.max(avg, min), max);
}

/**
 * `round((cost_units / from_num(p × 10000)) × 10^7)` with `p` the clamped price (mUSD per TFT).
 * @throws {BillingError} `billing.division_by_zero` when the clamped price is 0.
 */
export function unitsUsdToTft(unitsUsd: bigint, price: TftPrice): bigint {
  assertU64(unitsUsd, 'unitsUsd');
  const p = clampTftPrice(price);
  if (p === 0) throw new BillingError('billing.division_by_zero', 'TFT price is 0');
  const pUnits = BigInt(p) * 10_000n;
  if (pUnits > 0xffff_ffffn) throw new BillingError('billing.overflow', 'TFT price × 10000 does not fit in u32');
  // from_num(cost) / from_num(p·10^4) = (cost·2^64) / (p·10^4), floored; × 10^7 is exact.
  return fxRoundU64(((unitsUsd << FRAC_BITS) / pUnits) * 10_000_000n);
}
