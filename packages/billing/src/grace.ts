/**
 * One billing step of one contract as a pure state machine: Created ⇄ GracePeriod(since block)
 * → Deleted, with what is charged, the overdraft, the payout and the events, for both models
 * (spec §11 v2.7 lock, §12 v2.9+ reserve/overdraft, §13 grace).
 *
 * Accounts are modelled as `{ free, frozen, reserved }` planck; usable = free − max(ED, frozen).
 * In `v2.7-lock`, `frozen` is the account's `gridlock` (shared by all its contracts).
 */
import type { DeletedCause } from '@sc4it/types';
import { BillingError } from './errors.ts';
import type { ContractKind } from './cost.ts';
import type { DiscountLevel } from './discount.ts';
import { type BillingModel, type Payout, DEFAULT_BILLING_MODEL, payout } from './payout.ts';
import { BILLING_CONSTANTS } from './policy.ts';

export type GraceState =
  | { kind: 'Created' }
  | { kind: 'GracePeriod'; sinceBlock: number }
  | { kind: 'Deleted'; cause: DeletedCause };

/**
 * Per-contract payment state. v2.9: `ContractPaymentState`. v2.7: `ContractLock`, with
 * `standardReserve` = `amount_locked`, `additionalReserve` = `extra_amount_locked` and the
 * overdrafts always 0.
 */
export interface PaymentState {
  standardReserve: bigint;
  additionalReserve: bigint;
  standardOverdraft: bigint;
  additionalOverdraft: bigint;
  cycles: number;
}

export const EMPTY_PAYMENT_STATE: Readonly<PaymentState> = Object.freeze({
  standardReserve: 0n, additionalReserve: 0n, standardOverdraft: 0n, additionalOverdraft: 0n, cycles: 0,
});

export interface AccountBalance {
  free: bigint;
  /** Locks (v2.7: the `gridlock` of every contract of the account). */
  frozen: bigint;
  reserved: bigint;
}

/** An event to emit, named as tfchain names it; fields in camelCase. */
export interface BillingEvent {
  name: string;
  data: Record<string, unknown>;
}

export interface GraceStepInput {
  model?: BillingModel;
  contractId: bigint;
  kind: ContractKind;
  twinId: number;
  /** node and rent contracts. */
  nodeId?: number;
  /** Current state: Created or GracePeriod. */
  state: GraceState;
  payment: PaymentState;
  account: AccountBalance;
  /** Current block and its unix time (s). */
  block: number;
  timestamp: number;
  /** This cycle's standard amount due (discounted), planck. */
  standardDuePlanck: bigint;
  /** This cycle's extra-fee amount due, planck. */
  additionalDuePlanck?: bigint;
  discountLevel?: DiscountLevel;
  /** The contract is being removed now (cancel, collective cancel, node deleted). */
  deleting?: DeletedCause;
  gracePeriodBlocks?: number;
  distributionFrequency?: number;
  existentialDeposit?: bigint;
  /** v2.9: a node contract whose rent contract is still in grace cannot leave grace. */
  rentContractInGrace?: boolean;
  /** v2.9: a rent contract waits at grace expiry while one of its node contracts holds a reserve. */
  nodeContractsHoldReserve?: boolean;
  /** v2.7: solution provider takes for the payout. */
  solutionProviderTakes?: readonly number[];
}

export type GraceOutcome = 'skipped' | 'billed' | 'overdrawn' | 'grace' | 'deleted';

export interface GraceStepResult {
  outcome: GraceOutcome;
  state: GraceState;
  payment: PaymentState;
  account: AccountBalance;
  /** Planck newly reserved (v2.9) or locked (v2.7) this step. */
  chargedPlanck: bigint;
  /** `amount_billed` of `ContractBilled`, 0 when none is emitted. */
  amountBilledPlanck: bigint;
  /** Total still owed after this step (v2.9 overdrafts; v2.7: locked but not covered by the lock). */
  overdraftPlanck: bigint;
  /** What was paid out to receivers this step (credit them), or null. */
  payout: Payout | null;
  events: BillingEvent[];
  /** The billing timestamp (`lock_updated` / `last_updated_seconds`) moves to `timestamp`. */
  updateTimestamp: boolean;
  /** The contract's unbilled NU (`amount_unbilled`) returns to 0. */
  resetNu: boolean;
  /** The contract is removed from storage (state Deleted). */
  removed: boolean;
}

