import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import { type BillingModel, DEFAULT_BILLING_MODEL, DEV_TFT_PRICE_BOUNDS, MAINNET_PRICING_POLICY, BILLING_CONSTANTS } from '@sc4it/billing';
import { addressFromPublicKey, publicKeyFromAddress, verifySignature } from '@sc4it/crypto';
import type {
  Account,
  BillRecord,
  BlockInfo,
  ChainEvent,
  Contract,
  ContractFilter,
  Farm,
  KeyType,
  NodeFilter,
  NodeWithUsage,
  PricingPolicy,
  Resources,
  SignedTransaction,
  SolutionProvider,
  TermsAndConditions,
  Twin,
  TxReceipt,
} from '@sc4it/types';
import { bytesToHex, decodeJson, encodeJson, signingPayload } from '@sc4it/types';
import { runBillingLoop } from './billing-loop.ts';
import { LocalChainClient } from './local-client.ts';
import { decodeTransaction, hexHash, u32 } from './decode.ts';
import { type StateDump, exportState, importState } from './dump.ts';
import { chainError, decodeFailure } from './errors.ts';
import { Runtime, cmpBig } from './runtime.ts';
import { type ChainConfig, ChainState, type HeadInfo, nodeHashKey } from './state.ts';
import { Wal, type WalRecord } from './wal.ts';

export type BlockMode = 'instant' | 'interval' | 'manual';

export interface ChainOptions {
  /** Part of every signed payload; default `sc4it-dev`. */
  chainId?: string;
  /** Unix seconds of block 0; default: now. */
  genesisTimestamp?: number;
  /** Chain seconds per block (tfchain: 6). */
  blockSeconds?: number;
  /** `instant` (a block per call, default), `interval` (a block every `blockIntervalMs`), `manual` (`mine`). */
  mode?: BlockMode;
  /** Wall-clock milliseconds between blocks in `interval` mode; default 6000. */
  blockIntervalMs?: number;
  /** `BillingFrequency` in blocks; default 600. */
  billingFrequency?: number;
  /** `GracePeriod` in blocks; default 201 600 (14 days). */
  gracePeriodBlocks?: number;
  /** `DistributionFrequency` in billing cycles; default 24. */
  distributionFrequency?: number;
  /** Default `v2.9-reserve` (@sc4it/billing's default: today's mainnet). */
  billingModel?: BillingModel;
  pricingPolicy?: PricingPolicy;
  /** TFT price in mUSD; default 50 (the tfchain unit-test price). */
  tftPriceMusd?: number;
  minTftPriceMusd?: number;
  maxTftPriceMusd?: number;
  existentialDeposit?: bigint;
  /** Account allowed to send admin calls (`setTftPrice`, `fund`); null: nobody. */
  sudo?: { publicKey: Uint8Array; keyType: KeyType } | null;
  /** Skip signature checks (like chopsticks' mock signatures); nonces are still enforced. */
  mockSignatures?: boolean;
  /** Directory for the write-ahead log and checkpoints; none: in memory only. */
  stateDir?: string;
  /** fdatasync every log record (default true). */
  fsync?: boolean;
  /** Log records between automatic checkpoints; default 10 000. */
  checkpointEvery?: number;
  /** Events kept in memory for `subscribeEvents({ fromBlock })`; default 50 000. */
  eventRetention?: number;
  /** Bills kept per contract (the oldest are dropped); default 1 000. */
  maxBillsPerContract?: number;
  /** Start from a JSON dump written by `dumpState` (ignored when `stateDir` already holds a chain). */
  loadStateFile?: string;
  /**
   * Refuse `createTwin` with `UserDidNotSignTermsAndConditions` until the account sent
   * `userAcceptTc` (tfchain's rule). Default false, so dev setups need no extra step.
   */
  requireTermsAndConditions?: boolean;
}

