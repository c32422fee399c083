import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deploymentHash } from '@sc4it/hash';
import { sendCall } from '@sc4it/types';
import { allIn, diskDeployment, startGrid, vmDeployment, waitFor, type Grid, type Json } from './harness.ts';

// Expected texts: deployment-hash.md §6.3, §6.6, §6.8 (zos), and the sc4it additions named in the
// node-ref README (owner check, cancellation by the node). Chain states come from chain-sim.
let grid: Grid;
beforeAll(async () => {
  grid = await startGrid({ nodes: 2, publicIps: 3, chain: { billingFrequency: 10, gracePeriodBlocks: 2000 } });
});
afterAll(async () => {
  await grid?.close();
});

/** Removed, or deleted and waiting for its last bill (chain-sim keeps it until then). */
async function canceledByNode(contractId: bigint): Promise<void> {
  const c = await grid.client.getContract(contractId);
  if (c !== null) expect(c.state).toEqual({ kind: 'Deleted', cause: 'CanceledByNode' });
  const ev = grid.chain.eventsFrom(0).find((e) => e.name === 'NodeContractCanceled' && e.data['contractId'] === contractId);
  if (c === null) expect(ev?.data['cause']).toBe('CanceledByNode');
}

const states = (rec: { workloads: { name: string; result: { state: string; message: string } }[] }) =>
  Object.fromEntries(rec.workloads.map((w) => [w.name, [w.result.state, w.result.message]]));

