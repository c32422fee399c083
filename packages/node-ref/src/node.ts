import { join } from 'node:path';
import {
  DecodeError,
  isSc4itError,
  type ChainCall,
  type ChainClient,
  type ChainEvent,
  type Contract,
  type KeyType,
  type Resources,
  type TransactionSigner,
  type Unsubscribe,
  type WorkloadResult,
  type WorkloadState,
  signTransaction,
} from '@sc4it/types';
import { addCapacity, nodeReserved, u64, usableMemory, workloadCapacity, zeroCapacity, type Capacity, GiB } from './capacity.ts';
import { defaultNodeDeps } from './deps.ts';
import { JsonDoc } from './json-doc.ts';
import { installOrder, typeRank } from './order.ts';
import { Outbox, outboxId, type OutboxItem } from './outbox.ts';
import { provisionWorkload, updateWorkload, type ProvisionEnv, type ProvisionOutcome } from './provisioner.ts';
import {
  DeploymentStore,
  OKAY_STATES,
  isActive,
  recordKey,
  type DeploymentHead,
  type DeploymentRecord,
  type PendingJob,
  type WorkloadRecord,
} from './store.ts';
import { seedUsage } from './seed-usage.ts';
import { planUpgrade, type UpgradeOp } from './upgrade.ts';
import { LIVE_STATES, checkContract, checkIncoming, toNodeError, type IncomingChecks, type NodeContract } from './validate.ts';
import { NodeError, ZosText } from './zos-errors.ts';

/** Tunables; every one has a default suited to a long-running node. Durations in ms unless noted. */
export interface NodeOptions {
  /** fsync every state write (default true). */
  sync?: boolean;
  /** Deployment jobs run at the same time (default 8); jobs of one deployment never overlap. */
  concurrency?: number;
  /** Cancel a contract of this node whose deployment has not arrived after this long (default 10 min; 0: never). */
  deploymentTimeoutMs?: number;
  /** Periodic repair against the chain (default 60 s; zos: hourly). */
  syncIntervalMs?: number;
  /** How often chain time is checked for due reports (default 5 s). */
  reportCheckIntervalMs?: number;
  /** Seed-era `addReports` period in chain seconds (default 3600; 0: off). */
  consumptionPeriod?: number;
  /** `addNruReports` period in chain seconds (default 3600; 0: off). */
  nruPeriod?: number;
  /** Send `reportContractResources` after each change (default true). */
  resourcesReports?: boolean;
  /** Simulated public traffic per public workload, bytes per chain second (default 2000). */
  trafficBytesPerSecond?: number;
  /** SSD kept for the node's cache (default min(100 GiB, 10% of SRU)). */
  cacheDiskBytes?: bigint;
  /** Domain of the node's name gateway (default `gw<nodeId>.sc4it.test`). */
  gatewayDomain?: string;
  /** The node's public IPv6 /64 as 4 groups (default `2a10:b600:0:<nodeId hex>`). */
  ipv6Prefix?: string;
  /** Largest accepted bus payload in bytes (default 256 KiB). */
  maxPayloadBytes?: number;
  /** Cancel contracts the node cannot serve (default true). */
  cancelFailed?: boolean;
  /** First retry delay of the chain outbox; doubles up to 30 s (default 500). */
  outboxRetryMs?: number;
  /** KYC check (zos `isTwinVerified`); absent: every twin is verified. */
  verified?: (twinId: number) => Promise<boolean>;
  /** Diagnostics sink (default: silent). */
  log?: (event: NodeLogEvent) => void;
}

export interface NodeLogEvent {
  level: 'debug' | 'info' | 'warn' | 'error';
  msg: string;
  contractId?: bigint;
  error?: unknown;
}

/** Functions from the sibling packages the node is built on; tests may replace them. */
export interface NodeDeps {
  /** `@sc4it/hash` `deploymentHash`: lower-case hex MD5 of the zos challenge. */
  deploymentHash(deployment: unknown): string;
  /**
   * `@sc4it/types` `parseDeployment`: reads JSON text or a value as the node does and applies
   * zos `Valid()`; returns the normalised deployment (64-bit fields as bigint).
   */
  validate(input: unknown): unknown;
  /** `@sc4it/crypto` `verifyDeployment` with the zos policy. */
  verifySignatures(
    deployment: unknown,
    getTwinKey: (twinId: number) => Promise<{ publicKey: Uint8Array; keyType: KeyType } | null>,
  ): Promise<void>;
}

export interface NodeInit {
  chain: ChainClient;
  /** The node twin's account key: signs the node's calls to the chain. */
  identity: TransactionSigner;
  twinId: number;
  nodeId: number;
  /** Directory for the node's state; created if missing. */
  stateDir: string;
  /** Default: {@link defaultNodeDeps} (`parseDeployment`, `deploymentHash`, `verifyDeployment` zos). */
  deps?: Partial<NodeDeps>;
  options?: NodeOptions;
}

/** A command's reply (zos JSON value) — what the bus carries back. */
export type CommandResult = unknown;

interface NodeMeta {
  /** Node contracts seen on chain without their deployment: id → first seen (ms). */
  pending: Record<string, number>;
  traffic: { lastSample: number; counters: Record<string, bigint>; sentNru: Record<string, bigint> };
  nruLastAt: number;
  consumptionLastAt: number;
  /** Wall-clock time of the last consumption report (result times are wall-clock, as in zos). */
  consumptionLastWall?: number;
  /** Reports decided but maybe not yet in the outbox (a crash in between re-queues them). */
  staged: OutboxItem[];
}

export interface NodeStats {
  deployments: number;
  activeDeployments: number;
  workloads: number;
  outbox: number;
  jobsRunning: number;
  jobsQueued: number;
  submitted: number;
  rejected: number;
  outcomes: Record<string, number>;
}

const VERSION = { zos: 'sc4it-node-ref/0.1.0', zinit: 'simulated' };
const KEY_CACHE_MS = 60 * 60 * 1000;

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function isPublic(wl: WorkloadRecord): boolean {
  if (wl.type === 'gateway-name-proxy' || wl.type === 'gateway-fqdn-proxy') return true;
  if (wl.type === 'zmachine') return typeof obj(obj(wl.data)['network'])['public_ip'] === 'string' && obj(obj(wl.data)['network'])['public_ip'] !== '';
  return false;
}

function toResources(c: Capacity): Resources {
  return { cru: c.cru, sru: c.sru, hru: c.hru, mru: c.mru };
}

/**
 * A reference node: serves the zos bus commands, validates deployments against the chain like
 * zos, simulates provisioning, follows contract events and reports consumption. State lives
 * under `stateDir` and survives restarts. Use {@link handleCommand} to feed it bus requests.
 */