/** `5CNposRewardAccount11111111111111111111111111FSU` (spec §10). */
const STAKING_POOL = '5CNposRewardAccount11111111111111111111111111FSU';

interface PendingTx {
  tx: SignedTransaction;
  raw: unknown;
  resolve: (r: TxReceipt) => void;
  reject: (e: unknown) => void;
}

type EventHandler = (e: ChainEvent) => void;
type BlockHandler = (b: BlockInfo) => void;

interface MemSnapshot {
  parts: unknown[];
  head: HeadInfo;
  eventsLength: number;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A local TFChain: state, calls, blocks, billing, persistence and subscriptions, in process.
 * `createChain()` builds one; `chain.client()` is its `DevChainClient`; `serveChain()` exposes it
 * over JSON-RPC.
 */
export class Chain {
  state: ChainState;
  private rt: Runtime;
  private mode: BlockMode;
  private intervalMs: number;
  private timer: NodeJS.Timeout | null = null;
  private pending: PendingTx[] = [];
  /** Waiting calls per signer (hex), for the next nonce. */
  private pendingBySigner = new Map<string, number>();
  private events: ChainEvent[] = [];
  private eventHandlers = new Set<EventHandler>();
  private blockHandlers = new Set<BlockHandler>();
  private snapshots = new Map<string, MemSnapshot>();
  private snapshotSeq = 0;
  private readonly wal: Wal | null;
  private readonly mockSignatures: boolean;
  private readonly checkpointEvery: number;
  private readonly eventRetention: number;
  private closed = false;
  private replaying = false;

  private constructor(state: ChainState, options: ChainOptions, wal: Wal | null) {
    this.state = state;
    this.rt = new Runtime(state);
    this.mode = options.mode ?? 'instant';
    this.intervalMs = options.blockIntervalMs ?? 6000;
    this.wal = wal;
    this.mockSignatures = options.mockSignatures === true;
    this.checkpointEvery = options.checkpointEvery ?? 10_000;
    this.eventRetention = options.eventRetention ?? 50_000;
  }

  /** Creates (or, with `stateDir`, reopens) a chain. */
  static create(options: ChainOptions = {}): Chain {
    const wal = options.stateDir === undefined ? null : new Wal(options.stateDir, options.fsync !== false);
    const opened = wal?.open() ?? null;
    let chain: Chain;
    if (opened) {
      const dump = opened.state as StateDump;
      chain = new Chain(importState(dump), options, wal);
      chain.events = dump.events ?? [];
      chain.replay(opened.records);
    } else {
      let state: ChainState;
      let events: ChainEvent[] = [];
      if (options.loadStateFile !== undefined) {
        const dump = decodeJson(fs.readFileSync(options.loadStateFile, 'utf8')) as StateDump;
        state = importState(dump);
        events = dump.events ?? [];
      } else {
        state = Chain.genesis(options);
      }
      chain = new Chain(state, options, wal);
      chain.events = events;
      wal?.checkpoint(exportState(state, events));
    }
    if (chain.mode === 'interval') chain.startTimer();
    return chain;
  }

