/**
 * Every call and every error, with tfchain's names in tfchain's check order (expected names and
 * orders from shared/spec/chain-and-billing.md §2, §4, §16 — not from the code under test).
 * Every refusal must leave the whole state byte-identical (compared through dumpState).
 */
import { identityFromSeed, type Identity } from '@sc4it/crypto';
import type { ChainCall, DevChainClient } from '@sc4it/types';
import { signTransaction } from '@sc4it/types';
import { beforeEach, describe, expect, it } from 'vitest';
import { type Chain, type DevSetup, devSetup } from '../src/index.ts';
import { GIB, HASH, TFT, newChain, refusal, send } from './helpers.ts';

let chain: Chain;
let client: DevChainClient;
let dev: DevSetup;
let bob: Identity;
let charlie: Identity;
let farmer: Identity;
let node1: Identity;
let node2: Identity;
let alice: Identity;
/** An ed25519 account with no twin. */
const stranger = identityFromSeed('22'.repeat(32), 'ed25519');

beforeEach(async () => {
  ({ chain, client } = newChain());
  dev = await devSetup(client, { nodes: 2, publicIps: 3 });
  alice = dev.accounts.alice.identity;
  bob = dev.accounts.bob.identity;
  charlie = dev.accounts.charlie.identity;
  farmer = dev.farmer.identity;
  node1 = dev.nodes[0]!.account.identity;
  node2 = dev.nodes[1]!.account.identity;
});

/** The call is refused with `name` and nothing at all changed. */
async function refused(who: Identity, call: ChainCall, name: string): Promise<void> {
  const before = chain.dumpState();
  expect(await refusal(send(client, who, call))).toBe(name);
  expect(chain.dumpState()).toBe(before);
}

const nodeContract = (nodeId: number, hash: string, publicIps = 0): ChainCall => ({
  method: 'createNodeContract',
  args: { nodeId, deploymentHash: hash, deploymentData: new Uint8Array([1, 2, 3]), publicIps },
});

