/**
 * Billing across warps: amounts come from test/reference.ts (rational arithmetic from the spec),
 * the spec's own worked example (issue #373), and state transitions read from spec §11–§13.
 */
import { identityFromSeed, publicKeyFromAddress } from '@sc4it/crypto';
import type { ChainEvent, DevChainClient } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { type Chain, type ChainOptions, type DevSetup, devSetup } from '../src/index.ts';
import { GIB, HASH, TFT, newChain, send } from './helpers.ts';
import { MAINNET, discount, nameCost, nodeCost, nruCost, payoutV27, payoutV29, rentCost, toPlanck } from './reference.ts';

const EVE = publicKeyFromAddress('5HGjWAeFDfFCWPsjFQdVV2Msvz2XtMktvgocEZcCj68kUMaw'); // foundation (dev genesis)
const FERDIE = publicKeyFromAddress('5CiPPseXPECbkjWCa6MnjNokrgYjMqmKndv2rSnekmSK2DjL'); // certified sales
const STAKING = publicKeyFromAddress('5CNposRewardAccount11111111111111111111111111FSU');
const ED = 500n;
const payer = identityFromSeed('33'.repeat(32), 'ed25519');

interface World {
  chain: Chain;
  client: DevChainClient;
  dev: DevSetup;
  events: ChainEvent[];
}

async function world(options: ChainOptions, fund: bigint): Promise<World> {
  const { chain, client } = newChain(options);
  const dev = await devSetup(client, { nodes: 2, publicIps: 4 });
  await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: fund } });
  await send(client, payer, { method: 'createTwin', args: { relay: null, pk: null } });
  const events: ChainEvent[] = [];
  await client.subscribeEvents((e) => events.push(e));
  return { chain, client, dev, events };
}

/** First block after `created` at which contract `id` is billed (n ≡ id mod N). */
function billBlock(id: bigint, after: number, freq = 600): number {
  let n = after + 1;
  while (BigInt(n) % BigInt(freq) !== id % BigInt(freq)) n++;
  return n;
}

async function mineTo(client: DevChainClient, block: number): Promise<void> {
  const head = (await client.getBlock()).number;
  if (block > head) await client.mine(block - head);
}

const balance = async (client: DevChainClient, pk: Uint8Array) => (await client.getAccount(pk)) as unknown as { balance: bigint; reserved: bigint; frozen: bigint };

const ofContract = (events: ChainEvent[], id: bigint, block?: number) =>
  events.filter((e) => (e.data as { contractId?: bigint }).contractId === id && (block === undefined || e.block === block)).map((e) => e.name);

