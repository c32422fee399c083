import { verifyDeployment } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '@sc4it/types';
import { GridClient, TWIN_COMMANDS, TwinAgent, collectSignatures, commandTwin, signTwinCommand, unwrapReply, type NonceStore } from '../src/index.ts';
import { startGrid, type Grid } from './harness.ts';

let grid: Grid;

beforeAll(async () => {
  // node 1 checks signatures as zos does; node 2 by the weights-only rule
  grid = await startGrid({
    farms: [4],
    nodeFarms: [0, 0],
    nodeDeps: (i) =>
      i === 1
        ? {
            verifySignatures: async (d: unknown, keys: Parameters<typeof verifyDeployment>[1]) => {
              await verifyDeployment(d as Deployment, keys, { policy: 'strict-weights' });
            },
          }
        : undefined,
  });
});
afterAll(async () => {
  await grid?.stop();
});

async function connect(): Promise<GridClient> {
  const user = await grid.newUser();
  return GridClient.connect({ chain: grid.client, identity: user.identity, relay: grid.relay.url });
}

describe('2-of-3 multisig collected over the bus', () => {
  it('collects co-signatures from the co-signers digital twins and deploys', async () => {
    const [alice, bob, carol] = [await connect(), await connect(), await connect()];
    const bobAgent = new TwinAgent({ client: bob, authorized: [], cosign: [alice.twinId] }).start();
    const carolAgent = new TwinAgent({ client: carol, authorized: [] }).start(); // manual approval
    const signers = [
      { twinId: alice.twinId, weight: 1, required: true },
      { twinId: bob.twinId, weight: 1 },
      { twinId: carol.twinId, weight: 1 },
    ];
    const draft = alice.sign(alice.vm({ name: 'shared', signers, weightRequired: 2 }));
    expect((await alice.signatureStatus(draft, 'strict-weights')).weightCollected).toBe(1);

    // Bob's twin signs at once; Carol's waits for her approval: 2 of 3
    const got = await collectSignatures(alice, draft, { timeoutMs: 1500 });
    expect(got.signed).toEqual([bob.twinId]);
    expect(got.pending).toEqual([carol.twinId]);
    expect(carolAgent.proposals.map((p) => [p.id, p.status])).toEqual([[deploymentHash(draft), 'pending']]);
    const strict = await alice.signatureStatus(got.deployment, 'strict-weights');
    expect(strict).toMatchObject({ complete: true, weightCollected: 2, weightRequired: 2, signed: [alice.twinId, bob.twinId], missing: [carol.twinId] });

    // a zos node wants every listed signer (deployment-hash.md §5 quirk): refused before any contract
    const zos = await alice.signatureStatus(got.deployment, 'zos');
    expect(zos.complete).toBe(false);
    await expect(alice.deploy({ nodeId: grid.nodes[0]!.id, deployment: got.deployment })).rejects.toMatchObject({ upstream: 'failed to verify signature' });
    expect(await alice.listContracts()).toEqual([]);

    // the weights-rule node accepts 2 of 3
    const r = await alice.deploy({ nodeId: grid.nodes[1]!.id, deployment: got.deployment, policy: 'strict-weights' });
    expect(r.deployment.workloads.every((w) => w.result?.state === 'ok')).toBe(true);

    // Carol approves later: now the zos node accepts the same document (3 of 3)
    const id = carolAgent.proposals[0]!.id;
    carolAgent.approve(id);
    const all = await collectSignatures(alice, got.deployment, { twins: [carol.twinId], timeoutMs: 1500 });
    expect(all.signed).toEqual([carol.twinId]);
    expect((await alice.signatureStatus(all.deployment, 'zos')).complete).toBe(true);
    // same hash as before (signatures are not hashed), so a second contract on node 1 is allowed
    expect(deploymentHash(all.deployment)).toBe(deploymentHash(draft));
    const z = await alice.deploy({ nodeId: grid.nodes[0]!.id, deployment: all.deployment });
    expect(z.deployment.workloads.every((w) => w.result?.state === 'ok')).toBe(true);
    bobAgent.stop();
    carolAgent.stop();
    for (const c of [alice, bob, carol]) await c.close();
  });

  it('a co-signer refuses a request that is not from the deployment owner', async () => {
    const [alice, bob, mallory] = [await connect(), await connect(), await connect()];
    new TwinAgent({ client: bob, authorized: [], cosign: () => true }).start();
    const d = alice.sign(alice.vm({ name: 'x', signers: [{ twinId: alice.twinId, required: true }, { twinId: bob.twinId }] }));
    const res = await collectSignatures(mallory, d, { twins: [bob.twinId], timeoutMs: 1500 });
    expect(res.signed).toEqual([]);
    expect(res.refused).toEqual([{ twinId: bob.twinId, reason: expect.stringMatching(/^rpc\.unauthorized: only the deployment's owner/) }]);
    for (const c of [alice, bob, mallory]) await c.close();
  });
});

describe('digital twin: deploys, updates and cancels on signed commands', () => {
  it('runs an authorised command and refuses unauthorised, replayed, forged and stale ones', async () => {
    const [user, assistant, stranger] = [await connect(), await connect(), await connect()];
    const events: string[] = [];
    new TwinAgent({ client: user, authorized: [assistant.twinId], onEvent: (e) => events.push(e.kind) }).start();
    const node = grid.nodes[0]!;
    const vm = user.vm({ name: 'bytwin', publicIp: true });

    const deployed = await commandTwin<{ contractId: string; publicIps: { ip: string }[]; workloads: { state: string }[] }>(
      assistant.peer!, assistant.identity, user.twinId, 'deploy', { nodeId: node.id, deployment: vm },
    );
    expect(deployed.workloads.every((w) => w.state === 'ok')).toBe(true);
    const contract = await grid.client.getContract(BigInt(deployed.contractId));
    expect(contract?.twinId).toBe(user.twinId); // owned and paid by the user, not the assistant
    expect(deployed.publicIps).toHaveLength(1);

    // not authorised
    await expect(commandTwin(stranger.peer!, stranger.identity, user.twinId, 'contracts')).rejects.toMatchObject({ code: 'rpc.unauthorized' });
    // replay: the same signed command sent again
    const once = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {});
    const send = async (payload: unknown) => unwrapReply((await assistant.peer!.request(user.twinId, TWIN_COMMANDS.command, JSON.stringify(payload))).json());
    expect(await send(once)).toEqual([expect.objectContaining({ contractId: deployed.contractId })]);
    await expect(send(once)).rejects.toMatchObject({ code: 'rpc.replayed' });
    // forged: args changed after signing
    const forged = { ...signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'cancel', { contractId: '999' }), args: { contractId: deployed.contractId } };
    await expect(send(forged)).rejects.toMatchObject({ code: 'crypto.bad_signature' });
    // stale
    const stale = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {}, Math.floor(Date.now() / 1000) - 3600);
    await expect(send(stale)).rejects.toMatchObject({ code: 'rpc.expired' });
    // signed by the assistant but relayed by the stranger
    const relayed = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {});
    await expect((async () => unwrapReply((await stranger.peer!.request(user.twinId, TWIN_COMMANDS.command, JSON.stringify(relayed))).json()))()).rejects.toMatchObject({ code: 'rpc.unauthorized' });
    expect(await grid.client.getContract(BigInt(deployed.contractId))).not.toBeNull();

    // update (grow the VM's memory is not updatable on zos; add a disk instead)
    const withDisk = user.vm({ name: 'bytwin', publicIp: true, disks: [{ size: '5G', mountpoint: '/extra' }] });
    const current = await user.getDeployment(BigInt(deployed.contractId));
    const next = { ...current, workloads: [...current.workloads.map((w) => ({ ...w })), withDisk.workloads.find((w) => w.type === 'zmount')!] };
    const updated = await commandTwin<{ version: number; changes: string[]; workloads: { name: string; version: number; state: string }[] }>(
      assistant.peer!, assistant.identity, user.twinId, 'update', { contractId: deployed.contractId, deployment: next },
    );
    expect(updated.version).toBe(1);
    expect(updated.changes).toContain("workload 'bytwin_disk0' (\"zmount\") is added");
    // the reply comes once the node has applied the update: the added disk is there, at version 1, ok
    expect(updated.workloads.map((w) => [w.name, w.version, w.state])).toEqual([
      ...current.workloads.map((w) => [w.name, 0, 'ok']),
      ['bytwin_disk0', 1, 'ok'],
    ]);
    expect((await user.getDeployment(BigInt(deployed.contractId))).workloads.find((w) => w.name === 'bytwin_disk0')?.result?.state).toBe('ok');

    const cancelled = await commandTwin<{ freedIps: string[] }>(assistant.peer!, assistant.identity, user.twinId, 'cancel', { contractId: deployed.contractId });
    expect(cancelled.freedIps).toEqual(deployed.publicIps.map((p) => p.ip));
    expect((await grid.client.getContract(BigInt(deployed.contractId)))?.state.kind ?? 'Deleted').toBe('Deleted');
    expect(events.filter((e) => e === 'refused').length).toBe(5);
    for (const c of [user, assistant, stranger]) await c.close();
  });
});

