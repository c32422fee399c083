import { eachTest, loadVectors, type VectorTest } from '@sc4it/conformance';
import type { PricingPolicy, Resources } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import {
  BillingError, MAINNET_PRICING_POLICY, UNIT_TEST_PRICING_POLICY, type BillingModel, type ContractKind,
  contractCost, cuFromGib, discount, fxFromInt, fxRound, fxToDecimal, nruReportCost, payout, perbillPercentOf, percentOf,
  resourceUnits, unitsUsdToTft,
} from '../src/index.ts';

const POLICIES: Record<string, PricingPolicy> = { mainnet: MAINNET_PRICING_POLICY, 'unit-test': UNIT_TEST_PRICING_POLICY };
const policyOf = (t: VectorTest): PricingPolicy => POLICIES[t.policy as string]!;
const resOf = (r: unknown): Resources => {
  const o = r as Record<string, string>;
  return { cru: BigInt(o.cru!), mru: BigInt(o.mru!), sru: BigInt(o.sru!), hru: BigInt(o.hru!) };
};
const str = (v: unknown): string => v as string;

function checkKnownResult(t: VectorTest): void {
  expect(['valid', 'invalid']).toContain(t.result);
}

/** An invalid vector: `run` throws a BillingError with the vector's code. */
function expectBillingError(t: VectorTest, run: () => unknown): void {
  expect(t.result).toBe('invalid');
  let caught: unknown;
  try {
    run();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(BillingError);
  expect((caught as BillingError).code).toBe(t.error);
}

describe('billing/units vectors', () => {
  const file = loadVectors('billing', 'units');
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      checkKnownResult(test);
      if (group.type === 'CuFromGib') {
        const cu = cuFromGib(fxFromInt(BigInt(str(test.cru))), fxFromInt(BigInt(str(test.mruGib))));
        expect(cu).toBe(fxFromInt(BigInt(str(test.cu))));
      } else if (group.type === 'ResourceUnits') {
        const u = resourceUnits(resOf(test.resources), MAINNET_PRICING_POLICY);
        expect(u.cu.toString()).toBe(test.cuRaw);
        expect(u.su.toString()).toBe(test.suRaw);
      } else if (group.type === 'InvalidResourceUnits') {
        expectBillingError(test, () => resourceUnits(resOf(test.resources), MAINNET_PRICING_POLICY));
      } else throw new Error(`unknown group ${group.type}`);
    });
  }
});

describe('billing/cost vectors', () => {
  const file = loadVectors('billing', 'cost');
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      checkKnownResult(test);
      switch (group.type) {
        case 'WorkedExample': {
          const c = contractCost({ kind: 'node', resources: resOf(test.resources), publicIps: test.publicIps as number, seconds: BigInt(str(test.seconds)), policy: policyOf(test) });
          // CU 2 exactly; SU 0.8 is not on the 2^-64 grid: the chain holds the value just below it.
          expect(fxToDecimal(c.cu, 0)).toBe(test.cu);
          expect(fxRound(c.su * 10n)).toBe(BigInt(str(test.su).replace('0.', '')));
          expect(c.su < (8n << 64n) / 10n + 1n && c.su > (8n << 64n) / 10n - 2n).toBe(true);
          expect(c.cu.toString()).toBe(test.cuRaw);
          expect(c.su.toString()).toBe(test.suRaw);
          expect(c.unitsUsd.toString()).toBe(test.unitsUsd);
          const price = { priceMusd: test.priceMusd as number, minMusd: test.minMusd as number, maxMusd: test.maxMusd as number };
          expect(unitsUsdToTft(c.unitsUsd, price).toString()).toBe(test.tftPlanck);
          return;
        }
        case 'NodeContractCost': {
          const c = contractCost({
            kind: 'node', resources: resOf(test.resources), publicIps: test.publicIps as number, seconds: BigInt(str(test.seconds)),
            policy: policyOf(test), onRentedNode: test.onRentedNode as boolean, unbilledNuUnitsUsd: BigInt(str(test.unbilledNuUnitsUsd)),
          });
          expect(c.unitsUsd.toString()).toBe(test.unitsUsd);
          return;
        }
        case 'NameContractCost': {
          const c = contractCost({ kind: 'name', seconds: BigInt(str(test.seconds)), policy: policyOf(test) });
          expect(c.unitsUsd.toString()).toBe(test.unitsUsd);
          return;
        }
        case 'RentContractCost': {
          const c = contractCost({
            kind: 'rent', resources: resOf(test.resources), seconds: BigInt(str(test.seconds)), policy: policyOf(test),
            rentDiscountPercent: test.rentDiscountPercent as number, extraFeeMusd: BigInt(str(test.extraFeeMusd)),
          });
          expect(c.unitsUsd.toString()).toBe(test.unitsUsd);
          expect(c.extraFeeUnitsUsd.toString()).toBe(test.extraFeeUnitsUsd);
          return;
        }
        case 'NearTie': {
          const c = contractCost({
            kind: test.kind as ContractKind, seconds: BigInt(str(test.seconds)), policy: policyOf(test),
            ...(test.resources === undefined ? {} : { resources: resOf(test.resources), publicIps: test.publicIps as number }),
          });
          expect(c.unitsUsd.toString()).toBe(test.unitsUsd);
          expect(c.unitsUsd).toBe(BigInt(str(test.naiveUnitsUsd)) - 1n);
          return;
        }
        case 'NruReportCost':
          expect(nruReportCost(BigInt(str(test.nruBytes)), BigInt(str(test.window)), policyOf(test)).toString()).toBe(test.unitsUsd);
          return;
        case 'TftConversion': {
          const price = { priceMusd: test.priceMusd as number, minMusd: test.minMusd as number, maxMusd: test.maxMusd as number };
          expect(unitsUsdToTft(BigInt(str(test.unitsUsd)), price).toString()).toBe(test.tftPlanck);
          return;
        }
        case 'InvalidCostInput':
          expectBillingError(test, () => contractCost({
            kind: test.kind as ContractKind, seconds: BigInt(str(test.seconds)), policy: policyOf(test),
            ...(test.resources === undefined ? {} : { resources: resOf(test.resources) }),
            ...(test.publicIps === undefined ? {} : { publicIps: test.publicIps as number }),
            ...(test.extraFeeMusd === undefined ? {} : { extraFeeMusd: BigInt(str(test.extraFeeMusd)) }),
          }));
          return;
        case 'InvalidTftConversion':
          expectBillingError(test, () => unitsUsdToTft(BigInt(str(test.unitsUsd)), {
            priceMusd: test.priceMusd as number, minMusd: test.minMusd as number, maxMusd: test.maxMusd as number,
          }));
          return;
        default:
          throw new Error(`unknown group ${group.type}`);
      }
    });
  }
});

