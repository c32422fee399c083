/**
 * Resource units (spec §6 steps 1–3, §9): CU and SU from bytes as U64F64, NU from traffic bytes.
 */
import type { PricingPolicy, Resources } from '@sc4it/types';
import { BillingError } from './errors.ts';
import { type Fixed, FRAC_BITS, U64_MAX } from './fixed.ts';
import { factorBase1000, factorBase1024 } from './policy.ts';

/** Throws unless `v` is a bigint in [0, 2^64). */
export function assertU64(v: unknown, field: string): asserts v is bigint {
  if (typeof v !== 'bigint') throw new BillingError('billing.invalid_input', `${field} must be a bigint`, { field });
  if (v < 0n || v > U64_MAX) throw new BillingError('billing.invalid_input', `${field} out of u64 range`, { field });
}

/** `hru/1200 + sru/200` with hru and sru already in policy units (GiB). */
export function suFromGib(hru: Fixed, sru: Fixed): Fixed {
  return hru / 1200n + sru / 200n;
}

/** `min(max(mru/4, cru/2), max(mru/8, cru), max(mru/2, cru/4))` on U64F64 values. */
export function cuFromGib(cru: Fixed, mru: Fixed): Fixed {
  const a = mru / 4n, b = cru / 2n;
  const cu1 = a > b ? a : b;
  const c = mru / 8n;
  const cu2 = c > cru ? c : cru;
  const d = mru / 2n, e = cru / 4n;
  const cu3 = d > e ? d : e;
  const m = cu1 < cu2 ? cu1 : cu2;
  return m < cu3 ? m : cu3;
}

/** SU and CU (U64F64 raw) of resources in bytes (cru in cores), converted with the policy's units. */
export function resourceUnits(resources: Resources, policy: PricingPolicy = DEFAULT_POLICY_FOR_UNITS): { cu: Fixed; su: Fixed } {
  return unitsRaw(resources, factorBase1024(policy.su.unit), factorBase1024(policy.cu.unit));
}

/** §6 steps 1–3 with the factors given (shared by {@link resourceUnits} and the cost path). */
export function unitsRaw(resources: Resources, suFactor: bigint, cuFactor: bigint): { cu: Fixed; su: Fixed } {
  assertU64(resources.cru, 'resources.cru');
  assertU64(resources.mru, 'resources.mru');
  assertU64(resources.sru, 'resources.sru');
  assertU64(resources.hru, 'resources.hru');
  const hru = (resources.hru << FRAC_BITS) / suFactor;
  const sru = (resources.sru << FRAC_BITS) / suFactor;
  const mru = (resources.mru << FRAC_BITS) / cuFactor;
  return { cu: cuFromGib(resources.cru << FRAC_BITS, mru), su: suFromGib(hru, sru) };
}

/** NU of a traffic volume: `nru / factor_base_1000(nu.unit)` (GB on mainnet) as U64F64. */
export function nuFromBytes(nruBytes: bigint, policy: PricingPolicy = DEFAULT_POLICY_FOR_UNITS): Fixed {
  assertU64(nruBytes, 'nruBytes');
  return (nruBytes << FRAC_BITS) / factorBase1000(policy.nu.unit);
}

/** IPv4 units of a contract: one per public IP, as U64F64. */
export function ipUnits(publicIps: number): Fixed {
  if (!Number.isSafeInteger(publicIps) || publicIps < 0 || publicIps > 0xffff_ffff) {
    throw new BillingError('billing.invalid_input', 'publicIps must be a u32', { field: 'publicIps' });
  }
  return BigInt(publicIps) << FRAC_BITS;
}

// Units only depend on the policy's `unit` fields; Gigabytes everywhere unless told otherwise.
const DEFAULT_POLICY_FOR_UNITS: PricingPolicy = {
  id: 0, name: '', foundationAccount: '', certifiedSalesAccount: '', discountForDedicationNodes: 0,
  su: { value: 0n, unit: 'Gigabytes' }, cu: { value: 0n, unit: 'Gigabytes' }, nu: { value: 0n, unit: 'Gigabytes' },
  ipu: { value: 0n, unit: 'Gigabytes' }, uniqueName: { value: 0n, unit: 'Gigabytes' }, domainName: { value: 0n, unit: 'Gigabytes' },
};
