/**
 * Store-and-forward queues of a relay: one queue per session key (`<twin>` or `<twin>:<sid>`),
 * entries kept until their envelope's deadline (capped by `maxTtl`) and at most `cap` per key,
 * oldest dropped first (rmb.md §5.3).
 */
export interface QueuedMessage {
  id: string;
  bytes: Uint8Array;
  /** Unix seconds after which the entry is dropped. */
  deadline: number;
}

export interface RelayQueue {
  /** True when other relay processes share this queue (Redis): routing must go through it. */
  readonly shared: boolean;
  push(key: string, bytes: Uint8Array, deadline: number): Promise<void>;
  /** Oldest entries first, at most `max`; expired entries are removed, not returned. */
  peek(key: string, max: number): Promise<QueuedMessage[]>;
  /** Removes delivered (or given up) entries, claimed or not. */
  ack(key: string, ids: string[]): Promise<void>;
  /**
   * Leases up to `max` entries of `key` to this process for `leaseMs`: no other process sharing
   * the queue gets them until the lease runs out unrenewed or is released, so each entry is worked
   * on by one process at a time (the federation outbox). Oldest first; expired entries are removed,
   * not returned. Every process must use the same `leaseMs`.
   */
  claim(key: string, max: number, leaseMs: number): Promise<QueuedMessage[]>;
  /** Extends the lease of entries this process holds (a heartbeat while it works on them). */
  renew(key: string, ids: string[]): Promise<void>;
  /** Ends the lease of entries this process holds without removing them: anyone may claim them again. */
  release(key: string, ids: string[]): Promise<void>;
  /** `listener(key)` runs whenever any process pushes to `key`. */
  subscribe(listener: (key: string) => void): Promise<void>;
  close(): Promise<void>;
}

export interface QueueLimits {
  /** Most entries per session (default 10 000, as rmb-rs `MAXLEN ~10000`). */
  cap?: number;
  /** Longest time an entry is kept, seconds (default 3600, as rmb-rs `EXPIRE 3600`; at least 60). */
  maxTtl?: number;
}

export function queueLimits(limits: QueueLimits = {}): { cap: number; maxTtl: number } {
  return { cap: Math.max(1, limits.cap ?? 10_000), maxTtl: Math.max(60, limits.maxTtl ?? 3600) };
}
