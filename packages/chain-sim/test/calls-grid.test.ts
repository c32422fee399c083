/**
 * Power states, dedicated farms and nodes, solution providers and terms and conditions: every
 * call's success and every error in tfchain's check order. Expected names and orders come from
 * shared/spec/chain-and-billing.md §2.1 (create_node_contract steps 1–8, create_rent_contract),
 * §2.4 (solution providers, extra fee), §3 (events) and §16 (twins, farms, power) — not from
 * the code under test. Where the spec names only some checks of a call, the unnamed ones are the
 * lookups every tfchain call starts with (the signer's twin, then the node, then its farm) and
 * the comment says so. Every refusal leaves the whole state byte-identical (dumpState).
 */
import { identityFromSeed, type Identity } from '@sc4it/crypto';
import type { ChainCall } from '@sc4it/types';
import { decodeJson, encodeJson } from '@sc4it/types';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Chain, type DevSetup, type LocalChainClient, connectChain, createDevChain, devSetup, serveChain } from '../src/index.ts';
import { HASH, TFT, newChain, refusal, send } from './helpers.ts';

let chain: Chain;
let client: LocalChainClient;
let dev: DevSetup;
let alice: Identity;
let bob: Identity;
let charlie: Identity;
let farmer: Identity;
let node1: Identity;
let n1: number;
let n2: number;
/** An ed25519 account with no twin. */
const stranger = identityFromSeed('23'.repeat(32), 'ed25519');
const cleanup: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  ({ chain, client } = newChain());
  dev = await devSetup(client, { nodes: 2, publicIps: 3 });
  alice = dev.accounts.alice.identity;
  bob = dev.accounts.bob.identity;
  charlie = dev.accounts.charlie.identity;
  farmer = dev.farmer.identity;
  node1 = dev.nodes[0]!.account.identity;
  n1 = dev.nodes[0]!.id;
  n2 = dev.nodes[1]!.id;
});
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

/** The call is refused with `name` and nothing at all changed. */
async function refused(who: Identity, call: ChainCall, name: string): Promise<void> {
  const before = chain.dumpState();
  expect(await refusal(send(client, who, call))).toBe(name);
  expect(chain.dumpState()).toBe(before);
}

const nodeContract = (nodeId: number, hash: string, publicIps = 0, solutionProviderId?: bigint): ChainCall => ({
  method: 'createNodeContract',
  args: {
    nodeId,
    deploymentHash: hash,
    deploymentData: new Uint8Array([1]),
    publicIps,
    ...(solutionProviderId === undefined ? {} : { solutionProviderId }),
  },
});
const rent = (nodeId: number, solutionProviderId?: bigint): ChainCall => ({
  method: 'createRentContract',
  args: { nodeId, ...(solutionProviderId === undefined ? {} : { solutionProviderId }) },
});
const powerState = (power: 'Up' | 'Down'): ChainCall => ({ method: 'changePowerState', args: { power } });
const powerTarget = (nodeId: number, power: 'Up' | 'Down'): ChainCall => ({ method: 'changePowerTarget', args: { nodeId, power } });
const extraFee = (nodeId: number, fee: bigint): ChainCall => ({ method: 'setDedicatedNodeExtraFee', args: { nodeId, extraFee: fee } });
const dedicated = (farmId: number, on: boolean): ChainCall => ({ method: 'setFarmDedicated', args: { farmId, dedicated: on } });
const provider = (takes: number[]): ChainCall => ({
  method: 'createSolutionProvider',
  args: {
    description: 'a solution',
    link: 'https://example.org/solution',
    providers: takes.map((take, i) => ({ who: identityFromSeed(String(40 + i).repeat(32), 'ed25519').publicKey, take })),
  },
});
const approve = (id: bigint, yes = true): ChainCall => ({ method: 'approveSolutionProvider', args: { solutionProviderId: id, approve: yes } });
const attach = (contractId: bigint, solutionProviderId: bigint): ChainCall => ({
  method: 'attachSolutionProviderId',
  args: { contractId, solutionProviderId },
});

