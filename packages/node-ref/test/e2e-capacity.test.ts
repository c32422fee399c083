import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainClient, Contract } from '@sc4it/types';
import type { DeploymentRecord } from '../src/store.ts';
import { allIn, diskDeployment, GiB, startGrid, vmDeployment, waitFor, type Grid, type Json } from './harness.ts';

// Capacity on a node, end to end against chain-sim over the bus. Expected values come from the
// spec, worked out here by hand from the node's resources on chain:
// - memory (deployment-hash.md §6.5): usable = total RAM − (MRU of okay workloads + reserved),
//   reserved = max(10 % of RAM, 2 GiB); the text is "failed to satisfy required capacity: cannot
//   fulfil required memory size …", completed as zosbase statistics.go prints it
//   ("<required> bytes out of usable <usable> bytes");
// - disk (§6.5, enforced by the storage module): "not enough space left in pools"; the node keeps
//   its cache disk, min(100 GiB, 10 % of SSD), as reserved SRU (§6.5, zos getNodeReserved).
const G = BigInt(GiB);
const memoryText = (required: bigint, usable: bigint): string =>
  `failed to satisfy required capacity: cannot fulfil required memory size ${required} bytes out of usable ${usable} bytes`;
const NO_SPACE = 'not enough space left in pools';

const settled = (rec: DeploymentRecord): boolean => rec.job === null && rec.workloads.every((w) => w.result.state !== 'init');
const errors = (rec: DeploymentRecord): string[] => rec.history.filter((h) => h.result.state === 'error').map((h) => h.result.message);