describe('v2.9 reserve model (default): grace, top-up, deletion', () => {
  it('bills each cycle, enters grace when short, leaves it after a top-up', async () => {
    const w = await world({ gracePeriodBlocks: 1200 }, 0n);
    const { client, dev, events } = w;
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    const s1 = (b1 - r.block) * 6;
    const due1 = toPlanck(nodeCost(MAINNET, s1, null, 1), 50);
    const hourly = toPlanck(nodeCost(MAINNET, 3600, null, 1), 50);
    expect(hourly).toBe(800_000n); // 40 000 units USD per IPv4-hour at 50 mUSD
    // Funds for the first two bills plus 300 000 planck: the third bill finds the account short.
    const fund = ED + due1 + hourly + 300_000n;
    await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: fund } });
    expect(discount(due1, s1, fund - ED).level).toBe('None');

    await mineTo(client, b1);
    let bills = await client.getBills(id);
    expect(bills).toHaveLength(1);
    expect(bills[0]).toMatchObject({ block: b1, seconds: s1, unitsUsd: nodeCost(MAINNET, s1, null, 1), amountBilled: due1, amountDue: 0n, discountLevel: 'None' });
    expect(ofContract(events, id, b1)).toEqual(['ContractBilled']);
    expect(await balance(client, payer.publicKey)).toMatchObject({ balance: fund - due1, reserved: due1 });

    const b2 = b1 + 600;
    await mineTo(client, b2);
    expect((await client.getBills(id))[1]).toMatchObject({ seconds: 3600, amountBilled: hourly });

    // Third bill: usable = 300 000 < 800 000 → grace since b3; 300 000 reserved, 500 000 overdraft.
    const b3 = b2 + 600;
    await mineTo(client, b3);
    expect(ofContract(events, id, b3)).toEqual(['ContractGracePeriodStarted', 'ContractPaymentOverdrawn']);
    expect(events.find((e) => e.name === 'ContractPaymentOverdrawn' && e.block === b3)!.data).toMatchObject({
      partiallyBilledAmount: 300_000n,
      overdraft: 500_000n,
    });
    expect((await client.getContract(id))!.state).toEqual({ kind: 'GracePeriod', sinceBlock: b3 });
    expect((await client.getBills(id))[2]).toMatchObject({ amountBilled: 0n, amountDue: 500_000n });
    expect(await balance(client, payer.publicKey)).toMatchObject({ balance: ED, reserved: due1 + hourly + 300_000n });
    // updates are refused in grace (§13)
    const upd = send(client, payer, { method: 'updateNodeContract', args: { contractId: id, deploymentHash: HASH(2), deploymentData: new Uint8Array() } });
    await expect(upd).rejects.toMatchObject({ upstream: 'CannotUpdateContractInGraceState' });

    // Top-up: the next bill takes this cycle plus the whole overdraft and ends the grace period.
    const top = 10n * TFT;
    await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: top } });
    const b4 = b3 + 600;
    await mineTo(client, b4);
    expect(ofContract(events, id, b4)).toEqual(['ContractGracePeriodEnded', 'ContractBilled']);
    expect((await client.getBills(id))[3]).toMatchObject({ amountBilled: hourly + 500_000n, amountDue: 0n });
    expect((await client.getContract(id))!.state).toEqual({ kind: 'Created' });
    expect(discount(hourly, 3600, top).level).toBe('None');
  });

  it('deletes the contract when grace runs out, pays out the reserve and frees the IP', async () => {
    const w = await world({ gracePeriodBlocks: 1200 }, 0n);
    const { client, dev, events } = w;
    const farmerBefore = (await balance(client, dev.farmer.identity.publicKey)).balance;
    const [eve0, staking0] = [(await balance(client, EVE)).balance, (await balance(client, STAKING)).balance];
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    const due1 = toPlanck(nodeCost(MAINNET, (b1 - r.block) * 6, null, 1), 50);
    await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: ED + due1 + 123_456n } });
    // b1 paid; b2 short (grace since b2, 123 456 reserved); b3 diff 600 < 1200; b4 diff 1200 → deleted.
    const b2 = b1 + 600;
    const b4 = b2 + 1200;
    await mineTo(client, b2);
    expect((await client.getContract(id))!.state).toEqual({ kind: 'GracePeriod', sinceBlock: b2 });
    await mineTo(client, b4 - 1);
    expect((await client.getContract(id))!.state.kind).toBe('GracePeriod');
    await mineTo(client, b4);
    expect(ofContract(events, id, b4)).toEqual([
      'ContractGracePeriodElapsed',
      'ContractPaymentOverdrawn',
      'RewardDistributed',
      'IPsFreed',
      'NodeContractCanceled',
    ]);
    expect(events.find((e) => e.name === 'NodeContractCanceled' && e.block === b4)!.data).toMatchObject({ cause: 'OutOfFunds' });
    expect((await client.getContract(id))!.state).toEqual({ kind: 'Deleted', cause: 'OutOfFunds' });
    expect((await client.getNode(dev.nodes[0]!.id))!.freeIps).toBe(4);
    const reserve = due1 + 123_456n;
    const split = payoutV29(reserve);
    expect(events.find((e) => e.name === 'RewardDistributed')!.data).toMatchObject({ standardRewards: reserve, additionalRewards: 0n });
    expect((await balance(client, dev.farmer.identity.publicKey)).balance - farmerBefore).toBe(split.farmer);
    expect((await balance(client, EVE)).balance - eve0).toBe(split.foundation);
    expect((await balance(client, STAKING)).balance - staking0).toBe(split.staking);
    expect(await balance(client, payer.publicKey)).toMatchObject({ balance: ED, reserved: 0n });
    // nothing bills a deleted contract again
    await client.warp(7200);
    expect(ofContract(events, id).filter((n) => n === 'ContractBilled')).toHaveLength(1);
  });

  it('a cancel bills the last partial period and pays the reserve out', async () => {
    const w = await world({}, 1_000n * TFT);
    const { client, dev } = w;
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 2 },
    });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    await mineTo(client, b1 + 100);
    const free0 = (await balance(client, payer.publicKey)).balance;
    const c = await send(client, payer, { method: 'cancelContract', args: { contractId: id } });
    const s = (c.block - b1) * 6;
    const planck = toPlanck(nodeCost(MAINNET, s, null, 2), 50);
    const d = discount(planck, s, free0 - ED);
    // (first payouts also create the receivers' accounts: Balances `Endowed`)
    expect(c.events.map((e) => e.name).filter((n) => n !== 'Endowed')).toEqual(['ContractBilled', 'RewardDistributed', 'IPsFreed', 'NodeContractCanceled']);
    const ev = (name: string) => c.events.find((e) => e.name === name)!.data;
    expect(ev('ContractBilled')).toMatchObject({ contractId: id, amountBilled: d.amount, discountLevel: d.level, seconds: s });
    const first = (await client.getBills(id))[0]!;
    expect(ev('RewardDistributed')).toMatchObject({ standardRewards: first.amountBilled + d.amount });
  });
});

