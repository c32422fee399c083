/**
 * Receiver-side duplicate filter: one entry per (sender, uid), kept until the deadline the peer
 * gives (the envelope's, and at least its `dedupWindowSec`), so a retried or replayed request runs its handler once; a
 * duplicate that arrives after the handler finished gets the stored reply again. A replay after
 * the deadline is refused as expired by the envelope checks, so the window covers the whole TTL.
 */
export interface DedupEntry {
  /** Set once the handler finished: the encoded reply envelope to send again. */
  reply?: Uint8Array;
  until: number;
}

/**
 * Where a peer keeps its dedup entries. {@link DedupWindow} (the default) lives in the peer's
 * memory, so a receiver restarted within the TTL may run a handler again for a retried request;
 * a persistent store (e.g. {@link redisDedupStore}) keeps entries across restarts. `claim` must be
 * atomic per key: of two concurrent claims of one key, exactly one gets `undefined`.
 */
export interface DedupStore {
  /** Registers `key` until `deadline` (unix seconds); the existing entry for a duplicate, or undefined. */
  claim(key: string, deadline: number, now: number): DedupEntry | undefined | Promise<DedupEntry | undefined>;
  /** Stores the reply of a finished handler. */
  settle(key: string, reply: Uint8Array): void | Promise<void>;
  close?(): void | Promise<void>;
}

export class DedupWindow implements DedupStore {
  readonly #entries = new Map<string, DedupEntry>();
  readonly #maxEntries: number;

  constructor(maxEntries = 200_000) {
    this.#maxEntries = maxEntries;
  }

  /**
   * Registers `key` until `deadline` (unix seconds). Returns the existing entry for a duplicate,
   * or undefined when the key is new.
   */
  claim(key: string, deadline: number, now: number): DedupEntry | undefined {
    const hit = this.#entries.get(key);
    if (hit !== undefined && hit.until > now) return hit;
    this.#entries.set(key, { until: deadline });
    if (this.#entries.size > this.#maxEntries) this.prune(now);
    return undefined;
  }

  /** Stores the reply of a finished handler. */
  settle(key: string, reply: Uint8Array): void {
    const e = this.#entries.get(key);
    if (e !== undefined) e.reply = reply;
  }

  /** Drops expired entries; if still over the cap, the oldest. */
  prune(now: number): void {
    for (const [k, e] of this.#entries) if (e.until <= now) this.#entries.delete(k);
    while (this.#entries.size > this.#maxEntries) this.#entries.delete(this.#entries.keys().next().value as string);
  }

  get size(): number {
    return this.#entries.size;
  }
}
