import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevChain, type Chain } from '@sc4it/chain-sim';
import { signDeployment } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { sendCall, utf8ToBytes, type ChainClient, type Contract, type Deployment, type DevChainClient } from '@sc4it/types';
import { ReferenceNode, type NodeLogEvent } from '../src/node.ts';
import { diskDeployment, GiB, type Json } from './harness.ts';

// Two `zos.deployment.update` commands for one deployment accepted before the node ran the first:
// zos queues both and runs them in arrival order (zosbase engine.go `Update` enqueues a job per
// call; `Run` dequeues every job, also when its plan fails: "failed to get update procedure").
// Expected states come from the spec: §6.3 (a job whose contract hash is not its own fails every
// workload with "contract hash does not match deployment hash"), §6.7 (update steps, removal
// reason "deleted by an update", version texts).

type Dev = Awaited<ReturnType<typeof createDevChain>>['dev'];

/** Holds the next `getContract` of one contract: before reading the chain, or after. */
class Gate {
  #armed: { id: bigint; when: 'before' | 'after'; reached: () => void; released: Promise<void> } | null = null;
  arm(id: bigint, when: 'before' | 'after'): { reached: Promise<void>; release: () => void } {
    let reached!: () => void;
    let release!: () => void;
    const r = new Promise<void>((res) => (reached = res));
    const released = new Promise<void>((res) => (release = res));
    this.#armed = { id, when, reached, released };
    return { reached: r, release };
  }
  wrap(inner: ChainClient): ChainClient {
    return new Proxy(inner, {
      get: (target, prop) => {
        // no event stream: the test decides when the node looks at the chain
        if (prop === 'subscribeEvents') return async () => async () => {};
        if (prop === 'getContract') {
          return async (id: bigint): Promise<Contract | null> => {
            const h = this.#armed;
            if (h === null || h.id !== id) return target.getContract(id);
            this.#armed = null;
            if (h.when === 'before') {
              h.reached();
              await h.released;
              return target.getContract(id);
            }
            const c = await target.getContract(id);
            h.reached();
            await h.released;
            return c;
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

describe('back-to-back updates of one deployment', () => {
  let chain: Chain;
  let client: DevChainClient;
  let dev: Dev;
  let root: string;
  const nodes: ReferenceNode[] = [];

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'node-ref-update-queue-'));
    ({ chain, client, dev } = await createDevChain({}, { nodes: 1, publicIps: 0 }));
  });
  afterAll(async () => {
    for (const n of nodes) await n.stop();
    chain.close();
    await rm(root, { recursive: true, force: true });
  });

  function startNode(stateDir: string, gate: Gate, log: NodeLogEvent[]): Promise<ReferenceNode> {
    const n = dev.nodes[0]!;
    const node = new ReferenceNode({
      chain: gate.wrap(client),
      identity: n.account.identity,
      twinId: n.twinId,
      nodeId: n.id,
      stateDir,
      options: { sync: true, syncIntervalMs: 0, reportCheckIntervalMs: 0, log: (e) => log.push(e) },
    });
    return node.start().then(() => node);
  }

  const bob = () => dev.accounts.bob;
  const sign = (d: Json): string =>
    JSON.stringify(signDeployment(d as unknown as Deployment, bob().twinId, bob().identity));
  async function createContract(d: Json): Promise<bigint> {
    const r = await sendCall(client, bob().identity, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: deploymentHash(d), deploymentData: utf8ToBytes(''), publicIps: 0 },
    });
    const id = BigInt(r.result as bigint);
    d['contract_id'] = Number(id);
    return id;
  }
  async function updateContract(contractId: bigint, d: Json): Promise<void> {
    await sendCall(client, bob().identity, {
      method: 'updateNodeContract',
      args: { contractId, deploymentHash: deploymentHash(d), deploymentData: utf8ToBytes('') },
    });
  }
  function version(d: Json, v: number, workloads: Json[]): Json {
    const n = clone(d);
    n['version'] = v;
    n['workloads'] = workloads;
    n['signature_requirement'] = { ...(n['signature_requirement'] as Json), signatures: [] };
    return n;
  }
  const volume = (name: string, v: number): Json => ({ version: v, name, type: 'volume', metadata: '', description: '', data: { size: GiB } });
  const disk = (v: number, sizeGiB: number): Json => ({ version: v, name: 'd1', type: 'zmount', metadata: '', description: '', data: { size: sizeGiB * GiB } });

  async function deployV0(node: ReferenceNode, description: string): Promise<{ d: Json; contractId: bigint }> {
    const d = diskDeployment(bob().twinId, 1, description);
    const contractId = await createContract(d);
    expect(await node.handleCommand(bob().twinId, 'zos.deployment.deploy', sign(d))).toBeNull();
    await node.flushOutbox();
    expect(node.record(bob().twinId, contractId)!.workloads.map((w) => w.result.state)).toEqual(['ok']);
    return { d, contractId };
  }

  it('runs both in arrival order, and a node restarted mid-queue loses and repeats nothing', async () => {
    const dir = join(root, 'a');
    const gate = new Gate();
    const log: NodeLogEvent[] = [];
    const first = await startNode(dir, gate, log);
    const { d, contractId } = await deployV0(first, 'two updates');
    const twin = bob().twinId;

    // v1 is picked up but waits before reading its contract; v2 arrives meanwhile. v2 follows
    // §6.7 against the stored deployment (version 1, workloads of v0), as zos checks it.
    const held = gate.arm(contractId, 'before');
    const v1 = version(d, 1, [disk(1, 2), volume('a', 1)]);
    await updateContract(contractId, v1);
    expect(await first.handleCommand(twin, 'zos.deployment.update', sign(v1))).toBeNull();
    await held.reached;
    const v2 = version(d, 2, [disk(2, 3), volume('b', 2)]);
    await updateContract(contractId, v2);
    expect(await first.handleCommand(twin, 'zos.deployment.update', sign(v2))).toBeNull();

    // the node dies here (v1 never finishes on it); a new one starts on the same state directory
    const second = await startNode(dir, new Gate(), log);
    nodes.push(second);
    await second.idle();
    const rec = second.record(twin, contractId)!;
    expect(rec.job).toBeNull();
    expect(rec.next ?? []).toEqual([]);
    // v1 ran first and failed its hash check (the contract already holds v2's hash, §6.3) ...
    const d1States = rec.history.filter((h) => h.name === 'd1').map((h) => [h.version, h.result.state, h.result.message]);
    expect(d1States).toEqual([
      [0, 'init', ''],
      [0, 'ok', ''],
      [0, 'error', 'contract hash does not match deployment hash'],
      [2, 'ok', ''],
    ]);
    // ... then v2 was applied: exactly v2's workloads, all ok; v1's volume never existed
    expect(rec.history.some((h) => h.name === 'a')).toBe(false);
    const got = second.get(twin, contractId) as Json;
    expect(got['version']).toBe(2);
    expect((got['workloads'] as Json[]).map((w) => [w['name'], w['version'], Number((w['data'] as Json)['size']), (w['result'] as Json)['state']])).toEqual([
      ['d1', 2, 3 * GiB, 'ok'],
      ['b', 2, GiB, 'ok'],
    ]);
    const onChain = await client.getContract(contractId);
    expect(onChain?.contractType.kind === 'node' && onChain.contractType.deploymentHash).toBe(rec.hash);
    // a failing first job with a later one queued does not give the contract back
    await second.flushOutbox();
    expect(['Created', 'Deployed']).toContain((await client.getContract(contractId))?.state.kind);

    // restart again: nothing pending, nothing re-run
    const historyLen = rec.history.length;
    await second.stop();
    nodes.pop();
    const third = await startNode(dir, new Gate(), log);
    nodes.push(third);
    await third.idle();
    const again = third.record(twin, contractId)!;
    expect(again.job).toBeNull();
    expect(again.history).toHaveLength(historyLen);
    expect(third.get(twin, contractId)).toEqual(got);
  });

  it('a queued update whose plan fails once the earlier one is applied is dropped, not retried', async () => {
    const dir = join(root, 'b');
    const gate = new Gate();
    const log: NodeLogEvent[] = [];
    const first = await startNode(dir, gate, log);
    nodes.push(first);
    const { d, contractId } = await deployV0(first, 'plan fails later');
    const twin = bob().twinId;

    // v1 reads its contract (hash of v1: valid) and waits; v2 arrives. v2 keeps d1 unbumped,
    // which is fine against the stored v0 workloads but not after v1 removed d1 (§6.7: a new name
    // must carry the new version).
    const held = gate.arm(contractId, 'after');
    const v1 = version(d, 1, [volume('a', 1)]);
    await updateContract(contractId, v1);
    expect(await first.handleCommand(twin, 'zos.deployment.update', sign(v1))).toBeNull();
    await held.reached;
    const v2 = version(d, 2, [disk(0, 1), volume('b', 2)]);
    await updateContract(contractId, v2);
    expect(await first.handleCommand(twin, 'zos.deployment.update', sign(v2))).toBeNull();
    held.release();
    await first.idle();

    const rec = first.record(twin, contractId)!;
    expect(rec.job).toBeNull();
    expect(rec.next ?? []).toEqual([]);
    expect(rec.head.version).toBe(2);
    // v1 applied: d1 removed, a added; v2 changed nothing
    expect(rec.workloads.map((w) => [w.name, w.result.state])).toEqual([['a', 'ok']]);
    expect(rec.history.filter((h) => h.name === 'd1').at(-1)!.result).toMatchObject({ state: 'deleted', message: 'deleted by an update' });
    expect(rec.history.some((h) => h.name === 'b')).toBe(false);
    const planLog = log.filter((e) => e.msg.startsWith('failed to get update procedure'));
    expect(planLog.map((e) => e.msg)).toEqual([
      "failed to get update procedure: invalid version number for workload 'd1' expected '2': upgrade validation error",
    ]);

    // after a restart the dropped job does not come back
    const historyLen = rec.history.length;
    await first.stop();
    nodes.pop();
    const second = await startNode(dir, new Gate(), log);
    nodes.push(second);
    await second.idle();
    const again = second.record(twin, contractId)!;
    expect(again.job).toBeNull();
    expect(again.history).toHaveLength(historyLen);
    expect(log.filter((e) => e.msg.startsWith('failed to get update procedure'))).toHaveLength(1);
  });
});