  private static genesis(o: ChainOptions): ChainState {
    const policy = o.pricingPolicy ?? MAINNET_PRICING_POLICY;
    const config: ChainConfig = {
      chainId: o.chainId ?? 'sc4it-dev',
      genesisTimestamp: o.genesisTimestamp ?? Math.floor(Date.now() / 1000),
      blockSeconds: o.blockSeconds ?? BILLING_CONSTANTS.secsPerBlock,
      billingFrequency: o.billingFrequency ?? BILLING_CONSTANTS.billingFrequency,
      gracePeriodBlocks: o.gracePeriodBlocks ?? BILLING_CONSTANTS.gracePeriodBlocks,
      billingModel: o.billingModel ?? DEFAULT_BILLING_MODEL,
      distributionFrequency: o.distributionFrequency ?? BILLING_CONSTANTS.distributionFrequency,
      existentialDeposit: o.existentialDeposit ?? BILLING_CONSTANTS.existentialDeposit,
      minTftPriceMusd: o.minTftPriceMusd ?? DEV_TFT_PRICE_BOUNDS.minMusd,
      maxTftPriceMusd: o.maxTftPriceMusd ?? DEV_TFT_PRICE_BOUNDS.maxMusd,
      sudo: o.sudo ? { publicKey: o.sudo.publicKey.slice(), keyType: o.sudo.keyType } : null,
      stakingPoolAccount: publicKeyFromAddress(STAKING_POOL),
      foundationAccount: publicKeyFromAddress(policy.foundationAccount),
      certifiedSalesAccount: publicKeyFromAddress(policy.certifiedSalesAccount),
      maxBillsPerContract: o.maxBillsPerContract ?? 1_000,
      requireTermsAndConditions: o.requireTermsAndConditions === true,
    };
    for (const [k, v] of [
      ['billingFrequency', config.billingFrequency],
      ['gracePeriodBlocks', config.gracePeriodBlocks],
      ['distributionFrequency', config.distributionFrequency],
      ['blockSeconds', config.blockSeconds],
    ] as const) {
      if (!Number.isSafeInteger(v) || v < 1) throw decodeFailure(k, `${k} must be a positive integer`);
    }
    const ts = config.genesisTimestamp;
    return new ChainState(config, policy, o.tftPriceMusd ?? 50, {
      number: 0,
      timestamp: ts,
      hash: sha256Hex(`sc4it-genesis|${config.chainId}|${ts}`),
    });
  }

  // ---- blocks ---------------------------------------------------------------------------------

  get chainId(): string {
    return this.state.config.chainId;
  }

  head(): BlockInfo {
    return { ...this.state.head };
  }

  getMode(): { mode: BlockMode; blockIntervalMs: number } {
    return { mode: this.mode, blockIntervalMs: this.intervalMs };
  }

  setMode(mode: BlockMode, blockIntervalMs?: number): void {
    if (mode !== 'instant' && mode !== 'interval' && mode !== 'manual') throw decodeFailure('mode', 'unknown block mode');
    this.stopTimer();
    this.mode = mode;
    if (blockIntervalMs !== undefined) this.intervalMs = u32(blockIntervalMs, 'blockIntervalMs') || 1;
    if (mode === 'interval') this.startTimer();
    if (mode === 'instant' && this.pending.length > 0) this.mineBlocks(1);
  }