/** Holds every `getContract` until `open()`: the jobs of both deployments wait at the same point. */
class Gate {
  #open = false;
  #release!: () => void;
  readonly #released = new Promise<void>((r) => (this.#release = r));
  #waiting = 0;
  #want = 0;
  #reached: (() => void) | null = null;
  /** Resolves once `n` calls are held. */
  held(n: number): Promise<void> {
    this.#want = n;
    return new Promise((r) => {
      this.#reached = r;
      if (this.#waiting >= n) r();
    });
  }
  open(): void {
    this.#open = true;
    this.#release();
  }
  wrap(inner: ChainClient): ChainClient {
    return new Proxy(inner, {
      get: (target, prop) => {
        if (prop === 'getContract') {
          return async (id: bigint): Promise<Contract | null> => {
            if (!this.#open) {
              this.#waiting++;
              if (this.#waiting >= this.#want && this.#reached !== null) this.#reached();
              await this.#released;
            }
            return target.getContract(id);
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
  }
}

let grid: Grid;
let totalMru: bigint;
let totalSru: bigint;
beforeAll(async () => {
  grid = await startGrid({ nodes: 3, publicIps: 0 });
  const node = await grid.client.getNode(grid.nodes[0]!.node.nodeId);
  totalMru = node!.resources.mru;
  totalSru = node!.resources.sru;
});
afterAll(async () => {
  await grid?.close();
});

const reservedMru = (): bigint => (totalMru / 10n > 2n * G ? totalMru / 10n : 2n * G);
const cacheSru = (): bigint => (totalSru / 10n < 100n * G ? totalSru / 10n : 100n * G);

describe('memory through the reservation formula', () => {
  it('fills the node VM by VM: the VM that does not fit fails with the usable figure, a cancel frees its memory', async () => {
    const { bob } = grid.users;
    const node = grid.nodes[0]!;
    const deployVm = async (memoryGiB: number, subnet: number): Promise<{ id: bigint; rec: DeploymentRecord }> => {
      const d = vmDeployment(bob.twinId, { memoryGiB, subnet, description: `vm ${memoryGiB} GiB` });
      const id = await bob.createContract(node.node.nodeId, d);
      await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d));
      return { id, rec: await waitFor(node, bob.twinId, id, settled) };
    };
    const vmState = (rec: DeploymentRecord) => rec.workloads.find((w) => w.name === 'vm')!.result;

    const a = await deployVm(20, 3);
    expect(vmState(a.rec).state).toBe('ok');
    // 9 GiB > total − (20 GiB + reserved)
    const usableAfterA = totalMru - (20n * G + reservedMru());
    expect(9n * G > usableAfterA).toBe(true);
    const b = await deployVm(9, 4);
    expect(vmState(b.rec)).toMatchObject({ state: 'error', message: memoryText(9n * G, usableAfterA) });
    // the network and disk of that deployment still run: the deployment is not given back
    expect(b.rec.workloads.filter((w) => w.name !== 'vm').map((w) => w.result.state)).toEqual(['ok', 'ok']);
    // 8 GiB still fits
    const c = await deployVm(8, 5);
    expect(vmState(c.rec).state).toBe('ok');
    const usableAfterC = totalMru - (28n * G + reservedMru());
    const d = await deployVm(1, 6);
    expect(vmState(d.rec)).toMatchObject({ state: 'error', message: memoryText(G, usableAfterC) });

    // the user cancels the 20 GiB VM: deprovisioned on the cancel event, its memory usable again
    await bob.cancel(a.id);
    await waitFor(node, bob.twinId, a.id, allIn('deleted'));
    const e = await deployVm(9, 7);
    expect(vmState(e.rec).state).toBe('ok');
    const stats = await bob.call<Json>(node.twinId, 'zos.statistics.get', null);
    // used = okay workloads (8 GiB + 9 GiB) + reserved; system = reserved
    expect((stats['used'] as Json)['mru']).toBe(Number(17n * G + reservedMru()));
    expect((stats['system'] as Json)['mru']).toBe(Number(reservedMru()));
  });
});

describe('disk capacity', () => {
  it('refuses a disk larger than the free SSD with the storage text, and counts the disks that run', async () => {
    const { charlie } = grid.users;
    const node = grid.nodes[2]!;
    const free = totalSru - cacheSru();
    const deployDisk = async (sizeGiB: number): Promise<{ id: bigint; rec: DeploymentRecord }> => {
      const d = diskDeployment(charlie.twinId, sizeGiB, `disk ${sizeGiB} GiB`);
      const id = await charlie.createContract(node.node.nodeId, d);
      await charlie.call(node.twinId, 'zos.deployment.deploy', charlie.sign(d));
      return { id, rec: await waitFor(node, charlie.twinId, id, settled) };
    };
    const tooBig = Number(free / G) + 1;
    const big = await deployDisk(tooBig);
    expect(errors(big.rec)).toEqual([NO_SPACE]);
    const fits = Number(free / G) - 20;
    const ok = await deployDisk(fits);
    expect(ok.rec.workloads[0]!.result.state).toBe('ok');
    // 21 GiB > the 20 GiB left; 20 GiB fits exactly
    const over = await deployDisk(21);
    expect(errors(over.rec)).toEqual([NO_SPACE]);
    const exact = await deployDisk(20);
    expect(exact.rec.workloads[0]!.result.state).toBe('ok');
    // a new deployment that never came up is given back to the user (the node cannot serve it)
    await node.node.flushOutbox();
    expect((await grid.client.getContract(big.id))?.state.kind).toBe('Deleted');
    expect((await grid.client.getContract(ok.id))?.state.kind).toBe('Deployed');
  });
});

describe('capacity under concurrent jobs', () => {
  // Both deployments are accepted and their jobs wait on the chain at the same point; then both
  // run at once. zos runs provisioning jobs one at a time, so exactly one of two VMs that
  // together exceed the usable memory may run, whatever the interleaving.
  it('two VMs that together exceed the usable memory: exactly one fails with the capacity text', async () => {
    const { bob, dave } = grid.users;
    const gate = new Gate();
    const node = await grid.startNode(1, {}, (c) => gate.wrap(c));
    const usable = totalMru - reservedMru();
    const size = 16n * G;
    expect(size <= usable && 2n * size > usable).toBe(true);
    const users = [bob, dave];
    const ids: bigint[] = [];
    for (const u of users) {
      const d = vmDeployment(u.twinId, { memoryGiB: 16, description: 'concurrent vm' });
      ids.push(await u.createContract(node.node.nodeId, d));
      await u.call(node.twinId, 'zos.deployment.deploy', u.sign(d));
    }
    await gate.held(2);
    gate.open();
    const recs = await Promise.all(users.map((u, i) => waitFor(node, u.twinId, ids[i]!, settled)));
    const vms = recs.map((r) => r.workloads.find((w) => w.name === 'vm')!.result);
    expect(vms.map((v) => v.state).sort()).toEqual(['error', 'ok']);
    expect(vms.find((v) => v.state === 'error')!.message).toBe(memoryText(size, usable - size));
  });

  it('two disks that together exceed the free SSD: exactly one fails with the storage text', async () => {
    const { charlie, dave } = grid.users;
    const gate = new Gate();
    const node = await grid.startNode(1, {}, (c) => gate.wrap(c));
    // left by the test above (§8.1): both 10 GiB zmounts run, and one VM whose root disk is
    // max(size 0, min root) = 2 GiB, since 1 vCPU × 16 GiB / 8 GiB = 2 is not 0
    const used = 2n * 10n * G + 2n * G;
    const free = totalSru - cacheSru() - used;
    const sizeGiB = Number(free / G / 2n) + 1;
    expect(BigInt(sizeGiB) * G <= free && 2n * BigInt(sizeGiB) * G > free).toBe(true);
    const users = [charlie, dave];
    const ids: bigint[] = [];
    for (const u of users) {
      const d = diskDeployment(u.twinId, sizeGiB, 'concurrent disk');
      ids.push(await u.createContract(node.node.nodeId, d));
      await u.call(node.twinId, 'zos.deployment.deploy', u.sign(d));
    }
    await gate.held(2);
    gate.open();
    const recs = await Promise.all(users.map((u, i) => waitFor(node, u.twinId, ids[i]!, settled)));
    const states = recs.map((r) => (errors(r).length > 0 ? 'error' : r.workloads[0]!.result.state));
    expect(states.sort()).toEqual(['error', 'ok']);
    expect(recs.flatMap(errors)).toEqual([NO_SPACE]);
  });
});
