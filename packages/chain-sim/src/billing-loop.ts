import {
  type ContractCost,
  type ContractReports,
  type GraceState,
  type GraceStepInput,
  type Payout,
  contractCost,
  discount,
  graceStep,
  ingestContractReport,
  openContractReports,
  settleContractReports,
  unitsUsdToTft,
} from '@sc4it/billing';
import { publicKeyFromAddress } from '@sc4it/crypto';
import type { BillRecord, ConsumptionReport, ContractState, PricingPolicy, Resources, SolutionProviderShare } from '@sc4it/types';
import { chainError } from './errors.ts';
import { idKey } from './journal.ts';
import { type Runtime, cmpBig, isStandbyPower } from './runtime.ts';
import { type ContractRec, hexKey } from './state.ts';

const ZERO: Resources = Object.freeze({ cru: 0n, sru: 0n, hru: 0n, mru: 0n });

export interface CostMemo {
  kind: string;
  seconds: number;
  resources: Resources;
  unbilled: bigint;
  policy: PricingPolicy;
  priceMusd: number;
  minMusd: number;
  maxMusd: number;
  onRentedNode: boolean;
  publicIps: number;
  extraFeeMusd: bigint;
  cost: Pick<ContractCost, 'unitsUsd' | 'extraFeeUnitsUsd' | 'breakdown'>;
  planck: bigint;
  extraPlanck: bigint;
  breakdown: Record<string, bigint> | null;
}


const keyCache = new Map<string, Uint8Array>();

function accountKey(address: string): Uint8Array {
  let k = keyCache.get(address);
  if (!k) {
    k = publicKeyFromAddress(address);
    keyCache.set(address, k);
  }
  return k;
}

function isEmpty(r: Resources | null): boolean {
  return r === null || (r.cru === 0n && r.sru === 0n && r.hru === 0n && r.mru === 0n);
}

/**
 * The billing loop of one block (spec §10): every contract with `id ≡ block (mod
 * BillingFrequency)`, in id order. A node contract with no IP, no reported resources, no
 * unbilled NU, no pending seed reports and no overdraft is not submitted (its clock keeps
 * running). Each bill is its own transaction: one that fails is rolled back and reported.
 */
export function runBillingLoop(rt: Runtime): void {
  const s = rt.s;
  const bucket = s.billingLoop.get(rt.block % s.config.billingFrequency);
  if (!bucket || bucket.size === 0) return;
  const ids = [...bucket].sort(cmpBig);
  for (const id of ids) {
    const rec = s.contracts.get(id);
    if (!rec || rec.contract.state.kind === 'Deleted') continue;
    const d = rec.contract.contractType;
    if (d.kind === 'node') {
      const p = rec.payment;
      const pendingReports = (s.reportLedgers.get(id)?.pending.length ?? 0) > 0;
      const idle =
        d.publicIps === 0 &&
        isEmpty(rec.used) &&
        (rec.billingInfo?.amountUnbilled ?? 0n) === 0n &&
        !pendingReports &&
        (s.config.billingModel === 'v2.7-lock' || p.standardOverdraft + p.additionalOverdraft === 0n);
      if (idle) continue;
    }
    const mark = rt.ev.events.length;
    try {
      s.j.atomic(() => billContract(rt, id));
    } catch (err) {
      rt.ev.events.length = mark;
      const e = err as { upstream?: string; code?: string; message?: string };
      rt.emit('ContractBillingFailed', { contractId: id, error: e.upstream ?? e.code ?? String(e.message) });
    }
  }
}

const CREATED: GraceState = Object.freeze({ kind: 'Created' });

function toGrace(state: ContractState): GraceState {
  if (state.kind === 'Deployed') return CREATED;
  return state;
}

function fromGrace(state: GraceState, deployed: boolean): ContractState {
  if (state.kind === 'Created' && deployed) return { kind: 'Deployed' };
  return state;
}

/**
 * `bill_contract` (spec §11 v2.7 / §12 v2.9+): cost since the last bill, TFT conversion,
 * discount, then @sc4it/billing's grace state machine; applies its result to accounts,
 * receivers, the contract and its rent cascade, records the bill, and removes a Deleted contract.
 */
