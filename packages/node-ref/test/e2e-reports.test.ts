import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allIn, diskDeployment, GiB, startGrid, vmDeployment, waitFor, type Grid, type Json } from './harness.ts';

// Report contents follow chain-and-billing.md §15 and deployment-hash.md §8.1–§8.4; the expected
// numbers are worked out here from the deployment and the chain's block times.
const RATE = 1000; // simulated public bytes per chain second per public workload
let grid: Grid;
beforeAll(async () => {
  grid = await startGrid({ nodes: 1, publicIps: 2, node: { trafficBytesPerSecond: RATE, nruPeriod: 3600, consumptionPeriod: 3600 } });
});
afterAll(async () => {
  await grid?.close();
});

describe('consumption reports', () => {
  it('sends NRU and seed consumption reports for the period, once, and the chain accepts them', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const d = vmDeployment(bob.twinId, { ips: 1 });
    const contractId = await bob.createContract(node.node.nodeId, d, 1);
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
    await waitFor(node, bob.twinId, contractId, allIn('ok'));
    await node.node.flushOutbox();

    await node.node.report(); // starts the clocks
    const t1 = (await grid.client.getBlock()).timestamp;
    await grid.client.warp(2 * 3600);
    const t2 = (await grid.client.getBlock()).timestamp;
    await node.node.report();
    await node.node.report(); // same chain time: nothing new
    await node.node.flushOutbox();

    const events = grid.chain.eventsFrom(0);
    const nru = events.filter((e) => e.name.startsWith('NruConsumptionReport') && (e.data['report'] as { contractId: bigint }).contractId === contractId);
    expect(nru).toHaveLength(1);
    // one public workload (the VM with a public IP) × rate × the window
    expect(nru[0]!.data['report']).toEqual({ contractId, timestamp: t2, window: t2 - t1, nru: BigInt(RATE * (t2 - t1)) });
    expect(nru[0]!.data['outcome']).toBe('accepted');

    const seed = events.filter((e) => e.name.startsWith('ConsumptionReport') && (e.data['report'] as { contractId: bigint }).contractId === contractId);
    expect(seed).toHaveLength(1);
    // §8.1: disk 10 GiB + VM root max(0, 500 MiB); 1 vCPU; 2 GiB RAM; nru = the running counter
    expect(seed[0]!.data['report']).toEqual({
      contractId,
      timestamp: Math.floor(t2 / 3600) * 3600,
      cru: 1n,
      sru: 10n * BigInt(GiB) + 500n * 2n ** 20n,
      hru: 0n,
      mru: 2n * BigInt(GiB),
      nru: BigInt(RATE * (t2 - t1)),
    });
    expect(seed[0]!.data['outcome']).toBe('accepted');
    expect(node.node.stats().outbox).toBe(0);
  });
});

