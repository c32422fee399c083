/**
 * Contract cost in units USD (spec §6, §9): the chain's `calculate_contract_cost_units_usd`,
 * `calculate_resources_cost_units_usd`, the NRU report price and the dedicated-node extra fee,
 * in U64F64 with the chain's evaluation order.
 */
import type { PricingPolicy, Resources } from '@sc4it/types';
import { BillingError } from './errors.ts';
import { type Fixed, FRAC_BITS, U64_MAX, fxRound, fxRoundU64, percentOf } from './fixed.ts';
import { BILLING_CONSTANTS, factorBase1000, factorBase1024 } from './policy.ts';
import { assertU64, unitsRaw } from './units.ts';

export type ContractKind = 'node' | 'name' | 'rent';

export interface ContractCostInput {
  kind: ContractKind;
  /** node: what the contract uses; rent: the node's total resources. Bytes, cru in cores. */
  resources?: Resources;
  /** node: number of public IPv4 addresses. */
  publicIps?: number;
  /** node: public traffic in bytes, priced as one NRU report whose window is `seconds` (§9). */
  nruBytes?: bigint;
  /** node: `amount_unbilled`, NU cost already accumulated from NRU reports (units USD). */
  unbilledNuUnitsUsd?: bigint;
  /** Seconds elapsed since the contract was last billed. */
  seconds: number | bigint;
  policy: PricingPolicy;
  /**
   * The contract runs on a Certified node. The chain applies its ×1.25 in planck after the
   * discount (§8), so it does not change `unitsUsd`; it is carried to {@link discount}.
   */
  certified?: boolean;
  /** rent: share of the price paid, percent (default `policy.discountForDedicationNodes`). */
  rentDiscountPercent?: number;
  /** node: the node has an active rent contract, so CU and SU are not billed (§6 step 4). */
  onRentedNode?: boolean;
  /** rent: the node's dedicated extra fee in mUSD per month (§6). */
  extraFeeMusd?: bigint;
}

/**
 * The named parts of a cost, units USD. `cu + su + ipu + rounding + rentDiscount + nu +
 * nuUnbilled + uniqueName === unitsUsd`; `extraFee` is separate (converted without discount).
 */
export interface CostBreakdown {
  /** CU cost, rounded on its own (for display). */
  cu: bigint;
  /** SU cost, rounded on its own. */
  su: bigint;
  /** IPv4 cost, rounded on its own. */
  ipu: bigint;
  /** The chain rounds cu + su + ipu once: `round(sum) − (cu + su + ipu)` (may be negative). */
  rounding: bigint;
  /** rent: minus the part not paid (the dedication discount); ≤ 0. */
  rentDiscount: bigint;
  /** NU cost of `nruBytes` over `seconds`, rounded on its own. */
  nu: bigint;
  /** NU cost accumulated from reports (`amount_unbilled`). */
  nuUnbilled: bigint;
  /** name: unique-name cost, rounded. */
  uniqueName: bigint;
  /** rent: dedicated-node extra fee, rounded; not part of `unitsUsd`. */
  extraFee: bigint;
}

export interface ContractCost {
  /** The discountable cost in units USD, exactly as the chain computes it. */
  unitsUsd: bigint;
  /** rent: the extra fee in units USD (converted to TFT separately, never discounted). */
  extraFeeUnitsUsd: bigint;
  breakdown: CostBreakdown;
  /** CU and SU of the resources (U64F64 raw); 0 for name contracts. */
  cu: Fixed;
  su: Fixed;
  certified: boolean;
}

/** Per-policy constants, computed once: `(value / 3600)` as U64F64, floored (§14 order). */
export interface CompiledPolicy {
  readonly policy: PricingPolicy;
  readonly suValue: bigint;
  readonly cuValue: bigint;
  readonly nuValue: bigint;
  readonly ipuValue: bigint;
  readonly nameValue: bigint;
  readonly suRate: Fixed;
  readonly cuRate: Fixed;
  readonly nuRate: Fixed;
  readonly ipuRate: Fixed;
  readonly nameRate: Fixed;
  readonly suFactor: bigint;
  readonly cuFactor: bigint;
  readonly nuFactor: bigint;
  readonly suUnit: string;
  readonly cuUnit: string;
  readonly nuUnit: string;
}

const REF = BigInt(BILLING_CONSTANTS.referencePeriod);
const cache = new WeakMap<PricingPolicy, CompiledPolicy>();

function rate(value: bigint, field: string): Fixed {
  if (typeof value !== 'bigint' || value < 0n || value > 0xffff_ffffn) {
    throw new BillingError('billing.invalid_input', `policy.${field}.value must be a u32 bigint`, { field: `policy.${field}` });
  }
  // (from_num(value) / from_num(3600)): (value·2^128) / (3600·2^64)
  return (value << FRAC_BITS) / REF;
}

