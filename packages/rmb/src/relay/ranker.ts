export interface DomainRankerOptions {
  /** Failures older than this are forgotten, ms (default 3 600 000, rmb-rs `--ranker-period`). */
  windowMs?: number;
  /** Tie-break source in [0, 1) (default `Math.random`); inject a fixed one for reproducible order. */
  random?: () => number;
}

/**
 * Orders a twin's relay domains by recent failures, fewest first, ties shuffled; failures older
 * than the window are forgotten, so a domain heals (rmb.md §5.4 "Ranker").
 */
export class DomainRanker {
  readonly #windowMs: number;
  readonly #random: () => number;
  readonly #failures = new Map<string, number[]>();

  /** `options` may be the window in ms (the older form). */
  constructor(options: DomainRankerOptions | number = {}) {
    const o = typeof options === 'number' ? { windowMs: options } : options;
    this.#windowMs = o.windowMs ?? 3_600_000;
    this.#random = o.random ?? Math.random;
  }

  fail(domain: string, at: number = Date.now()): void {
    const list = this.#failures.get(domain) ?? [];
    list.push(at);
    this.#failures.set(domain, list);
  }

  failures(domain: string, at: number = Date.now()): number {
    const list = this.#failures.get(domain);
    if (list === undefined) return 0;
    const from = at - this.#windowMs;
    const kept = list.filter((t) => t > from);
    if (kept.length === 0) this.#failures.delete(domain);
    else if (kept.length !== list.length) this.#failures.set(domain, kept);
    return kept.length;
  }

  /** Fewest recent failures first; equal counts in the order the tie-break source gives (stable sort). */
  order(domains: readonly string[], at: number = Date.now()): string[] {
    return domains
      .map((d) => ({ d, f: this.failures(d, at), r: this.#random() }))
      .sort((a, b) => a.f - b.f || a.r - b.r)
      .map((x) => x.d);
  }
}