describe('seed reports and updates (§8.4)', () => {
  it('a workload an update removed during the window still counts in that window', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(charlie.twinId, 1, 'removed in window');
    const contractId = await charlie.createContract(node.node.nodeId, d);
    await charlie.call(node.twinId, 'zos.deployment.deploy', charlie.sign(d));
    await waitFor(node, charlie.twinId, contractId, allIn('ok'));
    const next = JSON.parse(JSON.stringify(d)) as Json;
    next['version'] = 1;
    (next['workloads'] as Json[]).push({ version: 1, name: 'v2', type: 'volume', metadata: '', description: '', data: { size: 3 * GiB } });
    next['signature_requirement'] = { ...(next['signature_requirement'] as Json), signatures: [] };
    await charlie.updateContract(contractId, next);
    await charlie.call(node.twinId, 'zos.deployment.update', charlie.sign(next));
    await waitFor(node, charlie.twinId, contractId, (r) => r.head.version === 1 && allIn('ok')(r) && r.workloads.length === 2);

    await grid.client.warp(3600);
    await node.node.report(); // a window boundary passes: this window starts now
    await node.node.flushOutbox();
    const before = (await grid.client.getBlock()).number + 1;

    const third = JSON.parse(JSON.stringify(next)) as Json;
    third['version'] = 2;
    third['workloads'] = [(third['workloads'] as Json[])[0]];
    third['signature_requirement'] = { ...(third['signature_requirement'] as Json), signatures: [] };
    await charlie.updateContract(contractId, third);
    await charlie.call(node.twinId, 'zos.deployment.update', charlie.sign(third));
    await waitFor(node, charlie.twinId, contractId, (r) => r.head.version === 2 && r.workloads.length === 1 && r.job === null);

    await grid.client.warp(3600);
    const t = (await grid.client.getBlock()).timestamp;
    await node.node.report();
    await node.node.flushOutbox();
    const seed = grid.chain
      .eventsFrom(before)
      .filter((e) => e.name.startsWith('ConsumptionReport') && (e.data['report'] as { contractId: bigint }).contractId === contractId);
    expect(seed).toHaveLength(1);
    // d1 (1 GiB, still ok) + v2 (3 GiB, deleted by the update inside the window); no traffic
    expect(seed[0]!.data['report']).toEqual({
      contractId,
      timestamp: Math.floor(t / 3600) * 3600,
      cru: 0n,
      sru: 4n * BigInt(GiB),
      hru: 0n,
      mru: 0n,
      nru: 0n,
    });
  });
});

describe('seed reports after a jump in chain time', () => {
  // chain-and-billing.md §15: the seed chain priced a report over `secs = timestamp − last_updated`,
  // the time since the contract's previous report. So after a gap (node down, chain time jumping
  // ahead) one report at the current boundary covers the whole gap with its exact duration; the
  // node does not replay the boundaries it did not see (zos's seed reporter did not either), since
  // it would have to invent the usage of windows it never observed. §8.4: the report counts the
  // workloads `ok` now plus those deleted after the previous report, here during the gap.
  it('48 periods later: one report at the current boundary, spanning the 48 periods since the previous one', async () => {
    const { dave } = grid.users;
    const node = grid.nodes[0]!;
    const d = diskDeployment(dave.twinId, 1, 'across a gap');
    (d['workloads'] as Json[]).push({ version: 0, name: 'v2', type: 'volume', metadata: '', description: '', data: { size: 2 * GiB } });
    const contractId = await dave.createContract(node.node.nodeId, d);
    await dave.call(node.twinId, 'zos.deployment.deploy', dave.sign(d));
    await waitFor(node, dave.twinId, contractId, allIn('ok'));
    await node.node.flushOutbox();
    const from = (await grid.client.getBlock()).number + 1;
    await grid.client.warp(3600);
    const t1 = (await grid.client.getBlock()).timestamp;
    await node.node.report(); // a boundary: the report before the gap
    await node.node.flushOutbox();

    await grid.client.warp(48 * 3600);
    // during the gap an update removes the volume (§8.4: still counted, deleted in the window)
    const next = JSON.parse(JSON.stringify(d)) as Json;
    next['version'] = 1;
    next['workloads'] = [(next['workloads'] as Json[])[0]];
    next['signature_requirement'] = { ...(next['signature_requirement'] as Json), signatures: [] };
    await dave.updateContract(contractId, next);
    await dave.call(node.twinId, 'zos.deployment.update', dave.sign(next));
    await waitFor(node, dave.twinId, contractId, (r) => r.head.version === 1 && r.job === null && r.workloads.length === 1);
    const t2 = (await grid.client.getBlock()).timestamp;
    await node.node.report();
    await node.node.report(); // nothing more is due
    await node.node.flushOutbox();

    const seed = grid.chain
      .eventsFrom(from)
      .filter((e) => e.name.startsWith('ConsumptionReport') && (e.data['report'] as { contractId: bigint }).contractId === contractId)
      .map((e) => e.data['report'] as { timestamp: number; sru: bigint });
    expect(seed.map((r) => r.timestamp)).toEqual([Math.floor(t1 / 3600) * 3600, Math.floor(t2 / 3600) * 3600]);
    // the second report's span on the chain (§15 secs): the whole gap, 48 periods or more
    const span = seed[1]!.timestamp - seed[0]!.timestamp;
    expect(span).toBe(Math.floor(t2 / 3600) * 3600 - Math.floor(t1 / 3600) * 3600);
    expect(span >= 48 * 3600).toBe(true);
    // d1 (1 GiB, ok) + v2 (2 GiB, deleted by the update during the gap)
    expect(seed[0]!.sru).toBe(3n * BigInt(GiB));
    expect(seed[1]!.sru).toBe(3n * BigInt(GiB));
  });
});

