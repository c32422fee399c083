/**
 * Billing from the seed's consumption reports (`Consumption{contract_id, timestamp, cru, sru,
 * hru, mru, nru}`, spec §15) with an explicit outcome for every incoming report, as a small pure
 * ledger: state in, state out.
 *
 * A report claims the contract's usage over its window: from the previous report (or from the end
 * of the billed time before it) up to its `timestamp`, at most its explicit `window` seconds when
 * it has one, never before the contract's start. "Exactly once" means: every second of contract
 * time is billed at most once, and every report is either billed exactly once or refused with an
 * outcome that says why, never dropped silently.
 *
 * What the seed chain got wrong, and what this ledger does instead (mode `'exact'`, the default):
 * - It accepted any report with `timestamp >= last_updated` and priced it at arrival, so a resent
 *   report was processed again. Here a report is keyed by (contract, timestamp): the second copy
 *   is `duplicate` and never billed, also after its window was settled.
 * - A report older than `last_updated` was dropped silently. Here a report older than the last
 *   settled one whose window lies in time nobody billed yet (a gap left by a short explicit
 *   window) is `late`: kept and billed at the next settle, as a correction. One whose window
 *   reaches into billed time is `overlapping`: refused, never billed (that time was billed on
 *   another report); the node may resend it with a window that fits.
 * - Reports were priced in arrival order, so the bill depended on it. Here reports wait, sorted
 *   by timestamp, until {@link settleContractReports}; each covers the time since the previous
 *   report, so any arrival order of the same set, settled together, gives the same bill.
 *
 * Mode `'tfchain'` keeps the chain's rule for old reports (for a chain emulator): a report at or
 * before the last settled timestamp is `late` and never billed, and an explicit window reaching
 * into settled time is `overlapping` but accepted, billed only for its unsettled part.
 */
import type { ConsumptionReport, PricingPolicy, ReportOutcome } from '@sc4it/types';
import { BillingError } from './errors.ts';
import { U64_MAX } from './fixed.ts';
import { contractCost, nruReportCost } from './cost.ts';

/** A seed report, optionally with the seconds it covers (sc4it extension). */
export interface IncomingReport extends ConsumptionReport {
  window?: number;
}

/** The pending form of a report: what settling needs. */
export interface PendingReport {
  timestamp: number;
  cru: bigint;
  sru: bigint;
  hru: bigint;
  mru: bigint;
  /** NRU running counter, bytes. */
  nru: bigint;
  /** Seconds the report claims at most (explicit window), or null for "since the previous one". */
  window: number | null;
}

/**
 * How old reports are treated: `'exact'` (default) bills a late report that fills unbilled time
 * and refuses one overlapping billed time; `'tfchain'` never bills a report at or before the last
 * settled timestamp (`late`) and clips an explicit window at the settled time (`overlapping`).
 */
export type ReportLedgerMode = 'exact' | 'tfchain';

/** An unbilled span `(from, to]` of contract time before `billedUntil`, in unix seconds. */
export type ReportGap = readonly [from: number, to: number];

/** Ledger state of one contract. */
export interface ContractReports {
  contractId: bigint;
  /** Unix seconds up to which the contract is settled (last settled report, or the opening time). */
  billedUntil: number;
  /** NRU counter value at `billedUntil`. */
  nruCounter: bigint;
  /** Accepted, not yet settled, sorted by timestamp, unique timestamps. */
  pending: readonly PendingReport[];
  /** Timestamps of the most recently settled reports (at most {@link RECENT_LIMIT}). */
  recent: readonly number[];
  closed: boolean;
  /** The contract's start: no time at or before it is billed. Absent in states saved before it existed. */
  openedAt?: number;
  /** Absent: `'exact'`. */
  mode?: ReportLedgerMode;
  /**
   * `'exact'`: unbilled spans before `billedUntil` (sorted, at most {@link RECENT_LIMIT}, the
   * oldest dropped first: time older than the ledger remembers counts as billed). Absent: none.
   */
  gaps?: readonly ReportGap[];
}

export const RECENT_LIMIT = 64;

export interface ReportResult {
  contractId: bigint;
  timestamp: number;
  outcome: ReportOutcome;
  /** Why: for `late`, `duplicate`, `overlapping`, `rejected`. */
  reason?: string;
  /** Error code for `rejected`. */
  error?: string;
  /** `duplicate` of a pending report with different values (the smaller one is kept). */
  conflict?: boolean;
}

