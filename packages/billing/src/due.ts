/**
 * What one contract owes for a period, in planck: cost (§6) → TFT (§7) → discount (§8) for the
 * standard part, TFT only for the extra fee. This is `calculate_contract_cost_tft` plus
 * `calculate_extra_fee_cost_tft`; feed the result to {@link graceStep}.
 */
import { type ContractCost, type ContractCostInput, contractCost } from './cost.ts';
import { type DiscountLevel, discount } from './discount.ts';
import { type BillingModel, DEFAULT_BILLING_MODEL } from './payout.ts';
import { type TftPrice, unitsUsdToTft } from './tft.ts';

export interface ContractDueInput extends ContractCostInput {
  price: TftPrice;
  /** Usable balance of the twin plus its bonded stash, for the discount. */
  balancePlanck: bigint;
  /** `v2.7-lock` ignores `certified` (it passes Diy, #991); `v2.9-reserve` applies ×1.25. */
  model?: BillingModel;
}

export interface ContractDue {
  cost: ContractCost;
  /** The standard cost in planck before the discount. */
  tftPlanck: bigint;
  /** The standard amount due after discount (and Certified markup): `standardDuePlanck` of graceStep. */
  standardDuePlanck: bigint;
  /** The extra fee in planck, never discounted: `additionalDuePlanck` of graceStep. */
  additionalDuePlanck: bigint;
  discountLevel: DiscountLevel;
}

/** Cost, conversion and discount of one contract over `seconds`. */
export function contractDue(input: ContractDueInput): ContractDue {
  const cost = contractCost(input);
  const additionalDuePlanck = cost.extraFeeUnitsUsd === 0n ? 0n : unitsUsdToTft(cost.extraFeeUnitsUsd, input.price);
  if (cost.unitsUsd === 0n) {
    return { cost, tftPlanck: 0n, standardDuePlanck: 0n, additionalDuePlanck, discountLevel: 'None' };
  }
  const tftPlanck = unitsUsdToTft(cost.unitsUsd, input.price);
  const certified = (input.model ?? DEFAULT_BILLING_MODEL) === 'v2.9-reserve' && input.certified === true;
  const d = discount(tftPlanck, { balancePlanck: input.balancePlanck, seconds: input.seconds, certified });
  return { cost, tftPlanck, standardDuePlanck: d.amountPlanck, additionalDuePlanck, discountLevel: d.level };
}
