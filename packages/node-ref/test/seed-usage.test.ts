import { describe, expect, it } from 'vitest';
import type { WorkloadState } from '@sc4it/types';
import { seedUsage } from '../src/seed-usage.ts';
import type { DeploymentRecord, WorkloadRecord } from '../src/store.ts';

// deployment-hash.md §8.4: a seed report counts workloads in `ok` state plus `deleted` ones deleted
// after the window start; capacities from §8.1, worked out by hand below.
const GiB = 2n ** 30n;
const wl = (name: string, size: bigint, state: WorkloadState, created: number): WorkloadRecord => ({
  version: 0,
  name,
  type: 'zmount',
  metadata: '',
  description: '',
  data: { size: Number(size) },
  result: { created, state, message: '', data: null },
});
const rec = (workloads: WorkloadRecord[], history: WorkloadRecord[] = []): DeploymentRecord => ({
  twinId: 1,
  contractId: 9n,
  head: { version: 0, twin_id: 1, contract_id: 9n, metadata: '', description: '', expiration: 0, signature_requirement: null },
  workloads,
  history,
  job: null,
  hash: '',
  ownerVerified: true,
  createdAt: 0,
});

describe('seedUsage (§8.4)', () => {
  it('counts ok, not paused, error or init', () => {
    const r = rec([wl('a', 1n * GiB, 'ok', 5), wl('b', 2n * GiB, 'paused', 5), wl('c', 4n * GiB, 'error', 5), wl('d', 8n * GiB, 'init', 5)]);
    expect(seedUsage(r, 100)).toEqual({ used: { cru: 0n, sru: 1n * GiB, hru: 0n, mru: 0n, ipv4u: 0n }, counted: 1 });
  });
  it('counts deleted workloads only when deleted at or after the window start', () => {
    const r = rec([wl('a', 1n * GiB, 'deleted', 100), wl('b', 2n * GiB, 'deleted', 99)]);
    expect(seedUsage(r, 100)).toMatchObject({ used: { sru: 1n * GiB }, counted: 1 });
    expect(seedUsage(r, 101)).toMatchObject({ used: { sru: 0n }, counted: 0 });
  });
  it('counts a workload an update removed (kept only in the history), by its last entry', () => {
    const v = (state: WorkloadState, created: number) => wl('v', 4n * GiB, state, created);
    const r = rec([wl('a', 1n * GiB, 'ok', 5)], [wl('a', 1n * GiB, 'init', 1), v('init', 1), v('ok', 2), v('deleted', 150)]);
    expect(seedUsage(r, 100)).toMatchObject({ used: { sru: 5n * GiB }, counted: 2 });
    expect(seedUsage(r, 151)).toMatchObject({ used: { sru: 1n * GiB }, counted: 1 });
  });
  it('a VM counts cru, mru and sru = max(size, min root)', () => {
    const vm: WorkloadRecord = { ...wl('vm', 0n, 'ok', 5), type: 'zmachine', data: { size: 0, compute_capacity: { cpu: 2, memory: Number(4n * GiB) } } };
    // cpu 2 × 4 GiB / 8 GiB = 1 → min root 2 GiB
    expect(seedUsage(rec([vm]), 0).used).toEqual({ cru: 2n, sru: 2n * GiB, hru: 0n, mru: 4n * GiB, ipv4u: 0n });
  });
});
