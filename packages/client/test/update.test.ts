import { deploymentHash } from '@sc4it/hash';
import type { ChainClient, Deployment, DevChainClient, Workload } from '@sc4it/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeployFailure, GridClient } from '../src/index.ts';
import { updateStatus } from '../src/update-wait.ts';
import { startGrid, type Grid } from './harness.ts';

const GIB = 2 ** 30;

/**
 * The node's chain client with a latch on `getContract` for one contract: while it is held, the
 * node has accepted an update (and stored its new version) but its job cannot run. This is the
 * real chain-sim behind a pause, not a mock: it only makes the node's own ordering observable.
 */
function latchedChain(client: DevChainClient) {
  let hold: { contractId: bigint; released: Promise<void>; release: () => void } | null = null;
  const chain = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'getContract') {
        return async (id: bigint) => {
          if (hold !== null && hold.contractId === id) await hold.released;
          return target.getContract(id);
        };
      }
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as ChainClient;
  return {
    chain,
    hold(contractId: bigint): () => void {
      let release!: () => void;
      const released = new Promise<void>((r) => (release = r));
      hold = { contractId, released, release };
      return () => {
        release();
        hold = null;
      };
    },
  };
}

let grid: Grid;
let latch: ReturnType<typeof latchedChain>;

beforeAll(async () => {
  grid = await startGrid({
    farms: [1],
    nodeFarms: [0],
    nodeChain: (_i, client) => (latch = latchedChain(client)).chain,
  });
});
afterAll(async () => {
  await grid?.stop();
});

async function connect(): Promise<GridClient> {
  const user = await grid.newUser();
  return GridClient.connect({ chain: grid.client, identity: user.identity, relay: grid.relay.url });
}

const byName = (d: Deployment) => Object.fromEntries(d.workloads.map((w) => [w.name, { version: w.version, state: w.result?.state, size: w.type === 'zmount' ? (w.data as { size: number }).size : undefined }]));