// Reports decided while the chain cannot be reached wait in the node's outbox and are delivered
// when it comes back, once. The chain is chain-sim behind its JSON-RPC server; the outage is
// real (the server is closed and opened again on the same port). A reply lost after the chain
// applied the call cannot be produced on a real socket at a chosen moment, so that one case is
// simulated: a thin layer over the real client forwards the call, then throws the transport error
// the RPC client throws on a dropped connection. The chain's `duplicate` outcome must then make
// the redelivery harmless (chain-and-billing.md §15 report ledger; NRU reports keyed by
// contract and timestamp).
describe('reports across a chain outage', () => {
  it('queues the reports while the chain is down and delivers each exactly once when it is back', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { connectChain, createDevChain, serveChain } = await import('@sc4it/chain-sim');
    const { signDeployment } = await import('@sc4it/crypto');
    const { deploymentHash } = await import('@sc4it/hash');
    const { TransportError, sendCall, utf8ToBytes } = await import('@sc4it/types');
    const { reconnectingChain } = await import('../src/reconnecting-chain.ts');
    const { createNode } = await import('../src/create-node.ts');
    type ChainClient = import('@sc4it/types').ChainClient;
    type Deployment = import('@sc4it/types').Deployment;

    /** Holds the next submit (`hold`), or forwards it and then loses the reply (`loseReply`). */
    class SubmitLayer {
      #hold: { reached: () => void; released: Promise<void>; settled: (ok: boolean) => void } | null = null;
      readonly lose = new Set<string>();
      hold(): { reached: Promise<void>; release: () => void; settled: Promise<boolean> } {
        let reached!: () => void;
        let release!: () => void;
        let settled!: (ok: boolean) => void;
        const r = new Promise<void>((res) => (reached = res));
        const released = new Promise<void>((res) => (release = res));
        const s = new Promise<boolean>((res) => (settled = res));
        this.#hold = { reached, released, settled };
        return { reached: r, release, settled: s };
      }
      wrap(inner: ChainClient): ChainClient {
        return new Proxy(inner, {
          get: (target, prop) => {
            if (prop === 'submit') {
              return async (tx: Parameters<ChainClient['submit']>[0]) => {
                const h = this.#hold;
                if (h !== null) {
                  this.#hold = null;
                  h.reached();
                  await h.released;
                  try {
                    const r = await target.submit(tx);
                    h.settled(true);
                    return r;
                  } catch (err) {
                    h.settled(false);
                    throw err;
                  }
                }
                const r = await target.submit(tx);
                if (this.lose.delete(tx.call.method)) throw new TransportError('transport.closed', 'chain connection closed');
                return r;
              };
            }
            const v = Reflect.get(target, prop, target) as unknown;
            return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
          },
        });
      }
    }

    const dir = await mkdtemp(join(tmpdir(), 'node-ref-report-outage-'));
    const { chain, client, dev } = await createDevChain({}, { nodes: 1, publicIps: 2 });
    let server = await serveChain(chain);
    const port = server.port;
    const rpc = reconnectingChain(() => connectChain(`ws://127.0.0.1:${port}`));
    const layer = new SubmitLayer();
    const n = dev.nodes[0]!;
    const running = await createNode({
      chain: layer.wrap(rpc),
      identity: n.account.identity,
      nodeId: n.id,
      twinId: n.twinId,
      stateDir: dir,
      options: { sync: false, syncIntervalMs: 0, reportCheckIntervalMs: 0, outboxRetryMs: 20, trafficBytesPerSecond: RATE },
    });
    const node = running.node;
    /** Flushes until the outbox is empty (each round really tries the chain). */
    const deliver = async (): Promise<void> => {
      for (let i = 0; i < 50 && node.stats().outbox > 0; i++) await node.flushOutbox();
      expect(node.stats().outbox).toBe(0);
    };
    const reportsOf = (prefix: string, contractId: bigint, timestamp: number) =>
      chain
        .eventsFrom(0)
        .filter((e) => e.name.startsWith(prefix))
        .filter((e) => {
          const r = e.data['report'] as { contractId: bigint; timestamp: number };
          return r.contractId === contractId && r.timestamp === timestamp;
        })
        .map((e) => e.data['outcome']);
    try {
      const bob = dev.accounts.bob;
      const d = vmDeployment(bob.twinId, { ips: 1 });
      const r = await sendCall(client, bob.identity, {
        method: 'createNodeContract',
        args: { nodeId: n.id, deploymentHash: deploymentHash(d), deploymentData: utf8ToBytes(''), publicIps: 1 },
      });
      const contractId = BigInt(r.result as bigint);
      d['contract_id'] = Number(contractId);
      await node.deploy(bob.twinId, JSON.stringify(signDeployment(d as unknown as Deployment, bob.twinId, bob.identity)));
      await waitFor(running, bob.twinId, contractId, allIn('ok'));
      await deliver();
      await node.report(); // starts the clocks
      const t1 = (await client.getBlock()).timestamp;
      await client.warp(2 * 3600);
      const t2 = (await client.getBlock()).timestamp;

      // the reports are decided, then the chain goes away before the first one is sent
      const held = layer.hold();
      await node.report();
      await held.reached;
      await server.close();
      held.release();
      expect(await held.settled).toBe(false); // the submit met the closed endpoint
      expect(node.stats().outbox).toBe(2); // the NRU report and the seed report wait
      expect(reportsOf('NruConsumptionReport', contractId, t2)).toEqual([]);

      server = await serveChain(chain, { port });
      await deliver();
      expect(reportsOf('NruConsumptionReport', contractId, t2)).toEqual(['accepted']);
      const nru = chain.eventsFrom(0).find((e) => e.name === 'NruConsumptionReportReceived' && (e.data['report'] as { timestamp: number }).timestamp === t2)!;
      expect(nru.data['report']).toEqual({ contractId, timestamp: t2, window: t2 - t1, nru: BigInt(RATE * (t2 - t1)) });
      const aligned2 = Math.floor(t2 / 3600) * 3600;
      expect(reportsOf('ConsumptionReport', contractId, aligned2)).toEqual(['accepted']);

      // next period: the chain applies each report but its reply is lost; the node sends again
      // and the chain answers `duplicate`, so each report counts once
      await client.warp(3600);
      const t3 = (await client.getBlock()).timestamp;
      layer.lose.add('addNruReports');
      layer.lose.add('addReports');
      await node.report();
      await deliver();
      expect(layer.lose.size).toBe(0);
      expect(reportsOf('NruConsumptionReport', contractId, t3)).toEqual(['accepted', 'duplicate']);
      const aligned3 = Math.floor(t3 / 3600) * 3600;
      // the seed report reached the chain twice; the second copy is never billed
      expect(reportsOf('ConsumptionReport', contractId, aligned3)).toEqual(['accepted', 'duplicate']);
      expect(node.stats().rejected).toBe(0);
    } finally {
      await running.stop();
      await rpc.close();
      await server.close();
      chain.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