export interface WindowCost {
  from: number;
  to: number;
  unitsUsd: bigint;
  cu: bigint;
  su: bigint;
  nu: bigint;
  nruBytes: bigint;
  /** A late report's window (billed as a correction of earlier time). */
  late?: true;
}

export interface ReportBill {
  contractId: bigint;
  /** `billedUntil` before this settle and after it (late corrections lie before `from`). */
  from: number;
  to: number;
  unitsUsd: bigint;
  windows: WindowCost[];
}

export interface OpenReportsOptions {
  mode?: ReportLedgerMode;
}

/** Opens a contract's ledger at `startTimestamp` (its creation time). */
export function openContractReports(contractId: bigint, startTimestamp: number, nruCounter = 0n, options: OpenReportsOptions = {}): ContractReports {
  if (typeof contractId !== 'bigint' || contractId < 0n) throw new BillingError('billing.invalid_input', 'contractId must be a bigint', { field: 'contractId' });
  if (!Number.isSafeInteger(startTimestamp) || startTimestamp < 0) throw new BillingError('billing.invalid_input', 'startTimestamp must be unix seconds', { field: 'startTimestamp' });
  if (typeof nruCounter !== 'bigint' || nruCounter < 0n || nruCounter > U64_MAX) throw new BillingError('billing.invalid_input', 'nruCounter must be a u64 bigint', { field: 'nruCounter' });
  const mode = options.mode ?? 'exact';
  if (mode !== 'exact' && mode !== 'tfchain') throw new BillingError('billing.invalid_input', 'mode must be exact or tfchain', { field: 'mode' });
  return { contractId, billedUntil: startTimestamp, nruCounter, pending: [], recent: [], closed: false, openedAt: startTimestamp, mode, gaps: [] };
}

function badReport(r: IncomingReport): string | null {
  if (r === null || typeof r !== 'object') return 'report must be an object';
  if (!Number.isSafeInteger(r.timestamp) || r.timestamp < 0) return 'timestamp must be unix seconds';
  for (const k of ['cru', 'sru', 'hru', 'mru', 'nru'] as const) {
    const v = r[k];
    if (typeof v !== 'bigint' || v < 0n || v > U64_MAX) return `${k} must be a u64 bigint`;
  }
  if (r.window !== undefined && (!Number.isSafeInteger(r.window) || r.window <= 0)) return 'window must be a positive integer';
  return null;
}

function sameValues(a: PendingReport, b: PendingReport): boolean {
  return a.cru === b.cru && a.sru === b.sru && a.hru === b.hru && a.mru === b.mru && a.nru === b.nru && a.window === b.window;
}

/** Deterministic order for conflicting copies: the smaller values win (the customer's favour). */
function lessThan(a: PendingReport, b: PendingReport): boolean {
  for (const k of ['cru', 'sru', 'hru', 'mru', 'nru'] as const) if (a[k] !== b[k]) return a[k] < b[k];
  return (a.window ?? Infinity) < (b.window ?? Infinity);
}

/** The gap `(from, to]` holding `t`, or undefined. */
function gapAt(gaps: readonly ReportGap[] | undefined, t: number): ReportGap | undefined {
  if (gaps === undefined) return undefined;
  for (const g of gaps) if (g[0] < t && t <= g[1]) return g;
  return undefined;
}

const LATE_REASON = 'fills unbilled time before the last settled report; billed at the next settle';

/**
 * `'exact'` mode: is `p` new time (`accepted`), a correction of unbilled earlier time (`late`), or
 * does its window reach into billed time (`overlapping`, refused)? Time at or before the contract's
 * start is not the contract's: a window reaching there is cut at the start, not refused.
 */
function classifyExact(state: ContractReports, p: PendingReport): { outcome: 'accepted' | 'late' | 'overlapping'; reason?: string } {
  // a ledger saved before `openedAt` existed: with nothing settled yet, billedUntil is still its start
  const start = state.openedAt ?? (state.recent.length === 0 ? state.billedUntil : -Infinity);
  // an implicit window starts at the previous report or the end of billed time: it never overlaps
  const from = p.window === null ? Infinity : p.timestamp - p.window;
  if (p.timestamp > state.billedUntil) {
    // billed time ends at billedUntil, unless nothing was settled yet
    if (from < state.billedUntil && state.billedUntil > start) {
      return { outcome: 'overlapping', reason: 'window reaches into billed time; refused, never billed' };
    }
    return { outcome: 'accepted' };
  }
  const g = gapAt(state.gaps, p.timestamp);
  if (g === undefined) return { outcome: 'overlapping', reason: 'its time is already billed; refused, never billed' };
  if (from < g[0] && g[0] > start) return { outcome: 'overlapping', reason: 'window reaches into billed time; refused, never billed' };
  return { outcome: 'late', reason: LATE_REASON };
}