/** Precomputes a policy's per-second rates; cached per policy object (and re-checked). */
export function compilePolicy(policy: PricingPolicy): CompiledPolicy {
  const hit = cache.get(policy);
  if (
    hit !== undefined && hit.suValue === policy.su.value && hit.cuValue === policy.cu.value &&
    hit.nuValue === policy.nu.value && hit.ipuValue === policy.ipu.value &&
    hit.nameValue === policy.uniqueName.value && hit.suUnit === policy.su.unit &&
    hit.cuUnit === policy.cu.unit && hit.nuUnit === policy.nu.unit
  ) return hit;
  if (policy === null || typeof policy !== 'object') {
    throw new BillingError('billing.invalid_input', 'policy must be a PricingPolicy', { field: 'policy' });
  }
  const c: CompiledPolicy = {
    policy,
    suValue: policy.su.value, cuValue: policy.cu.value, nuValue: policy.nu.value,
    ipuValue: policy.ipu.value, nameValue: policy.uniqueName.value,
    suRate: rate(policy.su.value, 'su'), cuRate: rate(policy.cu.value, 'cu'),
    nuRate: rate(policy.nu.value, 'nu'), ipuRate: rate(policy.ipu.value, 'ipu'),
    nameRate: rate(policy.uniqueName.value, 'uniqueName'),
    suFactor: factorBase1024(policy.su.unit), cuFactor: factorBase1024(policy.cu.unit),
    nuFactor: factorBase1000(policy.nu.unit),
    suUnit: policy.su.unit, cuUnit: policy.cu.unit, nuUnit: policy.nu.unit,
  };
  cache.set(policy, c);
  return c;
}

function toSeconds(s: number | bigint): bigint {
  if (typeof s === 'bigint') {
    if (s < 0n || s > U64_MAX) throw new BillingError('billing.invalid_input', 'seconds out of range', { field: 'seconds' });
    return s;
  }
  if (!Number.isSafeInteger(s) || s < 0) {
    throw new BillingError('billing.invalid_input', 'seconds must be a non-negative integer', { field: 'seconds' });
  }
  return BigInt(s);
}

const ZERO_RES: Resources = Object.freeze({ cru: 0n, mru: 0n, sru: 0n, hru: 0n });

function zeroCost(certified: boolean): ContractCost {
  return {
    unitsUsd: 0n, extraFeeUnitsUsd: 0n, cu: 0n, su: 0n, certified,
    breakdown: { cu: 0n, su: 0n, ipu: 0n, rounding: 0n, rentDiscount: 0n, nu: 0n, nuUnbilled: 0n, uniqueName: 0n, extraFee: 0n },
  };
}

/**
 * Cost of a contract over `seconds`, in units USD, as tfchain v2.7 computes it (§6):
 * - node: `round(su_cost + cu_cost + ip_cost) + amount_unbilled` (+ the NU of `nruBytes`),
 *   with CU and SU skipped on a rented node;
 * - rent: `Percent(rentDiscountPercent) × round(su_cost + cu_cost)` of the node's resources,
 *   plus the extra fee, kept apart;
 * - name: `round((unique_name / 3600) × s)`.
 * `seconds == 0` costs nothing (the chain returns before adding `amount_unbilled`).
 * @throws {BillingError} `billing.invalid_input` for out-of-range input, `billing.overflow`.
 */