export function billContract(rt: Runtime, contractId: bigint): void {
  const s = rt.s;
  const cfg = s.config;
  let rec = s.contracts.get(contractId);
  if (!rec) throw chainError('ContractNotExists');
  const deleting = rec.contract.state.kind === 'Deleted' ? rec.contract.state.cause : undefined;
  if (deleting === undefined && rec.deletedBlock !== null) throw chainError('ContractNotExists');
  const d = rec.contract.contractType;
  const policy = s.pricingPolicy.get();
  let seconds = Math.max(0, rt.now - rec.lastBilled);

  if (d.kind === 'rent') {
    const power = rt.nodePowerOf(d.nodeId);
    if (cfg.billingModel === 'v2.7-lock') {
      // §11 step 1: a rent contract on a node whose power state is Down is not billed. tfchain
      // returns before the removal too; a cancel must still remove it, so chain-sim bills 0 s.
      if (power.state.kind === 'Down') {
        if (deleting === undefined) return;
        seconds = 0;
      }
    } else if (isStandbyPower(power)) {
      // §12 waivers: `RentWaived`, and nothing more while the contract is Created.
      rt.emit('RentWaived', { contractId });
      if (deleting === undefined && rec.contract.state.kind !== 'GracePeriod') return;
    }
  }

  // Seed reports waiting in the ledger are priced now (spec §15, via the billing ledger).
  let reportUnits = 0n;
  const ledger = s.reportLedgers.get(contractId);
  const onRentedNode = d.kind === 'node' && s.activeRentForNode.has(d.nodeId);
  if (ledger && ledger.pending.length > 0) {
    const out = settleContractReports(ledger, { upTo: rt.now, policy, onRentedNode });
    s.reportLedgers.set(contractId, out.state);
    reportUnits = out.bill.unitsUsd;
  }

  const node = d.kind === 'name' ? undefined : s.nodes.get(d.nodeId);
  if (d.kind !== 'name' && !node) throw chainError('NodeNotExists');
  const resources = d.kind === 'node' ? (rec.used ?? ZERO) : d.kind === 'rent' ? node!.resources : ZERO;
  const unbilled = d.kind === 'node' ? (rec.billingInfo?.amountUnbilled ?? 0n) + reportUnits : 0n;
  // DedicatedNodesExtraFee cannot change while the node has a rent contract (NodeHasActiveContracts).
  const extraFeeMusd = d.kind === 'rent' ? (s.extraFees.get(d.nodeId) ?? 0n) : 0n;
  const priceMusd = s.tftPrice.get();
  // Cost and its TFT value are pure functions of these inputs: reuse them while nothing changed
  // (a contract's usage, IPs, policy and price rarely move between hourly bills).
  const costMemo = rt.costMemo;
  const memoKey = idKey(contractId);
  const memo = costMemo.get(memoKey);
  let cost: CostMemo['cost'];
  let planck: bigint;
  let extraPlanck: bigint;
  if (
    memo !== undefined && memo.seconds === seconds && memo.resources === resources && memo.unbilled === unbilled &&
    memo.policy === policy && memo.priceMusd === priceMusd && memo.onRentedNode === onRentedNode &&
    memo.kind === d.kind && memo.publicIps === (d.kind === 'node' ? d.publicIps : 0) && memo.extraFeeMusd === extraFeeMusd &&
    memo.minMusd === cfg.minTftPriceMusd && memo.maxMusd === cfg.maxTftPriceMusd
  ) {
    ({ cost, planck, extraPlanck } = memo);
  } else {
    const full = contractCost({
      kind: d.kind,
      seconds,
      policy,
      ...(d.kind === 'node' ? { resources, publicIps: d.publicIps, unbilledNuUnitsUsd: unbilled, onRentedNode } : {}),
      ...(d.kind === 'rent' ? { resources, extraFeeMusd } : {}),
    });
    cost = { unitsUsd: full.unitsUsd, extraFeeUnitsUsd: full.extraFeeUnitsUsd, breakdown: full.breakdown };
    const price = { priceMusd, minMusd: cfg.minTftPriceMusd, maxMusd: cfg.maxTftPriceMusd };
    planck = unitsUsdToTft(cost.unitsUsd, price);
    extraPlanck = cost.extraFeeUnitsUsd === 0n ? 0n : unitsUsdToTft(cost.extraFeeUnitsUsd, price);
    costMemo.set(memoKey, {
      kind: d.kind, seconds, resources, unbilled, policy, priceMusd, onRentedNode,
      publicIps: d.kind === 'node' ? d.publicIps : 0, extraFeeMusd, minMusd: cfg.minTftPriceMusd, maxMusd: cfg.maxTftPriceMusd,
      cost, planck, extraPlanck, breakdown: null,
    });
  }

  const twin = s.twins.get(rec.contract.twinId);
  if (!twin) throw chainError('TwinNotExists');
  const acct = rt.accountOrNew(twin.account);
  // v2.7 passes a hard-coded Diy (#991); v2.9+ the node's certification (spec §8).
  const certified = cfg.billingModel !== 'v2.7-lock' && node?.certification === 'Certified';
  const disc =
    planck === 0n
      ? { level: 'None' as const, amountPlanck: 0n }
      : discount(planck, { balancePlanck: rt.usable(twin.account), seconds: Math.max(seconds, 1), certified });

  let rentContractInGrace = false;
  let nodeContractsHoldReserve = false;
  if (d.kind === 'node') {
    const rentId = s.activeRentForNode.get(d.nodeId);
    const rent = rentId === undefined ? undefined : s.contracts.get(rentId);
    rentContractInGrace = rent?.contract.state.kind === 'GracePeriod';
  } else if (d.kind === 'rent') {
    for (const id of s.activeNodeContracts.get(d.nodeId) ?? []) {
      const p = s.contracts.get(id)?.payment;
      if (p && p.standardReserve + p.additionalReserve > 0n) nodeContractsHoldReserve = true;
    }
  }

  const before = rec.contract.state;
  // A plain literal, optional fields set afterwards: object spreads cost a slow clone per bill.
  const input: GraceStepInput = {
    model: cfg.billingModel,
    contractId,
    kind: d.kind,
    twinId: rec.contract.twinId,
    state: deleting === undefined ? toGrace(before) : CREATED,
    payment: rec.payment,
    account: { free: acct.free, frozen: acct.frozen, reserved: acct.reserved },
    block: rt.block,
    timestamp: rt.now,
    standardDuePlanck: disc.amountPlanck,
    additionalDuePlanck: extraPlanck,
    discountLevel: disc.level,
    gracePeriodBlocks: cfg.gracePeriodBlocks,
    distributionFrequency: cfg.distributionFrequency,
    existentialDeposit: cfg.existentialDeposit,
    rentContractInGrace,
    nodeContractsHoldReserve,
  };
  if (d.kind !== 'name') input.nodeId = d.nodeId;
  if (deleting !== undefined) input.deleting = deleting;
  // v2.7 pays each solution provider its take of the standard amount (§11); v2.9 pays none (§12).
  const provider = rec.contract.solutionProviderId === null || cfg.billingModel !== 'v2.7-lock' ? undefined : s.solutionProviders.get(rec.contract.solutionProviderId);
  if (provider && provider.providers.length > 0) input.solutionProviderTakes = provider.providers.map((p) => p.take);
  const result = graceStep(input);
  if (result.outcome === 'skipped') return;

  const stored = s.accounts.get(hexKey(twin.account));
  if (stored) {
    // in place (journaled): one bill per active contract per cycle should not copy records
    const j = s.j;
    if (stored.free !== result.account.free) j.setField(stored, 'free', result.account.free);
    if (stored.frozen !== result.account.frozen) j.setField(stored, 'frozen', result.account.frozen);
    if (stored.reserved !== result.account.reserved) j.setField(stored, 'reserved', result.account.reserved);
  } else {
    rt.putAccount({ ...acct, free: result.account.free, frozen: result.account.frozen, reserved: result.account.reserved });
  }

  // Identical bills share one (immutable) breakdown object: bill history is most of a cycle's memory.
  const m = costMemo.get(memoKey);
  let breakdown: Record<string, bigint>;
  if (m?.cost === cost && m.breakdown !== null && m.breakdown['planckDue'] === disc.amountPlanck && m.breakdown['charged'] === result.chargedPlanck) {
    breakdown = m.breakdown;
  } else {
    // Written out field by field: a spread here gave nearly every breakdown its own hidden class
    // (measured: 2 per contract), which made the bill history large and slow to collect.
    const b = cost.breakdown;
    breakdown = {
      cu: b.cu,
      su: b.su,
      ipu: b.ipu,
      rounding: b.rounding,
      rentDiscount: b.rentDiscount,
      nu: b.nu,
      nuUnbilled: b.nuUnbilled,
      uniqueName: b.uniqueName,
      extraFee: b.extraFee,
      reportUnitsUsd: reportUnits,
      planckBeforeDiscount: planck,
      planckDue: disc.amountPlanck,
      extraFeePlanck: extraPlanck,
      charged: result.chargedPlanck,
    };
    if (m?.cost === cost) m.breakdown = breakdown;
  }
  for (const ev of result.events) {
    if (ev.name === 'NodeContractCanceled' || ev.name === 'RentContractCanceled' || ev.name === 'NameContractCanceled') {
      continue; // removeContract emits it, after IPsFreed
    }
    if (ev.name === 'ContractBilled') {
      // graceStep's event data is fresh for this call: extend it instead of copying it.
      const data = ev.data as Record<string, unknown>;
      data['seconds'] = seconds;
      data['unitsUsd'] = cost.unitsUsd;
      data['breakdown'] = breakdown;
      rt.emit(ev.name, data);
    } else {
      rt.emit(ev.name, ev.data);
    }
  }
  // Receivers are credited after the bill's own events (a first payment also emits `Endowed`).
  if (result.payout) creditPayout(rt, result.payout, rec, policy.foundationAccount, policy.certifiedSalesAccount, provider?.providers);

  rec = s.contracts.get(contractId)!;
  // Allocate only what changed: a bill runs for every active contract every cycle.
  const newState = deleting === undefined ? fromGrace(result.state, rec.deployed) : rec.contract.state;
  const cur = rec.contract.state;
  const sameState =
    newState.kind === cur.kind &&
    (newState.kind !== 'GracePeriod' || (cur as { sinceBlock: number }).sinceBlock === newState.sinceBlock);
  const j = s.j;
  j.setField(rec, 'payment', result.payment);
  if (result.updateTimestamp) j.setField(rec, 'lastBilled', rt.now);
  if (rec.billingInfo && result.resetNu && rec.billingInfo.amountUnbilled !== 0n) {
    j.setField(rec, 'billingInfo', { ...rec.billingInfo, amountUnbilled: 0n });
  }
  if (!sameState) j.setField(rec, 'contract', { ...rec.contract, state: newState });
  const next = rec;

  const bill: BillRecord = {
    contractId,
    block: rt.block,
    timestamp: rt.now,
    seconds,
    unitsUsd: cost.unitsUsd,
    breakdown,
    discountLevel: disc.level,
    amountBilled: result.amountBilledPlanck,
    amountDue: result.overdraftPlanck,
  };
  s.bills.push(contractId, bill, cfg.maxBillsPerContract);

  if (d.kind === 'rent' && deleting === undefined) cascadeRent(rt, d.nodeId, before, next.contract.state);

  if (result.removed) {
    if (deleting === undefined) rt.setState(contractId, result.state as ContractState);
    rt.removeContract(contractId);
  }
}