describe('power state (§16 change_power_state)', () => {
  it('node twin only: TwinNotExists, NodeNotExists; PowerStateChanged only when the state changes', async () => {
    await refused(stranger, powerState('Down'), 'TwinNotExists');
    await refused(bob, powerState('Down'), 'NodeNotExists');
    // Up → Up: accepted, nothing changes, no event
    const same = await send(client, node1, powerState('Up'));
    expect(same.events).toEqual([]);
    const down = await send(client, node1, powerState('Down'));
    expect(down.events).toEqual([
      expect.objectContaining({ name: 'PowerStateChanged', data: { farmId: dev.farmId, nodeId: n1, powerState: { kind: 'Down', sinceBlock: down.block } } }),
    ]);
    expect((await client.getNode(n1))!.power).toEqual({ state: { kind: 'Down', sinceBlock: down.block }, target: 'Up' });
    // PowerState is a value, `Down(block)`: the same report in a later block is a new value.
    const again = await send(client, node1, powerState('Down'));
    expect(again.events.map((e) => e.data)).toEqual([{ farmId: dev.farmId, nodeId: n1, powerState: { kind: 'Down', sinceBlock: again.block } }]);
    const up = await send(client, node1, powerState('Up'));
    expect(up.events.map((e) => [e.name, e.data])).toEqual([['PowerStateChanged', { farmId: dev.farmId, nodeId: n1, powerState: { kind: 'Up' } }]]);
    expect((await client.getNode(n1))!.power).toEqual({ state: { kind: 'Up' }, target: 'Up' });
  });

  it('standby (state Down) refuses new node contracts at step 3; rent contracts still allowed', async () => {
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, bob, { method: 'cancelContract', args: { contractId: 1n } });
    await send(client, charlie, nodeContract(n1, HASH(2)));
    await send(client, node1, powerState('Down'));
    // step 1 (TwinNotExists) and step 2 (NodeNotExists) come first
    await refused(stranger, nodeContract(n1, HASH(3)), 'TwinNotExists');
    await refused(bob, nodeContract(99, HASH(3)), 'NodeNotExists');
    // step 3 before step 6 (ContractIsNotUnique) and step 7 (IPs)
    await refused(charlie, nodeContract(n1, HASH(2)), 'NodeNotAvailableToDeploy');
    await refused(bob, nodeContract(n1, HASH(3), 9), 'NodeNotAvailableToDeploy');
    await refused(bob, nodeContract(n1, HASH(3)), 'NodeNotAvailableToDeploy');
    // the other node is up
    await send(client, bob, nodeContract(n2, HASH(3)));
    await send(client, charlie, { method: 'cancelContract', args: { contractId: 2n } });
    // power state is not checked by create_rent_contract (ADR-0018)
    const r = await send(client, bob, rent(n1));
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated']);
    // the renter cannot deploy on its sleeping node either (step 3 comes before the rent check)
    await refused(bob, nodeContract(n1, HASH(4)), 'NodeNotAvailableToDeploy');
    await send(client, node1, powerState('Up'));
    await send(client, bob, nodeContract(n1, HASH(4)));
  });
});

describe('power target (§16 change_power_target)', () => {
  it('farmer only, target Down needs no active contracts; PowerTargetChanged', async () => {
    await send(client, bob, nodeContract(n1, HASH(1)));
    await refused(stranger, powerTarget(n1, 'Down'), 'TwinNotExists');
    await refused(farmer, powerTarget(99, 'Down'), 'NodeNotExists');
    // UnauthorizedToChangePowerTarget before NodeHasActiveContracts
    await refused(bob, powerTarget(n1, 'Down'), 'UnauthorizedToChangePowerTarget');
    await refused(node1, powerTarget(n1, 'Up'), 'UnauthorizedToChangePowerTarget');
    await refused(farmer, powerTarget(n1, 'Down'), 'NodeHasActiveContracts');
    // Up has no such condition
    const up = await send(client, farmer, powerTarget(n1, 'Up'));
    expect(up.events.map((e) => [e.name, e.data])).toEqual([['PowerTargetChanged', { farmId: dev.farmId, nodeId: n1, powerTarget: 'Up' }]]);
    const down = await send(client, farmer, powerTarget(n2, 'Down'));
    expect(down.events.map((e) => [e.name, e.data])).toEqual([['PowerTargetChanged', { farmId: dev.farmId, nodeId: n2, powerTarget: 'Down' }]]);
    expect((await client.getNode(n2))!.power).toEqual({ state: { kind: 'Up' }, target: 'Down' });
  });

  it('standby (target Down) refuses node contracts, allows a rent contract, and the rented idle node may sleep', async () => {
    await send(client, farmer, powerTarget(n2, 'Down'));
    await refused(bob, nodeContract(n2, HASH(1)), 'NodeNotAvailableToDeploy');
    await send(client, bob, rent(n2));
    await refused(bob, nodeContract(n2, HASH(1)), 'NodeNotAvailableToDeploy');
    await send(client, farmer, powerTarget(n2, 'Up'));
    // a rent contract is not a node contract: its node may be set to sleep again
    await send(client, farmer, powerTarget(n2, 'Down'));
    await send(client, farmer, powerTarget(n2, 'Up'));
    await send(client, bob, nodeContract(n2, HASH(1)));
    await refused(farmer, powerTarget(n2, 'Down'), 'NodeHasActiveContracts');
  });
});

