// Plain references for the stateful parts of billing, written for the vector generator and the
// billing tests from shared/spec/chain-and-billing.md (§11 v2.7 lock, §12 v2.9+ reserve and
// overdraft, §13 grace) and from the report-ledger rules stated in packages/billing/README.md
// ("Reports"). They do NOT use @sc4it/billing; the only shared code is the rational reference of
// gen-billing-ref.ts (costs, Perbill payout split).
//
// The report ledger is modelled differently from the package on purpose: instead of intervals and
// gaps it keeps one flag per second of contract time ("billed or not"), and a report's window is
// the run of unbilled seconds that ends at its timestamp (at most its `window`, never at or before
// the contract's start). Timestamps must stay small (the vectors use < 40 000 s).
import { type RefPolicy, type RefResources, nruCostRef, payoutRef, resourcesCostRef } from './gen-billing-ref.ts';

// ---- grace: one bill_contract ------------------------------------------------------------------

export interface RefAccount { free: bigint; frozen: bigint; reserved: bigint }
export interface RefPayment { standardReserve: bigint; additionalReserve: bigint; standardOverdraft: bigint; additionalOverdraft: bigint; cycles: number }
export type RefState = { kind: 'Created' } | { kind: 'GracePeriod'; sinceBlock: number } | { kind: 'Deleted'; cause: string };
export interface RefGraceInput {
  model: 'v2.7-lock' | 'v2.9-reserve';
  contractId: bigint; kind: 'node' | 'rent' | 'name'; twinId: number; nodeId?: number | undefined;
  state: RefState; payment: RefPayment; account: RefAccount;
  block: number; timestamp: number; standardDuePlanck: bigint; additionalDuePlanck: bigint; discountLevel: string;
  deleting?: string; rentContractInGrace?: boolean; nodeContractsHoldReserve?: boolean;
  gracePeriodBlocks?: number; distributionFrequency?: number; solutionProviderTakes?: number[];
}
export interface RefEvent { name: string; data: Record<string, unknown> }
export interface RefGraceOutput {
  outcome: string; state: RefState; payment: RefPayment; account: RefAccount;
  chargedPlanck: bigint; amountBilledPlanck: bigint; overdraftPlanck: bigint;
  payout: null | { farmer: bigint; foundation: bigint; stakingPool: bigint; certifiedSales: bigint; solutionProviders: bigint[]; burned: bigint };
  events: RefEvent[]; updateTimestamp: boolean; resetNu: boolean; removed: boolean;
}

const ED = 500n;
/** §20: usable = free − max(ED, frozen), never below 0. */
const usableOf = (a: RefAccount): bigint => {
  const keep = a.frozen > ED ? a.frozen : ED;
  return a.free > keep ? a.free - keep : 0n;
};
const lesser = (a: bigint, b: bigint): bigint => (a < b ? a : b);
const cancelled = (i: RefGraceInput): RefEvent =>
  i.kind === 'node' ? { name: 'NodeContractCanceled', data: { contractId: i.contractId, nodeId: i.nodeId ?? 0, twinId: i.twinId } }
    : { name: i.kind === 'rent' ? 'RentContractCanceled' : 'NameContractCanceled', data: { contractId: i.contractId } };
const graceEv = (name: string, i: RefGraceInput, extra: Record<string, unknown> = {}): RefEvent =>
  ({ name, data: { contractId: i.contractId, nodeId: i.nodeId ?? 0, twinId: i.twinId, ...extra } });

export function graceRef(i: RefGraceInput): RefGraceOutput {
  return i.model === 'v2.9-reserve' ? reserveRef(i) : lockRef(i);
}