export function contractCost(input: ContractCostInput): ContractCost {
  const certified = input.certified === true;
  const s = toSeconds(input.seconds);
  const cp = compilePolicy(input.policy);
  const extraFeeMusd = input.extraFeeMusd ?? 0n;
  const extraFee = input.kind === 'rent' && extraFeeMusd !== 0n ? extraFeeUnitsUsd(extraFeeMusd, s) : 0n;
  if (s === 0n) return zeroCost(certified);
  switch (input.kind) {
    case 'name': {
      const v = fxRoundU64(cp.nameRate * s);
      const out = zeroCost(certified);
      out.unitsUsd = v;
      out.breakdown.uniqueName = v;
      return out;
    }
    case 'node': {
      const ips = input.publicIps ?? 0;
      if (!Number.isSafeInteger(ips) || ips < 0 || ips > 0xffff_ffff) {
        throw new BillingError('billing.invalid_input', 'publicIps must be a u32', { field: 'publicIps' });
      }
      const res = input.resources ?? ZERO_RES;
      const bill = input.onRentedNode !== true;
      let cuRaw = 0n, suRaw = 0n, cuCost = 0n, suCost = 0n;
      if (bill) {
        ({ cu: cuRaw, su: suRaw } = unitsOf(res, cp));
        // ((value/3600) × s) × SU: the first product is exact on the raw bits, the second floors.
        suCost = (cp.suRate * s * suRaw) >> FRAC_BITS;
        cuCost = (cp.cuRate * s * cuRaw) >> FRAC_BITS;
      }
      const ipCost = BigInt(ips) * cp.ipuRate * s;
      const total = suCost + cuCost + ipCost;
      const rounded = fxRoundU64(total);
      const nu = input.nruBytes === undefined || input.nruBytes === 0n ? 0n : nuCostUnitsUsd(cp, input.nruBytes, s);
      const unbilled = input.unbilledNuUnitsUsd ?? 0n;
      assertU64(unbilled, 'unbilledNuUnitsUsd');
      const unitsUsd = rounded + nu + unbilled;
      if (unitsUsd > U64_MAX) throw new BillingError('billing.overflow', 'cost does not fit in u64');
      const fCu = fxRound(cuCost), fSu = fxRound(suCost), fIp = fxRound(ipCost);
      return {
        unitsUsd, extraFeeUnitsUsd: 0n, cu: cuRaw, su: suRaw, certified,
        breakdown: {
          cu: fCu, su: fSu, ipu: fIp, rounding: rounded - fCu - fSu - fIp, rentDiscount: 0n,
          nu, nuUnbilled: unbilled, uniqueName: 0n, extraFee: 0n,
        },
      };
    }
    case 'rent': {
      const res = input.resources ?? ZERO_RES;
      const { cu: cuRaw, su: suRaw } = unitsOf(res, cp);
      const suCost = (cp.suRate * s * suRaw) >> FRAC_BITS;
      const cuCost = (cp.cuRate * s * cuRaw) >> FRAC_BITS;
      const full = fxRoundU64(suCost + cuCost);
      const pct = input.rentDiscountPercent ?? input.policy.discountForDedicationNodes;
      if (!Number.isInteger(pct) || pct < 0 || pct > 255) {
        throw new BillingError('billing.invalid_input', 'rentDiscountPercent must be a u8', { field: 'rentDiscountPercent' });
      }
      const paid = percentOf(pct, full);
      const fCu = fxRound(cuCost), fSu = fxRound(suCost);
      return {
        unitsUsd: paid, extraFeeUnitsUsd: extraFee, cu: cuRaw, su: suRaw, certified,
        breakdown: {
          cu: fCu, su: fSu, ipu: 0n, rounding: full - fCu - fSu, rentDiscount: paid - full,
          nu: 0n, nuUnbilled: 0n, uniqueName: 0n, extraFee,
        },
      };
    }
    default:
      throw new BillingError('billing.invalid_input', 'kind must be node, name or rent', { field: 'kind' });
  }
}

function unitsOf(res: Resources, cp: CompiledPolicy): { cu: Fixed; su: Fixed } {
  return unitsRaw(res, cp.suFactor, cp.cuFactor);
}

function nuCostUnitsUsd(cp: CompiledPolicy, nruBytes: bigint, window: bigint): bigint {
  assertU64(nruBytes, 'nruBytes');
  // (nru / factor) × (value / 3600) × window: the fixed × fixed product floors, × window is exact.
  const used = (nruBytes << FRAC_BITS) / cp.nuFactor;
  return fxRoundU64(((used * cp.nuRate) >> FRAC_BITS) * window);
}

/**
 * NU cost of one NRU report (`add_nru_reports`, §9): `round((nru / f1000) × (nu/3600) × window)`,
 * the amount added to `amount_unbilled`.
 */
export function nruReportCost(nruBytes: bigint, windowSeconds: number | bigint, policy: PricingPolicy): bigint {
  return nuCostUnitsUsd(compilePolicy(policy), nruBytes, toSeconds(windowSeconds));
}

/**
 * Dedicated-node extra fee over `seconds` in units USD (§6):
 * `round(from_num(fee_mUSD × 10000 × s) / from_num(2_592_000))`, the product formed in u64.
 */
export function extraFeeUnitsUsd(extraFeeMusd: bigint, seconds: number | bigint): bigint {
  assertU64(extraFeeMusd, 'extraFeeMusd');
  const s = toSeconds(seconds);
  const product = extraFeeMusd * 10_000n * s;
  if (product > U64_MAX) throw new BillingError('billing.overflow', 'extra fee × seconds does not fit in u64');
  return fxRoundU64((product << FRAC_BITS) / BigInt(BILLING_CONSTANTS.secsPerMonth));
}