/** A rent contract entering / leaving grace takes its node contracts along (spec §11 step 4, §12). */
function cascadeRent(rt: Runtime, nodeId: number, before: ContractState, after: ContractState): void {
  const s = rt.s;
  const entered = before.kind !== 'GracePeriod' && after.kind === 'GracePeriod';
  const left = before.kind === 'GracePeriod' && after.kind !== 'GracePeriod' && after.kind !== 'Deleted';
  if (!entered && !left) return;
  const ids = [...(s.activeNodeContracts.get(nodeId) ?? [])].sort(cmpBig);
  for (const id of ids) {
    const rec = s.contracts.get(id)!;
    const st = rec.contract.state;
    if (entered && (st.kind === 'Created' || st.kind === 'Deployed')) {
      rt.putContract({ ...rec, contract: { ...rec.contract, state: { kind: 'GracePeriod', sinceBlock: rt.block } } });
      rt.emit('ContractGracePeriodStarted', { contractId: id, nodeId, twinId: rec.contract.twinId, blockNumber: rt.block });
    } else if (left && st.kind === 'GracePeriod') {
      const p = rec.payment;
      // v2.9+: node contracts still carrying an overdraft stay in grace.
      if (s.config.billingModel !== 'v2.7-lock' && p.standardOverdraft + p.additionalOverdraft > 0n) continue;
      rt.putContract({ ...rec, contract: { ...rec.contract, state: rec.deployed ? { kind: 'Deployed' } : { kind: 'Created' } } });
      rt.emit('ContractGracePeriodEnded', { contractId: id, nodeId, twinId: rec.contract.twinId });
    }
  }
}