  private startTimer(): void {
    this.timer = setInterval(() => {
      try {
        this.mineBlocks(1);
      } catch {
        // a failing log write stops the chain; the next call reports it
      }
    }, this.intervalMs);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /**
   * Builds and commits one block at `timestamp` with `txs`; returns one outcome per tx. In
   * instant mode a block whose only call failed is not committed at all.
   */
  private buildBlock(txs: PendingTx[], timestamp: number, dropIfAllFail: boolean): (TxReceipt | Error)[] {
    const s = this.state;
    const rt = this.rt;
    rt.block = s.head.number + 1;
    rt.now = timestamp;
    rt.ev.block = rt.block;
    rt.ev.events = [];
    const outcomes: ({ result: number | bigint | null; from: number; to: number } | Error)[] = [];
    const applied: PendingTx[] = [];
    for (const p of txs) {
      const mark = rt.ev.events.length;
      try {
        const result = s.j.atomic(() => {
          const acct = rt.accountOrNew(p.tx.signer);
          if (p.tx.nonce < acct.nonce) throw chainError('Stale', 'transaction nonce is outdated');
          if (p.tx.nonce > acct.nonce) throw chainError('Future', 'transaction nonce is in the future');
          const r = rt.dispatch(p.tx.call, p.tx.signer, p.tx.keyType);
          const a = rt.accountOrNew(p.tx.signer);
          rt.putAccount({ ...a, nonce: a.nonce + 1 });
          return r;
        });
        outcomes.push({ result, from: mark, to: rt.ev.events.length });
        applied.push(p);
      } catch (err) {
        rt.ev.events.length = mark;
        outcomes.push(err instanceof Error ? err : new Error(String(err)));
      }
    }
    if (dropIfAllFail && txs.length > 0 && applied.length === 0) return outcomes as Error[];
    runBillingLoop(rt);
    const txJson = applied.length === 0 ? '' : encodeJson(applied.map((p) => p.raw));
    const head: HeadInfo = {
      number: rt.block,
      timestamp,
      hash: sha256Hex(`${s.head.hash}|${rt.block}|${timestamp}|${txJson}`),
    };
    if (this.wal && !this.replaying && applied.length > 0) {
      this.wal.append({ b: head.number, ts: timestamp, txs: applied.map((p) => p.raw) });
    }
    s.head = head;
    const evs: ChainEvent[] = rt.ev.events; // emitted with this block's number and their index
    rt.ev.events = [];
    this.publish(head, evs);
    return outcomes.map((o) =>
      o instanceof Error ? o : { block: head.number, result: o.result, events: evs.slice(o.from, o.to) },
    );
  }

  private publish(head: HeadInfo, evs: ChainEvent[]): void {
    if (evs.length > 0) {
      for (const e of evs) this.events.push(e);
      if (this.events.length > this.eventRetention * 1.25) {
        this.events = this.events.slice(this.events.length - this.eventRetention);
      }
    }
    if (this.replaying) return;
    const info = { ...head };
    for (const h of this.blockHandlers) safeCall(h, info);
    for (const e of evs) for (const h of this.eventHandlers) safeCall(h, e);
  }

  /** Mines `n` blocks (the first takes the pending calls); `lastTimestamp` shortens the last step. */
  private mineBlocks(n: number, lastTimestamp?: number): BlockInfo {
    this.assertOpen();
    const s = this.state;
    const step = s.config.blockSeconds;
    let emptyFrom = -1;
    let emptyCount = 0;
    const flushEmpty = () => {
      if (emptyCount > 0 && this.wal && !this.replaying) this.wal.append({ m: emptyCount, ts: s.head.timestamp, from: emptyFrom });
      emptyCount = 0;
    };
    for (let i = 0; i < n; i++) {
      const ts = i === n - 1 && lastTimestamp !== undefined ? lastTimestamp : s.head.timestamp + step;
      const batch = this.takePending();
      if (batch.length > 0) flushEmpty();
      const outcomes = this.buildBlock(batch, ts, false);
      if (batch.length > 0 && outcomes.some((o) => !(o instanceof Error))) {
        // logged as a 'b' record by buildBlock
      } else {
        if (emptyCount === 0) emptyFrom = s.head.number;
        emptyCount++;
      }
      batch.forEach((p, k) => {
        const o = outcomes[k]!;
        if (o instanceof Error) p.reject(o);
        else p.resolve(o as TxReceipt);
      });
    }
    flushEmpty();
    this.maybeCheckpoint();
    return this.head();
  }

  /** Mines `n` blocks (6 s of chain time each), running every billing cycle they cross. */
  mine(n = 1): BlockInfo {
    const count = u32(n, 'n');
    if (count === 0) return this.head();
    return this.mineBlocks(count);
  }

  /** Moves chain time forward by `seconds`, mining the blocks in between (the last may be shorter). */
  warp(seconds: number): BlockInfo {
    const secs = u32(seconds, 'seconds');
    if (secs === 0) return this.head();
    const step = this.state.config.blockSeconds;
    const full = Math.floor(secs / step);
    const rest = secs % step;
    const target = this.state.head.timestamp + secs;
    return this.mineBlocks(full + (rest > 0 ? 1 : 0), target);
  }

  // ---- transactions -------------------------------------------------------------------------------

  /** Next nonce of an account, counting calls waiting for a block. */
  nextNonce(publicKey: Uint8Array): number {
    const hex = bytesToHex(publicKey);
    return (this.state.accounts.get(hex)?.nonce ?? 0) + (this.pendingBySigner.get(hex) ?? 0);
  }

  private takePending(): PendingTx[] {
    const batch = this.pending;
    this.pending = [];
    this.pendingBySigner.clear();
    return batch;
  }

  /**
   * Checks and queues (or, in instant mode, applies) a signed call. Rejects with a `ChainError`:
   * `CouldNotDecode`, `BadProof` (signature), `Stale` / `Future` (nonce), or the pallet's error.
   */
  submit(input: unknown): Promise<TxReceipt> {
    try {
      this.assertOpen();
      const { tx, rawCall } = decodeTransaction(input);
      if (!this.mockSignatures) {
        const payload = signingPayload(this.chainId, rawCall as SignedTransaction['call'], tx.signer, tx.nonce);
        if (!verifySignature(tx.keyType, tx.signer, payload, tx.signature)) {
          throw chainError('BadProof', 'transaction has a bad signature');
        }
      }
      const expected = this.nextNonce(tx.signer);
      if (tx.nonce < expected) throw chainError('Stale', 'transaction nonce is outdated');
      if (tx.nonce > expected) throw chainError('Future', 'transaction nonce is in the future');
      // The log keeps the transaction as signed (re-encoded so later caller mutation cannot leak in).
      const raw = decodeJson(encodeJson({ ...(input as object), call: rawCall }));
      if (this.mode === 'instant') {
        const [o] = this.buildInstant({ tx, raw, resolve: () => {}, reject: () => {} });
        return o instanceof Error ? Promise.reject(o) : Promise.resolve(o!);
      }
      const hex = bytesToHex(tx.signer);
      this.pendingBySigner.set(hex, (this.pendingBySigner.get(hex) ?? 0) + 1);
      return new Promise((resolve, reject) => this.pending.push({ tx, raw, resolve, reject }));
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private buildInstant(p: PendingTx): (TxReceipt | Error)[] {
    const out = this.buildBlock([p], this.state.head.timestamp + this.state.config.blockSeconds, true);
    this.maybeCheckpoint();
    return out;
  }

  // ---- replay and checkpoints ---------------------------------------------------------------------

  private replay(records: WalRecord[]): void {
    this.replaying = true;
    try {
      for (const r of records) {
        if ('b' in r) {
          if (r.b !== this.state.head.number + 1) throw chainError('CorruptState', `log skips to block ${r.b}`);
          const txs = r.txs.map((raw): PendingTx => {
            const { tx } = decodeTransaction(raw);
            return { tx, raw, resolve: () => {}, reject: () => {} };
          });
          const out = this.buildBlock(txs, r.ts, false);
          const bad = out.find((o) => o instanceof Error);
          if (bad) throw chainError('CorruptState', `block ${r.b} does not replay: ${(bad as Error).message}`);
        } else {
          if (r.from !== this.state.head.number + 1) throw chainError('CorruptState', `log skips to block ${r.from}`);
          this.mineBlocks(r.m, r.ts);
        }
      }
    } finally {
      this.replaying = false;
    }
  }

  private maybeCheckpoint(): void {
    if (this.wal && !this.replaying && this.wal.recordsSinceCheckpoint >= this.checkpointEvery) this.checkpoint();
  }

  /** Writes a checkpoint of the whole state now (persistent chains only). */
  checkpoint(): void {
    this.wal?.checkpoint(exportState(this.state, this.retainedEvents()));
  }

  private retainedEvents(): ChainEvent[] {
    return this.events.length > this.eventRetention ? this.events.slice(this.events.length - this.eventRetention) : this.events;
  }

  /** The whole state as a JSON document (anvil's `--dump-state`). */
  dumpState(): string {
    return encodeJson(exportState(this.state, this.retainedEvents()));
  }

  /** Writes `dumpState()` to a file (atomically: temp file + rename). */
  dumpStateToFile(file: string): void {
    const tmp = `${file}.tmp`;
    fs.writeFileSync(tmp, this.dumpState());
    fs.renameSync(tmp, file);
  }

  /** Replaces the whole state with a dump; pending calls are refused. */
  loadState(json: string): void {
    this.assertOpen();
    const dump = decodeJson(json) as StateDump;
    const next = importState(dump);
    this.rejectPending();
    this.state = next;
    this.rt = new Runtime(next);
    this.events = dump.events ?? [];
    this.snapshots.clear();
    this.checkpoint();
  }

  // ---- snapshots (in memory) ----------------------------------------------------------------------

  private parts(): { snapshot(): unknown; restore(v: never): void }[] {
    const s = this.state;
    return [
      s.accounts, s.twins, s.twinByAccount, s.farms, s.farmByName, s.nodes, s.nodeByTwin, s.nodesByFarm,
      s.contracts, s.contractByNodeHash, s.activeNodeContracts, s.activeRentForNode, s.nameRegistry,
      s.billingLoop, s.contractsByTwin, s.contractsByNode, s.bills, s.reportLedgers,
      s.nodePower, s.extraFees, s.solutionProviders, s.termsAndConditions,
    ] as unknown as { snapshot(): unknown; restore(v: never): void }[];
  }

  /** Takes a reusable in-memory snapshot; returns its id. */
  snapshot(): string {
    this.assertOpen();
    const s = this.state;
    const cells = [s.twinCounter, s.farmCounter, s.nodeCounter, s.contractCounter, s.tftPrice, s.pricingPolicy, s.solutionProviderCounter];
    const id = `0x${(++this.snapshotSeq).toString(16)}`;
    this.snapshots.set(id, {
      parts: [...this.parts().map((p) => p.snapshot()), ...cells.map((c) => c.get())],
      head: { ...s.head },
      eventsLength: this.events.length,
    });
    return id;
  }

  /**
   * Returns to a snapshot (which stays usable). Pending calls are refused; a persistent chain
   * writes a checkpoint so the log never has to undo anything.
   */
  revert(id: string): void {
    this.assertOpen();
    const snap = this.snapshots.get(id);
    if (!snap) throw chainError('UnknownSnapshot', `no snapshot ${String(id)}`);
    this.rejectPending();
    const s = this.state;
    const parts = this.parts();
    parts.forEach((p, i) => p.restore(snap.parts[i] as never));
    const cells = [s.twinCounter, s.farmCounter, s.nodeCounter, s.contractCounter, s.tftPrice, s.pricingPolicy, s.solutionProviderCounter];
    cells.forEach((c, i) => (c as { set(v: unknown): void }).set(snap.parts[parts.length + i]));
    s.head = { ...snap.head };
    this.events = this.events.filter((e) => e.block <= snap.head.number);
    // Snapshots taken after this one describe a future that no longer exists.
    for (const [k, v] of this.snapshots) if (v.head.number > snap.head.number) this.snapshots.delete(k);
    if (this.wal) this.checkpoint();
  }

  private rejectPending(): void {
    const p = this.takePending();
    for (const x of p) x.reject(chainError('Dropped', 'the chain was reverted or reloaded before this call was mined'));
  }

  // ---- subscriptions --------------------------------------------------------------------------------

  subscribeEvents(handler: EventHandler, options: { fromBlock?: number } = {}): () => void {
    if (options.fromBlock !== undefined) {
      const from = options.fromBlock;
      for (const e of this.events) if (e.block >= from) safeCall(handler, e);
    }
    this.eventHandlers.add(handler);
    return () => this.eventHandlers.delete(handler);
  }

  subscribeBlocks(handler: BlockHandler): () => void {
    this.blockHandlers.add(handler);
    return () => this.blockHandlers.delete(handler);
  }

  /** Retained events from `fromBlock` on (at most `limit`). */
  eventsFrom(fromBlock: number, limit = Infinity): ChainEvent[] {
    const out: ChainEvent[] = [];
    for (const e of this.events) {
      if (e.block >= fromBlock) out.push(e);
      if (out.length >= limit) break;
    }
    return out;
  }

  // ---- views ------------------------------------------------------------------------------------------

  getAccount(key: Uint8Array): Account & { reserved: bigint; frozen: bigint } {
    // a private copy: the caller may reuse its buffer, and account keys' hex is cached per object
    const publicKey = Uint8Array.from(key);
    const a = this.state.account(publicKey);
    return {
      publicKey: publicKey.slice(),
      address: addressFromPublicKey(publicKey),
      balance: a?.free ?? 0n,
      reserved: a?.reserved ?? 0n,
      frozen: a?.frozen ?? 0n,
      nonce: this.nextNonce(publicKey),
    };
  }

  getTwin(id: number): Twin | null {
    const t = this.state.twins.get(id);
    return t ? structuredClone(t) : null;
  }

  getTwinByAccount(publicKey: Uint8Array): Twin | null {
    const id = this.state.twinByAccount.get(bytesToHex(publicKey));
    return id === undefined ? null : this.getTwin(id);
  }

  getFarm(id: number): Farm | null {
    const f = this.state.farms.get(id);
    return f ? structuredClone(f) : null;
  }

  listFarms(): Farm[] {
    return [...this.state.farms.values()].sort((a, b) => a.id - b.id).map((f) => structuredClone(f));
  }

  private nodeWithUsage(id: number): NodeWithUsage | null {
    const s = this.state;
    const node = s.nodes.get(id);
    if (!node) return null;
    const used: Resources = { cru: 0n, sru: 0n, hru: 0n, mru: 0n };
    for (const cid of s.activeNodeContracts.get(id) ?? []) {
      const u = s.contracts.get(cid)?.used;
      if (!u) continue;
      used.cru += u.cru;
      used.sru += u.sru;
      used.hru += u.hru;
      used.mru += u.mru;
    }
    const r = node.resources;
    const sub = (a: bigint, b: bigint) => (a > b ? a - b : 0n);
    const free: Resources = { cru: sub(r.cru, used.cru), sru: sub(r.sru, used.sru), hru: sub(r.hru, used.hru), mru: sub(r.mru, used.mru) };
    const farm = s.farms.get(node.farmId);
    const freeIps = farm ? farm.publicIps.filter((p) => p.contractId === 0n).length : 0;
    const power = structuredClone(this.rt.nodePowerOf(id));
    const extraFeeMusd = s.extraFees.get(id) ?? 0n;
    const dedicated = farm ? this.rt.isDedicated(id, farm) : extraFeeMusd > 0n;
    return { ...structuredClone(node), used, free, freeIps, power, extraFeeMusd, dedicated };
  }

  getNode(id: number): NodeWithUsage | null {
    return this.nodeWithUsage(id);
  }

  getNodeByTwin(twinId: number): NodeWithUsage | null {
    const id = this.state.nodeByTwin.get(twinId);
    return id === undefined ? null : this.nodeWithUsage(id);
  }

  listNodes(filter: NodeFilter = {}): NodeWithUsage[] {
    const s = this.state;
    const ids =
      filter.farmId !== undefined ? [...(s.nodesByFarm.get(filter.farmId) ?? [])] : [...s.nodes.map.keys()];
    ids.sort((a, b) => a - b);
    const out: NodeWithUsage[] = [];
    for (const id of ids) {
      const n = this.nodeWithUsage(id)!;
      if (filter.freeCru !== undefined && n.free.cru < filter.freeCru) continue;
      if (filter.freeMru !== undefined && n.free.mru < filter.freeMru) continue;
      if (filter.freeSru !== undefined && n.free.sru < filter.freeSru) continue;
      if (filter.freeHru !== undefined && n.free.hru < filter.freeHru) continue;
      if (filter.freeIps !== undefined && n.freeIps < filter.freeIps) continue;
      if (filter.certified !== undefined && (n.certification === 'Certified') !== filter.certified) continue;
      out.push(n);
    }
    return out;
  }

  getContract(id: bigint): Contract | null {
    const rec = this.state.contracts.get(id);
    return rec ? structuredClone(rec.contract) : null;
  }

  getContractByHash(nodeId: number, deploymentHash: string): Contract | null {
    const id = this.state.contractByNodeHash.get(nodeHashKey(nodeId, hexHash(deploymentHash, 'deploymentHash')));
    return id === undefined ? null : this.getContract(id);
  }

  listContracts(filter: ContractFilter = {}): Contract[] {
    const s = this.state;
    let ids: bigint[];
    if (filter.nodeId !== undefined) ids = [...(s.contractsByNode.get(filter.nodeId) ?? [])];
    else if (filter.twinId !== undefined) ids = [...(s.contractsByTwin.get(filter.twinId) ?? [])];
    else ids = s.contracts.ids();
    ids.sort(cmpBig);
    const out: Contract[] = [];
    for (const id of ids) {
      const c = s.contracts.get(id)!.contract;
      if (filter.twinId !== undefined && c.twinId !== filter.twinId) continue;
      if (filter.state !== undefined && c.state.kind !== filter.state) continue;
      if (filter.kind !== undefined && c.contractType.kind !== filter.kind) continue;
      out.push(structuredClone(c));
    }
    return out;
  }

  getBills(contractId: bigint): BillRecord[] {
    return structuredClone([...this.state.bills.get(contractId)]);
  }

  getPricingPolicy(id = 1): PricingPolicy {
    const p = this.state.pricingPolicy.get();
    if (id !== p.id) throw chainError('PricingPolicyNotExists');
    return structuredClone(p);
  }

  getTftPrice(): number {
    return this.state.tftPrice.get();
  }

  /** A solution provider (`SolutionProviders`), or null. */
  getSolutionProvider(id: bigint): SolutionProvider | null {
    const p = this.state.solutionProviders.get(id);
    return p ? structuredClone(p) : null;
  }

  /** Every solution provider, by id. */
  listSolutionProviders(): SolutionProvider[] {
    return [...this.state.solutionProviders.values()]
      .sort((a, b) => cmpBig(a.solutionProviderId, b.solutionProviderId))
      .map((p) => structuredClone(p));
  }

  /** The terms-and-conditions acceptances of an account (`UsersTermsAndConditions`), oldest first. */
  getTermsAndConditions(account: Uint8Array): TermsAndConditions[] {
    return structuredClone(this.state.termsAndConditions.get(bytesToHex(account)) ?? []);
  }

  /** The in-process `DevChainClient` of this chain. */
  client(): LocalChainClient {
    return new LocalChainClient(this);
  }

  // ---- lifecycle ----------------------------------------------------------------------------------------

  private assertOpen(): void {
    if (this.closed) throw chainError('ChainClosed', 'the chain is closed');
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Stops block production; a persistent chain writes a final checkpoint. */
  close(): void {
    if (this.closed) return;
    this.stopTimer();
    this.rejectPending();
    if (this.wal) {
      this.checkpoint();
      this.wal.close();
    }
    this.closed = true;
    this.eventHandlers.clear();
    this.blockHandlers.clear();
  }
}

function safeCall<T>(h: (v: T) => void, v: T): void {
  try {
    h(v);
  } catch {
    // a subscriber's bug must not break block production
  }
}

/** Creates a chain (see {@link ChainOptions}); with `stateDir` it reopens the chain stored there. */
export function createChain(options: ChainOptions = {}): Chain {
  return Chain.create(options);
}
