import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Outbox } from '../src/outbox.ts';
import { DeploymentStore, type DeploymentRecord } from '../src/store.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'node-ref-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function record(twinId: number, contractId: bigint): DeploymentRecord {
  return {
    twinId,
    contractId,
    head: { version: 0, twin_id: twinId, contract_id: contractId, metadata: '', description: '', expiration: 0, signature_requirement: null },
    workloads: [{ version: 0, name: 'd', type: 'zmount', metadata: '', description: '', data: { size: 1 }, result: { created: 1, state: 'init', message: '', data: null } }],
    history: [],
    job: { op: 'provision' },
    hash: 'ab',
    ownerVerified: false,
    createdAt: 1,
  };
}

describe('DeploymentStore', () => {
  it('survives a reload with the latest of many coalesced saves', async () => {
    const s = new DeploymentStore(dir);
    const rec = record(7, 12345678901234567890n);
    await s.create(rec);
    const saves: Promise<void>[] = [];
    for (let i = 0; i < 20; i++) {
      rec.head.version = i;
      saves.push(s.save(rec));
    }
    await Promise.all(saves);
    await s.flush();
    const again = new DeploymentStore(dir);
    await again.load();
    const back = again.get(7, 12345678901234567890n);
    expect(back?.head.version).toBe(19);
    expect(back?.contractId).toBe(12345678901234567890n);
    expect(again.byContract(12345678901234567890n)).toHaveLength(1);
  });
  it('ignores leftover temp files from a crash mid-write', async () => {
    const s = new DeploymentStore(dir);
    await s.create(record(1, 2n));
    await writeFile(join(dir, 'deployments', '1-2.json.999.1.tmp'), '{"torn');
    const again = new DeploymentStore(dir);
    await again.load();
    expect(again.all()).toHaveLength(1);
    expect((await readdir(join(dir, 'deployments'))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });
});

describe('Outbox', () => {
  it('keeps items across restarts until done, keyed by what they report', async () => {
    const o = new Outbox(dir);
    await o.put({ kind: 'deployed', contractId: 5n });
    await o.put({ kind: 'resources', resources: { contractId: 5n, used: { cru: 1n, sru: 2n, hru: 3n, mru: 4n } } });
    await o.put({ kind: 'resources', resources: { contractId: 5n, used: { cru: 9n, sru: 2n, hru: 3n, mru: 4n } } });
    expect(o.size).toBe(2);
    const again = new Outbox(dir);
    await again.load();
    const items = again.pending();
    expect(items.map((p) => p.id)).toEqual(['deployed-5', 'resources-5']);
    const res = items.find((p) => p.id === 'resources-5')?.item;
    expect(res).toEqual({ kind: 'resources', resources: { contractId: 5n, used: { cru: 9n, sru: 2n, hru: 3n, mru: 4n } } });
    for (const p of items) await again.done(p.id, p.version);
    const third = new Outbox(dir);
    await third.load();
    expect(third.size).toBe(0);
  });
  it('does not drop a newer copy when an older delivery completes', async () => {
    const o = new Outbox(dir);
    await o.put({ kind: 'resources', resources: { contractId: 1n, used: { cru: 1n, sru: 0n, hru: 0n, mru: 0n } } });
    const [first] = o.pending();
    await o.put({ kind: 'resources', resources: { contractId: 1n, used: { cru: 2n, sru: 0n, hru: 0n, mru: 0n } } });
    await o.done(first!.id, first!.version);
    expect(o.size).toBe(1);
    const text = await readFile(join(dir, 'outbox', 'resources-1.json'), 'utf8');
    expect(text).toContain('"cru":{"$bigint":"2"}');
  });
});