export class ReferenceNode {
  readonly nodeId: number;
  readonly twinId: number;
  readonly #chain: ChainClient;
  readonly #identity: TransactionSigner;
  readonly #deps: NodeDeps;
  readonly #opts: Required<Omit<NodeOptions, 'verified' | 'log' | 'cacheDiskBytes'>> & {
    verified: NodeOptions['verified'] | undefined;
    log: NodeOptions['log'] | undefined;
  };
  readonly #store: DeploymentStore;
  readonly #outbox: Outbox;
  readonly #meta: JsonDoc<NodeMeta>;
  #total: Resources = { cru: 0n, sru: 0n, hru: 0n, mru: 0n };
  #reserved: Capacity = zeroCapacity();
  #cacheDisk: bigint | undefined;
  #started = false;
  #stopped = false;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #unsubscribe: Unsubscribe | null = null;
  // jobs
  readonly #running = new Set<string>();
  readonly #queue: string[] = [];
  readonly #queued = new Set<string>();
  readonly #idleWaiters: (() => void)[] = [];
  readonly #jobRetry = new Map<string, { delay: number; timer: ReturnType<typeof setTimeout> }>();
  // chain calls
  #txChain: Promise<unknown> = Promise.resolve();
  #flushing: Promise<void> | null = null;
  #flushAgain = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #retryDelay: number;
  #single = new Set<string>();
  readonly #keyCache = new Map<number, { at: number; key: { publicKey: Uint8Array; keyType: KeyType } | null }>();
  readonly #stats = { submitted: 0, rejected: 0, outcomes: {} as Record<string, number> };
  readonly #listeners = new Set<(rec: DeploymentRecord) => void>();
  #reporting: Promise<void> | null = null;
  /** Capacity checks and the results that reserve capacity run one at a time (see #provisionOne). */
  #capacityLock: Promise<void> = Promise.resolve();
  #syncing: Promise<void> | null = null;

  constructor(init: NodeInit) {
    this.nodeId = init.nodeId;
    this.twinId = init.twinId;
    this.#chain = init.chain;
    this.#identity = init.identity;
    this.#deps = { ...defaultNodeDeps(), ...init.deps };
    const o = init.options ?? {};
    this.#cacheDisk = o.cacheDiskBytes;
    this.#opts = {
      sync: o.sync ?? true,
      concurrency: Math.max(1, o.concurrency ?? 8),
      deploymentTimeoutMs: o.deploymentTimeoutMs ?? 10 * 60_000,
      syncIntervalMs: o.syncIntervalMs ?? 60_000,
      reportCheckIntervalMs: o.reportCheckIntervalMs ?? 5_000,
      consumptionPeriod: o.consumptionPeriod ?? 3600,
      nruPeriod: o.nruPeriod ?? 3600,
      resourcesReports: o.resourcesReports ?? true,
      trafficBytesPerSecond: o.trafficBytesPerSecond ?? 2000,
      gatewayDomain: o.gatewayDomain ?? `gw${init.nodeId}.sc4it.test`,
      ipv6Prefix: o.ipv6Prefix ?? `2a10:b600:0:${init.nodeId.toString(16)}`,
      maxPayloadBytes: o.maxPayloadBytes ?? 256 * 1024,
      cancelFailed: o.cancelFailed ?? true,
      outboxRetryMs: o.outboxRetryMs ?? 500,
      verified: o.verified,
      log: o.log,
    };
    this.#retryDelay = this.#opts.outboxRetryMs;
    this.#store = new DeploymentStore(init.stateDir, { sync: this.#opts.sync });
    this.#outbox = new Outbox(init.stateDir, { sync: this.#opts.sync });
    this.#meta = new JsonDoc<NodeMeta>(
      join(init.stateDir, 'node.json'),
      { pending: {}, traffic: { lastSample: 0, counters: {}, sentNru: {} }, nruLastAt: 0, consumptionLastAt: 0, staged: [] },
      { sync: this.#opts.sync },
    );
  }

  // ---- lifecycle -----------------------------------------------------------------------------

  /**
   * Loads the state, reads the node's capacity from the chain, subscribes to chain events,
   * resumes unfinished jobs, repairs against the chain and starts the timers.
   */
  async start(): Promise<void> {
    if (this.#started) return;
    this.#started = true;
    await this.#store.load();
    await this.#outbox.load();
    await this.#meta.load();
    for (const item of this.#meta.value.staged) await this.#outbox.put(item);
    if (this.#meta.value.staged.length > 0) {
      this.#meta.value.staged = [];
      await this.#meta.save();
    }
    const node = await this.#chain.getNode(this.nodeId);
    if (node === null) throw new NodeError('node.not_registered', `node ${this.nodeId} does not exist on chain`);
    this.#total = node.resources;
    const cache = this.#cacheDisk ?? (node.resources.sru / 10n < 100n * GiB ? node.resources.sru / 10n : 100n * GiB);
    this.#reserved = nodeReserved(node.resources, cache);
    await this.#subscribe();
    for (const rec of this.#store.all()) if (rec.job !== null) this.#enqueue(rec);
    if (this.#opts.resourcesReports) {
      for (const rec of this.#store.all()) if (isActive(rec) && rec.ownerVerified && rec.job === null) await this.#queueResources(rec);
    }
    this.#kickOutbox();
    void this.sync();
    this.#every(this.#opts.syncIntervalMs, () => this.sync());
    this.#every(this.#opts.reportCheckIntervalMs, () => this.report());
  }

  #every(ms: number, fn: () => Promise<void>): void {
    if (ms <= 0) return;
    const t = setInterval(() => {
      fn().catch((error: unknown) => this.#log('warn', 'periodic task failed', undefined, error));
    }, ms);
    t.unref?.();
    this.#timers.push(t);
  }

  /** Stops timers and subscriptions, waits for running jobs and writes. Does not close the chain. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    for (const t of this.#timers) clearInterval(t);
    for (const r of this.#jobRetry.values()) clearTimeout(r.timer);
    if (this.#retryTimer !== null) clearTimeout(this.#retryTimer);
    if (this.#unsubscribe !== null) {
      try {
        await this.#unsubscribe();
      } catch {
        // the chain may already be gone
      }
      this.#unsubscribe = null;
    }
    this.#queue.length = 0;
    this.#queued.clear();
    while (this.#running.size > 0) await new Promise<void>((r) => this.#idleWaiters.push(r));
    await this.#flushing?.catch(() => undefined);
    await this.#reporting?.catch(() => undefined);
    await this.#syncing?.catch(() => undefined);
    await this.#store.flush();
    await this.#meta.flush();
  }

  #log(level: NodeLogEvent['level'], msg: string, contractId?: bigint, error?: unknown): void {
    const log = this.#opts.log;
    if (log === undefined) return;
    log({ level, msg, ...(contractId === undefined ? {} : { contractId }), ...(error === undefined ? {} : { error }) });
  }

  /** Called with a deployment record after each change of its state. */
  onChange(listener: (rec: DeploymentRecord) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(rec: DeploymentRecord): void {
    for (const l of this.#listeners) {
      try {
        l(rec);
      } catch {
        // a listener's failure is not the node's
      }
    }
  }

  // ---- bus commands --------------------------------------------------------------------------

  /**
   * Runs one bus command for `sender` (the twin from the signed envelope) and returns the zos JSON
   * reply. Refusals throw a `NodeError` whose message is the node's text; malformed payloads a
   * `DecodeError`; unknown commands a `NodeError` `node.unknown_command`.
   */
  async handleCommand(sender: number, command: string, payload: Uint8Array | string): Promise<CommandResult> {
    const size = typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length;
    if (size > this.#opts.maxPayloadBytes) {
      throw new NodeError('node.payload_too_large', `payload of ${size} bytes exceeds the limit of ${this.#opts.maxPayloadBytes} bytes`);
    }
    switch (command) {
      case 'zos.deployment.deploy':
        await this.deploy(sender, payloadText(payload));
        return null;
      case 'zos.deployment.update':
        await this.update(sender, payloadText(payload));
        return null;
      case 'zos.deployment.get':
        return this.get(sender, contractIdArg(parsePayload(payload)));
      case 'zos.deployment.list':
        return this.list(sender);
      case 'zos.deployment.changes':
        return this.changes(sender, contractIdArg(parsePayload(payload)));
      case 'zos.deployment.delete':
        throw new NodeError('node.delete_disabled', ZosText.deleteDisabled);
      case 'zos.statistics.get':
        return this.statistics();
      case 'zos.system.version':
        return { ...VERSION };
      default:
        throw new NodeError('node.unknown_command', `unknown command '${command.slice(0, 64)}'`);
    }
  }

  /**
   * `zos.deployment.deploy`: the synchronous checks, then store with every workload `init` and
   * queue. `input` is the JSON text (read losslessly) or a deployment value.
   */
  async deploy(sender: number, input: unknown): Promise<void> {
    this.#assertRunning();
    const json = await checkIncoming(input, sender, this.#checks());
    const d = json as Record<string, unknown>;
    if (d['version'] !== 0) throw new NodeError('node.invalid_version', ZosText.versionNotZero);
    const contractId = u64(d['contract_id']);
    if (this.#store.has(sender, contractId)) throw new NodeError('node.exists', ZosText.exists);
    const workloads = (d['workloads'] as Record<string, unknown>[]).map(toRecord);
    // sharable types: one network name per twin across its active deployments (zos `conflict`)
    const nets = new Set(workloads.filter((w) => w.type === 'network' || w.type === 'network-light').map((w) => w.name));
    if (nets.size > 0) {
      for (const other of this.#store.byTwin(sender)) {
        if (!isActive(other)) continue;
        if (other.workloads.some((w) => nets.has(w.name) && (w.type === 'network' || w.type === 'network-light') && w.result.state !== 'deleted')) {
          throw new NodeError('node.conflict', ZosText.conflict);
        }
      }
    }
    const hash = this.#hash(json);
    const created = nowSeconds();
    for (const w of workloads) w.result = { created, state: 'init', message: '', data: null };
    const rec: DeploymentRecord = {
      twinId: sender,
      contractId,
      head: headOf(d),
      workloads,
      history: workloads.map((w) => structuredClone(w)),
      job: { op: 'provision' },
      hash,
      ownerVerified: false,
      createdAt: created,
    };
    await this.#store.create(rec);
    this.#emit(rec);
    this.#enqueue(rec);
  }

  /** `zos.deployment.update`: the synchronous checks and the upgrade plan, then store and queue. */
  async update(sender: number, input: unknown): Promise<void> {
    this.#assertRunning();
    const json = await checkIncoming(input, sender, this.#checks());
    const d = json as Record<string, unknown>;
    const contractId = u64(d['contract_id']);
    const rec = this.#store.get(sender, contractId);
    if (rec === undefined) throw new NodeError('node.not_found', ZosText.deploymentNotExists);
    planUpgrade(
      { version: rec.head.version, twin_id: rec.twinId, contract_id: rec.contractId, workloads: rec.workloads },
      {
        version: d['version'] as number,
        twin_id: d['twin_id'] as number,
        contract_id: contractId,
        workloads: (d['workloads'] as Record<string, unknown>[]).map(toRecord),
      },
    );
    const head = headOf(d);
    rec.head = { ...rec.head, version: head.version, signature_requirement: head.signature_requirement, description: head.description, metadata: head.metadata };
    // zos queues every accepted update behind the deployment's pending jobs (none replaces another)
    const job = { op: 'update' as const, target: d, hash: this.#hash(json) };
    if (rec.job === null) rec.job = job;
    else (rec.next ??= []).push(job);
    await this.#store.save(rec);
    this.#emit(rec);
    this.#enqueue(rec);
  }

  /** `zos.deployment.get`: the sender's deployment with its results. */
  get(sender: number, contractId: bigint): unknown {
    const rec = this.#store.get(sender, contractId);
    if (rec === undefined) throw new NodeError('node.not_found', ZosText.deploymentNotFound);
    return toZosJson(rec);
  }

  /** `zos.deployment.list`: the sender's active deployments. */
  list(sender: number): unknown[] {
    return this.#store
      .byTwin(sender)
      .filter(isActive)
      .sort((a, b) => (a.contractId < b.contractId ? -1 : 1))
      .map(toZosJson);
  }

  /** `zos.deployment.changes`: every result written for the deployment's workloads, oldest first. */
  changes(sender: number, contractId: bigint): unknown[] {
    const rec = this.#store.get(sender, contractId);
    if (rec === undefined) throw new NodeError('node.not_found', ZosText.deploymentNotFound);
    return rec.history.map(workloadJson);
  }

  /** `zos.statistics.get` (zos `GetCounters`). */
  statistics(): unknown {
    const used = this.#usedCapacity();
    const total = { ...this.#total, ipv4u: 0n };
    let deployments = 0;
    let workloads = 0;
    let last = 0;
    for (const rec of this.#store.all()) {
      if (!isActive(rec)) continue;
      deployments++;
      workloads += rec.workloads.filter((w) => OKAY_STATES.has(w.result.state)).length;
      last = Math.max(last, rec.createdAt);
    }
    return {
      total: capJson(total),
      used: capJson(addCapacity(used, this.#reserved)),
      system: capJson(this.#reserved),
      users: { deployments, workloads, last_deployment_timestamp: last },
      open_connections: 0,
    };
  }

  /** A deployment record (any twin), for tools and tests. */
  record(twinId: number, contractId: bigint): DeploymentRecord | undefined {
    return this.#store.get(twinId, contractId);
  }

  records(): DeploymentRecord[] {
    return this.#store.all();
  }

  stats(): NodeStats {
    const all = this.#store.all();
    return {
      deployments: all.length,
      activeDeployments: all.filter(isActive).length,
      workloads: all.reduce((n, r) => n + r.workloads.length, 0),
      outbox: this.#outbox.size,
      jobsRunning: this.#running.size,
      jobsQueued: this.#queue.length,
      submitted: this.#stats.submitted,
      rejected: this.#stats.rejected,
      outcomes: { ...this.#stats.outcomes },
    };
  }

  #assertRunning(): void {
    if (!this.#started || this.#stopped) throw new NodeError('node.stopped', 'node is not running');
  }

  #checks(): IncomingChecks {
    return {
      valid: (j) => this.#deps.validate(j),
      ...(this.#opts.verified === undefined ? {} : { verified: this.#opts.verified }),
      verifySignatures: (j) => this.#deps.verifySignatures(j, (t) => this.#twinKey(t)),
    };
  }

  #hash(json: unknown): string {
    try {
      return this.#deps.deploymentHash(json);
    } catch (err) {
      throw toNodeError(err, 'node.invalid_deployment');
    }
  }

  /** Twin id → account key from the chain, cached like zos (60 min). */
  async #twinKey(twinId: number): Promise<{ publicKey: Uint8Array; keyType: KeyType } | null> {
    const hit = this.#keyCache.get(twinId);
    if (hit !== undefined && Date.now() - hit.at < KEY_CACHE_MS && hit.key !== null) return hit.key;
    const twin = await this.#chain.getTwin(twinId);
    const key = twin === null ? null : { publicKey: twin.account, keyType: twin.keyType };
    this.#keyCache.set(twinId, { at: Date.now(), key });
    return key;
  }

  // ---- jobs ----------------------------------------------------------------------------------

  #enqueue(rec: DeploymentRecord): void {
    const key = recordKey(rec.twinId, rec.contractId);
    if (this.#queued.has(key) || this.#stopped) return;
    this.#queued.add(key);
    this.#queue.push(key);
    this.#pump();
  }

  #pump(): void {
    while (this.#running.size < this.#opts.concurrency && this.#queue.length > 0) {
      const idx = this.#queue.findIndex((k) => !this.#running.has(k));
      if (idx < 0) return;
      const key = this.#queue.splice(idx, 1)[0] as string;
      this.#queued.delete(key);
      this.#running.add(key);
      void this.#runJob(key)
        .catch((error: unknown) => this.#log('error', 'job failed', undefined, error))
        .finally(() => {
          this.#running.delete(key);
          if (this.#running.size === 0 && this.#queue.length === 0) {
            for (const w of this.#idleWaiters.splice(0)) w();
          }
          this.#pump();
        });
    }
  }

  #retryJobLater(key: string): void {
    if (this.#stopped) return;
    const prev = this.#jobRetry.get(key);
    const delay = Math.min(30_000, prev === undefined ? this.#opts.outboxRetryMs : prev.delay * 2);
    if (prev !== undefined) clearTimeout(prev.timer);
    const timer = setTimeout(() => {
      const rec = this.#store.get(Number(key.split('-')[0]), BigInt(key.split('-')[1] ?? '0'));
      if (rec !== undefined) this.#enqueue(rec);
    }, delay);
    timer.unref?.();
    this.#jobRetry.set(key, { delay, timer });
  }

  /** Resolves when no job is queued or running. */
  async idle(): Promise<void> {
    while (this.#running.size > 0 || this.#queue.length > 0) await new Promise<void>((r) => this.#idleWaiters.push(r));
  }

  async #runJob(key: string): Promise<void> {
    const [twin, contract] = key.split('-') as [string, string];
    const rec = this.#store.get(Number(twin), BigInt(contract));
    if (rec === undefined || rec.job === null) return;
    const job = rec.job;
    const hash = job.op === 'update' ? job.hash : rec.hash;
    const check = await checkContract(this.#chain, { contractId: rec.contractId, twinId: rec.twinId, hash, nodeId: this.nodeId });
    if (!check.ok && check.transient === true) {
      // sc4it: zos fails the deployment when the chain is unreachable; the job waits instead
      this.#log('warn', `chain unreachable while validating; will retry: ${check.message}`, rec.contractId);
      this.#retryJobLater(key);
      return;
    }
    this.#jobRetry.delete(key);
    if (!check.ok) {
      // engine.go: a validation failure is written to every workload of the deployment
      const created = nowSeconds();
      for (const w of rec.workloads) this.#setResult(rec, w, { created, state: 'error', message: check.message, data: null });
      if (job.op === 'update') this.#orderAsSent(rec, job.target);
      rec.ownerVerified = rec.ownerVerified || check.ownerVerified;
      this.#finishJob(rec);
      // the chain call is queued before the finished job is saved: after a crash in between the
      // job runs again and queues the same call (same outbox id), so nothing is lost or doubled
      if (check.ownerVerified) await this.#maybeCancel(rec);
      await this.#store.save(rec);
      this.#emit(rec);
      this.#enqueueNext(rec);
      return;
    }
    rec.ownerVerified = true;
    if (this.#meta.value.pending[rec.contractId.toString()] !== undefined) {
      delete this.#meta.value.pending[rec.contractId.toString()];
      void this.#meta.save();
    }
    const env = this.#envFor(rec, check.contract);
    if (job.op === 'provision') {
      for (const wl of installOrder(rec.workloads)) {
        if (wl.result.state !== 'init') continue; // already handled before a restart
        await this.#provisionOne(rec, wl, env(wl), provisionWorkload);
      }
    } else {
      const planned = this.#planUpdate(rec, job);
      if (!planned.ok) {
        // engine.go Run, opUpdate: "failed to get update procedure" is logged and the job
        // dequeued; no workload result changes
        this.#log('warn', `failed to get update procedure: ${planned.message}`, rec.contractId);
        this.#finishJob(rec);
        await this.#store.save(rec);
        this.#emit(rec);
        this.#enqueueNext(rec);
        return;
      }
      await this.#applyUpdate(rec, job.target, planned.ops, env);
      rec.hash = job.hash;
    }
    this.#finishJob(rec);
    await this.#afterJob(rec, check.contract, job.op); // queues chain calls first (see above)
    await this.#store.save(rec);
    this.#emit(rec);
    this.#enqueueNext(rec);
  }

  /** The finished job leaves the record; the next queued one (arrival order) takes its place. */
  #finishJob(rec: DeploymentRecord): void {
    rec.job = rec.next?.shift() ?? null;
    if (rec.next !== undefined && rec.next.length === 0) delete rec.next;
  }

  #enqueueNext(rec: DeploymentRecord): void {
    if (rec.job !== null) this.#enqueue(rec);
  }

  /**
   * The update's steps from the deployment as it is now (after the jobs before it), or the zos
   * text when they cannot be computed. The current version is the one the target follows: the
   * stored head already carries the newest accepted version (zos stores it at acceptance).
   */
  #planUpdate(
    rec: DeploymentRecord,
    job: Extract<PendingJob, { op: 'update' }>,
  ): { ok: true; ops: UpgradeOp<WorkloadRecord>[] } | { ok: false; message: string } {
    if (job.base === undefined) {
      job.base = { workloads: structuredClone(rec.workloads), history: rec.history.length };
    } else {
      // resumed after a crash: a partial state may have been saved meanwhile; start again from before
      rec.workloads = structuredClone(job.base.workloads);
      rec.history.length = Math.min(rec.history.length, job.base.history);
    }
    const target = job.target;
    const version = target['version'] as number;
    try {
      const ops = planUpgrade(
        { version: version - 1, twin_id: rec.twinId, contract_id: rec.contractId, workloads: rec.workloads },
        { version, twin_id: target['twin_id'] as number, contract_id: rec.contractId, workloads: (target['workloads'] as Record<string, unknown>[]).map(toRecord) },
      );
      return { ok: true, ops };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err) };
    }
  }

  async #applyUpdate(
    rec: DeploymentRecord,
    target: Record<string, unknown>,
    ops: UpgradeOp<WorkloadRecord>[],
    env: (wl: WorkloadRecord) => ProvisionEnv,
  ): Promise<void> {
    // engine.go sortOperations: removals first in reverse type order, then adds / updates in type order
    const rank = (o: (typeof ops)[number]) => (o.op === 'remove' ? -typeRank(o.workload.type) : typeRank(o.workload.type));
    const sorted = ops.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
    const now = nowSeconds();
    for (const op of sorted) {
      const name = op.workload.name;
      if (op.op === 'remove') {
        const cur = rec.workloads.find((w) => w.name === name);
        if (cur !== undefined) {
          this.#setResult(rec, cur, { created: now, state: 'deleted', message: ZosText.deletedByUpdate, data: null });
          rec.workloads = rec.workloads.filter((w) => w.name !== name);
        }
        continue;
      }
      const wl = structuredClone(op.workload);
      const cur = rec.workloads.find((w) => w.name === name);
      if (cur === undefined) {
        wl.result = { created: now, state: 'init', message: '', data: null };
        rec.workloads.push(wl);
        rec.history.push(structuredClone(wl));
      } else {
        wl.result = cur.result;
        rec.workloads = rec.workloads.map((w) => (w.name === name ? wl : w));
      }
      await this.#provisionOne(rec, wl, env(wl), op.op === 'add' ? provisionWorkload : updateWorkload);
    }
    this.#orderAsSent(rec, target);
  }

  /**
   * Provisions one workload and writes its result. For a workload that takes capacity, the
   * capacity check and the result that reserves it happen under one lock: jobs run concurrently,
   * and a check that another job's result has not reached yet would see the same free memory or
   * disk twice (zos runs its jobs one at a time, so there it cannot happen).
   */
  async #provisionOne(
    rec: DeploymentRecord,
    wl: WorkloadRecord,
    env: ProvisionEnv,
    run: (wl: WorkloadRecord, env: ProvisionEnv) => Promise<ProvisionOutcome>,
  ): Promise<void> {
    const cap = workloadCapacity(wl.type, wl.data);
    const write = async (): Promise<void> => {
      const out = await run(wl, env);
      this.#setResult(rec, wl, outcomeResult(out));
    };
    if (cap.mru === 0n && cap.sru === 0n && cap.hru === 0n) return write();
    const turn = this.#capacityLock.then(write);
    this.#capacityLock = turn.catch(() => undefined);
    return turn;
  }

  /** Puts the workloads in the order the user sent them; untouched ones keep their stored data. */
  #orderAsSent(rec: DeploymentRecord, target: Record<string, unknown>): void {
    const order = (target['workloads'] as Record<string, unknown>[]).map((w) => w['name'] as string);
    const pos = new Map(order.map((n, i) => [n, i]));
    rec.workloads.sort((a, b) => (pos.get(a.name) ?? 1e9) - (pos.get(b.name) ?? 1e9));
  }

  #setResult(rec: DeploymentRecord, wl: WorkloadRecord, result: WorkloadResult): void {
    wl.result = result;
    rec.history.push(structuredClone(wl));
  }

  async #afterJob(rec: DeploymentRecord, contract: NodeContract, op: 'provision' | 'update'): Promise<void> {
    const states = rec.workloads.map((w) => w.result.state);
    if (op === 'provision' && states.length > 0 && states.every((s) => s === 'ok') && contract.state.kind === 'Created') {
      await this.#put({ kind: 'deployed', contractId: rec.contractId });
    }
    if (this.#opts.resourcesReports) await this.#queueResources(rec);
    await this.#maybeCancel(rec);
    if (contract.state.kind === 'GracePeriod') await this.#pause(rec);
  }

  /**
   * A new deployment that never came up (every workload failed, none was ever `ok`): the node
   * cannot serve the contract, so it gives it back. A deployment that has served is never given
   * back by the node, whatever a later update did to it: a failed update (hash mismatch, a
   * workload that cannot be updated) leaves the contract to its owner, who can send a good update.
   */
  async #maybeCancel(rec: DeploymentRecord): Promise<void> {
    if (!this.#opts.cancelFailed || !rec.ownerVerified || rec.workloads.length === 0) return;
    // a queued update may still bring the deployment back: only a final state gives it up
    if (rec.job !== null) return;
    if (rec.history.some((h) => h.result.state === 'ok' || h.result.state === 'paused')) return;
    if (!rec.workloads.every((w) => w.result.state === 'error')) return;
    const first = rec.workloads[0]?.result.message ?? '';
    await this.#put({ kind: 'cancel', contractId: rec.contractId, reason: `every workload failed: ${first}` });
  }

  #envFor(rec: DeploymentRecord, contract: NodeContract): (wl: WorkloadRecord) => ProvisionEnv {
    let nameContracts: Promise<Contract[]> | null = null;
    let rented: Promise<boolean> | null = null;
    return (wl) => {
      const excluding = (): Capacity => this.#usedCapacity(rec, wl.name);
      return {
        twinId: rec.twinId,
        contractId: rec.contractId,
        nodeId: this.nodeId,
        workloads: rec.workloads,
        reservedIps: contract.contractType.publicIpsList,
        usableMemory: () => usableMemory(this.#total.mru, excluding().mru, this.#reserved.mru),
        freeSru: () => clampSub(this.#total.sru, excluding().sru + this.#reserved.sru),
        freeHru: () => clampSub(this.#total.hru, excluding().hru + this.#reserved.hru),
        otherTwinWorkloads: () =>
          this.#store
            .byTwin(rec.twinId)
            .filter((r) => r !== rec && isActive(r))
            .flatMap((r) => r.workloads),
        gatewayDomain: this.#opts.gatewayDomain,
        ipv6Prefix: this.#opts.ipv6Prefix,
        nameContract: async (name) => {
          nameContracts ??= this.#chain.listContracts({ kind: 'name' });
          const all = await nameContracts;
          return all.find((c) => c.contractType.kind === 'name' && c.contractType.name === name && LIVE_STATES.has(c.state.kind)) ?? null;
        },
        rented: async () => {
          rented ??= this.#chain
            .listContracts({ kind: 'rent', nodeId: this.nodeId })
            .then((cs) => cs.some((c) => LIVE_STATES.has(c.state.kind)));
          return rented;
        },
      };
    };
  }

  /** Capacity of every okay workload on the node, leaving out one workload (zos excludes by id). */
  #usedCapacity(skipRec?: DeploymentRecord, skipName?: string): Capacity {
    let sum = zeroCapacity();
    for (const rec of this.#store.all()) {
      for (const w of rec.workloads) {
        if (!OKAY_STATES.has(w.result.state)) continue;
        if (rec === skipRec && w.name === skipName) continue;
        sum = addCapacity(sum, workloadCapacity(w.type, w.data));
      }
    }
    return sum;
  }

  // ---- contract events, pause / resume / deprovision, sync -----------------------------------

  async #subscribe(): Promise<void> {
    if (this.#unsubscribe !== null || this.#stopped) return;
    try {
      this.#unsubscribe = await this.#chain.subscribeEvents((ev) => this.#onEvent(ev));
    } catch (error) {
      this.#log('warn', 'cannot subscribe to chain events; the periodic sync will retry', undefined, error);
    }
  }

  #onEvent(ev: ChainEvent): void {
    if (this.#stopped) return;
    const ids = eventContractIds(ev);
    if (ev.name === 'ContractCreated') {
      const contract = obj(ev.data['contract']);
      const type = obj(contract['contractType'] ?? ev.data['contractType']);
      if (type['kind'] === 'node' && Number(type['nodeId']) === this.nodeId) {
        for (const id of ids) this.#notePending(id);
      }
      return;
    }
    if (!/Cancel|Grace|Delet|OutOfFunds|Updated|Removed/i.test(ev.name)) return;
    for (const id of ids) {
      if (this.#store.byContract(id).length === 0) continue;
      void this.reconcile(id, ZosText.canceledEvent).catch((error: unknown) => this.#log('warn', 'reconcile failed', id, error));
    }
  }

  #notePending(contractId: bigint): void {
    const k = contractId.toString();
    if (this.#meta.value.pending[k] !== undefined) return;
    this.#meta.value.pending[k] = Date.now();
    void this.#meta.save();
  }

  /**
   * Brings the deployments of one contract in line with its state on chain: gone or deleted →
   * deprovision with `reason`; grace period → pause; live again → resume.
   */
  async reconcile(contractId: bigint, reason: string): Promise<void> {
    const recs = this.#store.byContract(contractId).filter((r) => r.job === null && r.workloads.some((w) => w.result.state !== 'deleted'));
    if (recs.length === 0) return;
    const contract = await this.#chain.getContract(contractId);
    for (const rec of recs) {
      if (contract === null || !LIVE_STATES.has(contract.state.kind)) {
        await this.#deprovision(rec, reason);
      } else if (contract.twinId !== rec.twinId || !rec.ownerVerified) {
        continue; // not the owner's deployment: nothing of it runs
      } else if (contract.state.kind === 'GracePeriod') {
        await this.#pause(rec);
      } else {
        await this.#resume(rec);
      }
    }
  }

  async #deprovision(rec: DeploymentRecord, reason: string): Promise<void> {
    const now = nowSeconds();
    let changed = false;
    for (const wl of [...installOrder(rec.workloads)].reverse()) {
      if (wl.result.state === 'deleted') continue;
      this.#setResult(rec, wl, { created: now, state: 'deleted', message: reason, data: null });
      changed = true;
    }
    if (!changed) return;
    await this.#store.save(rec);
    this.#emit(rec);
  }

  async #pause(rec: DeploymentRecord): Promise<void> {
    const now = nowSeconds();
    let changed = false;
    for (const wl of [...installOrder(rec.workloads)].reverse()) {
      if (wl.result.state !== 'ok') continue;
      this.#setResult(rec, wl, { created: now, state: 'paused', message: ZosText.paused, data: wl.result.data });
      changed = true;
    }
    if (!changed) return;
    await this.#store.save(rec);
    this.#emit(rec);
  }

  async #resume(rec: DeploymentRecord): Promise<void> {
    const now = nowSeconds();
    let changed = false;
    for (const wl of installOrder(rec.workloads)) {
      if (wl.result.state !== 'paused') continue;
      this.#setResult(rec, wl, { created: now, state: 'ok', message: '', data: wl.result.data });
      changed = true;
    }
    if (!changed) return;
    await this.#store.save(rec);
    this.#emit(rec);
  }

  /**
   * The periodic repair (§6.8): re-subscribes if needed, reconciles every deployment with its
   * contract, and cancels node contracts whose deployment never arrived.
   */
  sync(): Promise<void> {
    this.#syncing ??= this.#syncOnce().finally(() => {
      this.#syncing = null;
    });
    return this.#syncing;
  }

  async #syncOnce(): Promise<void> {
    if (this.#stopped) return;
    await this.#subscribe();
    const ids = new Set<string>();
    for (const rec of this.#store.all()) {
      if (rec.job === null && rec.workloads.some((w) => w.result.state !== 'deleted')) ids.add(rec.contractId.toString());
    }
    for (const id of ids) await this.reconcile(BigInt(id), ZosText.notActiveOnChain);
    await this.#checkPending();
  }

  async #checkPending(): Promise<void> {
    const timeout = this.#opts.deploymentTimeoutMs;
    const contracts = await this.#chain.listContracts({ nodeId: this.nodeId, kind: 'node' });
    const pending = this.#meta.value.pending;
    const live = new Map<string, Contract>();
    for (const c of contracts) if (LIVE_STATES.has(c.state.kind)) live.set(c.contractId.toString(), c);
    let changed = false;
    for (const k of Object.keys(pending)) {
      if (!live.has(k)) {
        delete pending[k];
        changed = true;
      }
    }
    const now = Date.now();
    for (const [k, c] of live) {
      const owned = this.#store.get(c.twinId, c.contractId);
      if (owned !== undefined && (owned.job !== null || owned.ownerVerified)) {
        if (pending[k] !== undefined) {
          delete pending[k];
          changed = true;
        }
        continue;
      }
      if (pending[k] === undefined) {
        pending[k] = now;
        changed = true;
        continue;
      }
      if (timeout > 0 && this.#opts.cancelFailed && now - pending[k] >= timeout) {
        await this.#put({
          kind: 'cancel',
          contractId: c.contractId,
          reason: `deployment not received within ${Math.round(timeout / 1000)} seconds`,
        });
        delete pending[k];
        changed = true;
      }
    }
    if (changed) await this.#meta.save();
  }

  // ---- reports -------------------------------------------------------------------------------

  async #queueResources(rec: DeploymentRecord): Promise<void> {
    let used = zeroCapacity();
    for (const w of rec.workloads) if (OKAY_STATES.has(w.result.state)) used = addCapacity(used, workloadCapacity(w.type, w.data));
    await this.#put({ kind: 'resources', resources: { contractId: rec.contractId, used: toResources(used) } });
  }

  /**
   * Checks chain time and queues the reports that are due: NRU (`addNruReports`) every
   * `nruPeriod` and the seed's consumption reports (`addReports`) at each `consumptionPeriod`
   * boundary. Simulated traffic is sampled first.
   */
  report(): Promise<void> {
    this.#reporting ??= this.#reportOnce().finally(() => {
      this.#reporting = null;
    });
    return this.#reporting;
  }

  async #reportOnce(): Promise<void> {
    if (this.#stopped) return;
    const block = await this.#chain.getBlock();
    const t = block.timestamp;
    const meta = this.#meta.value;
    const staged: OutboxItem[] = [];
    // simulated public traffic
    const traffic = meta.traffic;
    if (traffic.lastSample > 0 && t > traffic.lastSample) {
      const dt = BigInt(t - traffic.lastSample);
      for (const rec of this.#store.all()) {
        if (!rec.ownerVerified) continue;
        const n = BigInt(rec.workloads.filter((w) => w.result.state === 'ok' && isPublic(w)).length);
        if (n === 0n) continue;
        const k = rec.contractId.toString();
        traffic.counters[k] = (traffic.counters[k] ?? 0n) + n * dt * BigInt(this.#opts.trafficBytesPerSecond);
      }
    }
    if (t > traffic.lastSample) traffic.lastSample = t;
    // NRU
    const nruPeriod = this.#opts.nruPeriod;
    if (nruPeriod > 0) {
      if (meta.nruLastAt === 0) meta.nruLastAt = t;
      else if (t - meta.nruLastAt >= nruPeriod) {
        const window = t - meta.nruLastAt;
        for (const [k, total] of Object.entries(traffic.counters)) {
          const nru = total - (traffic.sentNru[k] ?? 0n);
          if (nru <= 0n) continue;
          staged.push({ kind: 'nru', report: { contractId: BigInt(k), timestamp: t, window, nru } });
          traffic.sentNru[k] = total;
        }
        meta.nruLastAt = t;
      }
    }
    // seed consumption reports
    const period = this.#opts.consumptionPeriod;
    if (period > 0) {
      const aligned = Math.floor(t / period) * period;
      if (meta.consumptionLastAt === 0) {
        meta.consumptionLastAt = aligned;
        meta.consumptionLastWall = nowSeconds();
      }
      else if (aligned > meta.consumptionLastAt) {
        const windowStart = meta.consumptionLastWall ?? 0;
        for (const rec of this.#store.all()) {
          if (!rec.ownerVerified) continue;
          // §8.4: `ok` workloads plus those deleted after the window started
          const { used, counted } = seedUsage(rec, windowStart);
          const nru = traffic.counters[rec.contractId.toString()] ?? 0n;
          // nothing ran in the window: no report (a finished deployment would otherwise be
          // reported every period for ever, its running NRU counter never dropping to 0)
          if (counted === 0 && !isActive(rec)) continue;
          if (used.cru + used.sru + used.hru + used.mru === 0n && nru === 0n) continue;
          staged.push({
            kind: 'consumption',
            report: { contractId: rec.contractId, timestamp: aligned, cru: used.cru, sru: used.sru, hru: used.hru, mru: used.mru, nru },
          });
        }
        meta.consumptionLastAt = aligned;
        meta.consumptionLastWall = nowSeconds();
      }
    }
    // stage + save first, so a crash before the outbox writes re-queues the same reports
    meta.staged = staged;
    await this.#meta.save();
    if (staged.length === 0) return;
    for (const item of staged) await this.#outbox.put(item);
    meta.staged = [];
    await this.#meta.save();
    this.#kickOutbox();
  }

  // ---- chain outbox --------------------------------------------------------------------------

  async #put(item: OutboxItem): Promise<void> {
    if (item.kind === 'deployed' && this.#outbox.has(outboxId(item))) return;
    await this.#outbox.put(item);
    this.#kickOutbox();
  }

  #kickOutbox(): void {
    if (this.#stopped) return;
    if (this.#flushing !== null) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = this.#flushOnce().finally(() => {
      this.#flushing = null;
      if (this.#flushAgain) {
        this.#flushAgain = false;
        this.#kickOutbox();
      }
    });
  }

  /** Delivers everything queued; resolves when the outbox is empty or the chain is unreachable. */
  async flushOutbox(): Promise<void> {
    await this.idle();
    for (let i = 0; i < 100 && this.#outbox.size > 0 && !this.#stopped; i++) {
      this.#kickOutbox();
      await this.#flushing;
      if (this.#retryTimer !== null) return;
    }
  }

  async #flushOnce(): Promise<void> {
    const pending = this.#outbox.pending();
    if (pending.length === 0) return;
    const batches: { call: ChainCall; items: typeof pending }[] = [];
    const groups = new Map<string, typeof pending>();
    for (const p of pending) {
      const item = p.item;
      if (item.kind === 'deployed') {
        batches.push({ call: { method: 'markContractDeployed', args: { contractId: item.contractId } }, items: [p] });
      } else if (item.kind === 'cancel') {
        batches.push({ call: { method: 'cancelContractByNode', args: { contractId: item.contractId, reason: item.reason } }, items: [p] });
      } else if (this.#single.has(p.id)) {
        batches.push({ call: reportCall(item.kind, [item]), items: [p] });
      } else {
        let g = groups.get(item.kind);
        if (g === undefined) groups.set(item.kind, (g = []));
        g.push(p);
      }
    }
    for (const [kind, items] of groups) {
      for (let i = 0; i < items.length; i += 256) {
        const chunk = items.slice(i, i + 256);
        batches.push({ call: reportCall(kind as 'resources' | 'nru' | 'consumption', chunk.map((c) => c.item)), items: chunk });
      }
    }
    for (const b of batches) {
      if (this.#stopped) return;
      try {
        const receipt = await this.#submit(b.call);
        this.#stats.submitted++;
        for (const ev of receipt.events) {
          const outcome = ev.data['outcome'];
          if (typeof outcome === 'string') this.#stats.outcomes[outcome] = (this.#stats.outcomes[outcome] ?? 0) + 1;
        }
        for (const p of b.items) {
          this.#single.delete(p.id);
          await this.#outbox.done(p.id, p.version);
        }
        this.#retryDelay = this.#opts.outboxRetryMs;
      } catch (error) {
        if (isSc4itError(error) && error.code.startsWith('chain.')) {
          // the chain refused the call: retrying the same call cannot succeed
          if (b.items.length > 1) {
            for (const p of b.items) this.#single.add(p.id);
            this.#flushAgain = true;
          } else {
            this.#stats.rejected++;
            this.#log('warn', `chain refused ${b.call.method}: ${error.upstream ?? error.code}`, undefined, error);
            for (const p of b.items) {
              this.#single.delete(p.id);
              await this.#outbox.done(p.id, p.version);
            }
          }
          continue;
        }
        // unreachable chain: keep everything and retry later
        this.#log('warn', `chain unreachable for ${b.call.method}; will retry`, undefined, error);
        this.#scheduleRetry();
        return;
      }
    }
  }

  #scheduleRetry(): void {
    if (this.#retryTimer !== null || this.#stopped) return;
    const delay = this.#retryDelay;
    this.#retryDelay = Math.min(this.#retryDelay * 2, 30_000);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      this.#kickOutbox();
    }, delay);
    this.#retryTimer.unref?.();
  }

  /** Signs and submits one call; calls of this node go one at a time so nonces never collide. */
  #submit(call: ChainCall): ReturnType<ChainClient['submit']> {
    const run = this.#txChain.catch(() => undefined).then(async () => {
      const tx = await signTransaction(this.#chain, this.#identity, call);
      return this.#chain.submit(tx);
    });
    this.#txChain = run;
    return run;
  }
}