describe('update() returns only once the node has applied the update', () => {
  it('waits past the accepted-but-not-applied state: the added and the changed workload are in the result', async () => {
    const c = await connect();
    const node = grid.nodes[0]!;
    const r = await c.deploy({ nodeId: node.id, deployment: c.vm({ name: 'app', disks: [{ size: '10G', mountpoint: '/data' }] }) });
    const extra = c.vm({ name: 'app', disks: [{ size: '10G', mountpoint: '/data' }, { size: '5G', mountpoint: '/logs' }] }).workloads.find((w) => w.name === 'app_disk1')!;

    // hold the node's job for this contract until the client has looked at least once
    const release = latch.hold(r.contractId);
    const looked: string[] = [];
    const u = await c.update(
      r.contractId,
      (d) => {
        (d.workloads.find((w) => w.name === 'app_disk0')!.data as { size: number }).size = 20 * GIB;
        d.workloads.push(extra);
      },
      {
        onProgress: (p) => {
          if (p.step !== 'wait') return;
          looked.push(p.message);
          release();
        },
      },
    );
    // the client saw the node in its in-between state (new version, old workloads) and kept waiting
    expect(looked[0]).toMatch(/app_disk0:ok/);
    expect(looked[0]).not.toMatch(/app_disk1/);
    // what update() returns is the applied update, as the node reports it
    expect(u.deployment.version).toBe(1);
    expect(byName(u.deployment)).toEqual({
      net_app: { version: 0, state: 'ok', size: undefined },
      app_disk0: { version: 1, state: 'ok', size: 20 * GIB },
      app_disk1: { version: 1, state: 'ok', size: 5 * GIB },
      app: { version: 0, state: 'ok', size: undefined },
    });
    // and the node's own copy says the same; the contract holds the hash of the sent document
    expect(byName(await c.getDeployment(r.contractId))).toEqual(byName(u.deployment));
    const contract = await grid.client.getContract(r.contractId);
    expect(contract?.contractType.kind === 'node' && contract.contractType.deploymentHash).toBe(deploymentHash(u.deployment));
    await c.cancel(r.contractId);
    await c.close();
  });

  it('names the workload and the node message when the update fails on the node', async () => {
    const c = await connect();
    const node = grid.nodes[0]!;
    const r = await c.deploy({ nodeId: node.id, deployment: c.vm({ name: 'big', disks: [{ size: '10G', mountpoint: '/data' }] }) });
    // the node has 1024 GiB of SSD: growing the disk to 4 TiB cannot be provisioned
    const err = await c
      .update(r.contractId, (d) => {
        (d.workloads.find((w) => w.name === 'big_disk0')!.data as { size: number }).size = 4096 * GIB;
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployFailure);
    expect(err).toMatchObject({ code: 'deployment.workload_failed', contractId: r.contractId, message: expect.stringMatching(/^the update to version 1 failed: workload 'big_disk0' is error on node \d+: .+/) });
    const onNode = (err as DeployFailure).deployment!.workloads.find((w) => w.name === 'big_disk0')!;
    expect(onNode.version).toBe(1);
    expect(onNode.result?.state).toBe('error');
    expect((err as DeployFailure).upstream).toBe(onNode.result?.message);
    await c.cancel(r.contractId);
    await c.close();
  });
});

describe('updateStatus (the update rule, deployment-hash.md §6.7, on hand-made node reports)', () => {
  const wl = (name: string, version: number, state?: string, message = ''): Workload =>
    ({ name, type: 'zmount', version, data: { size: 1 }, metadata: '', description: '', ...(state === undefined ? {} : { result: { created: 1, state, message, data: null } }) }) as unknown as Workload;
  const dep = (version: number, workloads: Workload[]): Deployment => ({ version, twin_id: 1, contract_id: 1, metadata: '', description: '', expiration: 0, signature_requirement: { requests: [], weight_required: 1, signatures: [], signature_style: '' }, workloads });
  // sent: a (unchanged, v0), b (changed, v1), c (added, v1); d removed
  const sent = dep(1, [wl('a', 0), wl('b', 1), wl('c', 1)]);
  const removed = ['d'];

  it('accepted, not applied: new deployment version, old workloads all ok → pending', () => {
    const view = dep(1, [wl('a', 0, 'ok'), wl('b', 0, 'ok'), wl('d', 0, 'ok')]);
    expect(updateStatus(sent, removed, view, undefined)).toEqual({
      kind: 'pending',
      reasons: ["'d' is not removed yet (ok)", "'b' is at version 0 on the node (sent 1)", "'c' is not on the node yet"],
    });
  });

  it('a changed workload with the new version but its old result → pending until the history has a result for it', () => {
    const view = dep(1, [wl('a', 0, 'ok'), wl('b', 1, 'ok'), wl('c', 1, 'ok')]);
    expect(updateStatus(sent, removed, view, undefined)).toEqual({ kind: 'need-history' });
    const history = [wl('a', 0, 'init'), wl('b', 0, 'init'), wl('a', 0, 'ok'), wl('b', 0, 'ok'), wl('d', 0, 'ok'), wl('d', 0, 'deleted'), wl('c', 1, 'init'), wl('c', 1, 'ok')];
    expect(updateStatus(sent, removed, view, history)).toEqual({ kind: 'pending', reasons: ["'b' version 1 is not applied yet"] });
    expect(updateStatus(sent, removed, view, [...history, wl('b', 1, 'ok')])).toEqual({ kind: 'done' });
  });

  it('a removed workload still listed as deleted counts as removed', () => {
    const view = dep(1, [wl('a', 0, 'ok'), wl('b', 1, 'ok'), wl('c', 1, 'ok'), wl('d', 0, 'deleted')]);
    expect(updateStatus(sent, removed, view, [wl('b', 1, 'ok'), wl('c', 1, 'ok')])).toEqual({ kind: 'done' });
  });

  it('failures: a bumped workload in error at its new version, an untouched one still in error, everything deleted', () => {
    const view = dep(1, [wl('a', 0, 'ok'), wl('b', 1, 'error', 'no space'), wl('c', 1, 'ok')]);
    expect(updateStatus(sent, removed, view, [wl('b', 1, 'error', 'no space'), wl('c', 1, 'ok')])).toEqual({ kind: 'failed', workload: 'b', state: 'error', message: 'no space' });
    // b still shows its old error while the node works on version 1: not a failure yet
    expect(updateStatus(sent, removed, view, [wl('b', 0, 'error', 'old'), wl('c', 1, 'ok')])).toEqual({ kind: 'pending', reasons: ["'b' version 1 is not applied yet"] });
    const stuck = dep(1, [wl('a', 0, 'error', 'bad flist'), wl('b', 1, 'ok'), wl('c', 1, 'ok')]);
    expect(updateStatus(sent, removed, stuck, [wl('b', 1, 'ok'), wl('c', 1, 'ok')])).toEqual({ kind: 'failed', workload: 'a', state: 'error', message: 'bad flist' });
    const gone = dep(1, [wl('a', 0, 'deleted', 'contract cancelled'), wl('b', 0, 'deleted', 'contract cancelled')]);
    expect(updateStatus(sent, removed, gone, undefined)).toEqual({ kind: 'failed', workload: 'a', state: 'deleted', message: 'contract cancelled' });
  });
});