describe('transactions: signature, nonce, decoding, sudo', () => {
  it('refuses a forged signature with BadProof and a tampered call too', async () => {
    const tx = await signTransaction(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    const before = chain.dumpState();
    const forged = { ...tx, signature: tx.signature.map((b, i) => (i === 0 ? b ^ 1 : b)) };
    expect(await refusal(client.submit(forged))).toBe('BadProof');
    const tampered = { ...tx, call: { method: 'createNameContract' as const, args: { name: 'evilname' } } };
    expect(await refusal(client.submit(tampered))).toBe('BadProof');
    const otherSigner = { ...tx, signer: charlie.publicKey };
    expect(await refusal(client.submit(otherSigner))).toBe('BadProof');
    expect(chain.dumpState()).toBe(before);
    await client.submit(tx);
  });

  it('refuses a replayed transaction (Stale) and a future nonce (Future)', async () => {
    const tx = await signTransaction(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    await client.submit(tx);
    const before = chain.dumpState();
    expect(await refusal(client.submit(tx))).toBe('Stale');
    const nonce = (await client.getAccount(bob.publicKey)).nonce;
    const future = await signTransaction(client, bob, { method: 'createNameContract', args: { name: 'other' } }, nonce + 1);
    expect(await refusal(client.submit(future))).toBe('Future');
    expect(chain.dumpState()).toBe(before);
  });

  it('signatures are bound to the chain id', async () => {
    const other = newChain({ chainId: 'another-chain' });
    await devSetup(other.client, { nodes: 0, publicIps: 0 });
    const tx = await signTransaction(other.client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    // same nonce on both chains: only the chain id differs
    expect((await client.getAccount(bob.publicKey)).nonce).toBe(tx.nonce);
    expect(await refusal(client.submit(tx))).toBe('BadProof');
  });

  it('refuses undecodable calls with CouldNotDecode and the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...nodeContract(1, HASH(1)), args: { ...(nodeContract(1, HASH(1)).args as object), deploymentData: new Uint8Array(513) } }, 'deploymentData'],
      [nodeContract(1, 'abc'), 'deploymentHash'],
      [nodeContract(1, HASH(1).replace('0', 'g')), 'deploymentHash'],
      [nodeContract(1, HASH(1).toUpperCase().replace(/0/g, 'A')), 'deploymentHash'],
      [nodeContract(2 ** 32, HASH(1)), 'nodeId'],
      [nodeContract(-1, HASH(1)), 'nodeId'],
      [nodeContract(1.5, HASH(1)), 'nodeId'],
      [{ method: 'cancelContract', args: { contractId: -1n } }, 'contractId'],
      [{ method: 'cancelContract', args: { contractId: 1n << 64n } }, 'contractId'],
      [{ method: 'cancelContract', args: { contractId: 1 } }, 'contractId'],
      [{ method: 'transfer', args: { to: new Uint8Array(31), amount: 1n } }, 'to'],
      [{ method: 'transfer', args: { to: new Uint8Array(32), amount: -5n } }, 'amount'],
      [{ method: 'transfer', args: { to: new Uint8Array(32), amount: 1n << 128n } }, 'amount'],
      [{ method: 'selfDestruct', args: {} }, 'method'],
      [{ method: 'cancelContract', args: { contractId: 1n, extra: 1 } }, 'extra'],
      [{ method: 'createTwin', args: { relay: 'x'.repeat(1025), pk: null } }, 'relay'],
      [{ method: 'createTwin', args: { relay: null, pk: new Uint8Array(129) } }, 'pk'],
      [{ method: 'addFarmIp', args: { farmId: 1, ip: '185.206.122.100/240', gateway: '185.206.122.1' } }, 'ip'],
    ];
    const before = chain.dumpState();
    for (const [call, field] of cases) {
      const tx = await signTransaction(client, bob, call as ChainCall);
      const err = (await client.submit(tx).then(
        () => null,
        (e: unknown) => e,
      )) as { upstream?: string; code?: string; field?: string } | null;
      expect(err?.upstream, JSON.stringify(field)).toBe('CouldNotDecode');
      expect(err?.code).toBe('chain.could_not_decode');
      expect(err?.field).toContain(field);
    }
    for (const bad of [
      { ...(await signTransaction(client, bob, nodeContract(1, HASH(1)))), signature: new Uint8Array(63) },
      { ...(await signTransaction(client, bob, nodeContract(1, HASH(1)))), nonce: -1 },
      { ...(await signTransaction(client, bob, nodeContract(1, HASH(1)))), keyType: 'ecdsa' },
      null,
      'tx',
      [],
    ]) {
      expect(await refusal(client.submit(bad as never))).toBe('CouldNotDecode');
    }
    expect(chain.dumpState()).toBe(before);
  });

  it('admin calls need the sudo account (RequireSudo)', async () => {
    await refused(bob, { method: 'fund', args: { to: bob.publicKey, amount: 1n } }, 'RequireSudo');
    await refused(bob, { method: 'setTftPrice', args: { priceMusd: 1 } }, 'RequireSudo');
    await refused(alice, { method: 'setTftPrice', args: { priceMusd: 0 } }, 'TFTPriceValueError');
    const r = await send(client, alice, { method: 'setTftPrice', args: { priceMusd: 20 } });
    expect(r.events.map((e) => e.name)).toEqual(['PriceStored', 'AveragePriceStored']);
    expect(await client.getTftPrice()).toBe(20);
    const before = (await client.getAccount(stranger.publicKey)).balance;
    const f = await send(client, alice, { method: 'fund', args: { to: stranger.publicKey, amount: 5n * TFT } });
    expect(f.events.map((e) => e.name)).toEqual(['Endowed', 'Deposit']);
    expect((await client.getAccount(stranger.publicKey)).balance).toBe(before + 5n * TFT);
  });

  it('the nonce advances only on success', async () => {
    const n0 = (await client.getAccount(bob.publicKey)).nonce;
    await refusal(send(client, bob, { method: 'cancelContract', args: { contractId: 99n } }));
    expect((await client.getAccount(bob.publicKey)).nonce).toBe(n0);
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    expect((await client.getAccount(bob.publicKey)).nonce).toBe(n0 + 1);
  });
});

describe('twins (§16)', () => {
  it('createTwin: TwinWithPubkeyExists, InvalidRelayAddress; ids count up; TwinStored', async () => {
    await refused(bob, { method: 'createTwin', args: { relay: null, pk: null } }, 'TwinWithPubkeyExists');
    await send(client, alice, { method: 'fund', args: { to: stranger.publicKey, amount: TFT } });
    for (const relay of ['', 'relay.', '.relay', 'a.b', 'relay..grid', 'relay grid', 'relé.grid']) {
      await refused(stranger, { method: 'createTwin', args: { relay, pk: null } }, 'InvalidRelayAddress');
    }
    const last = (await client.getTwin(dev.nodes[1]!.twinId))!.id;
    const r = await send(client, stranger, { method: 'createTwin', args: { relay: 'relay.dev.grid.tf', pk: new Uint8Array(33).fill(2) } });
    expect(r.result).toBe(last + 1);
    expect(r.events[0]!.name).toBe('TwinStored');
    const twin = await client.getTwinByAccount(stranger.publicKey);
    expect(twin).toMatchObject({ id: last + 1, keyType: 'ed25519', relay: 'relay.dev.grid.tf' });
    expect(twin!.account).toEqual(stranger.publicKey);
  });

  it('updateTwin: TwinNotExists, InvalidRelayAddress; TwinUpdated', async () => {
    await refused(stranger, { method: 'updateTwin', args: { relay: null, pk: null } }, 'TwinNotExists');
    await refused(bob, { method: 'updateTwin', args: { relay: 'bad..relay', pk: null } }, 'InvalidRelayAddress');
    const r = await send(client, bob, { method: 'updateTwin', args: { relay: 'r1.grid.tf_r2.grid.tf', pk: null } });
    expect(r.events.map((e) => e.name)).toEqual(['TwinUpdated']);
    expect((await client.getTwin(dev.accounts.bob.twinId))!.relay).toBe('r1.grid.tf_r2.grid.tf');
    expect((await client.getTwin(dev.accounts.bob.twinId))!.pk).toBeNull();
  });
});

describe('farms and nodes (§4 farm side, §16)', () => {
  const ip = (n: number) => ({ ip: `185.206.123.${n}/24`, gateway: '185.206.123.1' });

  it('createFarm: TwinNotExists before FarmExists, then name checks, InvalidPublicIP, IpExists', async () => {
    await refused(stranger, { method: 'createFarm', args: { name: 'sc4it-dev-farm', publicIps: [] } }, 'TwinNotExists');
    await refused(bob, { method: 'createFarm', args: { name: 'sc4it-dev-farm', publicIps: [] } }, 'FarmExists');
    await refused(bob, { method: 'createFarm', args: { name: 'ab', publicIps: [] } }, 'FarmNameTooShort');
    await refused(bob, { method: 'createFarm', args: { name: 'f'.repeat(41), publicIps: [] } }, 'FarmNameTooLong');
    await refused(bob, { method: 'createFarm', args: { name: 'bob farm', publicIps: [] } }, 'InvalidFarmName');
    for (const bad of [
      { ip: '10.0.0.5/24', gateway: '10.0.0.1' },
      { ip: '192.168.1.5/24', gateway: '192.168.1.1' },
      { ip: '185.206.123.5/24', gateway: '185.206.124.1' },
      { ip: '185.206.123.5/24', gateway: '185.206.123.0' },
      { ip: '185.206.123.5', gateway: '185.206.123.1' },
      { ip: '185.206.123.5/24', gateway: '185.206.1/24' },
      { ip: '224.0.0.5/24', gateway: '224.0.0.1' },
    ]) {
      await refused(bob, { method: 'createFarm', args: { name: 'bobfarm', publicIps: [bad] } }, 'InvalidPublicIP');
    }
    await refused(bob, { method: 'createFarm', args: { name: 'bobfarm', publicIps: [ip(5), ip(5)] } }, 'IpExists');
    const r = await send(client, bob, { method: 'createFarm', args: { name: 'bobfarm', publicIps: [ip(5), ip(6)] } });
    expect(r.result).toBe(dev.farmId + 1);
    expect(r.events.map((e) => e.name)).toEqual(['FarmStored']);
    expect((await client.getFarm(dev.farmId + 1))!.publicIps).toEqual([
      { ...ip(5), contractId: 0n },
      { ...ip(6), contractId: 0n },
    ]);
  });

  it('addFarmIp / removeFarmIp: FarmNotExists, CannotUpdateFarmWrongTwin, InvalidPublicIP, IpExists, IpNotExists', async () => {
    await refused(farmer, { method: 'addFarmIp', args: { farmId: 99, ...ip(7) } }, 'FarmNotExists');
    await refused(bob, { method: 'addFarmIp', args: { farmId: dev.farmId, ...ip(7) } }, 'CannotUpdateFarmWrongTwin');
    await refused(farmer, { method: 'addFarmIp', args: { farmId: dev.farmId, ip: '127.0.0.2/8', gateway: '127.0.0.1' } }, 'InvalidPublicIP');
    await refused(farmer, { method: 'addFarmIp', args: { farmId: dev.farmId, ...dev.publicIps[0]! } }, 'IpExists');
    const r = await send(client, farmer, { method: 'addFarmIp', args: { farmId: dev.farmId, ...ip(7) } });
    expect(r.events.map((e) => e.name)).toEqual(['FarmUpdated']);
    expect((await client.getFarm(dev.farmId))!.publicIps).toHaveLength(4);
    await refused(farmer, { method: 'removeFarmIp', args: { farmId: 99, ip: ip(7).ip } }, 'FarmNotExists');
    await refused(bob, { method: 'removeFarmIp', args: { farmId: dev.farmId, ip: ip(7).ip } }, 'CannotUpdateFarmWrongTwin');
    await refused(farmer, { method: 'removeFarmIp', args: { farmId: dev.farmId, ip: ip(8).ip } }, 'IpNotExists');
    // a reserved IP cannot be removed
    await send(client, bob, nodeContract(dev.nodes[0]!.id, HASH(1), 1));
    await refused(farmer, { method: 'removeFarmIp', args: { farmId: dev.farmId, ip: dev.publicIps[0]!.ip } }, 'IpNotExists');
    await send(client, farmer, { method: 'removeFarmIp', args: { farmId: dev.farmId, ip: ip(7).ip } });
    expect((await client.getFarm(dev.farmId))!.publicIps.map((p) => p.ip)).toEqual(dev.publicIps.map((p) => p.ip));
  });

  it('createNode: FarmNotExists before TwinNotExists, NodeWithTwinIdExists, minimum resources in order', async () => {
    const res = { cru: 4n, mru: 8n * GIB, sru: 200n * GIB, hru: 0n };
    await refused(stranger, { method: 'createNode', args: { farmId: 99, resources: res } }, 'FarmNotExists');
    await refused(stranger, { method: 'createNode', args: { farmId: dev.farmId, resources: res } }, 'TwinNotExists');
    await refused(node1, { method: 'createNode', args: { farmId: dev.farmId, resources: res } }, 'NodeWithTwinIdExists');
    await refused(bob, { method: 'createNode', args: { farmId: dev.farmId, resources: { ...res, sru: 100n * GIB - 1n, cru: 0n } } }, 'InvalidSRUInput');
    await refused(bob, { method: 'createNode', args: { farmId: dev.farmId, resources: { ...res, cru: 0n, mru: 0n } } }, 'InvalidCRUInput');
    await refused(bob, { method: 'createNode', args: { farmId: dev.farmId, resources: { ...res, mru: 2n * GIB - 1n } } }, 'InvalidMRUInput');
    const r = await send(client, bob, { method: 'createNode', args: { farmId: dev.farmId, resources: { ...res, sru: 100n * GIB, mru: 2n * GIB, cru: 1n } } });
    expect(r.events.map((e) => e.name)).toEqual(['NodeStored']);
    const node = await client.getNode(Number(r.result));
    expect(node).toMatchObject({ farmId: dev.farmId, twinId: dev.accounts.bob.twinId, certification: 'Diy', freeIps: 3 });
    expect(node!.created).toBe((await client.getBlock()).timestamp);
  });
});

describe('node contracts (§2.1, §4)', () => {
  it('createNodeContract: checks in order', async () => {
    const n1 = dev.nodes[0]!.id;
    await refused(stranger, nodeContract(n1, HASH(1)), 'TwinNotExists');
    await refused(bob, nodeContract(99, HASH(1)), 'NodeNotExists');
    await send(client, bob, nodeContract(n1, HASH(1)));
    await refused(bob, nodeContract(n1, HASH(1)), 'ContractIsNotUnique');
    await refused(charlie, nodeContract(n1, HASH(1)), 'ContractIsNotUnique');
    // the same hash on another node is another contract
    await send(client, charlie, nodeContract(dev.nodes[1]!.id, HASH(1)));
    await refused(bob, nodeContract(n1, HASH(2), 4), 'FarmHasNotEnoughPublicIPs');
    await send(client, bob, nodeContract(n1, HASH(3), 2));
    await refused(bob, nodeContract(n1, HASH(4), 2), 'FarmHasNotEnoughPublicIPsFree');
    // solution providers do not exist: checked after the IPs, and the reserved IP is rolled back
    const call = nodeContract(n1, HASH(5), 1);
    (call.args as { solutionProviderId?: bigint }).solutionProviderId = 1n;
    await refused(bob, call, 'NoSuchSolutionProvider');
    expect((await client.getNode(n1))!.freeIps).toBe(1);
  });

  it('creation: Created state, ids, events, lookups, hash stored as given', async () => {
    const n1 = dev.nodes[0]!.id;
    const r = await send(client, bob, nodeContract(n1, HASH(0xabc), 2));
    expect(r.result).toBe(1n);
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated', 'IPsReserved']);
    const c = (await client.getContract(1n))!;
    expect(c).toMatchObject({ contractId: 1n, twinId: dev.accounts.bob.twinId, state: { kind: 'Created' }, solutionProviderId: null, createdBlock: r.block });
    expect(c.contractType).toMatchObject({ kind: 'node', nodeId: n1, deploymentHash: HASH(0xabc), publicIps: 2 });
    const ips = (c.contractType as { publicIpsList: unknown[] }).publicIpsList;
    expect(ips).toEqual([
      { ...dev.publicIps[0]!, contractId: 1n },
      { ...dev.publicIps[1]!, contractId: 1n },
    ]);
    expect((await client.getContractByHash(n1, HASH(0xabc)))!.contractId).toBe(1n);
    expect(await client.getContractByHash(n1, HASH(0xabd))).toBeNull();
    expect((await client.listContracts({ twinId: dev.accounts.bob.twinId })).map((x) => x.contractId)).toEqual([1n]);
    expect((await client.listContracts({ nodeId: n1, state: 'Created' })).map((x) => x.contractId)).toEqual([1n]);
    expect(await client.listContracts({ nodeId: dev.nodes[1]!.id })).toEqual([]);
    const r2 = await send(client, charlie, { method: 'createNameContract', args: { name: 'charlie' } });
    expect(r2.result).toBe(2n);
  });

  it('updateNodeContract: checks in order; the hash mapping moves', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1)));
    const upd = (id: bigint, hash: string): ChainCall => ({
      method: 'updateNodeContract',
      args: { contractId: id, deploymentHash: hash, deploymentData: new Uint8Array([9]) },
    });
    await refused(bob, upd(99n, HASH(2)), 'ContractNotExists');
    await refused(charlie, upd(1n, HASH(2)), 'TwinNotAuthorizedToUpdateContract');
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    await refused(bob, upd(2n, HASH(2)), 'InvalidContractType');
    const r = await send(client, bob, upd(1n, HASH(2)));
    expect(r.events.map((e) => e.name)).toEqual(['ContractUpdated']);
    expect(await client.getContractByHash(n1, HASH(1))).toBeNull();
    expect((await client.getContractByHash(n1, HASH(2)))!.contractId).toBe(1n);
    expect((await client.getContract(1n))!.contractType).toMatchObject({ deploymentHash: HASH(2), deploymentData: new Uint8Array([9]) });
    // the old hash is free again
    await send(client, bob, nodeContract(n1, HASH(1)));
  });

  it('cancelContract: checks in order; IPs freed; contract archived as Deleted', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1), 2));
    await refused(bob, { method: 'cancelContract', args: { contractId: 9n } }, 'ContractNotExists');
    await refused(charlie, { method: 'cancelContract', args: { contractId: 1n } }, 'TwinNotAuthorizedToCancelContract');
    const r = await send(client, bob, { method: 'cancelContract', args: { contractId: 1n } });
    const names = r.events.map((e) => e.name);
    expect(names.slice(-2)).toEqual(['IPsFreed', 'NodeContractCanceled']);
    expect(r.events.at(-1)!.data).toMatchObject({ contractId: 1n, nodeId: n1, twinId: dev.accounts.bob.twinId, cause: 'CanceledByUser' });
    expect(r.events.at(-2)!.data).toMatchObject({ contractId: 1n, publicIps: [{ ip: dev.publicIps[0]!.ip }, { ip: dev.publicIps[1]!.ip }] });
    expect((await client.getFarm(dev.farmId))!.publicIps.every((p) => p.contractId === 0n)).toBe(true);
    expect((await client.getContract(1n))!.state).toEqual({ kind: 'Deleted', cause: 'CanceledByUser' });
    expect(await client.getContractByHash(n1, HASH(1))).toBeNull();
    await refused(bob, { method: 'cancelContract', args: { contractId: 1n } }, 'ContractNotExists');
    // a deleted contract's (node, hash) can be used again
    const again = await send(client, bob, nodeContract(n1, HASH(1), 3));
    expect(again.result).toBe(2n);
  });
});