describe('dedicated farms (§16 set_farm_dedicated, §2.1 step 5, create_rent_contract)', () => {
  it('RestrictedOrigin (sudo), FarmNotExists; FarmUpdated', async () => {
    await refused(farmer, dedicated(dev.farmId, true), 'RequireSudo');
    await refused(alice, dedicated(99, true), 'FarmNotExists');
    const r = await send(client, alice, dedicated(dev.farmId, true));
    expect(r.events.map((e) => e.name)).toEqual(['FarmUpdated']);
    expect(r.events[0]!.data).toMatchObject({ farm: { id: dev.farmId, dedicated: true } });
    expect((await client.getFarm(dev.farmId))!.dedicated).toBe(true);
    expect((await client.getNode(n1))!.dedicated).toBe(true);
    const off = await send(client, alice, dedicated(dev.farmId, false));
    expect(off.events[0]!.data).toMatchObject({ farm: { dedicated: false } });
    expect((await client.getNode(n1))!.dedicated).toBe(false);
  });

  it('a node of a dedicated farm takes node contracts only from its renter', async () => {
    await send(client, alice, dedicated(dev.farmId, true));
    await refused(bob, nodeContract(n1, HASH(1)), 'NodeNotAvailableToDeploy');
    await send(client, bob, rent(n1));
    await refused(charlie, nodeContract(n1, HASH(1)), 'NodeNotAvailableToDeploy');
    const r = await send(client, bob, nodeContract(n1, HASH(1), 1));
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated', 'IPsReserved']);
  });

  it('create_rent_contract: NodeNotAvailableToDeploy unless the farm is dedicated or the node has no node contract', async () => {
    await send(client, charlie, nodeContract(n2, HASH(1)));
    await refused(bob, rent(n2), 'NodeNotAvailableToDeploy');
    await send(client, alice, dedicated(dev.farmId, true));
    const r = await send(client, bob, rent(n2));
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated']);
    await refused(charlie, rent(n2), 'NodeHasRentContract');
  });
});