/** §12, step by step. */
function reserveRef(i: RefGraceInput): RefGraceOutput {
  const pay = { ...i.payment };
  const acc = { ...i.account };
  const due = i.standardDuePlanck, extra = i.additionalDuePlanck;
  const owed = pay.standardOverdraft + pay.additionalOverdraft;
  // "Return early if the total is 0, there is no overdraft, and the contract is not Deleted"
  if (due + extra === 0n && owed === 0n && i.deleting === undefined) {
    return { outcome: 'skipped', state: i.state, payment: i.payment, account: i.account, chargedPlanck: 0n, amountBilledPlanck: 0n,
      overdraftPlanck: 0n, payout: null, events: [], updateTimestamp: false, resetNu: false, removed: false };
  }
  const events: RefEvent[] = [];
  const toReserve = due + pay.standardOverdraft + extra + pay.additionalOverdraft;
  const enough = usableOf(acc) >= toReserve;
  let state = i.state;
  if (i.deleting !== undefined) state = { kind: 'Deleted', cause: i.deleting };
  else if (state.kind === 'GracePeriod' && enough) {
    if (!(i.kind === 'node' && i.rentContractInGrace)) {
      state = { kind: 'Created' };
      events.push(graceEv('ContractGracePeriodEnded', i));
    }
  } else if (state.kind === 'GracePeriod') {
    const diff = i.block - state.sinceBlock;
    if (diff >= (i.gracePeriodBlocks ?? 201_600) && !(i.kind === 'rent' && i.nodeContractsHoldReserve)) {
      events.push({ name: 'ContractGracePeriodElapsed', data: { contractId: i.contractId, gracePeriod: diff } });
      state = { kind: 'Deleted', cause: 'OutOfFunds' };
    }
  } else if (!enough) {
    state = { kind: 'GracePeriod', sinceBlock: i.block };
    events.push(graceEv('ContractGracePeriodStarted', i, { blockNumber: i.block }));
  }
  let charged: bigint, billed = 0n, outcome: string;
  if (enough) {
    // reserve all; both overdrafts move into the reserves, then this cycle's dues
    acc.free -= toReserve; acc.reserved += toReserve;
    pay.standardReserve += pay.standardOverdraft + due; pay.additionalReserve += pay.additionalOverdraft + extra;
    pay.standardOverdraft = 0n; pay.additionalOverdraft = 0n;
    charged = billed = toReserve;
    events.push({ name: 'ContractBilled', data: { contractId: i.contractId, timestamp: i.timestamp, discountLevel: i.discountLevel, amountBilled: toReserve } });
    outcome = 'billed';
  } else {
    pay.standardOverdraft += due; pay.additionalOverdraft += extra; // 1. dues join the overdrafts
    const r = usableOf(acc); // 2. the twin's usable balance
    const a = lesser(r, pay.additionalOverdraft); // 3. additional first, then standard
    const s = lesser(r - a, pay.standardOverdraft);
    pay.additionalOverdraft -= a; pay.additionalReserve += a; pay.standardOverdraft -= s; pay.standardReserve += s;
    charged = a + s;
    acc.free -= charged; acc.reserved += charged;
    const thisCycle = due + extra;
    events.push({ name: 'ContractPaymentOverdrawn', data: { contractId: i.contractId, timestamp: i.timestamp, partiallyBilledAmount: charged, overdraft: thisCycle > charged ? thisCycle - charged : 0n } });
    outcome = 'overdrawn';
  }
  pay.cycles += 1;
  const removed = state.kind === 'Deleted';
  let paid: RefGraceOutput['payout'] = null;
  if ((pay.cycles >= (i.distributionFrequency ?? 24) || removed) && pay.standardReserve + pay.additionalReserve > 0n) {
    const p = payoutRef('v2.9-reserve', pay.standardReserve, pay.additionalReserve, i.kind, []);
    paid = { farmer: p.farmer, foundation: p.foundation, stakingPool: p.stakingPool, certifiedSales: p.certifiedSales, solutionProviders: p.solutionProviders, burned: p.burned };
    acc.reserved -= pay.standardReserve + pay.additionalReserve;
    events.push({ name: 'RewardDistributed', data: { contractId: i.contractId, standardRewards: pay.standardReserve, additionalRewards: pay.additionalReserve } });
    pay.standardReserve = 0n; pay.additionalReserve = 0n; pay.cycles = 0;
  }
  if (removed) { events.push(cancelled(i)); outcome = 'deleted'; }
  else if (state.kind === 'GracePeriod' && outcome !== 'billed') outcome = 'grace';
  return { outcome, state, payment: pay, account: acc, chargedPlanck: charged, amountBilledPlanck: billed,
    overdraftPlanck: pay.standardOverdraft + pay.additionalOverdraft, payout: paid, events,
    updateTimestamp: !removed, resetNu: !removed && i.kind === 'node', removed };
}

