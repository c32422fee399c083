/**
 * Billing from the seed's consumption reports (`Consumption{contract_id, timestamp, cru, sru,
 * hru, mru, nru}`, spec §15) with an explicit outcome for every incoming report, as a small pure
 * ledger: state in, state out.
 *
 * What the seed chain got wrong, and what this ledger does instead:
 * - It accepted any report with `timestamp >= last_updated` and priced it at arrival, so a resent
 *   report was processed again (and, with NRU as a running counter whose baseline had moved, its
 *   traffic could be counted again). Here a report is keyed by (contract, timestamp): the second
 *   copy is `duplicate` and never billed, also after its window was settled.
 * - A report older than `last_updated` was dropped silently. Here it is `late`, returned to the
 *   caller, and never billed (its window is already settled).
 * - Reports were priced in arrival order, so the bill depended on it. Here reports wait, sorted
 *   by timestamp, until {@link settleContractReports}; each covers the time since the previous
 *   report, so any arrival order of the same set gives the same bill.
 * - A report may carry an explicit `window` (as the later `NruConsumption` does); one reaching
 *   back into settled time is `overlapping`: billed only for its unsettled part, never twice.
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
}

export const RECENT_LIMIT = 64;

export interface ReportResult {
  contractId: bigint;
  timestamp: number;
  outcome: ReportOutcome;
  /** Why: for `duplicate`, `late`, `overlapping`, `rejected`. */
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
}

export interface ReportBill {
  contractId: bigint;
  from: number;
  to: number;
  unitsUsd: bigint;
  windows: WindowCost[];
}

/** Opens a contract's ledger at `startTimestamp` (its creation time). */
export function openContractReports(contractId: bigint, startTimestamp: number, nruCounter = 0n): ContractReports {
  if (typeof contractId !== 'bigint' || contractId < 0n) throw new BillingError('billing.invalid_input', 'contractId must be a bigint', { field: 'contractId' });
  if (!Number.isSafeInteger(startTimestamp) || startTimestamp < 0) throw new BillingError('billing.invalid_input', 'startTimestamp must be unix seconds', { field: 'startTimestamp' });
  return { contractId, billedUntil: startTimestamp, nruCounter, pending: [], recent: [], closed: false };
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

/**
 * Takes one report into a contract's ledger. Pure: returns the new state (the same object when
 * nothing changed) and the outcome.
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
  if (state.recent.includes(p.timestamp)) return { state, result: { ...base, outcome: 'duplicate', reason: 'already settled' } };
  if (p.timestamp <= state.billedUntil) return { state, result: { ...base, outcome: 'late', reason: 'window already settled' } };
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
    const next = pend.slice();
    next[lo] = p;
    return { state: { ...state, pending: next }, result };
  }
  const next = pend.slice();
  next.splice(lo, 0, p);
  const overlapping = p.window !== null && p.timestamp - p.window < state.billedUntil;
  return {
    state: { ...state, pending: next },
    result: overlapping ? { ...base, outcome: 'overlapping', reason: 'window reaches into settled time; only the unsettled part is billed' } : { ...base, outcome: 'accepted' },
  };
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
 */
export function settleContractReports(state: ContractReports, options: SettleOptions): { state: ContractReports; bill: ReportBill } {
  const bill: ReportBill = { contractId: state.contractId, from: state.billedUntil, to: state.billedUntil, unitsUsd: 0n, windows: [] };
  let n = 0;
  while (n < state.pending.length && state.pending[n]!.timestamp <= options.upTo) n++;
  if (n === 0) return { state, bill };
  let prev = state.billedUntil;
  let counter = state.nruCounter;
  const recent = state.recent.slice();
  for (let i = 0; i < n; i++) {
    const r = state.pending[i]!;
    const span = r.timestamp - prev;
    const seconds = r.window !== null && r.window < span ? r.window : span;
    const nruBytes = r.nru >= counter ? r.nru - counter : r.nru;
    const c = contractCost({
      kind: 'node', resources: r, seconds, policy: options.policy, onRentedNode: options.onRentedNode === true,
    });
    const nu = nruBytes === 0n ? 0n : nruReportCost(nruBytes, 3600, options.policy);
    const unitsUsd = c.unitsUsd + nu;
    bill.windows.push({ from: r.timestamp - seconds, to: r.timestamp, unitsUsd, cu: c.breakdown.cu, su: c.breakdown.su, nu, nruBytes });
    bill.unitsUsd += unitsUsd;
    prev = r.timestamp;
    counter = r.nru;
    recent.push(r.timestamp);
  }
  bill.to = prev;
  return {
    state: {
      ...state, billedUntil: prev, nruCounter: counter, pending: state.pending.slice(n),
      recent: recent.length > RECENT_LIMIT ? recent.slice(recent.length - RECENT_LIMIT) : recent,
    },
    bill,
  };
}

/** Marks a contract closed: later reports are `rejected`; pending ones can still be settled. */
export function closeContractReports(state: ContractReports): ContractReports {
  return state.closed ? state : { ...state, closed: true };
}

// ---- a ledger over many contracts ---------------------------------------------------------------

/** Report ledger of many contracts (copy-on-write map; persist it with `encodeJson` or as rows). */
export interface ReportLedger {
  readonly contracts: ReadonlyMap<bigint, ContractReports>;
}

export function createReportLedger(): ReportLedger {
  return { contracts: new Map() };
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
    const s = openContractReports(contractId, startTimestamp);
    m ??= new Map(ledger.contracts);
    m.set(contractId, s);
  }
  return m === null ? ledger : { contracts: m };
}

export function ledgerCloseContract(ledger: ReportLedger, contractId: bigint): ReportLedger {
  const s = ledger.contracts.get(contractId);
  if (s === undefined || s.closed) return ledger;
  const m = new Map(ledger.contracts);
  m.set(contractId, closeContractReports(s));
  return { contracts: m };
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
  return { ledger: m === null ? ledger : { contracts: m }, results };
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
  return { ledger: m === null ? ledger : { contracts: m }, bills };
}