function usable(a: AccountBalance, ed: bigint): bigint {
  const floor = a.frozen > ed ? a.frozen : ed;
  return a.free > floor ? a.free - floor : 0n;
}

function min(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}

function graceEvent(name: string, input: GraceStepInput, extra: Record<string, unknown> = {}): BillingEvent {
  return { name, data: { contractId: input.contractId, nodeId: input.nodeId ?? 0, twinId: input.twinId, ...extra } };
}

function cancelEvent(input: GraceStepInput): BillingEvent {
  if (input.kind === 'node') return { name: 'NodeContractCanceled', data: { contractId: input.contractId, nodeId: input.nodeId ?? 0, twinId: input.twinId } };
  if (input.kind === 'rent') return { name: 'RentContractCanceled', data: { contractId: input.contractId } };
  return { name: 'NameContractCanceled', data: { contractId: input.contractId } };
}

function validate(input: GraceStepInput): void {
  for (const [k, v] of [
    ['standardDuePlanck', input.standardDuePlanck], ['additionalDuePlanck', input.additionalDuePlanck ?? 0n],
    ['account.free', input.account.free], ['account.frozen', input.account.frozen], ['account.reserved', input.account.reserved],
    ['payment.standardReserve', input.payment.standardReserve], ['payment.additionalReserve', input.payment.additionalReserve],
    ['payment.standardOverdraft', input.payment.standardOverdraft], ['payment.additionalOverdraft', input.payment.additionalOverdraft],
  ] as const) {
    if (typeof v !== 'bigint' || v < 0n) throw new BillingError('billing.invalid_input', `${k} must be a non-negative bigint`, { field: k });
  }
  if (input.state.kind === 'Deleted') throw new BillingError('billing.invalid_input', 'a deleted contract is not billed', { field: 'state' });
  if (!Number.isSafeInteger(input.block) || input.block < 0) throw new BillingError('billing.invalid_input', 'block must be a non-negative integer', { field: 'block' });
}

/**
 * Runs one `bill_contract` for one contract. Pure: returns the new contract state, payment
 * state and account, and the events in the chain's order. The caller applies them (credit the
 * payout receivers, free IPs before the cancel event, remove the contract when `removed`).
 * @throws {BillingError} `billing.invalid_input`.
 */
export function graceStep(input: GraceStepInput): GraceStepResult {
  validate(input);
  return (input.model ?? DEFAULT_BILLING_MODEL) === 'v2.7-lock' ? stepLock(input) : stepReserve(input);
}

