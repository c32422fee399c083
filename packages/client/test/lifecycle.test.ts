import { MAINNET_PRICING_POLICY, contractCost } from '@sc4it/billing';
import { openData } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainEvent, Deployment } from '@sc4it/types';
import { DeployFailure, GridClient } from '../src/index.ts';
import { startGrid, type Grid } from './harness.ts';

let grid: Grid;

beforeAll(async () => {
  grid = await startGrid({ farms: [2, 1], nodeFarms: [0, 1] });
});
afterAll(async () => {
  await grid?.stop();
});

async function connect(tft?: bigint): Promise<GridClient> {
  const user = await grid.newUser(tft);
  return GridClient.connect({ chain: grid.client, identity: user.identity, relay: grid.relay.url, relayDomain: '127.0.0.1' });
}

describe('GridClient against chain-sim, a relay and reference nodes', () => {
  it('creates the twin with relay and bus key on connect', async () => {
    const c = await connect();
    const twin = await grid.client.getTwin(c.twinId);
    expect(twin?.relay).toBe('127.0.0.1');
    expect(twin?.pk).toEqual(c.identity.secp256k1.publicKey);
    expect(Buffer.from(twin!.account)).toEqual(Buffer.from(c.identity.publicKey));
    await c.close();
  });

  it('finds nodes by free IPs and memory', async () => {
    const c = await connect();
    const withIps = await c.findNodes({ freeIps: 2 });
    expect(withIps.map((n) => n.id)).toEqual([grid.nodes[0]!.id]);
    const any = await c.findNodes({ freeIps: 1 });
    expect(any.map((n) => n.id).sort()).toEqual(grid.nodes.map((n) => n.id).sort());
    expect(await c.findNodes({ mru: '64G' })).toEqual([]);
    await c.close();
  });

  it('deploys a VM with a public IP, reads it back, seals the summary, bills, cancels and frees the IP', async () => {
    const c = await connect();
    const node = grid.nodes[0]!;
    const steps: string[] = [];
    const vm = c.vm({ name: 'web', cpu: 2, memory: '4G', disks: [{ size: '10G', mountpoint: '/data' }], publicIp: true });
    const r = await c.deploy({ nodeId: node.id, deployment: vm, onProgress: (p) => steps.push(p.step) });
    expect(steps).toContain('contract');
    expect(steps.at(-1)).toBe('done');
    // every workload ok, as the node reports it over the bus
    const states = Object.fromEntries(r.deployment.workloads.map((w) => [w.name, w.result?.state]));
    expect(states).toEqual({ net_web: 'ok', web_disk0: 'ok', web_ip: 'ok', web: 'ok' });
    // the contract holds the hash of what was sent, recomputed here by @sc4it/hash
    const contract = await grid.client.getContract(r.contractId);
    expect(contract?.contractType.kind).toBe('node');
    if (contract?.contractType.kind !== 'node') throw new Error('not a node contract');
    expect(contract.contractType.deploymentHash).toBe(deploymentHash(r.deployment));
    expect(contract.contractType.publicIpsList.map((p) => p.ip)).toEqual(r.publicIps.map((p) => p.ip));
    expect(r.publicIps).toHaveLength(1);
    expect(grid.farms[0]!.ips).toContain(r.publicIps[0]!.ip);
    // the ip workload got the reserved IP
    const ipResult = r.deployment.workloads.find((w) => w.name === 'web_ip')?.result?.data as { ip?: string };
    expect(ipResult.ip).toBe(r.publicIps[0]!.ip);
    // sealed summary: fits the chain, opens with the owner's key only
    expect(contract.contractType.deploymentData.length).toBeLessThanOrEqual(512);
    const summary = await c.readSummary(r.contractId);
    expect(summary).toMatchObject({ v: 1, name: 'web', node: node.id, twin: c.twinId });
    expect(summary.workloads).toEqual([['net_web', 'network'], ['web_disk0', 'zmount'], ['web_ip', 'ip'], ['web', 'zmachine']]);
    const stranger = await connect();
    expect(() => openData(contract.contractType.kind === 'node' ? contract.contractType.deploymentData : new Uint8Array(), stranger.identity.secp256k1.privateKey)).toThrow(
      expect.objectContaining({ code: 'crypto.no_recipient' }),
    );
    await expect(stranger.readSummary(r.contractId)).rejects.toMatchObject({ code: 'crypto.no_recipient' });
    // listed among the owner's contracts, not the stranger's
    expect((await c.listContracts()).map((k) => k.contractId)).toContain(r.contractId);
    expect(await stranger.listContracts()).toEqual([]);
    // a billing cycle runs (billing frequency 10 blocks)
    await grid.client.mine(20);
    const bill = await c.getBill(r.contractId);
    expect(bill.records.length).toBeGreaterThan(0);
    expect(bill.totalBilled).toBe(bill.records.reduce((n, x) => n + x.amountBilled, 0n));
    expect(bill.totalBilled).toBeGreaterThan(0n);
    expect(Object.values(bill.byPart).reduce((n, x) => n + x, 0n)).toBeGreaterThan(0n);
    // cancel frees the IP on the farm
    const { freedIps } = await c.cancel(r.contractId);
    expect(freedIps.map((p) => p.ip)).toEqual([r.publicIps[0]!.ip]);
    const farm = await grid.client.getFarm(grid.farms[0]!.id);
    expect(farm?.publicIps.find((p) => p.ip === r.publicIps[0]!.ip)?.contractId).toBe(0n);
    await c.waitForState(r.contractId, 'deleted', { nodeId: node.id, timeoutMs: 20_000 });
    await c.close();
    await stranger.close();
  });

  it("bills the spec's worked VM (cru 4, mru 8 GiB, sru 160 GiB, one IPv4) as the spec's formula and @sc4it/billing say", async () => {
    // chain-and-billing.md §18, issue #373 worked example (mainnet policy): CU = 2, SU = 0.8, so per
    // hour cu 100 000 × 2 = 200 000, su 50 000 × 0.8 = 40 000, ipu 40 000 × 1 = 40 000 units USD;
    // 280 000 in all. Per bill of s seconds, §6: (value / 3600) × s × units, each part rounded.
    const GIB = 1n << 30n;
    const policy = await grid.client.getPricingPolicy(1);
    expect([policy.cu.value, policy.su.value, policy.ipu.value]).toEqual([100_000n, 50_000n, 40_000n]); // §5 mainnet table
    const c = await connect();
    const node = grid.nodes[0]!;
    // rootfs 160 GiB and no extra disk: the node reserves sru = max(size, 2 GiB) = 160 GiB (zos rule)
    const r = await c.deploy({ nodeId: node.id, deployment: c.vm({ name: 'worked', cpu: 4, memory: '8G', rootfs: '160G', publicIp: true }) });
    const used = { cru: 4n, mru: 8n * GIB, sru: 160n * GIB, hru: 0n };
    // what the node reported for the contract (UpdatedUsedResources), and the block it landed in
    let unsubscribe: (() => void) | undefined;
    const report = await new Promise<ChainEvent>((resolve) => {
      void grid.client
        .subscribeEvents((e) => {
          if (e.name === 'UpdatedUsedResources' && e.data['contractId'] === r.contractId) resolve(e);
        }, { fromBlock: 0 })
        .then((u) => (unsubscribe = u));
    });
    unsubscribe?.();
    expect(report.data['used']).toEqual(used);
    const reportBlock = report.block;
    expect(reportBlock).toBeGreaterThan(0);
    await grid.client.mine(30); // three billing cycles of 10 blocks
    const bill = await c.getBill(r.contractId);
    const after = bill.records.filter((x) => x.block > reportBlock && x.seconds > 0);
    expect(after.length).toBeGreaterThanOrEqual(2);
    const near = (got: bigint, exact: number) => Math.abs(Number(got) - exact) <= 1; // each part is rounded on its own
    for (const line of after) {
      const s = line.seconds;
      // the plain formula (floating point here, from the spec's hourly figures)
      const plain = { cu: (200_000 * s) / 3600, su: (40_000 * s) / 3600, ipu: (40_000 * s) / 3600 };
      expect(near(line.breakdown['cu']!, plain.cu), `cu ${line.breakdown['cu']} vs ${plain.cu} for ${s} s`).toBe(true);
      expect(near(line.breakdown['su']!, plain.su), `su ${line.breakdown['su']} vs ${plain.su} for ${s} s`).toBe(true);
      expect(near(line.breakdown['ipu']!, plain.ipu), `ipu ${line.breakdown['ipu']} vs ${plain.ipu} for ${s} s`).toBe(true);
      expect(near(line.unitsUsd, (280_000 * s) / 3600), `total ${line.unitsUsd} vs ${(280_000 * s) / 3600}`).toBe(true);
      // @sc4it/billing's cost engine for the same resources, to the unit (U64F64 order of §14)
      const cost = contractCost({ kind: 'node', resources: used, publicIps: 1, seconds: s, policy: MAINNET_PRICING_POLICY });
      expect(line.unitsUsd).toBe(cost.unitsUsd);
      expect(line.breakdown).toMatchObject({ cu: cost.breakdown.cu, su: cost.breakdown.su, ipu: cost.breakdown.ipu });
    }
    // the client's totals are the lines' sums
    expect(bill.totalUnitsUsd).toBe(bill.records.reduce((n, x) => n + x.unitsUsd, 0n));
    for (const part of ['cu', 'su', 'ipu']) expect(bill.byPart[part]).toBe(bill.records.reduce((n, x) => n + (x.breakdown[part] ?? 0n), 0n));
    expect(bill.seconds).toBe(bill.records.reduce((n, x) => n + x.seconds, 0));
    await c.cancel(r.contractId);
    await c.close();
  });

  it('refuses a contract when the farm has no free IP left, with the chain error name', async () => {
    const c = await connect();
    const node2 = grid.nodes[1]!; // farm 2 has one IP
    const first = await c.deploy({ nodeId: node2.id, deployment: c.vm({ name: 'a', publicIp: true }) });
    await expect(c.deploy({ nodeId: node2.id, deployment: c.vm({ name: 'b', publicIp: true }) })).rejects.toMatchObject({
      code: expect.stringMatching(/^chain\./),
      upstream: 'FarmHasNotEnoughPublicIPsFree',
    });
    await c.cancel(first.contractId);
    await c.close();
  });

  it('reports the node message when the deployment does not match the contract hash', async () => {
    const c = await connect();
    const node = grid.nodes[0]!;
    const signed = c.sign(c.vm({ name: 'orig' }));
    const { contractId } = await c.createContract({ nodeId: node.id, deployment: signed });
    // change the memory after the contract was created: same signer, different hash
    const zm = signed.workloads.find((w) => w.type === 'zmachine')!;
    const tampered: Deployment = { ...signed, contract_id: Number(contractId), workloads: signed.workloads.map((w) => (w === zm ? { ...zm, data: { ...(zm.data as object), compute_capacity: { cpu: 1, memory: 3 * 2 ** 30 } } } as typeof zm : w)) };
    const resigned = c.sign(tampered);
    expect(deploymentHash(resigned)).not.toBe(deploymentHash(signed));
    await c.sendDeployment(node.id, resigned);
    const err = await c.waitForState(contractId, 'ok', { nodeId: node.id, timeoutMs: 20_000 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeployFailure);
    expect(err).toMatchObject({ code: 'deployment.workload_failed', upstream: 'contract hash does not match deployment hash' });
    await c.close();
  });

  it('rejects a deployment signed by nobody before creating any contract', async () => {
    const c = await connect();
    const before = (await c.listContracts()).length;
    await expect(c.deploy({ nodeId: grid.nodes[0]!.id, deployment: c.vm({ name: 'nosig' }), sign: false })).rejects.toMatchObject({
      code: 'deployment.missing_required_signature',
      upstream: `missing required signature for twin '${c.twinId}'`,
    });
    expect((await c.listContracts()).length).toBe(before);
    await c.close();
  });
});