/** §11, step by step (the lock model; `frozen` is the shared gridlock, reserves are the lock amounts). */
function lockRef(i: RefGraceInput): RefGraceOutput {
  const pay = { ...i.payment };
  const acc = { ...i.account };
  const due = i.standardDuePlanck, extra = i.additionalDuePlanck;
  // step 3
  if (due + extra === 0n && i.deleting === undefined) {
    return { outcome: 'skipped', state: i.state, payment: i.payment, account: i.account, chargedPlanck: 0n, amountBilledPlanck: 0n,
      overdraftPlanck: 0n, payout: null, events: [], updateTimestamp: false, resetNu: false, removed: false };
  }
  const events: RefEvent[] = [];
  const usable = usableOf(acc);
  const lockAmount = pay.standardReserve + due + pay.additionalReserve + extra; // step 4
  let state = i.state;
  if (i.deleting !== undefined) state = { kind: 'Deleted', cause: i.deleting };
  else if (state.kind === 'Created' && lockAmount >= usable) {
    state = { kind: 'GracePeriod', sinceBlock: i.block };
    events.push(graceEv('ContractGracePeriodStarted', i, { blockNumber: i.block }));
  } else if (state.kind === 'GracePeriod' && usable > lockAmount) {
    state = { kind: 'Created' };
    events.push(graceEv('ContractGracePeriodEnded', i));
  } else if (state.kind === 'GracePeriod' && i.block - state.sinceBlock >= (i.gracePeriodBlocks ?? 201_600)) {
    state = { kind: 'Deleted', cause: 'OutOfFunds' };
  }
  const removed = state.kind === 'Deleted';
  if (!removed) { pay.cycles += 1; pay.standardReserve += due; pay.additionalReserve += extra; } // step 5
  if (state.kind === 'GracePeriod') { // step 6
    return { outcome: 'grace', state, payment: pay, account: acc, chargedPlanck: 0n, amountBilledPlanck: 0n,
      overdraftPlanck: pay.standardReserve + pay.additionalReserve, payout: null, events, updateTimestamp: true, resetNu: false, removed: false };
  }
  let charged = 0n;
  if (state.kind === 'Created') { acc.frozen += due + extra; charged = due + extra; } // step 7: extend_lock
  let paid: RefGraceOutput['payout'] = null;
  const total = pay.standardReserve + pay.additionalReserve;
  if (pay.cycles >= (i.distributionFrequency ?? 24) || (removed && total > 0n)) {
    const rest = acc.frozen > total ? acc.frozen - total : 0n; // 7.1 remove the lock, re-lock the rest above ED
    acc.frozen = rest > ED ? rest : 0n;
    const extraPaid = lesser(usableOf(acc), pay.additionalReserve); // 7.2 extra fee to the farmer
    acc.free -= extraPaid;
    const standard = lesser(usableOf(acc), pay.standardReserve); // 7.3
    const p = payoutRef('v2.7-lock', standard, extraPaid, i.kind, (i.solutionProviderTakes ?? []).map(BigInt));
    paid = { farmer: p.farmer, foundation: p.foundation, stakingPool: p.stakingPool, certifiedSales: p.certifiedSales, solutionProviders: p.solutionProviders, burned: p.burned };
    const out = p.foundation + p.stakingPool + p.certifiedSales + p.burned + p.solutionProviders.reduce((a, b) => a + b, 0n);
    acc.free -= out;
    if (standard > 0n) events.push({ name: 'TokensBurned', data: { contractId: i.contractId, amount: p.burned } });
    pay.standardReserve = 0n; pay.additionalReserve = 0n; pay.cycles = 0; // 7.4
  }
  events.push({ name: 'ContractBilled', data: { contractId: i.contractId, timestamp: i.timestamp, discountLevel: i.discountLevel, amountBilled: due + extra } });
  if (removed) events.push(cancelled(i));
  return { outcome: removed ? 'deleted' : 'billed', state, payment: pay, account: acc, chargedPlanck: charged, amountBilledPlanck: due + extra,
    overdraftPlanck: 0n, payout: paid, events, updateTimestamp: !removed, resetNu: !removed && i.kind === 'node', removed };
}

// ---- the report ledger, one flag per second ------------------------------------------------------

export interface RefReport extends RefResources { contractId: bigint; timestamp: number; nru: bigint; window?: number }
export interface RefOutcome { outcome: string; error?: string }
export interface RefWindow { from: number; to: number; unitsUsd: bigint; nruBytes: bigint; late?: true }
export interface RefBill { contractId: bigint; from: number; to: number; unitsUsd: bigint; windows: RefWindow[] }

interface RefContract {
  openedAt: number; closed: boolean; billed: Uint8Array; billedUntil: number; counter: bigint;
  pending: Map<number, RefReport>; recent: number[];
}

const U64 = (1n << 64n) - 1n;
const smaller = (a: RefReport, b: RefReport): boolean => {
  for (const k of ['cru', 'sru', 'hru', 'mru', 'nru'] as const) if (a[k] !== b[k]) return a[k] < b[k];
  return (a.window ?? Infinity) < (b.window ?? Infinity);
};

export class LedgerRef {
  private readonly contracts = new Map<bigint, RefContract>();
  private readonly mode: 'exact' | 'tfchain';
  private readonly horizon: number;
  constructor(mode: 'exact' | 'tfchain', horizon = 40_000) {
    this.mode = mode;
    this.horizon = horizon;
  }