function creditPayout(
  rt: Runtime,
  p: Payout,
  rec: ContractRec,
  foundation: string,
  sales: string,
  providers: readonly SolutionProviderShare[] | undefined,
): void {
  const s = rt.s;
  const d = rec.contract.contractType;
  if (p.farmer > 0n) {
    const node = d.kind === 'name' ? undefined : s.nodes.get(d.nodeId);
    const farm = node ? s.farms.get(node.farmId) : undefined;
    const farmer = farm ? s.twins.get(farm.twinId) : undefined;
    // Without a farm the farmer's share stays with the foundation (cannot happen on chain-sim).
    rt.credit(farmer ? farmer.account : accountKey(foundation), p.farmer);
  }
  if (p.foundation > 0n) rt.credit(accountKey(foundation), p.foundation);
  if (p.stakingPool > 0n) rt.credit(s.config.stakingPoolAccount, p.stakingPool);
  if (p.certifiedSales > 0n) rt.credit(accountKey(sales), p.certifiedSales);
  p.solutionProviders.forEach((share, i) => {
    const who = providers?.[i]?.who;
    if (share > 0n && who) rt.credit(who, share);
  });
}

/**
 * Seed-era `add_reports` (spec §15) through @sc4it/billing's report ledger: every report gets an
 * explicit outcome (`accepted`, `duplicate`, `late`, `overlapping`, `rejected`) in an event;
 * accepted ones are priced at the contract's next bill.
 */
