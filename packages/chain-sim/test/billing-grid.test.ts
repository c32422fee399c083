/**
 * Billing of what power states, dedicated nodes and solution providers change: the extra fee
 * on a rent contract, standby waivers, the billing clock reset on power-up, and the solution
 * providers' share. Amounts come from test/reference.ts (rational arithmetic written from
 * shared/spec/chain-and-billing.md §6–§12, independent of @sc4it/billing); the rules from §6
 * (extra fee, elapsed time), §11 step 1, §12 waivers / payout table and §16 (power).
 */
import { identityFromSeed, publicKeyFromAddress } from '@sc4it/crypto';
import type { ChainEvent, DevChainClient } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { type ChainOptions, type DevSetup, devSetup } from '../src/index.ts';
import { HASH, TFT, newChain, send } from './helpers.ts';
import { MAINNET, discount, extraFeeCost, nodeCost, payoutV27, payoutV29, rentCost, toPlanck } from './reference.ts';

const EVE = publicKeyFromAddress('5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw'); // foundation (dev genesis)
const FERDIE = publicKeyFromAddress('5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL'); // certified sales
const STAKING = publicKeyFromAddress('5CNposRewardAccount11111111111111111111111111FSU');
const ED = 500n;
const payer = identityFromSeed('34'.repeat(32), 'ed25519');
const P1 = identityFromSeed('35'.repeat(32), 'ed25519').publicKey;
const P2 = identityFromSeed('36'.repeat(32), 'ed25519').publicKey;

interface World {
  client: DevChainClient;
  dev: DevSetup;
  events: ChainEvent[];
}

async function world(options: ChainOptions, fund: bigint): Promise<World> {
  const { client } = newChain(options);
  const dev = await devSetup(client, { nodes: 2, publicIps: 4 });
  await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: fund } });
  await send(client, payer, { method: 'createTwin', args: { relay: null, pk: null } });
  const events: ChainEvent[] = [];
  await client.subscribeEvents((e) => events.push(e));
  return { client, dev, events };
}

/** First block after `after` at which contract `id` is billed (n ≡ id mod 600). */
function billBlock(id: bigint, after: number): number {
  let n = after + 1;
  while (BigInt(n) % 600n !== id % 600n) n++;
  return n;
}

async function mineTo(client: DevChainClient, block: number): Promise<void> {
  const head = (await client.getBlock()).number;
  if (block > head) await client.mine(block - head);
}

const free = async (client: DevChainClient, pk: Uint8Array) => (await client.getAccount(pk)).balance;

const ofContract = (events: ChainEvent[], id: bigint, block: number) =>
  events.filter((e) => (e.data as { contractId?: bigint }).contractId === id && e.block === block).map((e) => e.name);