/** §12: v2.9+ reserve and overdraft. */
function stepReserve(input: GraceStepInput): GraceStepResult {
  const ed = input.existentialDeposit ?? BILLING_CONSTANTS.existentialDeposit;
  const graceBlocks = input.gracePeriodBlocks ?? BILLING_CONSTANTS.gracePeriodBlocks;
  const distFreq = input.distributionFrequency ?? BILLING_CONSTANTS.distributionFrequency;
  const sd = input.standardDuePlanck;
  const ad = input.additionalDuePlanck ?? 0n;
  const p = { ...input.payment };
  const acct = { ...input.account };
  const deleting = input.deleting;
  const hasOverdraft = p.standardOverdraft + p.additionalOverdraft > 0n;
  if (sd + ad === 0n && !hasOverdraft && deleting === undefined) {
    return {
      outcome: 'skipped', state: input.state, payment: input.payment, account: input.account, chargedPlanck: 0n,
      amountBilledPlanck: 0n, overdraftPlanck: 0n, payout: null, events: [], updateTimestamp: false, resetNu: false, removed: false,
    };
  }
  const events: BillingEvent[] = [];
  const toReserve = sd + p.standardOverdraft + ad + p.additionalOverdraft;
  const hasFunds = usable(acct, ed) >= toReserve;
  let state: GraceState = input.state;
  if (deleting !== undefined) state = { kind: 'Deleted', cause: deleting };
  else if (state.kind === 'GracePeriod') {
    if (hasFunds) {
      if (!(input.kind === 'node' && input.rentContractInGrace === true)) {
        state = { kind: 'Created' };
        events.push(graceEvent('ContractGracePeriodEnded', input));
      }
    } else {
      const diff = input.block - state.sinceBlock;
      if (diff >= graceBlocks && !(input.kind === 'rent' && input.nodeContractsHoldReserve === true)) {
        events.push({ name: 'ContractGracePeriodElapsed', data: { contractId: input.contractId, gracePeriod: diff } });
        state = { kind: 'Deleted', cause: 'OutOfFunds' };
      }
    }
  } else if (!hasFunds) {
    state = { kind: 'GracePeriod', sinceBlock: input.block };
    events.push(graceEvent('ContractGracePeriodStarted', input, { blockNumber: input.block }));
  }

  let charged = 0n;
  let amountBilled = 0n;
  let outcome: GraceOutcome;
  if (hasFunds) {
    acct.free -= toReserve;
    acct.reserved += toReserve;
    p.standardReserve += sd + p.standardOverdraft;
    p.additionalReserve += ad + p.additionalOverdraft;
    p.standardOverdraft = 0n;
    p.additionalOverdraft = 0n;
    charged = toReserve;
    amountBilled = toReserve;
    events.push({
      name: 'ContractBilled',
      data: { contractId: input.contractId, timestamp: input.timestamp, discountLevel: input.discountLevel ?? 'None', amountBilled: toReserve },
    });
    outcome = 'billed';
  } else {
    p.standardOverdraft += sd;
    p.additionalOverdraft += ad;
    const r = usable(acct, ed);
    const toAdditional = min(r, p.additionalOverdraft);
    const toStandard = min(r - toAdditional, p.standardOverdraft);
    p.additionalOverdraft -= toAdditional;
    p.additionalReserve += toAdditional;
    p.standardOverdraft -= toStandard;
    p.standardReserve += toStandard;
    charged = toAdditional + toStandard;
    acct.free -= charged;
    acct.reserved += charged;
    const due = sd + ad;
    events.push({
      name: 'ContractPaymentOverdrawn',
      data: { contractId: input.contractId, timestamp: input.timestamp, partiallyBilledAmount: charged, overdraft: due > charged ? due - charged : 0n },
    });
    outcome = 'overdrawn';
  }

  p.cycles += 1;
  let paid: Payout | null = null;
  const removed = state.kind === 'Deleted';
  if ((p.cycles >= distFreq || removed) && p.standardReserve + p.additionalReserve > 0n) {
    paid = payout(p.standardReserve, 'v2.9-reserve', { kind: input.kind, additionalPlanck: p.additionalReserve });
    acct.reserved -= p.standardReserve + p.additionalReserve;
    events.push({
      name: 'RewardDistributed',
      data: { contractId: input.contractId, standardRewards: p.standardReserve, additionalRewards: p.additionalReserve },
    });
    p.standardReserve = 0n;
    p.additionalReserve = 0n;
    p.cycles = 0;
  }
  if (removed) {
    events.push(cancelEvent(input));
    outcome = 'deleted';
  } else if (state.kind === 'GracePeriod' && outcome === 'billed') {
    // a node contract held in grace by its rent contract still pays
  } else if (state.kind === 'GracePeriod') outcome = 'grace';
  return {
    outcome, state, payment: p, account: acct, chargedPlanck: charged, amountBilledPlanck: amountBilled,
    overdraftPlanck: p.standardOverdraft + p.additionalOverdraft, payout: paid, events,
    updateTimestamp: !removed, resetNu: !removed && input.kind === 'node', removed,
  };
}

