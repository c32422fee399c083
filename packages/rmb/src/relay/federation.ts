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
 * ranker). Up to `passes` passes with 100 ms / 200 ms backoff plus jitter; the relay keeps what
 * is still transient in its queue and calls again until the envelope expires.
 */
export class Federator {
  readonly #o: Required<FederatorOptions>;
  #closed = false;

  constructor(options: FederatorOptions) {
    this.#o = { timeoutMs: 3000, passes: 3, ...options };
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

  close(): void {
    this.#closed = true;
  }
}
