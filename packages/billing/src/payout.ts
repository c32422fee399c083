/**
 * Where a billed amount goes (spec §11 v2.7 cultivation split, §12 v2.9+ reserve payout).
 */
import { BillingError } from './errors.ts';
import { perbillPercentOf } from './fixed.ts';
import type { ContractKind } from './cost.ts';

/**
 * - `v2.7-lock`: tfchain v2.7.0 (spec 149): 10% foundation, 5% staking pool, solution providers
 *   their take, certified sales (50 − Σtake)%, burn 50% − foundation − staking; extra fee 100% farmer.
 * - `v2.9-reserve`: tfchain v2.9.0+ (spec 152, current mainnet): 10% staking pool, 40% foundation,
 *   the rest to the farmer (name contracts: 90% foundation); extra fee 100% farmer; no burn.
 */
export type BillingModel = 'v2.7-lock' | 'v2.9-reserve';

export const BILLING_MODELS: readonly BillingModel[] = Object.freeze(['v2.7-lock', 'v2.9-reserve']);

/**
 * The default model: `v2.9-reserve`, because it is what mainnet runs today (spec §20) and its
 * split always pays out the whole amount. `v2.7-lock` stays selectable for v2.7 parity.
 */
export const DEFAULT_BILLING_MODEL: BillingModel = 'v2.9-reserve';

export interface PayoutOptions {
  /** Contract kind (v2.9: a name contract has no farmer). Default `node`. */
  kind?: ContractKind;
  /** Extra-fee (additional) amount in planck, paid 100% to the farmer in both models. */
  additionalPlanck?: bigint;
  /** v2.7: the `take` percent of each solution provider (Σ ≤ 50). */
  solutionProviderTakes?: readonly number[];
}

export interface Payout {
  model: BillingModel;
  farmer: bigint;
  foundation: bigint;
  stakingPool: bigint;
  certifiedSales: bigint;
  /** v2.7: one share per solution provider, in the order given. */
  solutionProviders: bigint[];
  burned: bigint;
  /**
   * v2.7 only: what the Perbill rounding leaves with the payer (the lock is released, nothing is
   * transferred). Always 0 in v2.9.
   */
  retained: bigint;
  /** Sum of every share except `retained`: what actually leaves the payer. */
  charged: bigint;
}

function nonNeg(v: bigint, field: string): void {
  if (typeof v !== 'bigint' || v < 0n) throw new BillingError('billing.invalid_input', `${field} must be a non-negative bigint`, { field });
}

/**
 * Splits `amountPlanck` (the standard, discounted amount) and `additionalPlanck` among the
 * receivers. Invariant: `farmer + foundation + stakingPool + certifiedSales + Σproviders +
 * burned + retained === amountPlanck + additionalPlanck`.
 * @throws {BillingError} `billing.invalid_input` (negative amounts, Σtake > 50, unknown model).
 */
export function payout(amountPlanck: bigint, model: BillingModel = DEFAULT_BILLING_MODEL, options: PayoutOptions = {}): Payout {
  nonNeg(amountPlanck, 'amountPlanck');
  const additional = options.additionalPlanck ?? 0n;
  nonNeg(additional, 'additionalPlanck');
  const kind = options.kind ?? 'node';
  if (model === 'v2.9-reserve') {
    const staking = perbillPercentOf(10, amountPlanck);
    if (kind === 'name') {
      return {
        model, farmer: additional, foundation: amountPlanck - staking, stakingPool: staking,
        certifiedSales: 0n, solutionProviders: [], burned: 0n, retained: 0n, charged: amountPlanck + additional,
      };
    }
    const foundation = perbillPercentOf(40, amountPlanck);
    return {
      model, farmer: amountPlanck - foundation - staking + additional, foundation, stakingPool: staking,
      certifiedSales: 0n, solutionProviders: [], burned: 0n, retained: 0n, charged: amountPlanck + additional,
    };
  }
  if (model !== 'v2.7-lock') throw new BillingError('billing.invalid_input', 'unknown billing model', { field: 'model' });
  const takes = options.solutionProviderTakes ?? [];
  let sumTake = 0;
  for (const t of takes) {
    if (!Number.isInteger(t) || t < 0 || t > 255) throw new BillingError('billing.invalid_input', 'take must be a u8', { field: 'solutionProviderTakes' });
    sumTake += t;
  }
  if (sumTake > 50) throw new BillingError('billing.invalid_input', 'solution provider takes exceed 50%', { field: 'solutionProviderTakes', upstream: 'InvalidProviderConfiguration' });
  if (amountPlanck === 0n) {
    // distribute_cultivation_rewards returns early on zero.
    return {
      model, farmer: additional, foundation: 0n, stakingPool: 0n, certifiedSales: 0n,
      solutionProviders: takes.map(() => 0n), burned: 0n, retained: 0n, charged: additional,
    };
  }
  const foundation = perbillPercentOf(10, amountPlanck);
  const staking = perbillPercentOf(5, amountPlanck);
  const providers = takes.map((t) => perbillPercentOf(t, amountPlanck));
  const salesPct = 50 - sumTake;
  const sales = salesPct > 0 ? perbillPercentOf(salesPct, amountPlanck) : 0n;
  let burned = perbillPercentOf(50, amountPlanck) - foundation - staking;
  if (burned < 0n) burned = 0n;
  let paid = foundation + staking + sales + burned;
  for (const p of providers) paid += p;
  return {
    model, farmer: additional, foundation, stakingPool: staking, certifiedSales: sales,
    solutionProviders: providers, burned, retained: amountPlanck - paid, charged: paid + additional,
  };
}