describe('dedicated-node extra fee (§2.4 set_dedicated_node_extra_fee)', () => {
  it('errors in order: TwinNotExists, NodeNotExists, UnauthorizedToSetExtraFee, NodeHasActiveContracts', async () => {
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, charlie, rent(n2));
    await refused(stranger, extraFee(n1, 1000n), 'TwinNotExists');
    await refused(farmer, extraFee(99, 1000n), 'NodeNotExists');
    // (FarmNotExists: farms cannot be deleted, so every node has one)
    await refused(bob, extraFee(n1, 1000n), 'UnauthorizedToSetExtraFee');
    await refused(bob, extraFee(n2, 1000n), 'UnauthorizedToSetExtraFee');
    // any node contract or rent contract
    await refused(farmer, extraFee(n1, 1000n), 'NodeHasActiveContracts');
    await refused(farmer, extraFee(n2, 1000n), 'NodeHasActiveContracts');
    await refused(farmer, extraFee(n2, 0n), 'NodeHasActiveContracts');
  });

  it('NodeExtraFeeSet; the node becomes dedicated (renter only); back to 0 is allowed', async () => {
    const r = await send(client, farmer, extraFee(n1, 10_000n));
    expect(r.events.map((e) => [e.name, e.data])).toEqual([['NodeExtraFeeSet', { nodeId: n1, extraFee: 10_000n }]]);
    expect(await client.getNode(n1)).toMatchObject({ extraFeeMusd: 10_000n, dedicated: true });
    expect(await client.getNode(n2)).toMatchObject({ extraFeeMusd: 0n, dedicated: false });
    await refused(bob, nodeContract(n1, HASH(1)), 'NodeNotAvailableToDeploy');
    const zero = await send(client, farmer, extraFee(n1, 0n));
    expect(zero.events.map((e) => [e.name, e.data])).toEqual([['NodeExtraFeeSet', { nodeId: n1, extraFee: 0n }]]);
    expect(await client.getNode(n1)).toMatchObject({ extraFeeMusd: 0n, dedicated: false });
    await send(client, bob, nodeContract(n1, HASH(1)));
  });

  it('refuses an extra fee that does not fit a u64 (CouldNotDecode)', async () => {
    await refused(farmer, extraFee(n1, 1n << 64n), 'CouldNotDecode');
    await refused(farmer, extraFee(n1, -1n), 'CouldNotDecode');
  });
});

describe('solution providers (§2.4)', () => {
  it('createSolutionProvider: any signed origin, Σtake ≤ 50 else InvalidProviderConfiguration; starts unapproved', async () => {
    await refused(bob, provider([30, 21]), 'InvalidProviderConfiguration');
    await refused(bob, provider([51]), 'InvalidProviderConfiguration');
    await refused(bob, { ...provider([1]), args: { ...(provider([1]).args as object), providers: [{ who: new Uint8Array(32), take: 256 }] } } as ChainCall, 'CouldNotDecode');
    // no twin needed
    const r = await send(client, stranger, provider([30, 20]));
    expect(r.result).toBe(1n);
    expect(r.events.map((e) => e.name)).toEqual(['SolutionProviderCreated']);
    const sp = await client.getSolutionProvider(1n);
    expect(sp).toMatchObject({ solutionProviderId: 1n, description: 'a solution', link: 'https://example.org/solution', approved: false });
    expect(sp!.providers.map((p) => p.take)).toEqual([30, 20]);
    expect(r.events[0]!.data).toEqual({ solutionProvider: sp });
    expect((await send(client, bob, provider([]))).result).toBe(2n);
    expect((await client.listSolutionProviders()).map((p) => p.solutionProviderId)).toEqual([1n, 2n]);
    expect(await client.getSolutionProvider(3n)).toBeNull();
  });

  it('approveSolutionProvider: RestrictedOrigin (sudo), NoSuchSolutionProvider; SolutionProviderApproved(id, bool)', async () => {
    await send(client, bob, provider([10]));
    await refused(bob, approve(1n), 'RequireSudo');
    await refused(alice, approve(2n), 'NoSuchSolutionProvider');
    const r = await send(client, alice, approve(1n));
    expect(r.events.map((e) => [e.name, e.data])).toEqual([['SolutionProviderApproved', { solutionProviderId: 1n, approved: true }]]);
    expect((await client.getSolutionProvider(1n))!.approved).toBe(true);
    const no = await send(client, alice, approve(1n, false));
    expect(no.events.map((e) => e.data)).toEqual([{ solutionProviderId: 1n, approved: false }]);
    expect((await client.getSolutionProvider(1n))!.approved).toBe(false);
  });

  it('createNodeContract: NoSuchSolutionProvider then SolutionProviderNotApproved at step 8 (after uniqueness and IPs; reserved IPs rolled back)', async () => {
    await send(client, bob, provider([10]));
    await send(client, bob, nodeContract(n1, HASH(1)));
    await refused(bob, nodeContract(n1, HASH(1), 0, 9n), 'ContractIsNotUnique');
    await refused(bob, nodeContract(n1, HASH(2), 4, 9n), 'FarmHasNotEnoughPublicIPs');
    await refused(bob, nodeContract(n1, HASH(2), 1, 9n), 'NoSuchSolutionProvider');
    await refused(bob, nodeContract(n1, HASH(2), 1, 1n), 'SolutionProviderNotApproved');
    expect((await client.getNode(n1))!.freeIps).toBe(3);
    await send(client, alice, approve(1n));
    const r = await send(client, bob, nodeContract(n1, HASH(2), 1, 1n));
    expect((await client.getContract(r.result as bigint))!.solutionProviderId).toBe(1n);
    expect(r.events[0]!.data).toMatchObject({ contract: { solutionProviderId: 1n } });
  });

  it('createRentContract: the solution-provider errors come after TwinNotExists and NodeNotAvailableToDeploy', async () => {
    await send(client, bob, provider([10]));
    await send(client, charlie, nodeContract(n2, HASH(1)));
    await refused(stranger, rent(n1, 9n), 'TwinNotExists');
    await refused(bob, rent(n2, 9n), 'NodeNotAvailableToDeploy');
    await refused(bob, rent(n1, 9n), 'NoSuchSolutionProvider');
    await refused(bob, rent(n1, 1n), 'SolutionProviderNotApproved');
    await send(client, alice, approve(1n));
    const r = await send(client, bob, rent(n1, 1n));
    expect((await client.getContract(r.result as bigint))!.solutionProviderId).toBe(1n);
  });

  it('attachSolutionProviderId: errors in order; ContractUpdated; only once', async () => {
    await send(client, bob, provider([10]));
    await send(client, bob, provider([20]));
    await send(client, alice, approve(2n));
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    await refused(bob, attach(99n, 9n), 'NoSuchSolutionProvider');
    await refused(bob, attach(99n, 1n), 'SolutionProviderNotApproved');
    await refused(bob, attach(99n, 2n), 'ContractNotExists');
    await refused(stranger, attach(1n, 2n), 'TwinNotExists');
    await refused(charlie, attach(1n, 2n), 'UnauthorizedToChangeSolutionProviderId');
    const r = await send(client, bob, attach(1n, 2n));
    expect(r.events.map((e) => e.name)).toEqual(['ContractUpdated']);
    expect(r.events[0]!.data).toMatchObject({ contract: { contractId: 1n, solutionProviderId: 2n } });
    expect((await client.getContract(1n))!.solutionProviderId).toBe(2n);
    // a provider already set cannot be changed
    await refused(bob, attach(1n, 2n), 'UnauthorizedToChangeSolutionProviderId');
    // any contract kind
    await send(client, bob, attach(2n, 2n));
    // a deleted contract is gone
    await send(client, bob, { method: 'createNameContract', args: { name: 'gone1' } });
    await send(client, bob, { method: 'cancelContract', args: { contractId: 3n } });
    await refused(bob, attach(3n, 2n), 'ContractNotExists');
  });
});