describe('billing/discount vectors', () => {
  const file = loadVectors('billing', 'discount');
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      checkKnownResult(test);
      if (group.type === 'InvalidDiscountInput') {
        return expectBillingError(test, () => discount(BigInt(str(test.amountPlanck)), {
          seconds: BigInt(str(test.seconds)), balancePlanck: BigInt(str(test.balancePlanck)), certified: test.certified as boolean,
        }));
      }
      const d = discount(BigInt(str(test.amountPlanck)), {
        seconds: BigInt(str(test.seconds)), balancePlanck: BigInt(str(test.balancePlanck)), certified: test.certified as boolean,
      });
      expect(d.level).toBe(test.level);
      expect(d.amountPlanck.toString()).toBe(test.discountedPlanck);
      if (test.monthlyPlanck !== undefined) expect(d.monthlyPlanck.toString()).toBe(test.monthlyPlanck);
      if (test.seconds === '3600') {
        // over exactly one hour the hourly rate is the amount: the `hourlyPlanck` form must agree
        const h = discount(BigInt(str(test.amountPlanck)), {
          hourlyPlanck: BigInt(str(test.amountPlanck)), balancePlanck: BigInt(str(test.balancePlanck)), certified: test.certified as boolean,
        });
        expect([h.level, h.amountPlanck.toString()]).toEqual([test.level, test.discountedPlanck]);
      }
    });
  }
});

describe('billing/percent vectors', () => {
  const file = loadVectors('billing', 'percent');
  for (const { group, test } of eachTest(file)) {
    it(`${group.type} #${test.tcId} ${test.comment}`, () => {
      checkKnownResult(test);
      if (group.type === 'Percent') {
        const f = test.kind === 'Percent' ? percentOf : perbillPercentOf;
        expect(f(test.percent as number, BigInt(str(test.n))).toString()).toBe(test.out);
      } else if (group.type === 'Payout') {
        const p = payout(BigInt(str(test.amountPlanck)), test.model as BillingModel, {
          kind: test.kind as ContractKind, additionalPlanck: BigInt(str(test.additionalPlanck)),
          solutionProviderTakes: test.solutionProviderTakes as number[],
        });
        expect({
          farmer: p.farmer.toString(), foundation: p.foundation.toString(), stakingPool: p.stakingPool.toString(),
          certifiedSales: p.certifiedSales.toString(), solutionProviders: p.solutionProviders.map(String), burned: p.burned.toString(),
        }).toEqual({
          farmer: test.farmer, foundation: test.foundation, stakingPool: test.stakingPool, certifiedSales: test.certifiedSales,
          solutionProviders: test.solutionProviders, burned: test.burned,
        });
      } else if (group.type === 'InvalidPayout') {
        expectBillingError(test, () => payout(BigInt(str(test.amountPlanck)), test.model as BillingModel, {
          kind: test.kind as ContractKind, additionalPlanck: BigInt(str(test.additionalPlanck)),
          solutionProviderTakes: test.solutionProviderTakes as number[],
        }));
      } else throw new Error(`unknown group ${group.type}`);
    });
  }
});

describe('invalid vectors: one per BillingError code at least', () => {
  it('billing.invalid_input, billing.overflow and billing.division_by_zero each have one', () => {
    const codes = new Set<string>();
    for (const topic of ['units', 'cost', 'discount', 'percent', 'grace', 'reports']) {
      for (const { test } of eachTest(loadVectors('billing', topic))) if (test.result === 'invalid') codes.add(test.error!);
    }
    for (const c of ['billing.invalid_input', 'billing.overflow', 'billing.division_by_zero', 'billing.invalid_report', 'billing.unknown_contract', 'billing.contract_closed']) {
      expect(codes.has(c), c).toBe(true);
    }
  });
});