describe('dedicated-node extra fee on the rent contract (§6, §12)', () => {
  it('billed apart, never discounted, reserved with the rent and paid 100% to the farmer', async () => {
    const w = await world({ distributionFrequency: 1 }, 1_000n * TFT);
    const { client, dev, events } = w;
    const n2 = dev.nodes[1]!.id;
    const fee = 10_000n; // mUSD per month: 10 USD
    await send(client, dev.farmer.identity, { method: 'setDedicatedNodeExtraFee', args: { nodeId: n2, extraFee: fee } });
    const r = await send(client, payer, { method: 'createRentContract', args: { nodeId: n2 } });
    const id = r.result as bigint;
    const res = (await client.getNode(n2))!.resources;
    const b1 = billBlock(id, r.block);
    const s1 = (b1 - r.block) * 6;
    await mineTo(client, b1);
    const first = (await client.getBills(id))[0]!;
    expect(first.seconds).toBe(s1);
    expect(first.unitsUsd).toBe(rentCost(MAINNET, s1, res));
    expect(first.breakdown['extraFee']).toBe(extraFeeCost(fee, s1));
    expect(first.breakdown['extraFeePlanck']).toBe(toPlanck(extraFeeCost(fee, s1), 50));

    // Second cycle: a full hour.
    await mineTo(client, b1 + 599);
    const before = await free(client, payer.publicKey);
    const [farmer0, eve0, staking0] = [await free(client, dev.farmer.identity.publicKey), await free(client, EVE), await free(client, STAKING)];
    await mineTo(client, b1 + 600);
    const bill = (await client.getBills(id))[1]!;
    const units = rentCost(MAINNET, 3600, res);
    const extraUnits = extraFeeCost(fee, 3600);
    expect(extraUnits).toBe(138_889n); // 10 USD a month for one hour of a 30-day month
    const extraPlanck = toPlanck(extraUnits, 50);
    const d = discount(toPlanck(units, 50), 3600, before - ED);
    expect(bill).toMatchObject({ seconds: 3600, unitsUsd: units, discountLevel: d.level, amountBilled: d.amount + extraPlanck });
    expect(bill.breakdown).toMatchObject({ extraFee: extraUnits, extraFeePlanck: extraPlanck, planckDue: d.amount });
    expect(ofContract(events, id, b1 + 600)).toEqual(['ContractBilled', 'RewardDistributed']);
    expect(events.find((e) => e.name === 'RewardDistributed' && e.block === b1 + 600)!.data).toMatchObject({
      standardRewards: d.amount,
      additionalRewards: extraPlanck,
    });
    const split = payoutV29(d.amount);
    expect((await free(client, dev.farmer.identity.publicKey)) - farmer0).toBe(split.farmer + extraPlanck);
    expect((await free(client, EVE)) - eve0).toBe(split.foundation);
    expect((await free(client, STAKING)) - staking0).toBe(split.staking);
    expect(await free(client, payer.publicKey)).toBe(before - d.amount - extraPlanck);
  });

  it('a node contract on the dedicated node pays IPs only, no extra fee (§6 step 4: the rent pays the resources)', async () => {
    const w = await world({}, 1_000n * TFT);
    const { client, dev } = w;
    const n2 = dev.nodes[1]!.id;
    await send(client, dev.farmer.identity, { method: 'setDedicatedNodeExtraFee', args: { nodeId: n2, extraFee: 10_000n } });
    await send(client, payer, { method: 'createRentContract', args: { nodeId: n2 } });
    const nc = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: n2, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const id = nc.result as bigint;
    const used = { cru: 2n, mru: 4n << 30n, sru: 50n << 30n, hru: 0n };
    await send(client, dev.nodes[1]!.account.identity, { method: 'reportContractResources', args: { resources: [{ contractId: id, used }] } });
    const b = billBlock(id, nc.block);
    await mineTo(client, b + 600);
    const bill = (await client.getBills(id))[1]!;
    expect(bill.unitsUsd).toBe(nodeCost(MAINNET, 3600, null, 1));
    expect(bill.breakdown['extraFee']).toBe(0n);
  });
});

describe('standby: rent waived, billing clock reset on power-up (§6, §11 step 1, §12, §16)', () => {
  async function rentOnSleepingNode(model: NonNullable<ChainOptions['billingModel']>, how: 'state' | 'target') {
    const w = await world({ billingModel: model }, 1_000n * TFT);
    const { client, dev } = w;
    const n2 = dev.nodes[1]!.id;
    const r = await send(client, payer, { method: 'createRentContract', args: { nodeId: n2 } });
    const id = r.result as bigint;
    if (how === 'state') await send(client, dev.nodes[1]!.account.identity, { method: 'changePowerState', args: { power: 'Down' } });
    else await send(client, dev.farmer.identity, { method: 'changePowerTarget', args: { nodeId: n2, power: 'Down' } });
    const res = (await client.getNode(n2))!.resources;
    return { ...w, n2, id, created: r.block, b1: billBlock(id, r.block), res };
  }

  it('v2.9: RentWaived while the node is down, nothing billed; back Up restarts the clock', async () => {
    const { client, dev, events, id, b1, res } = await rentOnSleepingNode('v2.9-reserve', 'state');
    await mineTo(client, b1);
    expect(ofContract(events, id, b1)).toEqual(['RentWaived']);
    expect(await client.getBills(id)).toEqual([]);
    await mineTo(client, b1 + 100);
    const up = await send(client, dev.nodes[1]!.account.identity, { method: 'changePowerState', args: { power: 'Up' } });
    await mineTo(client, b1 + 600);
    const [bill] = await client.getBills(id);
    expect(bill!.seconds).toBe((b1 + 600 - up.block) * 6);
    expect(bill!.unitsUsd).toBe(rentCost(MAINNET, (b1 + 600 - up.block) * 6, res));
    expect(ofContract(events, id, b1 + 600)).toEqual(['ContractBilled']);
  });

  it('v2.9: standby by power target alone waives the rent too', async () => {
    const { client, events, id, b1 } = await rentOnSleepingNode('v2.9-reserve', 'target');
    await mineTo(client, b1);
    expect(ofContract(events, id, b1)).toEqual(['RentWaived']);
    expect(await client.getBills(id)).toEqual([]);
  });

  it('v2.7: a rent contract on a node whose power state is Down is not billed, silently; back Up restarts the clock', async () => {
    const { client, dev, events, id, b1, res } = await rentOnSleepingNode('v2.7-lock', 'state');
    await mineTo(client, b1);
    expect(ofContract(events, id, b1)).toEqual([]);
    expect(await client.getBills(id)).toEqual([]);
    await mineTo(client, b1 + 50);
    const up = await send(client, dev.nodes[1]!.account.identity, { method: 'changePowerState', args: { power: 'Up' } });
    await mineTo(client, b1 + 600);
    const [bill] = await client.getBills(id);
    expect(bill!.seconds).toBe((b1 + 600 - up.block) * 6);
    expect(bill!.unitsUsd).toBe(rentCost(MAINNET, (b1 + 600 - up.block) * 6, res));
  });

  it('v2.7: only the power state counts (a Down target with the node still up is billed)', async () => {
    const { client, id, created, b1, res } = await rentOnSleepingNode('v2.7-lock', 'target');
    await mineTo(client, b1);
    const [bill] = await client.getBills(id);
    expect(bill!.seconds).toBe((b1 - created) * 6);
    expect(bill!.unitsUsd).toBe(rentCost(MAINNET, (b1 - created) * 6, res));
  });

  it('a rent contract on a sleeping node can still be canceled (its node contracts are gone first)', async () => {
    const { client, events, id } = await rentOnSleepingNode('v2.7-lock', 'state');
    const c = await send(client, payer, { method: 'cancelContract', args: { contractId: id } });
    expect(c.events.map((e) => e.name)).toContain('RentContractCanceled');
    expect((await client.getContract(id))!.state).toEqual({ kind: 'Deleted', cause: 'CanceledByUser' });
    void events;
  });
});