describe('terms and conditions (§16 user_accept_tc, create_twin)', () => {
  it('off by default: createTwin needs no acceptance (existing users keep working)', async () => {
    expect(chain.state.config.requireTermsAndConditions).toBe(false);
    await send(client, alice, { method: 'fund', args: { to: stranger.publicKey, amount: TFT } });
    await send(client, stranger, { method: 'createTwin', args: { relay: null, pk: null } });
  });

  it('with requireTermsAndConditions: UserDidNotSignTermsAndConditions first, then TwinWithPubkeyExists, InvalidRelayAddress', async () => {
    // A chain whose config requires T&C while bob already has a twin without an acceptance:
    // the same state, loaded with the option switched on.
    const dump = decodeJson(chain.dumpState()) as { config: Record<string, unknown> };
    dump.config['requireTermsAndConditions'] = true;
    chain.loadState(encodeJson(dump));
    await send(client, alice, { method: 'fund', args: { to: stranger.publicKey, amount: TFT } });
    await refused(bob, { method: 'createTwin', args: { relay: null, pk: null } }, 'UserDidNotSignTermsAndConditions');
    await refused(stranger, { method: 'createTwin', args: { relay: 'bad..relay', pk: null } }, 'UserDidNotSignTermsAndConditions');
    const tc = await send(client, bob, { method: 'userAcceptTc', args: { documentLink: 'https://example.org/tc', documentHash: 'abc123' } });
    expect(tc.events).toEqual([]);
    expect(await client.getTermsAndConditions(bob.publicKey)).toEqual([
      { account: bob.publicKey, timestamp: (await client.getBlock()).timestamp, documentLink: 'https://example.org/tc', documentHash: 'abc123' },
    ]);
    await refused(bob, { method: 'createTwin', args: { relay: null, pk: null } }, 'TwinWithPubkeyExists');
    await send(client, stranger, { method: 'userAcceptTc', args: { documentLink: 'https://example.org/tc', documentHash: 'abc123' } });
    await refused(stranger, { method: 'createTwin', args: { relay: 'bad..relay', pk: null } }, 'InvalidRelayAddress');
    const r = await send(client, stranger, { method: 'createTwin', args: { relay: 'relay.grid.tf', pk: null } });
    expect(r.events.map((e) => e.name)).toEqual(['TwinStored']);
    // every acceptance is kept
    await send(client, stranger, { method: 'userAcceptTc', args: { documentLink: 'https://example.org/tc2', documentHash: 'def' } });
    expect((await client.getTermsAndConditions(stranger.publicKey)).map((t) => t.documentLink)).toEqual(['https://example.org/tc', 'https://example.org/tc2']);
  });

  it('createDevChain accepts the terms for its accounts when the chain requires them', async () => {
    const { chain: c, dev: d } = await createDevChain({ requireTermsAndConditions: true }, { nodes: 1 });
    expect(d.accounts.bob.twinId).toBeGreaterThan(0);
    expect(c.getTermsAndConditions(d.accounts.bob.identity.publicKey)).toHaveLength(1);
    c.close();
  });
});

