import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allIn, diskDeployment, GiB, startGrid, vmDeployment, waitFor, type Grid, type Json } from './harness.ts';

// Update rules and texts: deployment-hash.md §6.2 step 5 and §6.7 (zos `Upgrade`, wrapped by
// engine.go as "<text>: upgrade validation error"); multisig: §5 (zos `Verify`, quirks included).
let grid: Grid;
beforeAll(async () => {
  grid = await startGrid({ nodes: 1 });
});
afterAll(async () => {
  await grid?.close();
});

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('update', () => {
  it('bumps a disk, adds a volume, removes nothing; contract hash updated first', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(bob.twinId, 1, 'to update');
    const contractId = await bob.createContract(node.node.nodeId, d);
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await waitFor(node, bob.twinId, contractId, allIn('ok'));

    const next = clone(d);
    next['version'] = 1;
    const wls = next['workloads'] as Json[];
    wls[0]!['version'] = 1;
    (wls[0]!['data'] as Json)['size'] = 2 * GiB;
    wls.push({ version: 1, name: 'v2', type: 'volume', metadata: '', description: '', data: { size: GiB } });
    next['signature_requirement'] = { ...(next['signature_requirement'] as Json), signatures: [] };
    await bob.updateContract(contractId, next);
    expect(await bob.call(node.twinId, 'zos.deployment.update', bob.sign(next))).toBeNull();
    await waitFor(node, bob.twinId, contractId, (r) => r.head.version === 1 && allIn('ok')(r) && r.workloads.length === 2);
    const got = await bob.get(node, contractId);
    expect(got['version']).toBe(1);
    expect((got['workloads'] as Json[]).map((w) => [w['name'], w['version'], (w['data'] as Json)['size']])).toEqual([
      ['d1', 1, 2 * GiB],
      ['v2', 1, GiB],
    ]);
    const changes = await bob.call<Json[]>(node.twinId, 'zos.deployment.changes', { contract_id: Number(contractId) });
    expect(changes.filter((c) => c['name'] === 'd1').map((c) => (c['result'] as Json)['state'])).toEqual(['init', 'ok', 'ok']);

    // a second update that drops v2: removed with the zos reason, kept in the history
    const third = clone(next);
    third['version'] = 2;
    third['workloads'] = [(third['workloads'] as Json[])[0]];
    third['signature_requirement'] = { ...(third['signature_requirement'] as Json), signatures: [] };
    await bob.updateContract(contractId, third);
    await bob.call(node.twinId, 'zos.deployment.update', bob.sign(third));
    await waitFor(node, bob.twinId, contractId, (r) => r.head.version === 2 && r.workloads.length === 1 && r.job === null);
    const hist = await bob.call<Json[]>(node.twinId, 'zos.deployment.changes', { contract_id: Number(contractId) });
    const lastV2 = hist.filter((c) => c['name'] === 'v2').at(-1)!['result'] as Json;
    expect(lastV2).toMatchObject({ state: 'deleted', message: 'deleted by an update' });
  });

  it('removes first, in reverse type order; an unbumped workload keeps its result', async () => {
    // §6.7 / zosbase engine.go sortOperations: removals first in reverse install order (§6.4:
    // zmachine before zmount), then adds and updates; lower-version workloads are left untouched
    const { dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(dave.twinId, { subnet: 7, description: 'shrink' });
    const contractId = await dave.createContract(node.node.nodeId, d);
    await dave.call(node.twinId, 'zos.deployment.deploy', dave.sign(d));
    const before = await waitFor(node, dave.twinId, contractId, allIn('ok'));
    const netBefore = structuredClone(before.workloads.find((w) => w.type === 'network')!);
    const historyLen = before.history.length;

    const next = clone(d);
    next['version'] = 1;
    // document order: network (kept at version 0), then a new volume; disk and vm go away
    next['workloads'] = [
      (d['workloads'] as Json[])[0],
      { version: 1, name: 'extra', type: 'volume', metadata: '', description: '', data: { size: GiB } },
    ];
    next['signature_requirement'] = { ...(next['signature_requirement'] as Json), signatures: [] };
    await dave.updateContract(contractId, next);
    await dave.call(node.twinId, 'zos.deployment.update', dave.sign(next));
    const after = await waitFor(node, dave.twinId, contractId, (r) => r.head.version === 1 && r.job === null);
    const steps = after.history.slice(historyLen).map((h) => `${h.name}:${h.result.state}`);
    expect(steps).toEqual(['vm:deleted', 'disk:deleted', 'extra:init', 'extra:ok']);
    expect(after.workloads.map((w) => w.name)).toEqual([netBefore.name, 'extra']);
    expect(after.workloads[0]!.result).toEqual(netBefore.result);
    const got = await dave.get(node, contractId);
    expect((got['workloads'] as Json[]).map((w) => [w['name'], (w['result'] as Json)['state']])).toEqual([
      [netBefore.name, 'ok'],
      ['extra', 'ok'],
    ]);
  });

  it('refuses bad updates synchronously with the zos texts', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(bob.twinId, { subnet: 5 });
    const contractId = await bob.createContract(node.node.nodeId, d);
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
    const bump = (v: number, f?: (w: Json[]) => void): Json => {
      const n = clone(d);
      n['version'] = v;
      n['signature_requirement'] = { ...(n['signature_requirement'] as Json), signatures: [] };
      f?.(n['workloads'] as Json[]);
      return bob.sign(n);
    };
    await expect(bob.call(node.twinId, 'zos.deployment.update', bump(2))).rejects.toThrow(
      'expecting deployment version 1, got 2: upgrade validation error',
    );
    await expect(
      bob.call(node.twinId, 'zos.deployment.update', bump(1, (w) => {
        w.find((x) => x['name'] === 'vm')!['version'] = 1;
      })),
    ).rejects.toThrow("workload 'zmachine' does not support upgrade: upgrade validation error");
    await expect(
      bob.call(node.twinId, 'zos.deployment.update', bump(1, (w) => {
        w.push({ version: 0, name: 'late', type: 'zmount', metadata: '', description: '', data: { size: GiB } });
      })),
    ).rejects.toThrow("invalid version number for workload 'late' expected '1': upgrade validation error");
    const unknown = bob.sign({ ...clone(d), contract_id: 424242, version: 1, signature_requirement: { ...(d['signature_requirement'] as Json), signatures: [] } });
    await expect(bob.call(node.twinId, 'zos.deployment.update', unknown)).rejects.toThrow('deployment does not exist');
    expect(node.node.record(bob.twinId, contractId)?.head.version).toBe(0);
  });

  it('an update sent before update_node_contract fails the hash check; the node keeps the contract and a good update recovers', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(charlie.twinId, 1, 'forgot contract update');
    const contractId = await charlie.createContract(node.node.nodeId, d);
    await charlie.call(node.twinId, 'zos.deployment.deploy', charlie.sign(d));
    await waitFor(node, charlie.twinId, contractId, allIn('ok'));
    await node.node.flushOutbox();
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Deployed');
    const bumped = (v: number, size: number): Json => {
      const n = clone(d);
      n['version'] = v;
      (n['workloads'] as Json[])[0]!['version'] = v;
      ((n['workloads'] as Json[])[0]!['data'] as Json)['size'] = size;
      n['signature_requirement'] = { ...(n['signature_requirement'] as Json), signatures: [] };
      return n;
    };
    const next = bumped(1, 3 * GiB);
    await charlie.call(node.twinId, 'zos.deployment.update', charlie.sign(next));
    // §6.3 step 4 (zos engine.go `validate` + storage `Error`): every workload `error` with the text
    const rec = await waitFor(node, charlie.twinId, contractId, (r) => r.job === null && allIn('error')(r));
    expect(rec.workloads.map((w) => w.result.message)).toEqual(['contract hash does not match deployment hash']);
    // the node never gives back a contract whose deployment has served: no cancel is queued or sent
    await node.node.flushOutbox();
    expect(node.node.stats().outbox).toBe(0);
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Deployed');
    const cancels = grid.chain.eventsFrom(0).filter((e) => /Cancel/.test(e.name) && e.data['contractId'] === contractId);
    expect(cancels).toEqual([]);
    // the user does it right: next version, contract hash first, then the update (§6.7 client procedure)
    const fixed = bumped(2, 3 * GiB);
    await charlie.updateContract(contractId, fixed);
    await charlie.call(node.twinId, 'zos.deployment.update', charlie.sign(fixed));
    const back = await waitFor(node, charlie.twinId, contractId, (r) => r.head.version === 2 && r.job === null && allIn('ok')(r));
    expect(back.workloads.map((w) => [w.name, w.version, Number((w.data as Json)['size'])])).toEqual([['d1', 2, 3 * GiB]]);
    const states = ((await charlie.call<Json[]>(node.twinId, 'zos.deployment.changes', { contract_id: Number(contractId) })) as Json[]).map(
      (c) => (c['result'] as Json)['state'],
    );
    expect(states).toEqual(['init', 'ok', 'error', 'ok']);
  });

  it('an update whose every workload fails at provisioning does not make the node cancel a deployment that served', async () => {
    const { dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(dave.twinId, 1, 'grows too much');
    const contractId = await dave.createContract(node.node.nodeId, d);
    await dave.call(node.twinId, 'zos.deployment.deploy', dave.sign(d));
    await waitFor(node, dave.twinId, contractId, allIn('ok'));
    const next = clone(d);
    next['version'] = 1;
    (next['workloads'] as Json[])[0]!['version'] = 1;
    // more than the node's whole SSD (1 TiB in chain-sim's dev grid): the storage refuses it (§6.5)
    ((next['workloads'] as Json[])[0]!['data'] as Json)['size'] = 2048 * GiB;
    next['signature_requirement'] = { ...(next['signature_requirement'] as Json), signatures: [] };
    await dave.updateContract(contractId, next);
    await dave.call(node.twinId, 'zos.deployment.update', dave.sign(next));
    const rec = await waitFor(node, dave.twinId, contractId, (r) => r.head.version === 1 && r.job === null && allIn('error')(r));
    expect(rec.workloads[0]!.result.message).toBe('not enough space left in pools');
    await node.node.flushOutbox();
    expect((await grid.client.getContract(contractId))?.state.kind).toBe('Deployed');
  });
});