describe('cost vectors', () => {
  it('issue #373: 4 vCPU, 8 GiB, 160 GiB SSD, 1 IPv4 → 280 000 units USD/h → 14 000 000 planck/h at 20 mUSD', async () => {
    const w = await world({}, 10n * TFT);
    const { client, dev } = w;
    await send(client, dev.accounts.alice.identity, { method: 'setTftPrice', args: { priceMusd: 20 } });
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const used = { cru: 4n, mru: 8n * GIB, sru: 160n * GIB, hru: 0n };
    await send(client, dev.nodes[0]!.account.identity, { method: 'reportContractResources', args: { resources: [{ contractId: r.result as bigint, used }] } });
    const b1 = billBlock(r.result as bigint, r.block);
    await mineTo(client, b1 + 600);
    const [first, second] = await client.getBills(r.result as bigint);
    // the first bill covers the whole time since creation with the resources reported since (§6)
    expect(first!.unitsUsd).toBe(nodeCost(MAINNET, (b1 - r.block) * 6, used, 1));
    expect(second!.unitsUsd).toBe(280_000n);
    expect(second!.breakdown['planckBeforeDiscount']).toBe(14_000_000n);
    expect(nodeCost(MAINNET, 3600, used, 1)).toBe(280_000n);
    // The breakdown documented in the README, every field present, in that order; the rounded
    // parts add up to the bill (the chain rounds cu + su + ipu once).
    const b = second!.breakdown;
    expect(Object.keys(b)).toEqual(
      'cu su ipu rounding rentDiscount nu nuUnbilled uniqueName extraFee reportUnitsUsd planckBeforeDiscount planckDue extraFeePlanck charged'.split(' '),
    );
    expect(b['cu']! + b['su']! + b['ipu']! + b['rounding']! + b['nu']! + b['nuUnbilled']!).toBe(280_000n);
    expect(b['ipu']).toBeGreaterThan(0n);
  });

  it('NRU reports add to the next bill, then reset', async () => {
    const w = await world({}, 100n * TFT);
    const { client, dev } = w;
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    await mineTo(client, b1);
    const ts = (await client.getBlock()).timestamp;
    await send(client, dev.nodes[0]!.account.identity, {
      method: 'addNruReports',
      args: { reports: [{ contractId: id, timestamp: ts + 6, window: 3600, nru: 2_000_000_000n }, { contractId: id, timestamp: ts + 12, window: 1800, nru: 3_300_000_000n }] },
    });
    const nu = nruCost(MAINNET, 2_000_000_000n, 3600) + nruCost(MAINNET, 3_300_000_000n, 1800);
    expect(nu).toBe(30_000n + 24_750n);
    await mineTo(client, b1 + 1200);
    const bills = await client.getBills(id);
    expect(bills[1]!.breakdown['nuUnbilled']).toBe(nu);
    expect(bills[1]!.unitsUsd).toBe(nodeCost(MAINNET, 3600, null, 1, nu));
    expect(bills[2]!.breakdown['nuUnbilled']).toBe(0n);
  });

  it('a node contract with nothing to bill is skipped and its clock keeps running (§6, §10)', async () => {
    const w = await world({}, 100n * TFT);
    const { client, dev } = w;
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 0 },
    });
    const id = r.result as bigint;
    await client.warp(5 * 3600);
    expect(await client.getBills(id)).toEqual([]);
    const used = { cru: 1n, mru: 2n * GIB, sru: 0n, hru: 0n };
    await send(client, dev.nodes[0]!.account.identity, { method: 'reportContractResources', args: { resources: [{ contractId: id, used }] } });
    const head = (await client.getBlock()).number;
    const b = billBlock(id, head);
    await mineTo(client, b);
    const [bill] = await client.getBills(id);
    expect(bill!.seconds).toBe((b - r.block) * 6);
    expect(bill!.unitsUsd).toBe(nodeCost(MAINNET, (b - r.block) * 6, used, 0));
  });

  it('rent contract: the node\'s resources at the dedication share, ties rounded down', async () => {
    const w = await world({}, 0n);
    const { client, dev } = w;
    const bob = dev.accounts.bob.identity;
    const r = await send(client, bob, { method: 'createRentContract', args: { nodeId: dev.nodes[1]!.id } });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    await mineTo(client, b1 + 600);
    const bill = (await client.getBills(id))[1]!;
    const res = (await client.getNode(dev.nodes[1]!.id))!.resources;
    const units = rentCost(MAINNET, 3600, res);
    expect(units).toBe(613_333n); // 50% of 1 226 667: the Percent tie rounds down
    expect(bill.unitsUsd).toBe(units);
    const planck = toPlanck(units, 50);
    const bobBalance = (await balance(client, bob.publicKey)).balance;
    expect(bill.discountLevel).toBe(discount(planck, 3600, bobBalance + bill.amountBilled - ED).level);
    expect(bill.amountBilled).toBe(discount(planck, 3600, bobBalance + bill.amountBilled - ED).amount);
  });

  it('a rent contract entering grace takes its node contracts along', async () => {
    const w = await world({ gracePeriodBlocks: 100_000 }, 0n);
    const { client, dev, events } = w;
    const n2 = dev.nodes[1]!.id;
    const rent = await send(client, payer, { method: 'createRentContract', args: { nodeId: n2 } });
    const nc = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: n2, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 0 },
    });
    const b = billBlock(rent.result as bigint, nc.block);
    await mineTo(client, b);
    expect((await client.getContract(rent.result as bigint))!.state).toEqual({ kind: 'GracePeriod', sinceBlock: b });
    expect((await client.getContract(nc.result as bigint))!.state).toEqual({ kind: 'GracePeriod', sinceBlock: b });
    expect(events.filter((e) => e.block === b && e.name === 'ContractGracePeriodStarted').map((e) => (e.data as { contractId: bigint }).contractId)).toEqual([
      rent.result,
      nc.result,
    ]);
  });
});