describe('digital twin restarts: a captured command is not accepted again', () => {
  const sendAs = (from: GridClient, to: number) => async (payload: unknown) => unwrapReply((await from.peer!.request(to, TWIN_COMMANDS.command, JSON.stringify(payload))).json());

  it('with a nonce store: a replay after the restart is refused, a command still in flight is not', async () => {
    const [user, assistant] = [await connect(), await connect()];
    const kept: { saved: Record<string, number> } = { saved: {} };
    const store: NonceStore = { load: () => ({ ...kept.saved }), save: (n) => void (kept.saved = { ...n }) };
    const first = new TwinAgent({ client: user, authorized: [assistant.twinId], nonceStore: store }).start();
    const send = sendAs(assistant, user.twinId);
    const captured = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {});
    const inFlight = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {});
    expect(await send(captured)).toEqual([]);
    expect(Object.keys(kept.saved)).toEqual([`${assistant.twinId}:${captured.nonce}`]);
    first.stop();
    // "restart": a new agent for the same user, with the same store (the process state is gone)
    const second = new TwinAgent({ client: user, authorized: [assistant.twinId], nonceStore: store }).start();
    await expect(send(captured)).rejects.toMatchObject({ code: 'rpc.replayed' });
    expect(await send(inFlight)).toEqual([]); // signed before the restart, never received: accepted once
    await expect(send(inFlight)).rejects.toMatchObject({ code: 'rpc.replayed' });
    second.stop();
    // a store that cannot record: the command is refused and not run
    const broken = new TwinAgent({ client: user, authorized: [assistant.twinId], nonceStore: { load: () => ({}), save: () => { throw new Error('disk full'); } } }).start();
    const cancel = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'cancel', { contractId: '1' });
    await expect(send(cancel)).rejects.toMatchObject({ code: 'rpc.nonce_store', message: expect.stringContaining('disk full') });
    broken.stop();
    for (const c of [user, assistant]) await c.close();
  });

  it('without a store: commands issued before the agent started are refused', async () => {
    const [user, assistant] = [await connect(), await connect()];
    const send = sendAs(assistant, user.twinId);
    const now = Math.floor(Date.now() / 1000);
    // fresh by the 300 s rule, but from before this agent existed: its nonce could have been seen by an earlier run
    const captured = signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {}, now - 10);
    const agent = new TwinAgent({ client: user, authorized: [assistant.twinId] }).start();
    await expect(send(captured)).rejects.toMatchObject({ code: 'rpc.before_start' });
    expect(await send(signTwinCommand(assistant.identity, assistant.twinId, user.twinId, 'contracts', {}))).toEqual([]);
    agent.stop();
    for (const c of [user, assistant]) await c.close();
  });
});

