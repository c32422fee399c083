// Scenarios of one billing step, expected values worked by hand from the spec's rules
// (chain-and-billing.md §11 v2.7, §12 v2.9+, §13), ED = 500 planck.
import { describe, expect, it } from 'vitest';
import { BillingError, EMPTY_PAYMENT_STATE, type GraceStepInput, graceStep } from '../src/index.ts';

const base = (over: Partial<GraceStepInput>): GraceStepInput => ({
  model: 'v2.9-reserve', contractId: 7n, kind: 'node', twinId: 3, nodeId: 1, state: { kind: 'Created' },
  payment: { ...EMPTY_PAYMENT_STATE }, account: { free: 10_000n, frozen: 0n, reserved: 0n },
  block: 1000, timestamp: 1_700_000_000, standardDuePlanck: 1000n, discountLevel: 'None', ...over,
});
const names = (r: { events: { name: string }[] }): string[] => r.events.map((e) => e.name);

describe('v2.9-reserve (§12)', () => {
  it('enough funds: reserves the due and emits ContractBilled', () => {
    const r = graceStep(base({}));
    expect(r.outcome).toBe('billed');
    expect(r.state).toEqual({ kind: 'Created' });
    expect(r.account).toEqual({ free: 9000n, frozen: 0n, reserved: 1000n });
    expect(r.payment).toEqual({ standardReserve: 1000n, additionalReserve: 0n, standardOverdraft: 0n, additionalOverdraft: 0n, cycles: 1 });
    expect(r.events).toEqual([{ name: 'ContractBilled', data: { contractId: 7n, timestamp: 1_700_000_000, discountLevel: 'None', amountBilled: 1000n } }]);
    expect([r.updateTimestamp, r.resetNu, r.removed, r.payout]).toEqual([true, true, false, null]);
  });

  it('not enough: grace starts, the usable balance is reserved, the rest is overdraft', () => {
    // usable = 5500 − max(500, 0) = 5000 < 10000
    const r = graceStep(base({ standardDuePlanck: 10_000n, account: { free: 5500n, frozen: 0n, reserved: 0n } }));
    expect(r.outcome).toBe('grace');
    expect(r.state).toEqual({ kind: 'GracePeriod', sinceBlock: 1000 });
    expect(names(r)).toEqual(['ContractGracePeriodStarted', 'ContractPaymentOverdrawn']);
    expect(r.events[0]!.data).toEqual({ contractId: 7n, nodeId: 1, twinId: 3, blockNumber: 1000 });
    expect(r.events[1]!.data).toEqual({ contractId: 7n, timestamp: 1_700_000_000, partiallyBilledAmount: 5000n, overdraft: 5000n });
    expect(r.payment.standardOverdraft).toBe(5000n);
    expect(r.payment.standardReserve).toBe(5000n);
    expect(r.overdraftPlanck).toBe(5000n);
    expect(r.account).toEqual({ free: 500n, frozen: 0n, reserved: 5000n });
  });

  it('a top-up ends grace and settles the overdraft in the same bill', () => {
    const r = graceStep(base({
      state: { kind: 'GracePeriod', sinceBlock: 100 },
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 5000n, standardOverdraft: 5000n, cycles: 1 },
      account: { free: 10_000n, frozen: 0n, reserved: 5000n },
    }));
    expect(r.state).toEqual({ kind: 'Created' });
    expect(names(r)).toEqual(['ContractGracePeriodEnded', 'ContractBilled']);
    expect(r.amountBilledPlanck).toBe(6000n); // this cycle 1000 + overdraft 5000
    expect(r.payment.standardReserve).toBe(11_000n);
    expect(r.overdraftPlanck).toBe(0n);
    expect(r.account).toEqual({ free: 4000n, frozen: 0n, reserved: 11_000n });
  });

  it('#1047: an overdraft with nothing due is still billed', () => {
    const r = graceStep(base({
      standardDuePlanck: 0n, state: { kind: 'GracePeriod', sinceBlock: 100 },
      payment: { ...EMPTY_PAYMENT_STATE, standardOverdraft: 2000n },
    }));
    expect(r.outcome).toBe('billed');
    expect(r.state).toEqual({ kind: 'Created' });
    expect(r.amountBilledPlanck).toBe(2000n);
  });

  it('nothing due and no overdraft: skipped, nothing changes', () => {
    const input = base({ standardDuePlanck: 0n });
    const r = graceStep(input);
    expect(r.outcome).toBe('skipped');
    expect(r.events).toEqual([]);
    expect(r.updateTimestamp).toBe(false);
    expect(r.account).toBe(input.account);
  });

  it('grace expires after GracePeriod blocks: Deleted(OutOfFunds), reserve paid out, removed', () => {
    const r = graceStep(base({
      state: { kind: 'GracePeriod', sinceBlock: 100 }, block: 100 + 201_600,
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 5000n, standardOverdraft: 5000n, cycles: 3 },
      account: { free: 500n, frozen: 0n, reserved: 5000n },
    }));
    expect(r.state).toEqual({ kind: 'Deleted', cause: 'OutOfFunds' });
    expect(names(r)).toEqual(['ContractGracePeriodElapsed', 'ContractPaymentOverdrawn', 'RewardDistributed', 'NodeContractCanceled']);
    expect(r.events[0]!.data).toEqual({ contractId: 7n, gracePeriod: 201_600 });
    // 5000: staking 10% = 500, foundation 40% = 2000, farmer the rest = 2500
    expect([r.payout!.stakingPool, r.payout!.foundation, r.payout!.farmer]).toEqual([500n, 2000n, 2500n]);
    expect(r.account.reserved).toBe(0n);
    expect(r.overdraftPlanck).toBe(6000n); // forgiven with the contract
    expect([r.removed, r.updateTimestamp]).toEqual([true, false]);
  });

  it('one block before expiry the contract stays in grace', () => {
    const r = graceStep(base({ state: { kind: 'GracePeriod', sinceBlock: 100 }, block: 100 + 201_599, account: { free: 500n, frozen: 0n, reserved: 0n } }));
    expect(r.state).toEqual({ kind: 'GracePeriod', sinceBlock: 100 });
    expect(r.outcome).toBe('grace');
  });

  it('pays out every DistributionFrequency cycles: 50% farmer, 40% foundation, 10% staking', () => {
    const r = graceStep(base({
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 23_000n, cycles: 23 },
      account: { free: 10_000n, frozen: 0n, reserved: 23_000n },
    }));
    expect(r.payout).toMatchObject({ farmer: 12_000n, foundation: 9600n, stakingPool: 2400n, burned: 0n });
    expect(names(r)).toEqual(['ContractBilled', 'RewardDistributed']);
    expect(r.payment.cycles).toBe(0);
    expect(r.account.reserved).toBe(0n);
  });

  it('rent: the additional (extra fee) overdraft is settled first and paid 100% to the farmer', () => {
    // usable 1500: additional overdraft 2000 takes it all, the standard overdraft keeps 1000
    const r = graceStep(base({
      kind: 'rent', standardDuePlanck: 1000n, additionalDuePlanck: 2000n, account: { free: 2000n, frozen: 0n, reserved: 0n },
    }));
    expect(r.payment).toMatchObject({ additionalReserve: 1500n, additionalOverdraft: 500n, standardOverdraft: 1000n, standardReserve: 0n });
    const d = graceStep(base({ kind: 'rent', standardDuePlanck: 1000n, additionalDuePlanck: 2000n, deleting: 'CanceledByUser' }));
    expect(d.payout).toMatchObject({ farmer: 500n + 2000n, foundation: 400n, stakingPool: 100n });
    expect(names(d)).toEqual(['ContractBilled', 'RewardDistributed', 'RentContractCanceled']);
  });

  it('a node contract whose rent contract is in grace stays in grace even when it can pay', () => {
    const r = graceStep(base({ state: { kind: 'GracePeriod', sinceBlock: 5 }, rentContractInGrace: true }));
    expect(r.state).toEqual({ kind: 'GracePeriod', sinceBlock: 5 });
    expect(names(r)).toEqual(['ContractBilled']);
  });

  it('a name contract pays 90% foundation, 10% staking', () => {
    const r = graceStep(base({ kind: 'name', deleting: 'CanceledByUser', standardDuePlanck: 1001n }));
    expect(r.payout).toMatchObject({ farmer: 0n, foundation: 901n, stakingPool: 100n });
    expect(names(r)).toEqual(['ContractBilled', 'RewardDistributed', 'NameContractCanceled']);
  });
});

