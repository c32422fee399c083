import { join } from 'node:path';
import type { ConsumptionReport, ContractResources, NruConsumption } from '@sc4it/types';
import { listJsonFiles, readJsonFile, removeFile, writeJsonAtomic } from './atomic-file.ts';

/** One call the node owes the chain. */
export type OutboxItem =
  | { kind: 'deployed'; contractId: bigint }
  | { kind: 'cancel'; contractId: bigint; reason: string }
  | { kind: 'resources'; resources: ContractResources }
  | { kind: 'nru'; report: NruConsumption }
  | { kind: 'consumption'; report: ConsumptionReport };

/**
 * The item's file name. It is derived from what the item reports, so producing the same report
 * again (after a crash between enqueueing and recording progress) overwrites the queued copy
 * instead of adding a second one; a newer resources snapshot replaces an older unsent one.
 */
export function outboxId(item: OutboxItem): string {
  switch (item.kind) {
    case 'deployed':
      return `deployed-${item.contractId}`;
    case 'cancel':
      return `cancel-${item.contractId}`;
    case 'resources':
      return `resources-${item.resources.contractId}`;
    case 'nru':
      return `nru-${item.report.contractId}-${item.report.timestamp}`;
    case 'consumption':
      return `consumption-${item.report.contractId}-${item.report.timestamp}`;
  }
}

/**
 * A durable queue of calls to the chain (`<stateDir>/outbox/<id>.json`). An item is removed only
 * after the chain answered for it, so everything is delivered at least once across chain outages
 * and restarts; the chain's outcome codes (`duplicate` …) make a redelivery harmless.
 */
export class Outbox {
  readonly #dir: string;
  readonly #sync: boolean;
  readonly #items = new Map<string, OutboxItem>();
  /** Bumped on every put so a delivery does not delete a newer copy with the same id. */
  readonly #versions = new Map<string, number>();
  /** File operations per id run one after the other, so a removal never undoes a newer write. */
  readonly #files = new Map<string, Promise<void>>();

  constructor(stateDir: string, options: { sync?: boolean } = {}) {
    this.#dir = join(stateDir, 'outbox');
    this.#sync = options.sync ?? true;
  }

  async load(): Promise<void> {
    for (const name of await listJsonFiles(this.#dir)) {
      const item = (await readJsonFile(join(this.#dir, name))) as OutboxItem | undefined;
      if (item !== undefined) {
        this.#items.set(outboxId(item), item);
        this.#versions.set(outboxId(item), 0);
      }
    }
  }

  get size(): number {
    return this.#items.size;
  }

  has(id: string): boolean {
    return this.#items.has(id);
  }

  /** Queues an item durably; resolves once it is on disk. */
  async put(item: OutboxItem): Promise<void> {
    const id = outboxId(item);
    this.#items.set(id, item);
    this.#versions.set(id, (this.#versions.get(id) ?? 0) + 1);
    await this.#serial(id, () => writeJsonAtomic(join(this.#dir, `${id}.json`), item, this.#sync));
  }

  #serial(id: string, op: () => Promise<void>): Promise<void> {
    const prev = this.#files.get(id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(op);
    this.#files.set(id, next);
    void next.catch(() => undefined).then(() => {
      if (this.#files.get(id) === next) this.#files.delete(id);
    });
    return next;
  }

  /** A snapshot of the queue, with the version of each item at the time of the snapshot. */
  pending(): { id: string; item: OutboxItem; version: number }[] {
    return [...this.#items].map(([id, item]) => ({ id, item, version: this.#versions.get(id) ?? 0 }));
  }

  /** Removes an item that was delivered, unless it was replaced since `version`. */
  async done(id: string, version: number): Promise<void> {
    if ((this.#versions.get(id) ?? 0) !== version) return;
    this.#items.delete(id);
    this.#versions.delete(id);
    await this.#serial(id, () => removeFile(join(this.#dir, `${id}.json`), this.#sync));
  }
}