export function addSeedReports(rt: Runtime, nodeId: number, reports: ConsumptionReport[]): void {
  const s = rt.s;
  for (const r of reports) {
    const rec = rt.liveContract(r.contractId);
    const d = rec?.contract.contractType;
    let reason: string | null = null;
    if (!rec || !d) reason = 'ContractNotExists';
    else if (d.kind !== 'node') reason = 'InvalidContractType';
    else if (d.nodeId !== nodeId) reason = 'NodeNotAuthorizedToComputeReport';
    if (reason !== null || !rec) {
      rt.emit('ConsumptionReportRejected', { report: { ...r }, outcome: 'rejected', reason });
      continue;
    }
    const ledger: ContractReports = s.reportLedgers.get(r.contractId) ?? openContractReports(r.contractId, rec.createdAt);
    const out = ingestContractReport(ledger, r);
    if (out.state !== ledger || !s.reportLedgers.has(r.contractId)) s.reportLedgers.set(r.contractId, out.state);
    const o = out.result.outcome;
    const data = { report: { ...r }, outcome: o, ...(out.result.reason ? { reason: out.result.reason } : {}) };
    // Received = will be billed (accepted now, late as a correction of unbilled time); the ledger
    // refuses an overlapping report (its time is billed already), so that one is Rejected.
    rt.emit(o === 'accepted' || o === 'late' ? 'ConsumptionReportReceived' : 'ConsumptionReportRejected', data);
  }
}
