import type { Resources } from '@sc4it/types';

/** Capacity of one workload (deployment-hash.md §8.1): bytes, except cru (vCPUs); ipv4u a count. */
export interface Capacity extends Resources {
  ipv4u: bigint;
}

export const GiB = 1024n ** 3n;
export const MiB = 1024n ** 2n;

export function zeroCapacity(): Capacity {
  return { cru: 0n, sru: 0n, hru: 0n, mru: 0n, ipv4u: 0n };
}

export function addCapacity(a: Capacity, b: Capacity): Capacity {
  return { cru: a.cru + b.cru, sru: a.sru + b.sru, hru: a.hru + b.hru, mru: a.mru + b.mru, ipv4u: a.ipv4u + b.ipv4u };
}

/** Reads a zos u64 (number, decimal string or bigint); anything else counts as 0. */
export function u64(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return BigInt(value);
  if (typeof value === 'string' && /^\d+$/.test(value)) return BigInt(value);
  return 0n;
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** zos `ZMachine.RootSize`: 500 MiB when `cpu * memory / 8 GiB` is 0, else 2 GiB. */
export function minRootSize(cpu: bigint, memory: bigint): bigint {
  return (cpu * memory) / (8n * GiB) === 0n ? 500n * MiB : 2n * GiB;
}

/** What a workload reserves, by type (zosbase: each type's `Capacity()`). */
export function workloadCapacity(type: string, data: unknown): Capacity {
  const d = obj(data);
  const cap = zeroCapacity();
  switch (type) {
    case 'zmachine':
    case 'zmachine-light': {
      const cc = obj(d['compute_capacity']);
      const cpu = u64(cc['cpu']);
      const memory = u64(cc['memory']);
      const size = u64(d['size']);
      const root = minRootSize(cpu, memory);
      cap.cru = cpu;
      cap.mru = memory;
      cap.sru = size > root ? size : root;
      return cap;
    }
    case 'zmount':
    case 'volume':
      cap.sru = u64(d['size']);
      return cap;
    case 'zdb':
      cap.hru = u64(d['size']);
      return cap;
    case 'qsfs':
      cap.cru = 1n;
      cap.mru = GiB;
      cap.sru = u64(d['cache']);
      return cap;
    case 'ip':
      cap.ipv4u = d['v4'] === true ? 1n : 0n;
      return cap;
    case 'ipv4':
      cap.ipv4u = 1n;
      return cap;
    default:
      return cap;
  }
}

/**
 * What the node keeps for itself (zos: provisiond/main.go `getNodeReserved`): max(10% of RAM,
 * 2 GiB) of memory, plus the cache disk as SSD.
 */
export function nodeReserved(total: Resources, cacheDisk: bigint): Capacity {
  const tenth = total.mru / 10n;
  return { cru: 0n, sru: cacheDisk, hru: 0n, mru: tenth > 2n * GiB ? tenth : 2n * GiB, ipv4u: 0n };
}

/**
 * Memory a new workload may still use (statistics.go `getUsableMemoryBytes`): total RAM minus the
 * larger of (MRU of active workloads + reserved) and RAM actually in use; never negative.
 */
export function usableMemory(totalMru: bigint, usedMru: bigint, reservedMru: bigint, actualUsed = 0n): bigint {
  const theoretical = usedMru + reservedMru;
  const used = theoretical > actualUsed ? theoretical : actualUsed;
  return totalMru > used ? totalMru - used : 0n;
}