describe('persistence and RPC', () => {
  it('the new state survives a dump / load and a snapshot / revert', async () => {
    await send(client, bob, provider([10]));
    await send(client, alice, approve(1n));
    await send(client, farmer, extraFee(n1, 5n));
    await send(client, farmer, powerTarget(n2, 'Down'));
    await send(client, node1, powerState('Down'));
    await send(client, bob, { method: 'userAcceptTc', args: { documentLink: 'l', documentHash: 'h' } });
    const dump = chain.dumpState();
    const other = newChain();
    other.chain.loadState(dump);
    expect(other.chain.dumpState()).toBe(dump);
    expect(await other.client.getNode(n1)).toMatchObject({ extraFeeMusd: 5n, power: { state: { kind: 'Down' } } });
    expect((await other.client.getSolutionProvider(1n))!.approved).toBe(true);
    // the counter survives too: the next provider gets id 2
    expect((await send(other.client, bob, provider([]))).result).toBe(2n);
    const snap = chain.snapshot();
    await send(client, bob, provider([]));
    await send(client, farmer, extraFee(n1, 0n));
    await send(client, node1, powerState('Up'));
    chain.revert(snap);
    expect(chain.dumpState()).toBe(dump);
    other.chain.close();
  });

  it('the RPC client reads the same power, fee, providers and acceptances', async () => {
    const server = await serveChain(chain, { host: '127.0.0.1', port: 0 });
    cleanup.push(() => server.close());
    const rpc = await connectChain(server.url);
    cleanup.push(() => rpc.close());
    await send(rpc, bob, provider([10]));
    await send(rpc, farmer, extraFee(n1, 7n));
    await send(rpc, node1, powerState('Down'));
    await send(rpc, bob, { method: 'userAcceptTc', args: { documentLink: 'l', documentHash: 'h' } });
    expect(await rpc.getNode(n1)).toEqual(await client.getNode(n1));
    expect(await rpc.listNodes()).toEqual(await client.listNodes());
    expect(await rpc.getSolutionProvider(1n)).toEqual(await client.getSolutionProvider(1n));
    expect(await rpc.listSolutionProviders()).toEqual(await client.listSolutionProviders());
    expect(await rpc.getTermsAndConditions(bob.publicKey)).toEqual(await client.getTermsAndConditions(bob.publicKey));
    expect(await refusal(send(rpc, bob, powerTarget(n1, 'Down')))).toBe('UnauthorizedToChangePowerTarget');
  });
});