/**
 * Takes one report into a contract's ledger. Pure: returns the new state (the same object when
 * nothing changed) and the outcome: `accepted` or `late` (kept, billed once at the next settle
 * that reaches its timestamp), `duplicate`, `overlapping` (mode `'exact'`: refused; `'tfchain'`:
 * kept, billed for its unsettled part), `rejected` (with an `error` code).
 */
export function ingestContractReport(state: ContractReports, report: IncomingReport): { state: ContractReports; result: ReportResult } {
  const ts = report?.timestamp;
  const base = { contractId: state.contractId, timestamp: typeof ts === 'number' ? ts : -1 };
  const bad = badReport(report);
  if (bad !== null) return { state, result: { ...base, outcome: 'rejected', reason: bad, error: 'billing.invalid_report' } };
  if (report.contractId !== state.contractId) {
    return { state, result: { ...base, outcome: 'rejected', reason: 'report for another contract', error: 'billing.invalid_report' } };
  }
  if (state.closed) return { state, result: { ...base, outcome: 'rejected', reason: 'contract closed', error: 'billing.contract_closed' } };
  const p: PendingReport = {
    timestamp: report.timestamp, cru: report.cru, sru: report.sru, hru: report.hru, mru: report.mru, nru: report.nru,
    window: report.window ?? null,
  };
  const exact = state.mode !== 'tfchain';
  if (state.recent.includes(p.timestamp)) return { state, result: { ...base, outcome: 'duplicate', reason: 'already settled' } };
  if (!exact && p.timestamp <= state.billedUntil) return { state, result: { ...base, outcome: 'late', reason: 'window already settled' } };
  if (exact && state.openedAt !== undefined && p.timestamp <= state.openedAt) {
    return { state, result: { ...base, outcome: 'rejected', reason: "timestamp not after the contract's start", error: 'billing.invalid_report' } };
  }
  // binary search in pending
  const pend = state.pending;
  let lo = 0, hi = pend.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (pend[mid]!.timestamp < p.timestamp) lo = mid + 1;
    else hi = mid;
  }
  const at = pend[lo];
  if (at !== undefined && at.timestamp === p.timestamp) {
    if (sameValues(at, p)) return { state, result: { ...base, outcome: 'duplicate', reason: 'already pending' } };
    const result: ReportResult = { ...base, outcome: 'duplicate', reason: 'conflicting copy of a pending report', conflict: true };
    if (!lessThan(p, at)) return { state, result };
    // the kept copy's window must still fit (exact mode); otherwise the pending one stays
    if (exact && classifyExact(state, p).outcome === 'overlapping') return { state, result };
    const next = pend.slice();
    next[lo] = p;
    return { state: { ...state, pending: next }, result };
  }
  let result: ReportResult;
  if (exact) {
    const c = classifyExact(state, p);
    if (c.outcome === 'overlapping') return { state, result: { ...base, outcome: 'overlapping', reason: c.reason! } };
    result = c.outcome === 'late' ? { ...base, outcome: 'late', reason: c.reason! } : { ...base, outcome: 'accepted' };
  } else {
    const overlapping = p.window !== null && p.timestamp - p.window < state.billedUntil;
    result = overlapping
      ? { ...base, outcome: 'overlapping', reason: 'window reaches into settled time; only the unsettled part is billed' }
      : { ...base, outcome: 'accepted' };
  }
  const next = pend.slice();
  next.splice(lo, 0, p);
  return { state: { ...state, pending: next }, result };
}

export interface SettleOptions {
  /** Settle reports with `timestamp <= upTo`. */
  upTo: number;
  policy: PricingPolicy;
  /** CU and SU are not billed (the node has an active rent contract). */
  onRentedNode?: boolean;
}

