import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { allIn, startGrid, vmDeployment, waitFor, type Grid, type Json } from './harness.ts';

// Expected values come from the spec (deployment-hash.md §6–§8) and from chain-sim's state (the
// contract's reserved IPs), never from the node under test.
let grid: Grid;
beforeAll(async () => {
  grid = await startGrid({ nodes: 2, publicIps: 3 });
});
afterAll(async () => {
  await grid?.close();
});

describe('deploy over the bus', () => {
  it('runs a VM with a public IP to ok, with results from the contract, and marks the contract deployed', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(bob.twinId, { ips: 1 });
    const contractId = await bob.createContract(node.node.nodeId, d, 1);
    const reply = await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    expect(reply).toBeNull();
    await waitFor(node, bob.twinId, contractId, allIn('ok'));

    const got = await bob.get(node, contractId);
    expect(got['contract_id']).toBe(Number(contractId));
    expect(got['version']).toBe(0);
    const wls = got['workloads'] as Json[];
    expect(wls.map((w) => w['name'])).toEqual(['net', 'disk', 'pub0', 'vm']);
    const contract = await grid.client.getContract(contractId);
    const reserved = contract?.contractType.kind === 'node' ? contract.contractType.publicIpsList : [];
    expect(reserved).toHaveLength(1);
    const ip = wls.find((w) => w['name'] === 'pub0')!['result'] as Json;
    expect(ip['state']).toBe('ok');
    expect(ip['data']).toMatchObject({ ip: reserved[0]!.ip, gateway: reserved[0]!.gateway });
    const vm = (wls.find((w) => w['name'] === 'vm')!['result'] as Json)['data'] as Json;
    expect(vm['ip']).toBe('10.20.2.2');
    expect(typeof vm['console_url']).toBe('string');

    await node.node.flushOutbox();
    const after = await grid.client.getContract(contractId);
    expect(after?.state.kind).toBe('Deployed');
    // spec §8.1/§8.2, by hand: disk 10 GiB SSD; VM 1 vCPU, 2 GiB RAM, root disk max(0, 500 MiB)
    // because 1 × 2 GiB / 8 GiB rounds to 0; network and ip count nothing (IPV4U is not reported)
    const used = grid.chain
      .eventsFrom(0)
      .filter((e) => e.name === 'UpdatedUsedResources' && e.data['contractId'] === contractId)
      .map((e) => e.data['used']);
    expect(used.at(-1)).toEqual({ cru: 1n, mru: 2n * 2n ** 30n, sru: 10n * 2n ** 30n + 500n * 2n ** 20n, hru: 0n });
  });

  it('lists, shows changes, answers version, statistics and refuses delete as zos does', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const list = await bob.call<Json[]>(node.twinId, 'zos.deployment.list', null);
    expect(list.length).toBeGreaterThanOrEqual(1);
    const contractId = BigInt(list[0]!['contract_id'] as number);
    const changes = await bob.call<Json[]>(node.twinId, 'zos.deployment.changes', { contract_id: Number(contractId) });
    // every workload was written as init, then ok
    const vmStates = changes.filter((c) => c['name'] === 'vm').map((c) => (c['result'] as Json)['state']);
    expect(vmStates).toEqual(['init', 'ok']);
    await expect(bob.call(node.twinId, 'zos.deployment.delete', { contract_id: Number(contractId) })).rejects.toThrow(
      'deletion over the api is disabled, please cancel your contract instead',
    );
    const version = await bob.call<Json>(node.twinId, 'zos.system.version', null);
    expect(typeof version['zos']).toBe('string');
    const stats = await bob.call<Json>(node.twinId, 'zos.statistics.get', null);
    expect((stats['users'] as Json)['deployments']).toBeGreaterThanOrEqual(1);
    expect((stats['total'] as Json)['mru']).toBe(32 * 2 ** 30);
    // another twin sees nothing of bob's
    const { charlie } = grid.users;
    expect(await charlie.call<Json[]>(node.twinId, 'zos.deployment.list', null)).toEqual([]);
    await expect(charlie.call(node.twinId, 'zos.deployment.get', { contract_id: Number(contractId) })).rejects.toThrow('deployment not found');
  });

  it('answers synchronous refusals with the node text and stores nothing', async () => {
    const { bob, charlie } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(bob.twinId, { subnet: 9 });
    const contractId = await bob.createContract(node.node.nodeId, d);
    // twin of the deployment is not the sender (zos text, §6.2 step 2)
    await expect(charlie.call(node.twinId, 'zos.deployment.deploy', bob.sign(d))).rejects.toThrow(
      `twin id mismatch (deployment: ${bob.twinId}, message: ${charlie.twinId})`,
    );
    // unsigned (§5: the originator's request is forced required)
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', d)).rejects.toThrow(`missing required signature for twin '${bob.twinId}'`);
    // version must be 0 on creation
    const v1 = { ...d, version: 1 };
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(v1))).rejects.toThrow(
      'expected version to be 0 on deployment creation: invalid version',
    );
    // Valid(): duplicate names
    const dup = { ...d, workloads: [...(d['workloads'] as Json[]), (d['workloads'] as Json[])[1]] };
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(dup))).rejects.toThrow(
      "multiple workloads with the same name 'disk'",
    );
    expect(node.node.record(bob.twinId, contractId)).toBeUndefined();
    // a network name the twin already uses in another deployment on this node (zos `conflict`)
    const clash = vmDeployment(bob.twinId, { description: 'clash' });
    await bob.createContract(node.node.nodeId, clash);
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(clash))).rejects.toThrow('conflict');
    // then the good one is accepted, and a second copy is refused with `exists`
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d))).rejects.toThrow('exists');
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
  });

  it('keeps serving after malformed JSON, oversized payloads and unknown commands', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    await expect(bob.peer.request(node.twinId, 'zos.deployment.deploy', '{"version":', { timeout: 10_000 })).rejects.toThrow();
    await expect(bob.peer.request(node.twinId, 'zos.deployment.get', 'not json', { timeout: 10_000 })).rejects.toThrow('malformed JSON');
    const big = JSON.stringify({ ...vmDeployment(bob.twinId), description: 'x'.repeat(300 * 1024) });
    await expect(bob.peer.request(node.twinId, 'zos.deployment.deploy', big, { timeout: 10_000 })).rejects.toThrow('exceeds the limit');
    await expect(bob.peer.request(node.twinId, 'zos.nothing.here', '{}', { timeout: 10_000 })).rejects.toThrow('unknown command');
    const version = await bob.call<Json>(node.twinId, 'zos.system.version', null);
    expect(version).toHaveProperty('zos');
  });

  it('the hash the node checks is the one grid_client computes (MD5 of the challenge), independently of @sc4it/hash', async () => {
    // oracles: @threefold/grid_client 2.9.2's Deployment.challenge()/challenge_hash() (through
    // @sc4it/conformance/testing) and node:crypto MD5 over that challenge (spec §3)
    const oracle = gridClientOracle();
    const { bob } = grid.users;
    const node = grid.nodes[1]!;
    const d = vmDeployment(bob.twinId, { subnet: 11, description: 'hash from the oracle' });
    const expected = oracle.hash(d);
    expect(createHash('md5').update(oracle.challenge(d), 'utf8').digest('hex')).toBe(expected);
    // the contract carries the oracle's hash, not ours: the node must find it equal (§6.3 step 4)
    const contractId = await bob.createContract(node.node.nodeId, d, 0, expected);
    expect(oracle.hash(d)).toBe(expected); // contract_id is not part of the challenge
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
    // and a contract under the hash of a different challenge (one more byte of description) is refused
    const other = vmDeployment(bob.twinId, { subnet: 12, description: 'hash from the oracle' });
    const wrong = oracle.hash({ ...other, description: 'hash from the oracle!' });
    const otherId = await bob.createContract(node.node.nodeId, other, 0, wrong);
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(other));
    const rec = await waitFor(node, bob.twinId, otherId, (r) => r.history.some((h) => h.result.state === 'error'));
    expect(rec.history.filter((h) => h.result.state === 'error').map((h) => h.result.message)).toEqual(
      Array(3).fill('contract hash does not match deployment hash'),
    );
  });
});
