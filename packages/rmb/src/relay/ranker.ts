/**
 * Orders a twin's relay domains by recent failures, fewest first, ties shuffled; failures older
 * than the window are forgotten, so a domain heals (rmb.md §5.4 "Ranker").
 */
export class DomainRanker {
  readonly #windowMs: number;
  readonly #failures = new Map<string, number[]>();

  constructor(windowMs = 3_600_000) {
    this.#windowMs = windowMs;
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

  order(domains: readonly string[], at: number = Date.now()): string[] {
    return domains
      .map((d) => ({ d, f: this.failures(d, at), r: Math.random() }))
      .sort((a, b) => a.f - b.f || a.r - b.r)
      .map((x) => x.d);
  }
}
