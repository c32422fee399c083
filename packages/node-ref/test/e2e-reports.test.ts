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
    expect(['accepted', 'overlapping']).toContain(seed[0]!.data['outcome']);
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