// ---- helpers ---------------------------------------------------------------------------------

function clampSub(a: bigint, b: bigint): bigint {
  return a > b ? a - b : 0n;
}

function payloadText(payload: Uint8Array | string): string {
  return typeof payload === 'string' ? payload : new TextDecoder('utf-8', { fatal: false }).decode(payload);
}

function parsePayload(payload: Uint8Array | string): unknown {
  const text = payloadText(payload);
  try {
    return JSON.parse(text) as unknown;
  } catch (cause) {
    throw new DecodeError('decode.json', 'malformed JSON payload', { cause });
  }
}

function contractIdArg(json: unknown): bigint {
  const v = obj(json)['contract_id'];
  if (v === undefined) return 0n;
  if ((typeof v === 'number' && Number.isInteger(v) && v >= 0) || (typeof v === 'string' && /^\d+$/.test(v))) return BigInt(v);
  throw new DecodeError('decode.json', 'contract_id must be an unsigned integer', { field: 'contract_id' });
}

function toRecord(w: Record<string, unknown>): WorkloadRecord {
  return {
    version: (w['version'] as number | undefined) ?? 0,
    name: (w['name'] as string | undefined) ?? '',
    type: (w['type'] as string | undefined) ?? '',
    metadata: (w['metadata'] as string | undefined) ?? '',
    description: (w['description'] as string | undefined) ?? '',
    data: w['data'] ?? null,
    result: { created: 0, state: 'init', message: '', data: null },
  };
}

