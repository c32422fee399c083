import { addCapacity, workloadCapacity, zeroCapacity, type Capacity } from './capacity.ts';
import type { DeploymentRecord, WorkloadRecord } from './store.ts';

/**
 * What one deployment consumed in a seed-era report window (deployment-hash.md §8.4): the capacity
 * (§8.1) of its workloads in `ok` state, plus those `deleted` after the window started — including
 * workloads an update removed, which survive only in the history. `paused`, `error` and `init`
 * workloads do not count. `windowStart` is in the unit of `result.created` (unix seconds).
 */
export function seedUsage(rec: DeploymentRecord, windowStart: number): { used: Capacity; counted: number } {
  let used = zeroCapacity();
  let counted = 0;
  const current = new Set(rec.workloads.map((w) => w.name));
  const removed = new Map<string, WorkloadRecord>();
  for (const h of rec.history) if (!current.has(h.name)) removed.set(h.name, h); // last entry per name
  for (const w of [...rec.workloads, ...removed.values()]) {
    const s = w.result.state;
    if (s === 'ok' || (s === 'deleted' && w.result.created >= windowStart)) {
      used = addCapacity(used, workloadCapacity(w.type, w.data));
      counted++;
    }
  }
  return { used, counted };
}