describe('name and rent contracts (§2.1)', () => {
  it('createNameContract: checks in order', async () => {
    await refused(stranger, { method: 'createNameContract', args: { name: 'x' } }, 'TwinNotExists');
    await refused(bob, { method: 'createNameContract', args: { name: 'ab' } }, 'NameContractNameTooShort');
    await refused(bob, { method: 'createNameContract', args: { name: 'a'.repeat(65) } }, 'NameContractNameTooLong');
    await refused(bob, { method: 'createNameContract', args: { name: 'Bob' } }, 'NameNotValid');
    await refused(bob, { method: 'createNameContract', args: { name: 'bob.name' } }, 'NameNotValid');
    const r = await send(client, bob, { method: 'createNameContract', args: { name: 'a'.repeat(64) } });
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated']);
    await refused(charlie, { method: 'createNameContract', args: { name: 'a'.repeat(64) } }, 'NameExists');
    await send(client, bob, { method: 'createNameContract', args: { name: 'my_name-2' } });
    const c = await send(client, bob, { method: 'cancelContract', args: { contractId: 1n } });
    expect(c.events.at(-1)).toMatchObject({ name: 'NameContractCanceled', data: { contractId: 1n } });
    await send(client, charlie, { method: 'createNameContract', args: { name: 'a'.repeat(64) } });
  });

  it('createRentContract: NodeHasRentContract first, TwinNotExists after the node', async () => {
    const n1 = dev.nodes[0]!.id;
    const n2 = dev.nodes[1]!.id;
    const rent = (nodeId: number): ChainCall => ({ method: 'createRentContract', args: { nodeId } });
    await refused(bob, rent(99), 'NodeNotExists');
    await refused(stranger, rent(n1), 'TwinNotExists');
    await send(client, charlie, nodeContract(n2, HASH(1)));
    await refused(bob, rent(n2), 'NodeNotAvailableToDeploy');
    const r = await send(client, bob, rent(n1));
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated']);
    await refused(stranger, rent(n1), 'NodeHasRentContract');
    // only the renter deploys on a rented node
    await refused(charlie, nodeContract(n1, HASH(2)), 'NodeNotAvailableToDeploy');
    await send(client, bob, nodeContract(n1, HASH(2), 1));
    await refused(bob, { method: 'cancelContract', args: { contractId: r.result as bigint } }, 'NodeHasActiveContracts');
    await send(client, bob, { method: 'cancelContract', args: { contractId: 3n } });
    const c = await send(client, bob, { method: 'cancelContract', args: { contractId: r.result as bigint } });
    expect(c.events.at(-1)).toMatchObject({ name: 'RentContractCanceled', data: { contractId: 2n } });
    await send(client, charlie, nodeContract(n1, HASH(2)));
  });
});

