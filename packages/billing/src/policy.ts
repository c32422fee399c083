/**
 * Pricing policies (spec §5) and the unit factors of tfchain's `Policy`.
 */
import type { PricingPolicy } from '@sc4it/types';

/** tfchain's `Unit` names (its spelling: `Terrabytes`). */
export const POLICY_UNITS = ['Bytes', 'Kilobytes', 'Megabytes', 'Gigabytes', 'Terrabytes'] as const;
export type PolicyUnit = (typeof POLICY_UNITS)[number];

const UNIT_INDEX: Readonly<Record<string, number>> = {
  Bytes: 0, Kilobytes: 1, Megabytes: 2, Gigabytes: 3, Terrabytes: 4,
  // tfchain's `Unit::from_u32` numbering
  '1': 0, '2': 1, '3': 2, '4': 3, '5': 4,
};

function unitIndex(unit: string): number {
  // `Unit::from_u32` maps anything unknown to the default, Gigabytes (spec §5).
  return UNIT_INDEX[unit] ?? 3;
}

/** `factor_base_1024` (used for su and cu: GB → 2^30). */
export function factorBase1024(unit: string): bigint {
  return 1n << BigInt(10 * unitIndex(unit));
}

/** `factor_base_1000` (used for nu: GB → 10^9). */
export function factorBase1000(unit: string): bigint {
  return 1000n ** BigInt(unitIndex(unit));
}

/** The dev-chain sr25519 account of `Eve` (dev genesis foundation account). */
const EVE = '5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw';
/** The dev-chain sr25519 account of `Ferdie` (dev genesis sales account). */
const FERDIE = '5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL';

/**
 * Policy 1 on mainnet and in the dev chain_spec (units USD per hour; spec §5, grid_wiki#1442).
 * Accounts are the dev genesis ones (Eve = foundation, Ferdie = sales); mainnet's real
 * accounts are not part of the spec, so override them where they matter.
 */
export const MAINNET_PRICING_POLICY: Readonly<PricingPolicy> = Object.freeze({
  id: 1,
  name: 'threefold_default_pricing_policy',
  su: Object.freeze({ value: 50_000n, unit: 'Gigabytes' }),
  cu: Object.freeze({ value: 100_000n, unit: 'Gigabytes' }),
  nu: Object.freeze({ value: 15_000n, unit: 'Gigabytes' }),
  ipu: Object.freeze({ value: 40_000n, unit: 'Gigabytes' }),
  uniqueName: Object.freeze({ value: 2_500n, unit: 'Gigabytes' }),
  domainName: Object.freeze({ value: 5_000n, unit: 'Gigabytes' }),
  foundationAccount: EVE,
  certifiedSalesAccount: FERDIE,
  discountForDedicationNodes: 50,
});

/**
 * The policy of tfchain's unit tests (`tests.rs` `prepare_farm`, spec §5): older list prices.
 * Its foundation account is Ferdie and its sales account Eve, as in the tests.
 */
export const UNIT_TEST_PRICING_POLICY: Readonly<PricingPolicy> = Object.freeze({
  id: 1,
  name: 'policy_1',
  su: Object.freeze({ value: 194_400n, unit: 'Gigabytes' }),
  cu: Object.freeze({ value: 305_600n, unit: 'Gigabytes' }),
  nu: Object.freeze({ value: 50_000n, unit: 'Gigabytes' }),
  ipu: Object.freeze({ value: 69_400n, unit: 'Gigabytes' }),
  uniqueName: Object.freeze({ value: 13_900n, unit: 'Gigabytes' }),
  domainName: Object.freeze({ value: 27_800n, unit: 'Gigabytes' }),
  foundationAccount: FERDIE,
  certifiedSalesAccount: EVE,
  discountForDedicationNodes: 50,
});

/** TFT price bounds in mUSD (spec §7): mainnet since the 2022-09 migration. */
export const MAINNET_TFT_PRICE_BOUNDS: Readonly<{ minMusd: number; maxMusd: number }> = Object.freeze({
  minMusd: 20,
  maxMusd: 2000,
});

/** TFT price bounds of the dev/test genesis and the unit-test mock. */
export const DEV_TFT_PRICE_BOUNDS: Readonly<{ minMusd: number; maxMusd: number }> = Object.freeze({
  minMusd: 10,
  maxMusd: 1000,
});

/** Runtime constants (spec §0.1, §10). */
export const BILLING_CONSTANTS = Object.freeze({
  /** `BillingReferencePeriod`, seconds. */
  referencePeriod: 3600,
  secsPerHour: 3600,
  /** `SECS_PER_MONTH` (30 days). */
  secsPerMonth: 2_592_000,
  /** `BillingFrequency` in blocks on mainnet (1 h). */
  billingFrequency: 600,
  /** `DistributionFrequency` in billing cycles. */
  distributionFrequency: 24,
  /** `GracePeriod` in blocks on mainnet (14 days). */
  gracePeriodBlocks: 201_600,
  /** Grace period of the unit-test mock. */
  unitTestGracePeriodBlocks: 100,
  /** `EXISTENTIAL_DEPOSIT`, planck. */
  existentialDeposit: 500n,
  secsPerBlock: 6,
});
