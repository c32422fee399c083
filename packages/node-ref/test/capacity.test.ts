import { describe, expect, it } from 'vitest';
import { minRootSize, nodeReserved, usableMemory, workloadCapacity } from '../src/capacity.ts';

const GiB = 1024n ** 3n;
const MiB = 1024n ** 2n;

// Expected values: deployment-hash.md §8.1 (zosbase Capacity()) and §6.5, computed by hand.
describe('workloadCapacity', () => {
  it('zmachine: cru, mru, and sru = max(size, min root)', () => {
    // cpu 2 × 4 GiB / 8 GiB = 1 → min root 2 GiB; size 0 → 2 GiB
    expect(workloadCapacity('zmachine', { compute_capacity: { cpu: 2, memory: 4 * 2 ** 30 }, size: 0 })).toEqual({
      cru: 2n,
      mru: 4n * GiB,
      sru: 2n * GiB,
      hru: 0n,
      ipv4u: 0n,
    });
    // cpu 1 × 2 GiB / 8 GiB = 0 → min root 500 MiB; size 10 GiB wins
    expect(workloadCapacity('zmachine-light', { compute_capacity: { cpu: 1, memory: 2 * 2 ** 30 }, size: 10 * 2 ** 30 }).sru).toBe(10n * GiB);
    expect(workloadCapacity('zmachine', { compute_capacity: { cpu: 1, memory: 2 * 2 ** 30 }, size: 0 }).sru).toBe(500n * MiB);
  });
  it('disks, zdb, qsfs, ips and zero types', () => {
    expect(workloadCapacity('zmount', { size: '18446744073709551615' }).sru).toBe(18446744073709551615n);
    expect(workloadCapacity('volume', { size: 5 }).sru).toBe(5n);
    expect(workloadCapacity('zdb', { size: 7, mode: 'user' }).hru).toBe(7n);
    expect(workloadCapacity('qsfs', { cache: 100 })).toEqual({ cru: 1n, mru: GiB, sru: 100n, hru: 0n, ipv4u: 0n });
    expect(workloadCapacity('ip', { v4: true, v6: true }).ipv4u).toBe(1n);
    expect(workloadCapacity('ip', { v4: false, v6: true }).ipv4u).toBe(0n);
    expect(workloadCapacity('ipv4', {}).ipv4u).toBe(1n);
    for (const t of ['network', 'network-light', 'gateway-name-proxy', 'gateway-fqdn-proxy', 'zlogs']) {
      expect(workloadCapacity(t, { size: 99 })).toEqual({ cru: 0n, mru: 0n, sru: 0n, hru: 0n, ipv4u: 0n });
    }
  });
  it('min root size boundary at cpu*memory = 8 GiB', () => {
    expect(minRootSize(1n, 8n * GiB - 1n)).toBe(500n * MiB);
    expect(minRootSize(1n, 8n * GiB)).toBe(2n * GiB);
  });
});

describe('reservation formula (§6.5)', () => {
  it('reserves max(10% of RAM, 2 GiB) and the cache disk', () => {
    expect(nodeReserved({ cru: 8n, mru: 16n * GiB, sru: 0n, hru: 0n }, 100n * GiB)).toMatchObject({ mru: 2n * GiB, sru: 100n * GiB });
    expect(nodeReserved({ cru: 8n, mru: 64n * GiB, sru: 0n, hru: 0n }, 0n).mru).toBe((64n * GiB) / 10n);
  });
  it('usable = total − max(used + reserved, actual)', () => {
    expect(usableMemory(16n * GiB, 4n * GiB, 2n * GiB)).toBe(10n * GiB);
    expect(usableMemory(16n * GiB, 4n * GiB, 2n * GiB, 12n * GiB)).toBe(4n * GiB);
    expect(usableMemory(4n * GiB, 4n * GiB, 2n * GiB)).toBe(0n);
  });
});