describe('v2.7 lock model', () => {
  it('name contract: dues are locked each cycle and paid out every DistributionFrequency cycles', async () => {
    const w = await world({ billingModel: 'v2.7-lock', distributionFrequency: 2 }, 1_000n * TFT);
    const { client, dev, events } = w;
    const [eve0, ferdie0, staking0] = [(await balance(client, EVE)).balance, (await balance(client, FERDIE)).balance, (await balance(client, STAKING)).balance];
    const r = await send(client, payer, { method: 'createNameContract', args: { name: 'payername' } });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    const s1 = (b1 - r.block) * 6;
    const free0 = (await balance(client, payer.publicKey)).balance;
    const d1 = discount(toPlanck(nameCost(MAINNET, s1), 50), s1, free0 - ED);
    await mineTo(client, b1);
    expect(await balance(client, payer.publicKey)).toMatchObject({ balance: free0, frozen: d1.amount, reserved: 0n });
    expect((await client.getBills(id))[0]).toMatchObject({ amountBilled: d1.amount, discountLevel: d1.level });
    expect(d1.level).toBe('Gold');
    const d2 = discount(toPlanck(nameCost(MAINNET, 3600), 50), 3600, free0 - d1.amount - ED);
    await mineTo(client, b1 + 600);
    // second cycle: the lock is released and the whole locked amount is distributed
    const total = d1.amount + d2.amount;
    const split = payoutV27(total);
    expect(ofContract(events, id, b1 + 600)).toEqual(['TokensBurned', 'ContractBilled']);
    expect(events.find((e) => e.name === 'TokensBurned')!.data).toMatchObject({ amount: split.burned });
    expect((await balance(client, EVE)).balance - eve0).toBe(split.foundation);
    expect((await balance(client, FERDIE)).balance - ferdie0).toBe(split.sales);
    expect((await balance(client, STAKING)).balance - staking0).toBe(split.staking);
    expect(await balance(client, payer.publicKey)).toMatchObject({
      balance: free0 - split.foundation - split.sales - split.staking - split.burned,
      frozen: 0n,
    });
    void dev;
  });

  it('grace starts when the lock reaches the usable balance; nothing is locked in grace; expiry pays out what the lock counted', async () => {
    const w = await world({ billingModel: 'v2.7-lock', gracePeriodBlocks: 600 }, 0n);
    const { client, dev, events } = w;
    const r = await send(client, payer, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 1 },
    });
    const id = r.result as bigint;
    const b1 = billBlock(id, r.block);
    const due1 = toPlanck(nodeCost(MAINNET, (b1 - r.block) * 6, null, 1), 50);
    // usable exactly the first due: lock_amount ≥ usable → grace at the first bill (§11 step 4)
    await send(client, dev.accounts.alice.identity, { method: 'fund', args: { to: payer.publicKey, amount: ED + due1 } });
    await mineTo(client, b1);
    expect(ofContract(events, id, b1)).toEqual(['ContractGracePeriodStarted']);
    expect(await balance(client, payer.publicKey)).toMatchObject({ balance: ED + due1, frozen: 0n });
    await mineTo(client, b1 + 600);
    // v2.7 expiry (§11 steps 5, 7): the final period is reported but never charged; what the lock
    // counted (the grace cycle's due) is paid out of the usable balance.
    expect(ofContract(events, id, b1 + 600)).toEqual(['TokensBurned', 'ContractBilled', 'IPsFreed', 'NodeContractCanceled']);
    expect((await client.getContract(id))!.state).toEqual({ kind: 'Deleted', cause: 'OutOfFunds' });
    const split = payoutV27(due1);
    expect(events.find((e) => e.name === 'ContractBilled' && e.block === b1 + 600)!.data).toMatchObject({ amountBilled: toPlanck(nodeCost(MAINNET, 3600, null, 1), 50) });
    expect((await balance(client, payer.publicKey)).balance).toBe(ED + due1 - split.foundation - split.staking - split.sales - split.burned);
  });
});