describe('asynchronous contract checks', () => {
  it('hash mismatch: every workload error with the zos text, and the node cancels the contract', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(bob.twinId, 1, 'mismatch');
    const other = diskDeployment(bob.twinId, 2, 'something else');
    const contractId = await bob.createContract(node.node.nodeId, d, 0, deploymentHash(other));
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    const rec = await waitFor(node, bob.twinId, contractId, (r) => r.job === null && r.history.length > 1);
    // the first result after `init` is the error; the node's cancel then deletes the workloads
    expect(rec.history.map((h) => [h.result.state, h.result.message])[1]).toEqual(['error', 'contract hash does not match deployment hash']);
    await node.node.flushOutbox();
    await canceledByNode(contractId);
    const after = await waitFor(node, bob.twinId, contractId, allIn('deleted'));
    expect(states(after)).toEqual({ d1: ['deleted', 'contract canceled event received'] });
  });

  it('wrong node: invalid node address in contract; the contract is left alone', async () => {
    const { bob } = grid.users;
    const [a, b] = grid.nodes as [Grid['nodes'][0], Grid['nodes'][0]];
    const d = diskDeployment(bob.twinId, 1, 'wrong node');
    const contractId = await bob.createContract(a.node.nodeId, d);
    await bob.call(b.twinId, 'zos.deployment.deploy', bob.sign(d));
    const rec = await waitFor(b, bob.twinId, contractId, allIn('error'));
    expect(states(rec)).toEqual({ d1: ['error', 'invalid node address in contract'] });
    await b.node.flushOutbox();
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Created');
  });

  it("someone else's contract: the owner check refuses, the owner's contract is untouched", async () => {
    const { bob, charlie } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(bob.twinId, 3, 'owned by bob');
    const contractId = await bob.createContract(node.node.nodeId, d);
    const forged = charlie.sign({ ...d, twin_id: charlie.twinId, signature_requirement: { requests: [{ twin_id: charlie.twinId, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' } });
    await charlie.call(node.twinId, 'zos.deployment.deploy', forged);
    const rec = await waitFor(node, charlie.twinId, contractId, allIn('error'));
    expect(states(rec)).toEqual({ d1: ['error', `contract owner twin mismatch (contract: ${bob.twinId}, deployment: ${charlie.twinId})`] });
    await node.node.flushOutbox();
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Created');
    // the owner still deploys on it
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
  });

  it('missing contract: failed to get deployment contract', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[1]!;
    const d = { ...diskDeployment(bob.twinId, 1, 'no contract'), contract_id: 999_999 };
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    const rec = await waitFor(node, bob.twinId, 999_999n, allIn('error'));
    expect(states(rec)).toEqual({ d1: ['error', 'failed to get deployment contract: object not found'] });
  });
});

describe('public IPs', () => {
  it('the chain refuses a contract when the farm has no free IP left', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[1]!;
    const farm = await grid.client.getFarm((await grid.client.getNode(node.node.nodeId))!.farmId);
    const free = farm!.publicIps.filter((p) => p.contractId === 0n).length;
    expect(free).toBe(3);
    const holder = await charlie.createContract(node.node.nodeId, diskDeployment(charlie.twinId, 1, 'holds two IPs'), 2);
    const d = vmDeployment(charlie.twinId, { ips: 2, subnet: 31 });
    await expect(charlie.createContract(node.node.nodeId, d, 2)).rejects.toMatchObject({ upstream: 'FarmHasNotEnoughPublicIPsFree' });
    await charlie.cancel(holder);
  });

  it('more ip workloads than reserved IPs: the node refuses them with the zos text', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[1]!;
    const d = vmDeployment(charlie.twinId, { ips: 2, subnet: 32 });
    const contractId = await charlie.createContract(node.node.nodeId, d, 1);
    await charlie.call(node.twinId, 'zos.deployment.deploy', charlie.sign(d));
    const rec = await waitFor(node, charlie.twinId, contractId, (r) => r.job === null && r.workloads.every((w) => w.result.state !== 'init'));
    const s = states(rec);
    expect(s['pub0']).toEqual(['error', 'required 2 ips while contract has 1 ip reserved']);
    expect(s['pub1']).toEqual(['error', 'required 2 ips while contract has 1 ip reserved']);
    expect(s['disk']![0]).toBe('ok');
    expect(s['vm']![0]).toBe('error');
    await node.node.flushOutbox();
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Created'); // not every workload failed
  });
});

describe('contract lifecycle', () => {
  it('cancel: workloads deleted with the zos reason, IPs freed on chain', async () => {
    const { dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(dave.twinId, { ips: 1, subnet: 40 });
    const contractId = await dave.createContract(node.node.nodeId, d, 1);
    await dave.call(node.twinId, 'zos.deployment.deploy', dave.sign(d));
    await waitFor(node, dave.twinId, contractId, allIn('ok'));
    await dave.cancel(contractId);
    const rec = await waitFor(node, dave.twinId, contractId, allIn('deleted'));
    expect(new Set(rec.workloads.map((w) => w.result.message))).toEqual(new Set(['contract canceled event received']));
    // inactive deployments are hidden from list; get still shows them
    const list = await dave.call<Json[]>(node.twinId, 'zos.deployment.list', null);
    expect(list.map((x) => x['contract_id'])).not.toContain(Number(contractId));
    const farm = await grid.client.getFarm((await grid.client.getNode(node.node.nodeId))!.farmId);
    expect(farm!.publicIps.some((p) => p.contractId === contractId)).toBe(false);
  });

  it('a contract whose deployment never arrives is cancelled by the node', async () => {
    const { dave } = grid.users;
    const node = await grid.startNode(1, { deploymentTimeoutMs: 1 });
    const d = diskDeployment(dave.twinId, 1, 'never sent');
    const contractId = await dave.createContract(node.node.nodeId, d, 0);
    await node.node.sync(); // notes the contract as waiting
    await new Promise((r) => setTimeout(r, 5));
    await node.node.sync(); // past the timeout
    await node.node.flushOutbox();
    await canceledByNode(contractId);
  });

  it('grace period pauses the workloads; paying the overdraft resumes them', async () => {
    const { dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(dave.twinId, { memoryGiB: 16, subnet: 41 });
    const contractId = await dave.createContract(node.node.nodeId, d, 0);
    await dave.call(node.twinId, 'zos.deployment.deploy', dave.sign(d));
    await waitFor(node, dave.twinId, contractId, allIn('ok'));
    await node.node.flushOutbox(); // deployed mark + used resources, which billing uses
    const alice = (await import('@sc4it/chain-sim')).devIdentity('alice');
    const acct = await grid.client.getAccount(dave.account.identity.publicKey);
    await sendCall(grid.client, dave.account.identity, { method: 'transfer', args: { to: alice.publicKey, amount: acct.balance - 10_000n } });
    for (let i = 0; i < 400 && (await grid.client.getContract(contractId))?.state.kind !== 'GracePeriod'; i++) await grid.client.warp(1800);
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('GracePeriod');
    const paused = await waitFor(node, dave.twinId, contractId, (r) => r.workloads.filter((w) => w.type !== 'network').every((w) => w.result.state === 'paused'));
    expect(paused.workloads.find((w) => w.name === 'vm')?.result.message).toBe('paused');
    await sendCall(grid.client, alice, { method: 'fund', args: { to: dave.account.identity.publicKey, amount: 100_000n * 10_000_000n } });
    for (let i = 0; i < 50 && (await grid.client.getContract(contractId))?.state.kind === 'GracePeriod'; i++) await grid.client.warp(60);
    expect(['Created', 'Deployed']).toContain((await grid.client.getContract(contractId))?.state.kind);
    await waitFor(node, dave.twinId, contractId, allIn('ok'));
  });
  it('grace running out: the chain deletes the contract (out of funds) and the node deprovisions', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[1]!; // node 0 already runs dave's 16 GiB VM
    const d = vmDeployment(charlie.twinId, { memoryGiB: 16, subnet: 42 });
    const contractId = await charlie.createContract(node.node.nodeId, d, 0);
    await charlie.call(node.twinId, 'zos.deployment.deploy', charlie.sign(d));
    await waitFor(node, charlie.twinId, contractId, allIn('ok'));
    await node.node.flushOutbox();
    const alice = (await import('@sc4it/chain-sim')).devIdentity('alice');
    const acct = await grid.client.getAccount(charlie.account.identity.publicKey);
    await sendCall(grid.client, charlie.account.identity, { method: 'transfer', args: { to: alice.publicKey, amount: acct.balance - 10_000n } });
    for (let i = 0; i < 400 && (await grid.client.getContract(contractId))?.state.kind !== 'GracePeriod'; i++) await grid.client.warp(1800);
    await waitFor(node, charlie.twinId, contractId, (r) => r.workloads.some((w) => w.result.state === 'paused'));
    for (let i = 0; i < 100 && (await grid.client.getContract(contractId)) !== null; i++) await grid.client.warp(1800);
    const gone = grid.chain.eventsFrom(0).find((e) => e.name === 'NodeContractCanceled' && e.data['contractId'] === contractId);
    expect(gone?.data['cause']).toBe('OutOfFunds');
    const rec = await waitFor(node, charlie.twinId, contractId, allIn('deleted'));
    expect(rec.workloads[0]!.result.message).toBe('contract canceled event received');
  });
});
