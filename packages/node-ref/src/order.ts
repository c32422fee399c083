import { u64 } from './capacity.ts';

/**
 * Install order by type (deployment-hash.md §6.4; zos provisiond `WithStartupOrder`). zos starts
 * the remaining types in no fixed order; sc4it fixes one in which every dependency comes first.
 */
export const INSTALL_ORDER: readonly string[] = [
  'zmount',
  'volume',
  'qsfs',
  'network',
  'ipv4',
  'ip',
  'zmachine',
  'zlogs',
  'network-light',
  'zmachine-light',
  'zdb',
  'gateway-name-proxy',
  'gateway-fqdn-proxy',
];

/** 1-based rank of a type in the install order (unknown types last). */
export function typeRank(type: string): number {
  const i = INSTALL_ORDER.indexOf(type);
  return i < 0 ? INSTALL_ORDER.length + 1 : i + 1;
}

export interface OrderedWorkload {
  name: string;
  type: string;
  data?: unknown;
}

/** Workloads in install order; mounts and volumes largest first; otherwise document order. */
export function installOrder<W extends OrderedWorkload>(workloads: readonly W[]): W[] {
  const size = (w: W): bigint =>
    w.type === 'zmount' || w.type === 'volume' ? u64((w.data as { size?: unknown } | undefined)?.size) : 0n;
  return workloads
    .map((w, i) => ({ w, i }))
    .sort((a, b) => {
      const r = typeRank(a.w.type) - typeRank(b.w.type);
      if (r !== 0) return r;
      const sa = size(a.w);
      const sb = size(b.w);
      if (sa !== sb) return sa > sb ? -1 : 1;
      return a.i - b.i;
    })
    .map((x) => x.w);
}

/** Removal order: the reverse of the install order. */
export function uninstallOrder<W extends OrderedWorkload>(workloads: readonly W[]): W[] {
  return installOrder(workloads).reverse();
}
