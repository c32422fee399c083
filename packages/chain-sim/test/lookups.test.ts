/**
 * Lookups (issue item 7): a user finds a node by farm, free capacity and free public IPs on its
 * farm; contracts by twin, node and state. Expected ids follow from the world built here (two
 * farms, three nodes of known sizes), not from the code under test.
 */
import type { ChainCall, DevChainClient } from '@sc4it/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { type DevSetup, devSetup } from '../src/index.ts';
import { GIB, HASH, newChain, send } from './helpers.ts';

let client: DevChainClient;
let dev: DevSetup;
let farm2: number;
let big: number; // dave's node on farm 2
let n1: number;
let n2: number;

const nodeContract = (nodeId: number, hash: string, publicIps = 0): ChainCall => ({
  method: 'createNodeContract',
  args: { nodeId, deploymentHash: hash, deploymentData: new Uint8Array(), publicIps },
});
const ids = (xs: { id: number }[]) => xs.map((x) => x.id);
const cids = (xs: { contractId: bigint }[]) => xs.map((x) => x.contractId);

beforeAll(async () => {
  ({ client } = newChain());
  // farm 1: two nodes of 8 vCPU / 32 GiB / 1 TiB SSD / 4 TiB HDD and 2 public IPs
  dev = await devSetup(client, { nodes: 2, publicIps: 2 });
  [n1, n2] = dev.nodes.map((n) => n.id) as [number, number];
  // farm 2 (charlie's): no public IPs, one certified node of 16 vCPU / 64 GiB / 500 GiB SSD / no HDD
  farm2 = Number((await send(client, dev.accounts.charlie.identity, { method: 'createFarm', args: { name: 'farm-two', publicIps: [] } })).result);
  big = Number(
    (
      await send(client, dev.accounts.dave.identity, {
        method: 'createNode',
        args: { farmId: farm2, resources: { cru: 16n, mru: 64n * GIB, sru: 500n * GIB, hru: 0n }, certification: 'Certified' },
      })
    ).result,
  );
});

describe('lookups', () => {
  it('nodes by farm, free capacity, certification and free public IPs on their farm', async () => {
    expect(ids(await client.listNodes())).toEqual([n1, n2, big]);
    expect(ids(await client.listNodes({ farmId: dev.farmId }))).toEqual([n1, n2]);
    expect(ids(await client.listNodes({ farmId: farm2 }))).toEqual([big]);
    expect(ids(await client.listNodes({ farmId: 99 }))).toEqual([]);
    expect(ids(await client.listNodes({ freeCru: 9n }))).toEqual([big]);
    expect(ids(await client.listNodes({ freeMru: 33n * GIB }))).toEqual([big]);
    expect(ids(await client.listNodes({ freeSru: 501n * GIB }))).toEqual([n1, n2]);
    expect(ids(await client.listNodes({ freeHru: 1n }))).toEqual([n1, n2]);
    expect(ids(await client.listNodes({ certified: true }))).toEqual([big]);
    expect(ids(await client.listNodes({ freeIps: 1 }))).toEqual([n1, n2]);
    expect(ids(await client.listNodes({ freeIps: 3 }))).toEqual([]);
    expect(ids(await client.listNodes({ freeCru: 8n, freeHru: 4096n * GIB, freeIps: 2 }))).toEqual([n1, n2]);

    // bob takes one IP on node 1, charlie the other on node 2: the farm has none left, for both nodes
    const bob = dev.accounts.bob.identity;
    const charlie = dev.accounts.charlie.identity;
    await send(client, bob, nodeContract(n1, HASH(1), 1));
    expect(ids(await client.listNodes({ freeIps: 2 }))).toEqual([]);
    expect(ids(await client.listNodes({ freeIps: 1 }))).toEqual([n1, n2]);
    await send(client, charlie, nodeContract(n2, HASH(2), 1));
    expect(ids(await client.listNodes({ freeIps: 1 }))).toEqual([]);
    expect((await client.getNode(n2))!.freeIps).toBe(0);

    // node 1 reports that bob's workload uses 6 vCPU and 30 GiB: only node 2 still has 3 vCPU free
    await send(client, dev.nodes[0]!.account.identity, {
      method: 'reportContractResources',
      args: { resources: [{ contractId: 1n, used: { cru: 6n, mru: 30n * GIB, sru: 0n, hru: 0n } }] },
    });
    expect(ids(await client.listNodes({ farmId: dev.farmId, freeCru: 3n }))).toEqual([n2]);
    expect(ids(await client.listNodes({ freeMru: 3n * GIB }))).toEqual([n2, big]);
    expect((await client.getNode(n1))!.free).toEqual({ cru: 2n, mru: 2n * GIB, sru: 1024n * GIB, hru: 4096n * GIB });

    // canceling frees the IP again
    await send(client, charlie, { method: 'cancelContract', args: { contractId: 2n } });
    expect(ids(await client.listNodes({ freeIps: 1 }))).toEqual([n1, n2]);
  });

  it('contracts by twin, node, state and kind', async () => {
    const bob = dev.accounts.bob.identity;
    await send(client, bob, nodeContract(big, HASH(3)));
    await send(client, bob, { method: 'createNameContract', args: { name: 'bobsname' } });
    await send(client, dev.nodes[0]!.account.identity, { method: 'markContractDeployed', args: { contractId: 1n } });
    const bobTwin = dev.accounts.bob.twinId;
    const charlieTwin = dev.accounts.charlie.twinId;
    // 1: bob on n1 (deployed), 2: charlie on n2 (canceled above), 3: bob on big, 4: bob's name
    expect(cids(await client.listContracts({ twinId: bobTwin }))).toEqual([1n, 3n, 4n]);
    expect(cids(await client.listContracts({ twinId: charlieTwin }))).toEqual([2n]);
    expect(cids(await client.listContracts({ nodeId: n1 }))).toEqual([1n]);
    expect(cids(await client.listContracts({ nodeId: big }))).toEqual([3n]);
    expect(cids(await client.listContracts({ state: 'Deployed' }))).toEqual([1n]);
    expect(cids(await client.listContracts({ state: 'Created' }))).toEqual([3n, 4n]);
    expect(cids(await client.listContracts({ state: 'Deleted' }))).toEqual([2n]);
    expect(cids(await client.listContracts({ kind: 'name' }))).toEqual([4n]);
    expect(cids(await client.listContracts({ twinId: bobTwin, kind: 'node', state: 'Created' }))).toEqual([3n]);
    expect(cids(await client.listContracts({ twinId: charlieTwin, state: 'Created' }))).toEqual([]);
    expect((await client.getContractByHash(big, HASH(3)))?.contractId).toBe(3n);
    expect(await client.getContractByHash(n2, HASH(2))).toBeNull(); // deleted: the hash is free again
  });
});
