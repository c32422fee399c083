import type {
  Account,
  BillRecord,
  BlockInfo,
  ChainEvent,
  Contract,
  ContractFilter,
  DevChainClient,
  Farm,
  NodeFilter,
  NodeWithUsage,
  PricingPolicy,
  SignedTransaction,
  SolutionProvider,
  TermsAndConditions,
  Twin,
  TxReceipt,
  Unsubscribe,
} from '@sc4it/types';
import type { Chain } from './chain.ts';

/**
 * The in-process `DevChainClient` of a {@link Chain}: no network, no serialisation; every value
 * returned is a copy. Handlers are called synchronously as blocks commit.
 */
export class LocalChainClient implements DevChainClient {
  readonly chain: Chain;
  private unsubs = new Set<() => void>();

  constructor(chain: Chain) {
    this.chain = chain;
  }

  private run<T>(fn: () => T): Promise<T> {
    try {
      return Promise.resolve(fn());
    } catch (err) {
      return Promise.reject(err);
    }
  }

  chainId(): Promise<string> {
    return this.run(() => this.chain.chainId);
  }
  getBlock(): Promise<BlockInfo> {
    return this.run(() => this.chain.head());
  }
  getAccount(publicKey: Uint8Array): Promise<Account> {
    return this.run(() => this.chain.getAccount(publicKey));
  }
  getTwin(id: number): Promise<Twin | null> {
    return this.run(() => this.chain.getTwin(id));
  }
  getTwinByAccount(publicKey: Uint8Array): Promise<Twin | null> {
    return this.run(() => this.chain.getTwinByAccount(publicKey));
  }
  getFarm(id: number): Promise<Farm | null> {
    return this.run(() => this.chain.getFarm(id));
  }
  listFarms(): Promise<Farm[]> {
    return this.run(() => this.chain.listFarms());
  }
  getNode(id: number): Promise<NodeWithUsage | null> {
    return this.run(() => this.chain.getNode(id));
  }
  getNodeByTwin(twinId: number): Promise<NodeWithUsage | null> {
    return this.run(() => this.chain.getNodeByTwin(twinId));
  }
  listNodes(filter?: NodeFilter): Promise<NodeWithUsage[]> {
    return this.run(() => this.chain.listNodes(filter));
  }
  getContract(id: bigint): Promise<Contract | null> {
    return this.run(() => this.chain.getContract(id));
  }
  getContractByHash(nodeId: number, deploymentHash: string): Promise<Contract | null> {
    return this.run(() => this.chain.getContractByHash(nodeId, deploymentHash));
  }
  listContracts(filter?: ContractFilter): Promise<Contract[]> {
    return this.run(() => this.chain.listContracts(filter));
  }
  getBills(contractId: bigint): Promise<BillRecord[]> {
    return this.run(() => this.chain.getBills(contractId));
  }
  getPricingPolicy(id?: number): Promise<PricingPolicy> {
    return this.run(() => this.chain.getPricingPolicy(id));
  }
  getTftPrice(): Promise<number> {
    return this.run(() => this.chain.getTftPrice());
  }
  submit(tx: SignedTransaction): Promise<TxReceipt> {
    return this.chain.submit(tx);
  }
  /** chain-sim extra: a solution provider, or null. */
  getSolutionProvider(id: bigint): Promise<SolutionProvider | null> {
    return this.run(() => this.chain.getSolutionProvider(id));
  }
  /** chain-sim extra: every solution provider, by id. */
  listSolutionProviders(): Promise<SolutionProvider[]> {
    return this.run(() => this.chain.listSolutionProviders());
  }
  /** chain-sim extra: an account's terms-and-conditions acceptances, oldest first. */
  getTermsAndConditions(account: Uint8Array): Promise<TermsAndConditions[]> {
    return this.run(() => this.chain.getTermsAndConditions(account));
  }
  subscribeEvents(handler: (event: ChainEvent) => void, options?: { fromBlock?: number }): Promise<Unsubscribe> {
    return this.run(() => this.track(this.chain.subscribeEvents((e) => handler(structuredClone(e)), options)));
  }
  subscribeBlocks(handler: (block: BlockInfo) => void): Promise<Unsubscribe> {
    return this.run(() => this.track(this.chain.subscribeBlocks(handler)));
  }
  mine(n?: number): Promise<BlockInfo> {
    return this.run(() => this.chain.mine(n));
  }
  warp(seconds: number): Promise<BlockInfo> {
    return this.run(() => this.chain.warp(seconds));
  }
  snapshot(): Promise<string> {
    return this.run(() => this.chain.snapshot());
  }
  revert(id: string): Promise<void> {
    return this.run(() => this.chain.revert(id));
  }
  /** Drops this client's subscriptions; the chain keeps running (close the chain itself with `chain.close()`). */
  close(): Promise<void> {
    for (const u of this.unsubs) u();
    this.unsubs.clear();
    return Promise.resolve();
  }

  private track(unsub: () => void): Unsubscribe {
    this.unsubs.add(unsub);
    return () => {
      unsub();
      this.unsubs.delete(unsub);
    };
  }
}