/** §11: v2.7 balance lock. */
function stepLock(input: GraceStepInput): GraceStepResult {
  const ed = input.existentialDeposit ?? BILLING_CONSTANTS.existentialDeposit;
  const graceBlocks = input.gracePeriodBlocks ?? BILLING_CONSTANTS.gracePeriodBlocks;
  const distFreq = input.distributionFrequency ?? BILLING_CONSTANTS.distributionFrequency;
  const rd = input.standardDuePlanck;
  const xd = input.additionalDuePlanck ?? 0n;
  const p = { ...input.payment };
  const acct = { ...input.account };
  const deleting = input.deleting;
  if (rd + xd === 0n && deleting === undefined) {
    return {
      outcome: 'skipped', state: input.state, payment: input.payment, account: input.account, chargedPlanck: 0n,
      amountBilledPlanck: 0n, overdraftPlanck: 0n, payout: null, events: [], updateTimestamp: false, resetNu: false, removed: false,
    };
  }
  const events: BillingEvent[] = [];
  const use = usable(acct, ed);
  const lockAmount = p.standardReserve + rd + p.additionalReserve + xd;
  let state: GraceState = input.state;
  if (deleting !== undefined) state = { kind: 'Deleted', cause: deleting };
  else if (state.kind === 'Created') {
    if (lockAmount >= use) {
      state = { kind: 'GracePeriod', sinceBlock: input.block };
      events.push(graceEvent('ContractGracePeriodStarted', input, { blockNumber: input.block }));
    }
  } else if (state.kind === 'GracePeriod') {
    if (use > lockAmount) {
      state = { kind: 'Created' };
      events.push(graceEvent('ContractGracePeriodEnded', input));
    } else if (input.block - state.sinceBlock >= graceBlocks) {
      state = { kind: 'Deleted', cause: 'OutOfFunds' };
    }
  }
  const removed = state.kind === 'Deleted';
  if (!removed) {
    // Step 5: the cycle's dues join the lock amounts (for a deleted contract they never do).
    p.cycles += 1;
    p.standardReserve += rd;
    p.additionalReserve += xd;
  }
  if (state.kind === 'GracePeriod') {
    // Step 6: stored, nothing charged, no ContractBilled.
    return {
      outcome: 'grace', state, payment: p, account: acct, chargedPlanck: 0n, amountBilledPlanck: 0n,
      overdraftPlanck: p.standardReserve + p.additionalReserve, payout: null, events,
      updateTimestamp: true, resetNu: false, removed: false,
    };
  }
  let charged = 0n;
  if (state.kind === 'Created') {
    acct.frozen += rd + xd; // extend_lock(current_locked + amount_due)
    charged = rd + xd;
  }
  let paid: Payout | null = null;
  const contractTotal = p.standardReserve + p.additionalReserve;
  if (p.cycles >= distFreq || (removed && contractTotal > 0n)) {
    // Remove the lock, re-lock what the account's other contracts hold (when above ED).
    const rest = acct.frozen > contractTotal ? acct.frozen - contractTotal : 0n;
    acct.frozen = rest > ed ? rest : 0n;
    let balance = usable(acct, ed);
    const extraPaid = min(balance, p.additionalReserve);
    acct.free -= extraPaid;
    balance = usable(acct, ed);
    const standard = min(balance, p.standardReserve);
    paid = payout(standard, 'v2.7-lock', {
      kind: input.kind, additionalPlanck: extraPaid, ...(input.solutionProviderTakes ? { solutionProviderTakes: input.solutionProviderTakes } : {}),
    });
    acct.free -= paid.charged - extraPaid;
    if (standard > 0n) events.push({ name: 'TokensBurned', data: { contractId: input.contractId, amount: paid.burned } });
    p.standardReserve = 0n;
    p.additionalReserve = 0n;
    p.cycles = 0;
  }
  events.push({
    name: 'ContractBilled',
    data: { contractId: input.contractId, timestamp: input.timestamp, discountLevel: input.discountLevel ?? 'None', amountBilled: rd + xd },
  });
  if (removed) events.push(cancelEvent(input));
  return {
    outcome: removed ? 'deleted' : 'billed', state, payment: p, account: acct, chargedPlanck: charged,
    amountBilledPlanck: rd + xd, overdraftPlanck: 0n, payout: paid, events,
    updateTimestamp: !removed, resetNu: !removed && input.kind === 'node', removed,
  };
}