  open(id: bigint, openedAt: number): void {
    this.contracts.set(id, { openedAt, closed: false, billed: new Uint8Array(this.horizon + 1), billedUntil: openedAt, counter: 0n, pending: new Map(), recent: [] });
  }
  close(id: bigint): void {
    const c = this.contracts.get(id);
    if (c) c.closed = true;
  }
  /** Any billed second in (from, to]. */
  private anyBilled(c: RefContract, from: number, to: number): boolean {
    for (let k = Math.max(from, c.openedAt) + 1; k <= to; k++) if (c.billed[k]) return true;
    return false;
  }
  private overlaps(c: RefContract, r: RefReport): boolean {
    return this.anyBilled(c, r.window === undefined ? r.timestamp - 1 : r.timestamp - r.window, r.timestamp);
  }

  ingest(r: RefReport): RefOutcome {
    const u64ok = ['cru', 'sru', 'hru', 'mru', 'nru'].every((k) => { const v = (r as unknown as Record<string, unknown>)[k]; return typeof v === 'bigint' && v >= 0n && v <= U64; });
    const ok = Number.isSafeInteger(r.timestamp) && r.timestamp >= 0 && u64ok && (r.window === undefined || (Number.isSafeInteger(r.window) && r.window > 0));
    const c = this.contracts.get(r.contractId);
    if (c === undefined) return { outcome: 'rejected', error: 'billing.unknown_contract' };
    if (!ok) return { outcome: 'rejected', error: 'billing.invalid_report' };
    if (c.closed) return { outcome: 'rejected', error: 'billing.contract_closed' };
    if (r.timestamp > this.horizon) throw new Error('reference: timestamp beyond the horizon');
    if (c.recent.includes(r.timestamp)) return { outcome: 'duplicate' };
    if (this.mode === 'tfchain' && r.timestamp <= c.billedUntil) return { outcome: 'late' };
    if (this.mode === 'exact' && r.timestamp <= c.openedAt) return { outcome: 'rejected', error: 'billing.invalid_report' };
    const held = c.pending.get(r.timestamp);
    if (held !== undefined) {
      if (smaller(r, held) && !(this.mode === 'exact' && this.overlaps(c, r))) c.pending.set(r.timestamp, { ...r });
      return { outcome: 'duplicate' };
    }
    if (this.mode === 'exact') {
      if (this.overlaps(c, r)) return { outcome: 'overlapping' };
      c.pending.set(r.timestamp, { ...r });
      return { outcome: r.timestamp < c.billedUntil ? 'late' : 'accepted' };
    }
    c.pending.set(r.timestamp, { ...r });
    return { outcome: r.window !== undefined && r.timestamp - r.window < c.billedUntil ? 'overlapping' : 'accepted' };
  }

  settle(upTo: number, p: RefPolicy, rented = false): RefBill[] {
    const bills: RefBill[] = [];
    for (const [id, c] of [...this.contracts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      const due = [...c.pending.values()].filter((r) => r.timestamp <= upTo).sort((a, b) => a.timestamp - b.timestamp);
      if (due.length === 0) continue;
      const bill: RefBill = { contractId: id, from: c.billedUntil, to: c.billedUntil, unitsUsd: 0n, windows: [] };
      const before = c.billedUntil;
      for (const r of due) {
        // the window: the run of unbilled seconds ending at the timestamp, at most `window`, after the start
        let n = 0;
        while ((r.window === undefined || n < r.window) && r.timestamp - n > c.openedAt && !c.billed[r.timestamp - n]) n++;
        for (let k = r.timestamp - n + 1; k <= r.timestamp; k++) c.billed[k] = 1;
        const late = r.timestamp < before;
        let bytes = 0n;
        if (!late) {
          bytes = r.nru >= c.counter ? r.nru - c.counter : r.nru;
          c.counter = r.nru;
          c.billedUntil = r.timestamp;
        }
        const units = resourcesCostRef(r, 0n, BigInt(n), p, !rented) + (bytes === 0n ? 0n : nruCostRef(bytes, 3600n, p));
        bill.windows.push({ from: r.timestamp - n, to: r.timestamp, unitsUsd: units, nruBytes: bytes, ...(late ? { late: true as const } : {}) });
        bill.unitsUsd += units;
        c.pending.delete(r.timestamp);
        c.recent.push(r.timestamp);
        if (c.recent.length > 64) c.recent.shift();
      }
      bill.to = c.billedUntil;
      bills.push(bill);
    }
    return bills;
  }
}