/**
 * Prices the pending reports up to `upTo`, in timestamp order. Each report covers
 * `(previous, timestamp]`, at most its explicit `window`: CU and SU of the reported resources over
 * that many seconds (§6), and NU of the counter's increase at the mainnet per-GB price
 * (§9's formula with a 3600 s window; a counter that went down restarted, so its value is the
 * increase). Each window is rounded on its own, as each report was on chain.
 *
 * A `late` report (before `billedUntil`, inside a gap) covers the gap's time up to its timestamp
 * (from the gap's start or the previous late report in it), at most its window; it bills CU and SU
 * only: its traffic is already in the counter increase of the later report that was settled.
 * In mode `'exact'`, time a short explicit window leaves uncovered is remembered as a gap.
 */
export function settleContractReports(state: ContractReports, options: SettleOptions): { state: ContractReports; bill: ReportBill } {
  const bill: ReportBill = { contractId: state.contractId, from: state.billedUntil, to: state.billedUntil, unitsUsd: 0n, windows: [] };
  let n = 0;
  while (n < state.pending.length && state.pending[n]!.timestamp <= options.upTo) n++;
  if (n === 0) return { state, bill };
  const exact = state.mode !== 'tfchain';
  const price = (r: PendingReport, seconds: number, nruBytes: bigint): { unitsUsd: bigint; cu: bigint; su: bigint; nu: bigint } => {
    const c = contractCost({ kind: 'node', resources: r, seconds, policy: options.policy, onRentedNode: options.onRentedNode === true });
    const nu = nruBytes === 0n ? 0n : nruReportCost(nruBytes, 3600, options.policy);
    return { unitsUsd: c.unitsUsd + nu, cu: c.breakdown.cu, su: c.breakdown.su, nu };
  };
  let gaps: ReportGap[] = state.gaps === undefined ? [] : state.gaps.slice();
  let prev = state.billedUntil;
  let counter = state.nruCounter;
  const recent = state.recent.slice();
  for (let i = 0; i < n; i++) {
    const r = state.pending[i]!;
    if (r.timestamp <= state.billedUntil) {
      // a late correction: only 'exact' mode keeps these, and only inside a gap
      const gi = gaps.findIndex((g) => g[0] < r.timestamp && r.timestamp <= g[1]);
      if (gi < 0) throw new BillingError('billing.invalid_input', 'ledger state: a late report outside every gap', { field: 'pending' });
      const [gFrom, gTo] = gaps[gi]!;
      const span = r.timestamp - gFrom;
      const seconds = r.window !== null && r.window < span ? r.window : span;
      const c = price(r, seconds, 0n);
      bill.windows.push({ from: r.timestamp - seconds, to: r.timestamp, ...c, nruBytes: 0n, late: true });
      bill.unitsUsd += c.unitsUsd;
      const left: ReportGap[] = [];
      if (r.timestamp - seconds > gFrom) left.push([gFrom, r.timestamp - seconds]);
      if (gTo > r.timestamp) left.push([r.timestamp, gTo]);
      gaps.splice(gi, 1, ...left);
      recent.push(r.timestamp);
      continue;
    }
    const span = r.timestamp - prev;
    const seconds = r.window !== null && r.window < span ? r.window : span;
    const nruBytes = r.nru >= counter ? r.nru - counter : r.nru;
    const c = price(r, seconds, nruBytes);
    bill.windows.push({ from: r.timestamp - seconds, to: r.timestamp, ...c, nruBytes });
    bill.unitsUsd += c.unitsUsd;
    if (exact && seconds < span) gaps.push([prev, r.timestamp - seconds]);
    prev = r.timestamp;
    counter = r.nru;
    recent.push(r.timestamp);
  }
  bill.to = prev;
  if (gaps.length > RECENT_LIMIT) gaps = gaps.slice(gaps.length - RECENT_LIMIT);
  const next: ContractReports = {
    ...state, billedUntil: prev, nruCounter: counter, pending: state.pending.slice(n),
    recent: recent.length > RECENT_LIMIT ? recent.slice(recent.length - RECENT_LIMIT) : recent,
  };
  if (exact) next.gaps = gaps;
  return { state: next, bill };
}

/** Marks a contract closed: later reports are `rejected`; pending ones can still be settled. */
export function closeContractReports(state: ContractReports): ContractReports {
  return state.closed ? state : { ...state, closed: true };
}

// ---- a ledger over many contracts ---------------------------------------------------------------