describe('v2.7-lock (§11)', () => {
  const lock = (over: Partial<GraceStepInput>): GraceStepInput => base({ model: 'v2.7-lock', ...over });

  it('enough funds: extends the lock and emits ContractBilled', () => {
    const r = graceStep(lock({}));
    expect(r.outcome).toBe('billed');
    expect(r.account).toEqual({ free: 10_000n, frozen: 1000n, reserved: 0n });
    expect(r.payment).toMatchObject({ standardReserve: 1000n, cycles: 1 });
    expect(names(r)).toEqual(['ContractBilled']);
  });

  it('grace when everything locked plus the due reaches the usable balance; nothing charged, NU kept', () => {
    // usable = 10000 − 9000 = 1000; lock_amount = 9000 + 500 ≥ 1000
    const r = graceStep(lock({
      standardDuePlanck: 500n, payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 9000n, cycles: 2 }, account: { free: 10_000n, frozen: 9000n, reserved: 0n },
    }));
    expect(r.state).toEqual({ kind: 'GracePeriod', sinceBlock: 1000 });
    expect(names(r)).toEqual(['ContractGracePeriodStarted']);
    expect(r.payment).toMatchObject({ standardReserve: 9500n, cycles: 3 });
    expect([r.chargedPlanck, r.resetNu, r.updateTimestamp]).toEqual([0n, false, true]);
    expect(r.account.frozen).toBe(9000n);
  });

  it('leaves grace when the usable balance exceeds the lock amount', () => {
    const r = graceStep(lock({ state: { kind: 'GracePeriod', sinceBlock: 3 }, payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 2000n } }));
    expect(names(r)).toEqual(['ContractGracePeriodEnded', 'ContractBilled']);
    expect(r.state).toEqual({ kind: 'Created' });
  });

  it('distribution: foundation 10%, staking 5%, sales 50%, burn 35%, TokensBurned before ContractBilled', () => {
    const r = graceStep(lock({
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 23_000n, cycles: 23 },
      account: { free: 100_000n, frozen: 23_000n, reserved: 0n },
    }));
    expect(r.payout).toMatchObject({ foundation: 2400n, stakingPool: 1200n, certifiedSales: 12_000n, burned: 8400n, farmer: 0n, charged: 24_000n });
    expect(names(r)).toEqual(['TokensBurned', 'ContractBilled']);
    expect(r.events[0]!.data).toEqual({ contractId: 7n, amount: 8400n });
    expect(r.account).toEqual({ free: 76_000n, frozen: 0n, reserved: 0n });
  });

  it('cancel: the final period is reported but never charged; only the lock is paid out', () => {
    const r = graceStep(lock({
      deleting: 'CanceledByUser', standardDuePlanck: 700n,
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 5000n, cycles: 5 }, account: { free: 100_000n, frozen: 5000n, reserved: 0n },
    }));
    expect(r.payout!.charged).toBe(5000n);
    expect(r.amountBilledPlanck).toBe(700n);
    expect(names(r)).toEqual(['TokensBurned', 'ContractBilled', 'NodeContractCanceled']);
    expect(r.account).toEqual({ free: 95_000n, frozen: 0n, reserved: 0n });
    expect(r.removed).toBe(true);
  });

  it('grace expiry deletes with OutOfFunds', () => {
    const r = graceStep(lock({
      state: { kind: 'GracePeriod', sinceBlock: 0 }, block: 100, gracePeriodBlocks: 100,
      payment: { ...EMPTY_PAYMENT_STATE, standardReserve: 9000n }, account: { free: 1000n, frozen: 0n, reserved: 0n },
    }));
    expect(r.state).toEqual({ kind: 'Deleted', cause: 'OutOfFunds' });
    // twin balance = 1000 − 500 = 500 is all that can be paid of the 9000 booked
    expect(r.payout!.charged).toBe(500n);
  });
});

