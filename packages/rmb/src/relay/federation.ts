import { nowSeconds } from '../envelope.ts';
import type { DomainRanker } from './ranker.ts';

export type FederationOutcome = 'accepted' | 'permanent' | 'transient';

export interface FederatorOptions {
  ranker: DomainRanker;
  /** URL a domain's relay accepts federated envelopes on (default `https://<domain>/`). */
  federationUrl: (domain: string) => string;
  /** Per-request timeout, ms (default 3000, as rmb-rs). */
  timeoutMs?: number;
  /** Passes over the domains per attempt (default 3). */
  passes?: number;
  /** Pause between attempts once a message could not be handed over, ms (default 2000). */
  retryMs?: number;
}

export interface FederationJob {
  bytes: Uint8Array;
  domains: string[];
  /** Unix seconds after which the message is given up. */
  deadline: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Hands envelopes to other relays over HTTP (rmb.md §5.4): `POST <url>` with the raw bytes;
 * 202 = accepted, 4xx = permanent, 5xx / network error = try the next domain (downvoted in the
 * ranker). Up to `passes` passes with 100 ms / 200 ms backoff plus jitter, then retried every
 * `retryMs` until the envelope expires. Jobs live in memory.
 */
export class Federator {
  readonly #o: Required<FederatorOptions>;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  #closed = false;

  constructor(options: FederatorOptions) {
    this.#o = { timeoutMs: 3000, passes: 3, retryMs: 2000, ...options };
  }

  /** One attempt: every domain, in ranked order, for up to `passes` passes. */
  async attempt(job: FederationJob): Promise<FederationOutcome> {
    for (let pass = 0; pass < this.#o.passes && !this.#closed; pass++) {
      if (pass > 0) await sleep(100 * pass + Math.random() * 50);
      for (const domain of this.#o.ranker.order(job.domains)) {
        if (nowSeconds() >= job.deadline) return 'permanent';
        let status: number;
        try {
          const res = await fetch(this.#o.federationUrl(domain), {
            method: 'POST',
            headers: { 'content-type': 'application/octet-stream' },
            body: job.bytes as Uint8Array<ArrayBuffer>,
            signal: AbortSignal.timeout(this.#o.timeoutMs),
          });
          status = res.status;
          await res.arrayBuffer().catch(() => undefined);
        } catch {
          this.#o.ranker.fail(domain);
          continue;
        }
        if (status === 202 || (status >= 200 && status < 300)) return 'accepted';
        if (status >= 400 && status < 500) return 'permanent';
        this.#o.ranker.fail(domain);
      }
    }
    return 'transient';
  }

  /**
   * Delivers in the background; `onGiveUp(reason)` runs when the message is refused for good or
   * expires. Resolves after the first attempt, with its outcome.
   */
  async submit(job: FederationJob, onGiveUp: (reason: 'rejected' | 'expired') => void): Promise<FederationOutcome> {
    const outcome = await this.attempt(job);
    if (outcome === 'permanent') onGiveUp(nowSeconds() >= job.deadline ? 'expired' : 'rejected');
    else if (outcome === 'transient') this.#retryLater(job, onGiveUp);
    return outcome;
  }

  #retryLater(job: FederationJob, onGiveUp: (reason: 'rejected' | 'expired') => void): void {
    if (this.#closed) return;
    if (nowSeconds() >= job.deadline) {
      onGiveUp('expired');
      return;
    }
    const t = setTimeout(() => {
      this.#timers.delete(t);
      void this.attempt(job).then((outcome) => {
        if (outcome === 'permanent') onGiveUp(nowSeconds() >= job.deadline ? 'expired' : 'rejected');
        else if (outcome === 'transient') this.#retryLater(job, onGiveUp);
      });
    }, this.#o.retryMs);
    t.unref?.();
    this.#timers.add(t);
  }

  /** Number of messages waiting for a retry. */
  get pending(): number {
    return this.#timers.size;
  }

  close(): void {
    this.#closed = true;
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
  }
}