describe('node-side calls', () => {
  it('markContractDeployed: TwinNotExists, NodeNotExists, ContractNotExists, InvalidContractType, NodeNotAuthorizedToDeployContract', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    const mark = (id: bigint): ChainCall => ({ method: 'markContractDeployed', args: { contractId: id } });
    await refused(stranger, mark(1n), 'TwinNotExists');
    await refused(bob, mark(1n), 'NodeNotExists');
    await refused(node1, mark(9n), 'ContractNotExists');
    await refused(node1, mark(2n), 'InvalidContractType');
    await refused(node2, mark(1n), 'NodeNotAuthorizedToDeployContract');
    const r = await send(client, node1, mark(1n));
    expect(r.events).toHaveLength(1);
    expect(r.events[0]).toMatchObject({ name: 'ContractDeployed', data: { contractId: 1n, accountId: node1.publicKey } });
    expect((await client.getContract(1n))!.state).toEqual({ kind: 'Deployed' });
    // idempotent: a node restarting may confirm again
    const again = await send(client, node1, mark(1n));
    expect(again.events).toEqual([]);
    expect((await client.listContracts({ state: 'Deployed' })).map((c) => c.contractId)).toEqual([1n]);
    // an update keeps the running deployment's state
    await send(client, bob, { method: 'updateNodeContract', args: { contractId: 1n, deploymentHash: HASH(7), deploymentData: new Uint8Array() } });
    expect((await client.getContract(1n))!.state).toEqual({ kind: 'Deployed' });
  });

  it('cancelContractByNode: only the node holding the contract; frees IPs; cause CanceledByNode', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1), 1));
    const cancel: ChainCall = { method: 'cancelContractByNode', args: { contractId: 1n, reason: 'workload failed' } };
    await refused(bob, cancel, 'NodeNotExists');
    await refused(node2, cancel, 'TwinNotAuthorizedToCancelContract');
    const r = await send(client, node1, cancel);
    expect(r.events.slice(-2).map((e) => e.name)).toEqual(['IPsFreed', 'NodeContractCanceled']);
    expect(r.events.at(-1)!.data).toMatchObject({ cause: 'CanceledByNode', reason: 'workload failed' });
    expect((await client.getContract(1n))!.state).toEqual({ kind: 'Deleted', cause: 'CanceledByNode' });
    expect((await client.getNode(n1))!.freeIps).toBe(3);
  });

  it('reportContractResources: node twin only, own contracts, missing ones skipped', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobname' } });
    const used = { cru: 2n, mru: 4n * GIB, sru: 50n * GIB, hru: 0n };
    const rep = (id: bigint): ChainCall => ({ method: 'reportContractResources', args: { resources: [{ contractId: id, used }] } });
    await refused(stranger, rep(1n), 'TwinNotExists');
    await refused(bob, rep(1n), 'NodeNotExists');
    await refused(node1, rep(2n), 'InvalidContractType');
    await refused(node2, rep(1n), 'NodeNotAuthorizedToComputeReport');
    const skipped = await send(client, node1, rep(77n));
    expect(skipped.events).toEqual([]);
    const r = await send(client, node1, rep(1n));
    expect(r.events).toEqual([expect.objectContaining({ name: 'UpdatedUsedResources', data: { contractId: 1n, used } })]);
    const node = (await client.getNode(n1))!;
    expect(node.used).toEqual(used);
    expect(node.free.cru).toBe(8n - 2n);
    expect(await client.listNodes({ freeCru: 7n })).toHaveLength(1);
    expect((await client.listNodes({ freeCru: 6n })).map((n) => n.id)).toEqual([n1, dev.nodes[1]!.id]);
  });

  it('addNruReports: late and resent reports ignored (and said so), on-time ones accumulate', async () => {
    const n1 = dev.nodes[0]!.id;
    const r0 = await send(client, bob, nodeContract(n1, HASH(1)));
    const created = (await client.getBlock()).timestamp;
    const rep = (timestamp: number, nru: bigint): ChainCall => ({
      method: 'addNruReports',
      args: { reports: [{ contractId: r0.result as bigint, timestamp, window: 3600, nru }] },
    });
    await refused(bob, rep(created, 1n), 'NodeNotExists');
    await refused(node2, rep(created, 1n), 'NodeNotAuthorizedToComputeReport');
    const a = await send(client, node1, rep(created + 60, 2_000_000_000n));
    expect(a.events[0]).toMatchObject({ name: 'NruConsumptionReportReceived', data: { outcome: 'accepted', unitsUsd: 30_000n } });
    // A redelivered report (same timestamp) is never billed twice (tfchain would bill it again).
    const again = await send(client, node1, rep(created + 60, 2_000_000_000n));
    expect(again.events.map((e) => [e.name, (e.data as { outcome: string }).outcome])).toEqual([
      ['NruConsumptionReportRejected', 'duplicate'],
    ]);
    const late = await send(client, node1, rep(created + 30, 1n));
    expect(late.events[0]).toMatchObject({ name: 'NruConsumptionReportRejected', data: { outcome: 'late' } });
    const unknown = await send(client, node1, { method: 'addNruReports', args: { reports: [{ contractId: 99n, timestamp: created, window: 1, nru: 1n }] } });
    expect(unknown.events[0]).toMatchObject({ name: 'NruConsumptionReportRejected', data: { outcome: 'rejected' } });
  });

  it('addReports (seed): an outcome for every report', async () => {
    const n1 = dev.nodes[0]!.id;
    await send(client, bob, nodeContract(n1, HASH(1)));
    await send(client, charlie, nodeContract(dev.nodes[1]!.id, HASH(2)));
    const t = (await client.getBlock()).timestamp;
    const report = (contractId: bigint, timestamp: number) => ({ contractId, timestamp, cru: 1n, sru: 0n, hru: 0n, mru: GIB, nru: 0n });
    const r = await send(client, node1, {
      method: 'addReports',
      args: { reports: [report(1n, t + 100), report(1n, t + 100), report(2n, t + 100), report(5n, t + 100)] },
    });
    expect(r.events.map((e) => [e.name, (e.data as { outcome: string }).outcome])).toEqual([
      ['ConsumptionReportReceived', 'accepted'],
      ['ConsumptionReportRejected', 'duplicate'],
      ['ConsumptionReportRejected', 'rejected'],
      ['ConsumptionReportRejected', 'rejected'],
    ]);
    // Once billed (a billing cycle settles it), time up to t + 100 is the contract's billed time:
    // an older report (not a copy) would bill it again, so it is refused, and nothing is billed.
    await client.mine(600);
    const first = await client.getBills(1n);
    expect(first.reduce((n, b) => n + (b.breakdown['reportUnitsUsd'] ?? 0n), 0n)).toBeGreaterThan(0n); // the accepted one
    const old = await send(client, node1, { method: 'addReports', args: { reports: [report(1n, t + 50)] } });
    expect(old.events.map((e) => [e.name, (e.data as { outcome: string }).outcome])).toEqual([['ConsumptionReportRejected', 'overlapping']]);
    await client.mine(600);
    // the next cycle has nothing to bill (no resources, no accepted report): no bill, or one without report units
    const later = (await client.getBills(1n)).slice(first.length);
    for (const b of later) expect(b.breakdown['reportUnitsUsd']).toBe(0n);
  });
});

describe('balances', () => {
  it('transfer: InsufficientBalance, ExistentialDeposit; Transfer event', async () => {
    const bal = (await client.getAccount(bob.publicKey)).balance;
    await refused(bob, { method: 'transfer', args: { to: charlie.publicKey, amount: bal + 1n } }, 'InsufficientBalance');
    await refused(bob, { method: 'transfer', args: { to: stranger.publicKey, amount: 499n } }, 'ExistentialDeposit');
    const r = await send(client, bob, { method: 'transfer', args: { to: stranger.publicKey, amount: 500n } });
    expect(r.events.map((e) => e.name)).toEqual(['Endowed', 'Transfer']);
    expect((await client.getAccount(stranger.publicKey)).balance).toBe(500n);
    expect((await client.getAccount(bob.publicKey)).balance).toBe(bal - 500n);
    await refused(stranger, { method: 'transfer', args: { to: bob.publicKey, amount: 501n } }, 'InsufficientBalance');
  });

  it('accounts report their SS58 address', async () => {
    expect((await client.getAccount(bob.publicKey)).address).toBe(bob.address);
  });
});