function headOf(d: Record<string, unknown>): DeploymentHead {
  return {
    version: (d['version'] as number | undefined) ?? 0,
    twin_id: (d['twin_id'] as number | undefined) ?? 0,
    contract_id: u64(d['contract_id']),
    metadata: (d['metadata'] as string | undefined) ?? '',
    description: (d['description'] as string | undefined) ?? '',
    expiration: d['expiration'] ?? 0,
    signature_requirement: d['signature_requirement'] ?? null,
  };
}

function workloadJson(w: WorkloadRecord): Record<string, unknown> {
  return {
    version: w.version,
    name: w.name,
    type: w.type,
    data: w.data,
    metadata: w.metadata,
    description: w.description,
    result: { created: w.result.created, state: w.result.state, message: w.result.message, data: w.result.data },
  };
}

/** The stored deployment as zos JSON (what `zos.deployment.get` returns). */
export function toZosJson(rec: DeploymentRecord): Record<string, unknown> {
  const h = rec.head;
  return {
    version: h.version,
    twin_id: h.twin_id,
    contract_id: h.contract_id,
    metadata: h.metadata,
    description: h.description,
    expiration: h.expiration,
    signature_requirement: h.signature_requirement,
    workloads: rec.workloads.map(workloadJson),
  };
}

function outcomeResult(out: { state: 'ok'; data: unknown } | { state: 'error'; message: string }): WorkloadResult {
  const created = nowSeconds();
  return out.state === 'ok'
    ? { created, state: 'ok' as WorkloadState, message: '', data: out.data }
    : { created, state: 'error' as WorkloadState, message: out.message, data: null };
}