describe('digital twin collects co-signatures', () => {
  it('on a deploy command for a multisig deployment, gathers the co-signers over the bus, then deploys', async () => {
    const [user, assistant, cosigner] = [await connect(), await connect(), await connect()];
    new TwinAgent({ client: user, authorized: [assistant.twinId], cosignTimeoutMs: 5000 }).start();
    new TwinAgent({ client: cosigner, authorized: [], cosign: [user.twinId] }).start();
    // built for the user: owner + cosigner, both needed (a zos node checks both)
    const doc = user.vm({ name: 'jointvm', signers: [{ twinId: user.twinId, required: true }, { twinId: cosigner.twinId, required: true }] });
    const r = await commandTwin<{ contractId: string; cosigned: number[]; workloads: { state: string }[] }>(assistant.peer!, assistant.identity, user.twinId, 'deploy', {
      nodeId: grid.nodes[0]!.id, // zos rule
      deployment: doc,
    });
    expect(r.cosigned).toEqual([cosigner.twinId]);
    expect(r.workloads.every((w) => w.state === 'ok')).toBe(true);
    const running = await user.getDeployment(BigInt(r.contractId));
    expect(running.signature_requirement.signatures.map((x) => x.twin_id).sort()).toEqual([user.twinId, cosigner.twinId].sort());
    expect((await user.signatureStatus(running, 'zos')).complete).toBe(true);
    for (const c of [user, assistant, cosigner]) await c.close();
  });
});

