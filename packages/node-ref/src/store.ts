import { join } from 'node:path';
import type { WorkloadResult, WorkloadState } from '@sc4it/types';
import { listJsonFiles, readJsonFile, writeJsonAtomic } from './atomic-file.ts';

/** A workload as the node stores it: the zos JSON fields plus its current result. */
export interface WorkloadRecord {
  version: number;
  name: string;
  type: string;
  metadata: string;
  description: string;
  data: unknown;
  result: WorkloadResult;
}

/** The deployment fields other than the workloads, in zos JSON. */
export interface DeploymentHead {
  version: number;
  twin_id: number;
  contract_id: bigint;
  metadata: string;
  description: string;
  expiration: unknown;
  signature_requirement: unknown;
}

/** Work accepted on the bus but not finished yet; kept on disk so a restart resumes it. */
export type PendingJob =
  | { op: 'provision' }
  | {
      op: 'update';
      target: Record<string, unknown>;
      hash: string;
      /**
       * The workloads and history length when the update started applying: a restart after a
       * crash mid-update (with a partial state saved meanwhile) rolls back to it and re-applies.
       */
      base?: { workloads: WorkloadRecord[]; history: number };
    };

export interface DeploymentRecord {
  twinId: number;
  contractId: bigint;
  head: DeploymentHead;
  /** Current workloads, in the order the user sent them. */
  workloads: WorkloadRecord[];
  /** Every result ever written, oldest first (`zos.deployment.changes`). */
  history: WorkloadRecord[];
  /** The job to run next (null: nothing pending). */
  job: PendingJob | null;
  /** Jobs accepted after `job`, in arrival order (zos queues every update; none replaces another). */
  next?: PendingJob[];
  /** Hash of the deployment as last accepted (after an update: the new one). */
  hash: string;
  /** The contract owner is the sender and the contract is ours: failures may cancel it. */
  ownerVerified: boolean;
  /** Unix seconds. */
  createdAt: number;
}

export const OKAY_STATES: ReadonlySet<WorkloadState> = new Set(['ok', 'paused']);

/** zos `IsActive`: any workload neither deleted nor in error. */
export function isActive(rec: DeploymentRecord): boolean {
  return rec.workloads.some((w) => w.result.state !== 'deleted' && w.result.state !== 'error');
}

export function recordKey(twinId: number, contractId: bigint): string {
  return `${twinId}-${contractId}`;
}

/**
 * Deployments of one node, one JSON file each under `<stateDir>/deployments`, replaced atomically
 * on every save. Saves of the same record are coalesced: at most one write in flight and one
 * queued, the queued one writing the latest state.
 */
export class DeploymentStore {
  readonly #dir: string;
  readonly #sync: boolean;
  readonly #records = new Map<string, DeploymentRecord>();
  readonly #byContract = new Map<string, Set<string>>();
  readonly #writes = new Map<string, { running: Promise<void>; queued: Promise<void> | null }>();

  constructor(stateDir: string, options: { sync?: boolean } = {}) {
    this.#dir = join(stateDir, 'deployments');
    this.#sync = options.sync ?? true;
  }

  async load(): Promise<void> {
    for (const name of await listJsonFiles(this.#dir)) {
      const rec = (await readJsonFile(join(this.#dir, name))) as DeploymentRecord | undefined;
      if (rec !== undefined) this.#index(rec);
    }
  }

  #index(rec: DeploymentRecord): void {
    const key = recordKey(rec.twinId, rec.contractId);
    this.#records.set(key, rec);
    const c = rec.contractId.toString();
    let set = this.#byContract.get(c);
    if (set === undefined) this.#byContract.set(c, (set = new Set()));
    set.add(key);
  }

  get(twinId: number, contractId: bigint): DeploymentRecord | undefined {
    return this.#records.get(recordKey(twinId, contractId));
  }

  byContract(contractId: bigint): DeploymentRecord[] {
    const keys = this.#byContract.get(contractId.toString());
    return keys === undefined ? [] : [...keys].map((k) => this.#records.get(k)).filter((r) => r !== undefined);
  }

  byTwin(twinId: number): DeploymentRecord[] {
    return this.all().filter((r) => r.twinId === twinId);
  }

  all(): DeploymentRecord[] {
    return [...this.#records.values()];
  }

  has(twinId: number, contractId: bigint): boolean {
    return this.#records.has(recordKey(twinId, contractId));
  }

  /** Adds a new record and writes it; resolves once it is on disk. */
  async create(rec: DeploymentRecord): Promise<void> {
    this.#index(rec);
    await this.save(rec);
  }

  /** Writes the record's current state; resolves once a write that includes it has finished. */
  save(rec: DeploymentRecord): Promise<void> {
    const key = recordKey(rec.twinId, rec.contractId);
    const path = join(this.#dir, `${key}.json`);
    const slot = this.#writes.get(key);
    const write = (): Promise<void> => writeJsonAtomic(path, this.#records.get(key) ?? rec, this.#sync);
    if (slot === undefined) {
      const running = write().finally(() => this.#advance(key));
      this.#writes.set(key, { running, queued: null });
      return running;
    }
    if (slot.queued === null) {
      slot.queued = slot.running.catch(() => undefined).then(write);
    }
    return slot.queued;
  }

  #advance(key: string): void {
    const slot = this.#writes.get(key);
    if (slot === undefined) return;
    if (slot.queued === null) {
      this.#writes.delete(key);
      return;
    }
    const next = slot.queued;
    slot.running = next.finally(() => this.#advance(key));
    slot.queued = null;
  }

  /** Waits for every write in flight. */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) {
      await Promise.allSettled([...this.#writes.values()].flatMap((s) => [s.running, s.queued ?? s.running]));
    }
  }
}