function capJson(c: Capacity): Record<string, number> {
  return { cru: Number(c.cru), sru: Number(c.sru), hru: Number(c.hru), mru: Number(c.mru), ipv4u: Number(c.ipv4u) };
}

function reportCall(kind: 'resources' | 'nru' | 'consumption', items: OutboxItem[]): ChainCall {
  switch (kind) {
    case 'resources':
      return { method: 'reportContractResources', args: { resources: items.flatMap((i) => (i.kind === 'resources' ? [i.resources] : [])) } };
    case 'nru':
      return { method: 'addNruReports', args: { reports: items.flatMap((i) => (i.kind === 'nru' ? [i.report] : [])) } };
    case 'consumption':
      return { method: 'addReports', args: { reports: items.flatMap((i) => (i.kind === 'consumption' ? [i.report] : [])) } };
  }
}

/** Contract ids named by an event (`contractId`, `contract_id`, or a `contract` object). */
export function eventContractIds(ev: ChainEvent): bigint[] {
  const out: bigint[] = [];
  const take = (v: unknown) => {
    if (typeof v === 'bigint') out.push(v);
    else if (typeof v === 'number' && Number.isInteger(v)) out.push(BigInt(v));
    else if (typeof v === 'string' && /^\d+$/.test(v)) out.push(BigInt(v));
  };
  take(ev.data['contractId']);
  take(ev.data['contract_id']);
  const c = obj(ev.data['contract']);
  take(c['contractId']);
  return [...new Set(out)];
}