describe('solution providers share the payout in v2.7 only (§11 table, §12)', () => {
  async function withProvider(options: ChainOptions) {
    const w = await world(options, 1_000n * TFT);
    const { client, dev } = w;
    await send(client, dev.accounts.bob.identity, {
      method: 'createSolutionProvider',
      args: { description: 'sp', link: 'https://example.org', providers: [{ who: P1, take: 10 }, { who: P2, take: 5 }] },
    });
    await send(client, dev.accounts.alice.identity, { method: 'approveSolutionProvider', args: { solutionProviderId: 1n, approve: true } });
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1, solutionProviderId: 1n },
    });
    return { ...w, id: r.result as bigint, created: r.block };
  }

  it('v2.7: each provider gets its take, the sales account 50 − Σtake', async () => {
    const { client, id, created } = await withProvider({ billingModel: 'v2.7-lock', distributionFrequency: 2 });
    const b1 = billBlock(id, created);
    const s1 = (b1 - created) * 6;
    const free0 = await free(client, payer.publicKey);
    const [eve0, ferdie0, staking0] = [await free(client, EVE), await free(client, FERDIE), await free(client, STAKING)];
    const d1 = discount(toPlanck(nodeCost(MAINNET, s1, null, 1), 50), s1, free0 - ED);
    await mineTo(client, b1);
    const d2 = discount(toPlanck(nodeCost(MAINNET, 3600, null, 1), 50), 3600, free0 - d1.amount);
    await mineTo(client, b1 + 600);
    const bills = await client.getBills(id);
    expect(bills.map((b) => b.amountBilled)).toEqual([d1.amount, d2.amount]);
    const split = payoutV27(d1.amount + d2.amount, [10, 5]);
    expect(await free(client, P1)).toBe(split.providers[0]);
    expect(await free(client, P2)).toBe(split.providers[1]);
    expect((await free(client, FERDIE)) - ferdie0).toBe(split.sales);
    expect((await free(client, EVE)) - eve0).toBe(split.foundation);
    expect((await free(client, STAKING)) - staking0).toBe(split.staking);
    expect(await free(client, payer.publicKey)).toBe(free0 - split.foundation - split.staking - split.sales - split.burned - split.providers[0]! - split.providers[1]!);
  });

  it('v2.9: no solution-provider share; the usual 50/40/10 split', async () => {
    const { client, dev, id, created } = await withProvider({ distributionFrequency: 1 });
    const b1 = billBlock(id, created);
    const farmer0 = await free(client, dev.farmer.identity.publicKey);
    await mineTo(client, b1);
    const [bill] = await client.getBills(id);
    expect(await free(client, P1)).toBe(0n);
    expect(await free(client, P2)).toBe(0n);
    expect((await free(client, dev.farmer.identity.publicKey)) - farmer0).toBe(payoutV29(bill!.amountBilled).farmer);
  });
});