describe('update and verify', () => {
  it('shows the changes, bumps versions, updates the hash and verifies a file in plain words', async () => {
    const c = await connect();
    const node = grid.nodes[0]!;
    const r = await c.deploy({ nodeId: node.id, deployment: c.vm({ name: 'app', disks: [{ size: '10G', mountpoint: '/data' }] }) });
    const seen: string[] = [];
    const u = await c.update(
      r.contractId,
      (d) => {
        const disk = d.workloads.find((w) => w.type === 'zmount')!;
        (disk.data as { size: number }).size = 20 * 2 ** 30;
      },
      { confirm: (changes) => (seen.push(...changes.map((x) => x.text)), true) },
    );
    expect(seen).toEqual(['version changes from 0 to 1', "workload 'app_disk0' version changes from 0 to 1", "workload 'app_disk0' data.size changes from 10737418240 to 21474836480"]);
    expect(u.deployment.version).toBe(1);
    expect(u.deployment.workloads.find((w) => w.name === 'app_disk0')?.version).toBe(1);
    // applied, not only accepted: the disk's new size is on the node with a result for version 1
    expect(u.deployment.workloads.find((w) => w.name === 'app_disk0')).toMatchObject({ data: { size: 20 * 2 ** 30 }, result: { state: 'ok' } });
    expect((await c.getChanges(r.contractId)).filter((w) => w.name === 'app_disk0').map((w) => [w.version, w.result?.state])).toEqual([[0, 'init'], [0, 'ok'], [1, 'ok']]);
    expect(u.deployment.workloads.find((w) => w.name === 'app')?.version).toBe(0);
    const contract = await grid.client.getContract(r.contractId);
    expect(contract?.contractType.kind === 'node' && contract.contractType.deploymentHash).toBe(deploymentHash(u.deployment));

    // verify: the node's copy is the truth
    const file = JSON.parse(JSON.stringify(u.deployment)) as Deployment;
    const good = await c.verify(file, r.contractId);
    expect(good.ok).toBe(true);
    expect(good.findings.map((f) => f.text)).toContain(`the file's hash ${deploymentHash(u.deployment)} matches the hash registered in contract ${r.contractId}`);
    // an edited file: the hash differs and the report names the field and both values
    (file.workloads.find((w) => w.type === 'zmachine')!.data as { compute_capacity: { memory: number } }).compute_capacity.memory = 8 * 2 ** 30;
    const bad = await c.verify(file, r.contractId);
    expect(bad.ok).toBe(false);
    const texts = bad.findings.filter((f) => !f.ok).map((f) => f.text);
    expect(texts[0]).toMatch(/^the file's hash [0-9a-f]{32} differs from the contract's hash [0-9a-f]{32}/);
    expect(texts).toContain("differs from what the node runs: workload 'app' data.compute_capacity.memory is 2147483648 on the node but 8589934592 in the file");
    expect(texts).toContain(`twin ${c.twinId} (weight 1, required) has a signature that does not verify against the twin's key on chain (wrong key, wrong key type, or the file changed after signing)`);
    // a third party can verify too (chain only: no access to the node's copy)
    const auditor = await connect();
    const third = await auditor.verify(JSON.stringify(u.deployment), r.contractId);
    expect(third.ok).toBe(true);
    expect(third.nodeCopy.available).toBe(false);
    await c.close();
    await auditor.close();
  });
});
