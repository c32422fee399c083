import type { ContractReports } from '@sc4it/billing';
import type { BillRecord, ChainEvent, Farm, Node, NodePower, PricingPolicy, SolutionProvider, TermsAndConditions, Twin } from '@sc4it/types';
import { bytesToHex } from '@sc4it/types';
import { decodeFailure } from './errors.ts';
import { cmpBig } from './runtime.ts';
import { type AccountRec, type ChainConfig, ChainState, type ContractRec, type HeadInfo, nodeHashKey } from './state.ts';

export const STATE_FORMAT = 'sc4it-chain-state/1';

/** Everything needed to rebuild a chain: stored items only; indexes are derived on load. */
export interface StateDump {
  format: typeof STATE_FORMAT;
  config: ChainConfig;
  head: HeadInfo;
  /** `solutionProvider` is absent in dumps written before solution providers existed. */
  counters: { twin: number; farm: number; node: number; contract: bigint; solutionProvider?: bigint };
  tftPrice: number;
  pricingPolicy: PricingPolicy;
  accounts: AccountRec[];
  twins: Twin[];
  farms: Farm[];
  nodes: Node[];
  contracts: ContractRec[];
  /** `ContractIDByNodeIDAndHash`: kept as is, since `update_node_contract` can make it diverge. */
  hashIndex: [string, bigint][];
  bills: [bigint, BillRecord[]][];
  reportLedgers: ContractReports[];
  /** Nodes not Up / Up (absent in older dumps, like the three fields after it). */
  nodePower?: [number, NodePower][];
  /** `DedicatedNodesExtraFee` entries (mUSD per month). */
  extraFees?: [number, bigint][];
  solutionProviders?: SolutionProvider[];
  /** Terms-and-conditions acceptances by account (hex). */
  termsAndConditions?: [string, TermsAndConditions[]][];
  events: ChainEvent[];
}

const byNum = <T>(f: (x: T) => number) => (a: T, b: T) => f(a) - f(b);

export function exportState(s: ChainState, events: ChainEvent[]): StateDump {
  return {
    format: STATE_FORMAT,
    config: s.config,
    head: { ...s.head },
    counters: {
      twin: s.twinCounter.get(),
      farm: s.farmCounter.get(),
      node: s.nodeCounter.get(),
      contract: s.contractCounter.get(),
      solutionProvider: s.solutionProviderCounter.get(),
    },
    tftPrice: s.tftPrice.get(),
    pricingPolicy: s.pricingPolicy.get(),
    accounts: [...s.accounts.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1)).map(([, a]) => a),
    twins: [...s.twins.values()].sort(byNum((t) => t.id)),
    farms: [...s.farms.values()].sort(byNum((f) => f.id)),
    nodes: [...s.nodes.values()].sort(byNum((n) => n.id)),
    contracts: [...s.contracts.values()].sort((a, b) => cmpBig(a.contract.contractId, b.contract.contractId)),
    hashIndex: [...s.contractByNodeHash.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    bills: s.bills.entries().filter(([, l]) => l.length > 0).sort((a, b) => cmpBig(a[0], b[0])),
    reportLedgers: [...s.reportLedgers.values()].sort((a, b) => cmpBig(a.contractId, b.contractId)),
    nodePower: [...s.nodePower.entries()].sort((a, b) => a[0] - b[0]),
    extraFees: [...s.extraFees.entries()].sort((a, b) => a[0] - b[0]),
    solutionProviders: [...s.solutionProviders.values()].sort((a, b) => cmpBig(a.solutionProviderId, b.solutionProviderId)),
    termsAndConditions: [...s.termsAndConditions.entries()].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
    events,
  };
}

/** Rebuilds a `ChainState` (and its indexes) from a dump; throws `CouldNotDecode` on a foreign file. */
export function importState(dump: StateDump): ChainState {
  if (dump === null || typeof dump !== 'object' || dump.format !== STATE_FORMAT) {
    throw decodeFailure('state', `not a ${STATE_FORMAT} file`);
  }
  const s = new ChainState(dump.config, dump.pricingPolicy, dump.tftPrice, { ...dump.head });
  s.twinCounter.set(dump.counters.twin);
  s.farmCounter.set(dump.counters.farm);
  s.nodeCounter.set(dump.counters.node);
  s.contractCounter.set(dump.counters.contract);
  for (const a of dump.accounts) s.accounts.set(bytesToHex(a.publicKey), a);
  for (const t of dump.twins) {
    s.twins.set(t.id, t);
    s.twinByAccount.set(bytesToHex(t.account), t.id);
  }
  for (const f of dump.farms) {
    s.farms.set(f.id, f);
    s.farmByName.set(f.name, f.id);
  }
  for (const n of dump.nodes) {
    s.nodes.set(n.id, n);
    s.nodeByTwin.set(n.twinId, n.id);
    s.nodesByFarm.add(n.farmId, n.id);
  }
  const freq = BigInt(dump.config.billingFrequency);
  for (const rec of dump.contracts) {
    const c = rec.contract;
    const id = c.contractId;
    s.contracts.set(id, rec);
    s.contractsByTwin.add(c.twinId, id);
    const d = c.contractType;
    if (d.kind !== 'name') s.contractsByNode.add(d.nodeId, id);
    if (c.state.kind === 'Deleted') continue;
    s.billingLoop.add(Number(id % freq), id);
    if (d.kind === 'node') s.activeNodeContracts.add(d.nodeId, id);
    else if (d.kind === 'rent') s.activeRentForNode.set(d.nodeId, id);
    else s.nameRegistry.set(d.name, id);
  }
  for (const [k, id] of dump.hashIndex) s.contractByNodeHash.set(k, id);
  for (const [id, list] of dump.bills) s.bills.setList(id, list.slice());
  for (const l of dump.reportLedgers) s.reportLedgers.set(l.contractId, l);
  s.solutionProviderCounter.set(dump.counters.solutionProvider ?? 0n);
  for (const [id, p] of dump.nodePower ?? []) s.nodePower.set(id, p);
  for (const [id, fee] of dump.extraFees ?? []) s.extraFees.set(id, fee);
  for (const p of dump.solutionProviders ?? []) s.solutionProviders.set(p.solutionProviderId, p);
  for (const [k, list] of dump.termsAndConditions ?? []) s.termsAndConditions.set(k, list);
  return s;
}

export { nodeHashKey };