describe('bad input', () => {
  it('rejects negative amounts and deleted contracts with a typed error, input untouched', () => {
    const input = base({ standardDuePlanck: -1n });
    expect(() => graceStep(input)).toThrow(BillingError);
    expect(input.standardDuePlanck).toBe(-1n);
    expect(() => graceStep(base({ state: { kind: 'Deleted', cause: 'OutOfFunds' } }))).toThrow(/deleted/);
  });
});

describe('contractDue (§6 → §7 → §8)', () => {
  it('the worked VM example: 14 000 000 planck per hour at 20 mUSD, discounted by level', async () => {
    const { contractDue, MAINNET_PRICING_POLICY } = await import('../src/index.ts');
    const GiB = 1n << 30n;
    const input = {
      kind: 'node' as const, resources: { cru: 4n, mru: 8n * GiB, sru: 160n * GiB, hru: 0n }, publicIps: 1, seconds: 3600,
      policy: MAINNET_PRICING_POLICY, price: { priceMusd: 15, minMusd: 20, maxMusd: 2000 },
    };
    // monthly = 14e6 × 720 = 10 080 000 000; 3 months → Bronze (× 0.7, the f64 just below: 9 800 000 exactly after round)
    const r = contractDue({ ...input, balancePlanck: 30_240_000_000n });
    expect([r.cost.unitsUsd, r.tftPlanck, r.discountLevel, r.standardDuePlanck]).toEqual([280_000n, 14_000_000n, 'Bronze', 9_800_000n]);
    // Certified × 1.25 only in v2.9: 14e6 × 1.25 = 17 500 000 with no discount
    expect(contractDue({ ...input, balancePlanck: 0n, certified: true }).standardDuePlanck).toBe(17_500_000n);
    expect(contractDue({ ...input, balancePlanck: 0n, certified: true, model: 'v2.7-lock' }).standardDuePlanck).toBe(14_000_000n);
  });
  it('the extra fee is converted apart and never discounted', async () => {
    const { contractDue, MAINNET_PRICING_POLICY } = await import('../src/index.ts');
    // 30 days of 100 000 mUSD/month = 1 000 000 000 units = 100 USD = 5000 TFT at 20 mUSD
    const r = contractDue({
      kind: 'rent', resources: { cru: 0n, mru: 0n, sru: 0n, hru: 0n }, seconds: 2_592_000, policy: MAINNET_PRICING_POLICY,
      extraFeeMusd: 100_000n, price: { priceMusd: 20, minMusd: 20, maxMusd: 2000 }, balancePlanck: 10n ** 15n,
    });
    expect([r.additionalDuePlanck, r.standardDuePlanck, r.discountLevel]).toEqual([50_000_000_000n, 0n, 'None']);
  });
});
