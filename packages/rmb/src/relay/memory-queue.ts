import { nowSeconds } from '../envelope.ts';
import { type QueueLimits, type QueuedMessage, type RelayQueue, queueLimits } from './queue.ts';

/** In-process queue: the default; lost when the relay stops. */
export function memoryQueue(limits: QueueLimits = {}): RelayQueue {
  const { cap, maxTtl } = queueLimits(limits);
  const queues = new Map<string, QueuedMessage[]>();
  /** Leases by entry id: [until (ms), lease length (ms)]. */
  const leases = new Map<string, [number, number]>();
  const listeners: ((key: string) => void)[] = [];
  let seq = 0;
  const sweep = setInterval(() => {
    const now = nowSeconds();
    // Leases of entries that left by expiry or trimming.
    for (const [id, [until]] of leases) if (until < Date.now() - 60_000) leases.delete(id);
    for (const [key, items] of queues) {
      const kept = items.filter((m) => m.deadline > now);
      if (kept.length === 0) queues.delete(key);
      else if (kept.length !== items.length) queues.set(key, kept);
    }
  }, 10_000);
  sweep.unref?.();
  const queue: RelayQueue = {
    shared: false,
    push(key, bytes, deadline) {
      let items = queues.get(key);
      if (items === undefined) queues.set(key, (items = []));
      items.push({ id: String(++seq), bytes, deadline: Math.min(deadline, nowSeconds() + maxTtl) });
      if (items.length > cap) items.splice(0, items.length - cap);
      for (const l of listeners) l(key);
      return Promise.resolve();
    },
    peek(key, max) {
      const items = queues.get(key);
      if (items === undefined) return Promise.resolve([]);
      const now = nowSeconds();
      const live = items.filter((m) => m.deadline > now);
      if (live.length !== items.length) queues.set(key, live);
      return Promise.resolve(live.slice(0, max));
    },
    ack(key, ids) {
      const items = queues.get(key);
      if (items !== undefined) {
        const drop = new Set(ids);
        for (const id of ids) leases.delete(id);
        const kept = items.filter((m) => !drop.has(m.id));
        if (kept.length === 0) queues.delete(key);
        else queues.set(key, kept);
      }
      return Promise.resolve();
    },
    async claim(key, max, leaseMs) {
      const now = Date.now();
      const out: QueuedMessage[] = [];
      for (const m of await queue.peek(key, Number.MAX_SAFE_INTEGER)) {
        if (out.length >= max) break;
        const lease = leases.get(m.id);
        if (lease !== undefined && lease[0] > now) continue;
        leases.set(m.id, [now + leaseMs, leaseMs]);
        out.push(m);
      }
      return out;
    },
    renew(_key, ids) {
      const now = Date.now();
      for (const id of ids) {
        const lease = leases.get(id);
        if (lease !== undefined) lease[0] = now + lease[1];
      }
      return Promise.resolve();
    },
    release(_key, ids) {
      for (const id of ids) leases.delete(id);
      return Promise.resolve();
    },
    subscribe(listener) {
      listeners.push(listener);
      return Promise.resolve();
    },
    close() {
      clearInterval(sweep);
      queues.clear();
      leases.clear();
      return Promise.resolve();
    },
  };
  return queue;
}