/** Report ledger of many contracts (copy-on-write map; persist it with `encodeJson` or as rows). */
export interface ReportLedger {
  readonly contracts: ReadonlyMap<bigint, ContractReports>;
  /** Mode of the contracts it opens (absent: `'exact'`). */
  readonly mode?: ReportLedgerMode;
}

export function createReportLedger(options: OpenReportsOptions = {}): ReportLedger {
  const mode = options.mode ?? 'exact';
  if (mode !== 'exact' && mode !== 'tfchain') throw new BillingError('billing.invalid_input', 'mode must be exact or tfchain', { field: 'mode' });
  return { contracts: new Map(), mode };
}

function withContracts(ledger: ReportLedger, contracts: Map<bigint, ContractReports>): ReportLedger {
  return ledger.mode === undefined ? { contracts } : { contracts, mode: ledger.mode };
}

/**
 * Opens a contract in the ledger (no change when it is already open). Each call copies the map:
 * open many at once with {@link ledgerOpenContracts}, or keep per-contract {@link ContractReports}
 * in your own storage and use the per-contract functions, which are O(reports of that contract).
 */
export function ledgerOpenContract(ledger: ReportLedger, contractId: bigint, startTimestamp: number): ReportLedger {
  return ledgerOpenContracts(ledger, [{ contractId, startTimestamp }]);
}

/** Opens many contracts with one copy of the map. */
export function ledgerOpenContracts(ledger: ReportLedger, open: readonly { contractId: bigint; startTimestamp: number }[]): ReportLedger {
  let m: Map<bigint, ContractReports> | null = null;
  for (const { contractId, startTimestamp } of open) {
    if ((m ?? ledger.contracts).has(contractId)) continue;
    const s = openContractReports(contractId, startTimestamp, 0n, { mode: ledger.mode ?? 'exact' });
    m ??= new Map(ledger.contracts);
    m.set(contractId, s);
  }
  return m === null ? ledger : withContracts(ledger, m);
}

export function ledgerCloseContract(ledger: ReportLedger, contractId: bigint): ReportLedger {
  const s = ledger.contracts.get(contractId);
  if (s === undefined || s.closed) return ledger;
  const m = new Map(ledger.contracts);
  m.set(contractId, closeContractReports(s));
  return withContracts(ledger, m);
}

/** Takes a batch of reports (any contracts, any order); one result per report, in input order. */
export function ingestReports(ledger: ReportLedger, reports: readonly IncomingReport[]): { ledger: ReportLedger; results: ReportResult[] } {
  let m: Map<bigint, ContractReports> | null = null;
  const results: ReportResult[] = [];
  for (const r of reports) {
    const id = (r as { contractId?: unknown } | null)?.contractId;
    const s = typeof id === 'bigint' ? (m ?? ledger.contracts).get(id) : undefined;
    if (s === undefined) {
      const ts = (r as { timestamp?: unknown } | null)?.timestamp;
      results.push({
        contractId: typeof id === 'bigint' ? id : -1n, timestamp: typeof ts === 'number' ? ts : -1,
        outcome: 'rejected', reason: 'unknown contract', error: 'billing.unknown_contract',
      });
      continue;
    }
    const out = ingestContractReport(s, r);
    if (out.state !== s) {
      m ??= new Map(ledger.contracts);
      m.set(s.contractId, out.state);
    }
    results.push(out.result);
  }
  return { ledger: m === null ? ledger : withContracts(ledger, m), results };
}

/** Settles every contract's pending reports up to `upTo`; returns the non-empty bills. */
export function settleReports(
  ledger: ReportLedger,
  options: SettleOptions & { rentedNode?: (contractId: bigint) => boolean },
): { ledger: ReportLedger; bills: ReportBill[] } {
  let m: Map<bigint, ContractReports> | null = null;
  const bills: ReportBill[] = [];
  for (const s of ledger.contracts.values()) {
    if (s.pending.length === 0 || s.pending[0]!.timestamp > options.upTo) continue;
    const out = settleContractReports(s, { ...options, onRentedNode: options.rentedNode?.(s.contractId) ?? options.onRentedNode === true });
    m ??= new Map(ledger.contracts);
    m.set(s.contractId, out.state);
    bills.push(out.bill);
  }
  return { ledger: m === null ? ledger : withContracts(ledger, m), bills };
}
