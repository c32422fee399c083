import type {
  ChainEvent,
  Contract,
  Farm,
  KeyType,
  Node,
  NodePower,
  PricingPolicy,
  Resources,
  SolutionProvider,
  TermsAndConditions,
  Twin,
} from '@sc4it/types';
import { bytesToHex } from '@sc4it/types';
import { type BillingModel, type ContractReports, EMPTY_PAYMENT_STATE, type PaymentState } from '@sc4it/billing';
import { BillLogs } from './bill-log.ts';
import { JCell, JIdMap, JMap, JSetMap, Journal } from './journal.ts';

/** An account's balances (planck). `frozen` is the v2.7 `gridlock` lock. */
export interface AccountRec {
  publicKey: Uint8Array;
  free: bigint;
  reserved: bigint;
  frozen: bigint;
  nonce: number;
}

/** `ContractBillingInformation` (node contracts): unbilled NU and the NRU report clock. */
export interface BillingInfo {
  lastUpdated: number;
  amountUnbilled: bigint;
  previousNuReported: bigint;
  /** True once an NRU report set `lastUpdated`: a second report with that timestamp is a resend. */
  nruReported?: boolean;
}

export interface ContractRec {
  contract: Contract;
  /** Set once the node confirmed the deployment (survives a grace period). */
  deployed: boolean;
  /** Reserve / lock and overdraft amounts and the payout cycle counter (billing's model). */
  payment: PaymentState;
  /** `lock_updated` (v2.7) / `last_updated_seconds` (v2.9): unix seconds of the last bill. */
  lastBilled: number;
  /** Unix seconds of the block that created the contract. */
  createdAt: number;
  billingInfo: BillingInfo | null;
  /** `NodeContractResources.used`, reported by the node. */
  used: Resources | null;
  /** Block at which the contract was deleted (it stays in the archive, out of every index). */
  deletedBlock: number | null;
  /** Free text a node gave with `cancelContractByNode`. */
  cancelReason: string | null;
}

export interface TwinRec extends Twin {}

export interface ChainConfig {
  chainId: string;
  genesisTimestamp: number;
  /** Chain seconds per block (tfchain: 6). */
  blockSeconds: number;
  billingFrequency: number;
  gracePeriodBlocks: number;
  billingModel: BillingModel;
  distributionFrequency: number;
  existentialDeposit: bigint;
  minTftPriceMusd: number;
  maxTftPriceMusd: number;
  /** Sudo account for admin calls (null: admin calls are refused). */
  sudo: { publicKey: Uint8Array; keyType: KeyType } | null;
  stakingPoolAccount: Uint8Array;
  foundationAccount: Uint8Array;
  certifiedSalesAccount: Uint8Array;
  maxBillsPerContract: number;
  /**
   * `createTwin` needs a prior `userAcceptTc` (`UserDidNotSignTermsAndConditions`), as on
   * tfchain. Off by default (and in dumps written before the option existed).
   */
  requireTermsAndConditions?: boolean;
}

export interface HeadInfo {
  number: number;
  timestamp: number;
  hash: string;
}

/** Everything the chain stores, with the indexes tfchain keeps, all journaled. */
export class ChainState {
  readonly j = new Journal();
  /** Records mutated in place by billing (free / reserved / frozen): snapshots copy them. */
  readonly accounts = new JMap<string, AccountRec>(this.j, (a) => ({ ...a }));
  readonly twins = new JMap<number, TwinRec>(this.j);
  readonly twinByAccount = new JMap<string, number>(this.j);
  readonly farms = new JMap<number, Farm>(this.j);
  readonly farmByName = new JMap<string, number>(this.j);
  readonly nodes = new JMap<number, Node>(this.j);
  readonly nodeByTwin = new JMap<number, number>(this.j);
  readonly nodesByFarm = new JSetMap<number, number>(this.j);
  /** Records whose billing fields are mutated in place (`payment`, `lastBilled`, …): snapshots copy them. */
  readonly contracts = new JIdMap<ContractRec>(this.j, (r) => ({ ...r }));
  readonly contractByNodeHash = new JMap<string, bigint>(this.j);
  readonly activeNodeContracts = new JSetMap<number, bigint>(this.j);
  readonly activeRentForNode = new JMap<number, bigint>(this.j);
  readonly nameRegistry = new JMap<string, bigint>(this.j);
  readonly billingLoop = new JSetMap<number, bigint>(this.j);
  readonly contractsByTwin = new JSetMap<number, bigint>(this.j);
  readonly contractsByNode = new JSetMap<number, bigint>(this.j);
  readonly bills = new BillLogs(this.j);
  /** Usage-report ledger of the seed's `add_reports`, per contract. */
  readonly reportLedgers = new JIdMap<ContractReports>(this.j);
  readonly twinCounter = new JCell(this.j, 0);
  readonly farmCounter = new JCell(this.j, 0);
  readonly nodeCounter = new JCell(this.j, 0);
  readonly contractCounter = new JCell(this.j, 0n);
  /** `NodePower`; a node without an entry is Up / Up. */
  readonly nodePower = new JMap<number, NodePower>(this.j);
  /** `DedicatedNodesExtraFee` (mUSD per month); no entry = 0. */
  readonly extraFees = new JMap<number, bigint>(this.j);
  readonly solutionProviders = new JIdMap<SolutionProvider>(this.j);
  readonly solutionProviderCounter = new JCell(this.j, 0n);
  /** `UsersTermsAndConditions`, by account (hex): every acceptance, oldest first. */
  readonly termsAndConditions = new JMap<string, TermsAndConditions[]>(this.j);
  readonly tftPrice: JCell<number>;
  readonly pricingPolicy: JCell<PricingPolicy>;
  head: HeadInfo;

  readonly config: ChainConfig;

  constructor(config: ChainConfig, policy: PricingPolicy, tftPriceMusd: number, head: HeadInfo) {
    this.config = config;
    this.tftPrice = new JCell(this.j, tftPriceMusd);
    this.pricingPolicy = new JCell(this.j, policy);
    this.head = head;
  }

  account(publicKey: Uint8Array): AccountRec | undefined {
    return this.accounts.get(hexKey(publicKey));
  }
}

const hexCache = new WeakMap<Uint8Array, string>();

/** Hex of an account key, cached per (immutable) key object: accounts are looked up on every bill. */
export function hexKey(bytes: Uint8Array): string {
  let h = hexCache.get(bytes);
  if (h === undefined) {
    h = bytesToHex(bytes);
    hexCache.set(bytes, h);
  }
  return h;
}

export function nodeHashKey(nodeId: number, hash: string): string {
  return `${nodeId}:${hash}`;
}

export function emptyPayment(): PaymentState {
  return { ...EMPTY_PAYMENT_STATE };
}

/** Events collected while a block is built; a failing call truncates back to its mark. */
export class EventBuffer {
  /** Number of the block being built: events are created final (no copy per event at block end). */
  block = 0;
  events: ChainEvent[] = [];
  emit(name: string, data: Record<string, unknown>): void {
    this.events.push({ block: this.block, index: this.events.length, name, data });
  }
}