describe('multisig (zos rule)', () => {
  const multisig = (owner: number, a: number, b: number): Json => ({
    ...diskDeployment(owner, 1, 'two of three'),
    signature_requirement: {
      requests: [
        { twin_id: owner, required: true, weight: 1 },
        { twin_id: a, required: false, weight: 1 },
        { twin_id: b, required: false, weight: 2 },
      ],
      weight_required: 3,
      signatures: [],
      signature_style: '',
    },
  });

  it('refuses when a listed co-signer has not signed (every request needs a valid signature)', async () => {
    const { bob, charlie, dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = multisig(bob.twinId, charlie.twinId, dave.twinId);
    await bob.createContract(node.node.nodeId, d);
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d))).rejects.toThrow('failed to verify signature');
    const twoOfThree = charlie.sign(bob.sign(d));
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', twoOfThree)).rejects.toThrow('failed to verify signature');
  });

  it('accepts with every listed twin signed, verified against their keys on chain', async () => {
    const { bob, charlie, dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = { ...multisig(bob.twinId, charlie.twinId, dave.twinId), description: 'all signed' };
    const contractId = await bob.createContract(node.node.nodeId, d);
    const signed = dave.sign(charlie.sign(bob.sign(d)));
    await bob.call(node.twinId, 'zos.deployment.deploy', signed);
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
    // charlie's entry carrying dave's signature does not verify against charlie's key
    const tampered = clone(signed);
    (((tampered['signature_requirement'] as Json)['signatures'] as Json[])[1] as Json)['signature'] =
      (((signed['signature_requirement'] as Json)['signatures'] as Json[])[2] as Json)['signature'];
    await expect(bob.call(node.twinId, 'zos.deployment.deploy', tampered)).rejects.toThrow('failed to verify signature');
  });
});
