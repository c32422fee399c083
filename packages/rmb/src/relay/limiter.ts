/** Per-twin rate limit: at most `count` messages and `size` bytes per fixed window (rmb.md §5.8). */
export interface RateLimit {
  /** Messages per window. */
  count: number;
  /** Bytes per window; a single larger message is always refused. */
  size: number;
  /** Window length in seconds (default 60). */
  windowSec?: number;
}

export class RateLimiter {
  readonly #limit: Required<RateLimit>;
  readonly #windows = new Map<number, { start: number; count: number; size: number }>();
  readonly #maxTwins: number;

  constructor(limit: RateLimit, maxTwins = 100_000) {
    this.#limit = { windowSec: 60, ...limit };
    this.#maxTwins = maxTwins;
  }

  /** Counts a message of `size` bytes for `twin`; false when it goes over the limit. */
  allow(twin: number, size: number, now: number = Date.now()): boolean {
    if (size > this.#limit.size) return false;
    let w = this.#windows.get(twin);
    if (w === undefined || now - w.start >= this.#limit.windowSec * 1000) {
      this.#windows.delete(twin);
      w = { start: now, count: 0, size: 0 };
      this.#windows.set(twin, w);
      if (this.#windows.size > this.#maxTwins) this.#windows.delete(this.#windows.keys().next().value as number);
    }
    if (w.count + 1 > this.#limit.count || w.size + size > this.#limit.size) return false;
    w.count++;
    w.size += size;
    return true;
  }
}
