/**
 * The chain as the rest of sc4it sees it: domain types of tfchain's smart-contract and tfgrid
 * pallets, the calls a user or node can submit, the events, and the `ChainClient` interface.
 *
 * chain-sim implements `ChainClient` in process and over JSON-RPC; node-ref, the SDK and the
 * demo only use the interface, which is also where a real TFChain adapter plugs in.
 * Spec: shared/spec/chain-and-billing.md §1–§4, §15, §16.
 *
 * Conventions: money (planck, units USD) and 64-bit counters are `bigint`; ids, block numbers
 * and unix seconds are `number`; resources in bytes are `bigint` (cru is a count of vCPUs);
 * keys and signatures are `Uint8Array`; a deployment hash is the 32-character lower-case hex
 * text (the chain stores its 32 ASCII bytes).
 */
export type KeyType = 'sr25519' | 'ed25519';

/** Resources in bytes, except `cru` (vCPUs). SCALE order on chain: hru, sru, cru, mru. */
export interface Resources {
  cru: bigint;
  sru: bigint;
  hru: bigint;
  mru: bigint;
}

export interface Account {
  /** 32-byte account public key. */
  publicKey: Uint8Array;
  /** SS58 address, format 42. */
  address: string;
  /** Free balance in planck (10^7 per TFT). */
  balance: bigint;
  /** Next nonce the account must use. */
  nonce: number;
  /** Planck reserved for contracts (v2.9 billing), when the chain reports it. */
  reserved?: bigint;
  /** Planck locked by billing (v2.7 `gridlock`), when the chain reports it. */
  frozen?: bigint;
}

export interface Twin {
  id: number;
  /** The twin's account public key (32 bytes). */
  account: Uint8Array;
  /** Key type of the account, needed to verify its signatures. */
  keyType: KeyType;
  /** Relay domain(s), several joined by `_`; null when unset. */
  relay: string | null;
  /** RMB encryption key: 33-byte compressed secp256k1, or null. */
  pk: Uint8Array | null;
}

export interface PublicIp {
  /** CIDR text, e.g. `185.206.122.33/24`. */
  ip: string;
  /** Gateway address, e.g. `185.206.122.1`. */
  gateway: string;
  /** 0 when free. */
  contractId: bigint;
}

export type FarmCertification = 'NotCertified' | 'Gold';

export interface Farm {
  id: number;
  name: string;
  twinId: number;
  pricingPolicyId: number;
  certification: FarmCertification;
  dedicated: boolean;
  publicIps: PublicIp[];
}

export type NodeCertification = 'Diy' | 'Certified';

export interface Node {
  id: number;
  farmId: number;
  twinId: number;
  resources: Resources;
  certification: NodeCertification;
  /** Unix seconds. */
  created: number;
}

/** A power target (`Power`, pallet-tfgrid): what the farmer wants the node to be. */
export type Power = 'Up' | 'Down';

/** A node's reported power state (`PowerState`): `Down` carries the block it went down at. */
export type PowerState = { kind: 'Up' } | { kind: 'Down'; sinceBlock: number };

/** `NodePower` (ADR-0004, ADR-0019): default Up / Up. Standby = state Down or target Down. */
export interface NodePower {
  state: PowerState;
  target: Power;
}

/** A node as returned by lookups: with what its active contracts use. */
export interface NodeWithUsage extends Node {
  used: Resources;
  free: Resources;
  /** Free public IPs on the node's farm. */
  freeIps: number;
  /** Power state and target, when the chain reports them (absent: Up / Up). */
  power?: NodePower;
  /** Dedicated-node extra fee in mUSD per month (`DedicatedNodesExtraFee`), when reported. */
  extraFeeMusd?: bigint;
  /** Dedicated (extra fee > 0 or dedicated farm): only a renter deploys on it, when reported. */
  dedicated?: boolean;
}

/** One receiver of a solution provider's share (`Provider{who, take}`); Σtake ≤ 50. */
export interface SolutionProviderShare {
  /** 32-byte account public key. */
  who: Uint8Array;
  /** Percent of the standard (discounted) amount, 0..255 (u8). */
  take: number;
}

/** `SolutionProvider` (pallet-smart-contract): usable in contracts once approved. */
export interface SolutionProvider {
  solutionProviderId: bigint;
  description: string;
  link: string;
  providers: SolutionProviderShare[];
  approved: boolean;
}

/** One acceptance of the terms and conditions (`user_accept_tc`). */
export interface TermsAndConditions {
  /** 32-byte account public key. */
  account: Uint8Array;
  /** Unix seconds of the block that stored it. */
  timestamp: number;
  documentLink: string;
  documentHash: string;
}

export type DeletedCause = 'CanceledByUser' | 'CanceledByNode' | 'OutOfFunds' | 'CanceledByCollective';

export type ContractState =
  | { kind: 'Created' }
  /** sc4it extension of the seed: the node confirmed that the deployment runs. */
  | { kind: 'Deployed' }
  | { kind: 'GracePeriod'; sinceBlock: number }
  | { kind: 'Deleted'; cause: DeletedCause };

export interface NodeContractData {
  kind: 'node';
  nodeId: number;
  /** 32-character lower-case hex MD5 of the deployment challenge. */
  deploymentHash: string;
  /** At most 512 bytes. */
  deploymentData: Uint8Array;
  publicIps: number;
  publicIpsList: PublicIp[];
}

export interface NameContractData {
  kind: 'name';
  name: string;
}

export interface RentContractData {
  kind: 'rent';
  nodeId: number;
}

export type ContractData = NodeContractData | NameContractData | RentContractData;

export interface Contract {
  contractId: bigint;
  twinId: number;
  state: ContractState;
  contractType: ContractData;
  solutionProviderId: bigint | null;
  /** Block at which the contract was created. */
  createdBlock: number;
}

/** The seed's consumption report (seed-era `add_reports`). Resources in bytes, nru in bytes. */
export interface ConsumptionReport {
  contractId: bigint;
  /** Unix seconds: the end of the reported window. */
  timestamp: number;
  cru: bigint;
  sru: bigint;
  hru: bigint;
  mru: bigint;
  nru: bigint;
}

export interface ContractResources {
  contractId: bigint;
  used: Resources;
}

export interface NruConsumption {
  contractId: bigint;
  /** Unix seconds. */
  timestamp: number;
  /** Seconds covered. */
  window: number;
  /** Bytes of public traffic. */
  nru: bigint;
}

export type ReportOutcome = 'accepted' | 'duplicate' | 'late' | 'overlapping' | 'rejected';

export interface PricingPolicy {
  id: number;
  name: string;
  /** Each value in units USD (10^7 per USD) per hour of one unit, `factor` per tfchain. */
  su: { value: bigint; unit: string };
  cu: { value: bigint; unit: string };
  nu: { value: bigint; unit: string };
  ipu: { value: bigint; unit: string };
  uniqueName: { value: bigint; unit: string };
  domainName: { value: bigint; unit: string };
  foundationAccount: string;
  certifiedSalesAccount: string;
  /** Percent (0..100). */
  discountForDedicationNodes: number;
}

/** One line of a contract's bill, as the chain emits it in `ContractBilled`. */
export interface BillRecord {
  contractId: bigint;
  block: number;
  /** Unix seconds of the billing block. */
  timestamp: number;
  /** Seconds billed. */
  seconds: number;
  /** Cost in units USD before discount, with its named parts. */
  unitsUsd: bigint;
  breakdown: Record<string, bigint>;
  discountLevel: 'None' | 'Default' | 'Bronze' | 'Silver' | 'Gold';
  /** Planck actually charged. */
  amountBilled: bigint;
  /** Planck still owed (overdraft) after this bill. */
  amountDue: bigint;
}

// ---- calls -------------------------------------------------------------------------------------

/** Every call a signed transaction can carry; `method` names follow tfchain's extrinsics. */
export type ChainCall =
  | { method: 'createTwin'; args: { relay: string | null; pk: Uint8Array | null } }
  | { method: 'updateTwin'; args: { relay: string | null; pk: Uint8Array | null } }
  | { method: 'createFarm'; args: { name: string; publicIps: { ip: string; gateway: string }[] } }
  | { method: 'addFarmIp'; args: { farmId: number; ip: string; gateway: string } }
  | { method: 'removeFarmIp'; args: { farmId: number; ip: string } }
  | {
      method: 'createNode';
      args: { farmId: number; resources: Resources; certification?: NodeCertification };
    }
  | {
      method: 'createNodeContract';
      args: {
        nodeId: number;
        deploymentHash: string;
        deploymentData: Uint8Array;
        publicIps: number;
        solutionProviderId?: bigint | null;
      };
    }
  | {
      method: 'updateNodeContract';
      args: { contractId: bigint; deploymentHash: string; deploymentData: Uint8Array };
    }
  | { method: 'cancelContract'; args: { contractId: bigint } }
  | { method: 'createNameContract'; args: { name: string } }
  | { method: 'createRentContract'; args: { nodeId: number; solutionProviderId?: bigint | null } }
  /** Node side (sc4it extension of the seed): the deployment runs. */
  | { method: 'markContractDeployed'; args: { contractId: bigint } }
  /** Node side (seed): the node gives up a contract it holds; frees its IPs. */
  | { method: 'cancelContractByNode'; args: { contractId: bigint; reason: string } }
  | { method: 'addReports'; args: { reports: ConsumptionReport[] } }
  | { method: 'reportContractResources'; args: { resources: ContractResources[] } }
  | { method: 'addNruReports'; args: { reports: NruConsumption[] } }
  | { method: 'transfer'; args: { to: Uint8Array; amount: bigint } }
  /** `user_accept_tc`: records that the signer accepted the terms and conditions. */
  | { method: 'userAcceptTc'; args: { documentLink: string; documentHash: string } }
  /** Node side: the node's actual power state (`change_power_state`). */
  | { method: 'changePowerState'; args: { power: Power } }
  /** Farmer: the wanted power state of a node of the farm (`change_power_target`). */
  | { method: 'changePowerTarget'; args: { nodeId: number; power: Power } }
  /** Farmer: extra fee in mUSD per month for renting the node (0 = none). */
  | { method: 'setDedicatedNodeExtraFee'; args: { nodeId: number; extraFee: bigint } }
  | {
      method: 'createSolutionProvider';
      args: { description: string; link: string; providers: SolutionProviderShare[] };
    }
  /** Contract owner: name the (approved) solution provider of a contract that has none. */
  | { method: 'attachSolutionProviderId'; args: { contractId: bigint; solutionProviderId: bigint } }
  // admin / dev calls, signed by the chain's sudo account (tfchain: RestrictedOrigin / root)
  | { method: 'setTftPrice'; args: { priceMusd: number } }
  | { method: 'fund'; args: { to: Uint8Array; amount: bigint } }
  | { method: 'setFarmDedicated'; args: { farmId: number; dedicated: boolean } }
  | { method: 'approveSolutionProvider'; args: { solutionProviderId: bigint; approve: boolean } };

export type ChainMethod = ChainCall['method'];

/** A call signed by an account key. The signature covers {@link signingPayload}. */
export interface SignedTransaction {
  call: ChainCall;
  /** Signer's 32-byte account public key. */
  signer: Uint8Array;
  keyType: KeyType;
  nonce: number;
  /** 64-byte signature over `signingPayload(chainId, call, signer, nonce)`. */
  signature: Uint8Array;
}

/** What a signer must provide: its public key, key type and a raw `sign`. */
export interface TransactionSigner {
  publicKey: Uint8Array;
  keyType: KeyType;
  sign(message: Uint8Array): Uint8Array | Promise<Uint8Array>;
}

// ---- events ------------------------------------------------------------------------------------

export interface ChainEvent {
  block: number;
  /** Position of the event inside its block. */
  index: number;
  /** tfchain event name, e.g. `ContractCreated`, `ContractBilled`, `IPsReserved`. */
  name: string;
  /** Event fields (bigints and bytes allowed). */
  data: Record<string, unknown>;
}

export interface TxReceipt {
  block: number;
  /** The call's result: a new id for creations (twin, farm, node, contract, solution provider id), else null. */
  result: number | bigint | null;
  events: ChainEvent[];
}

export interface BlockInfo {
  number: number;
  /** Unix seconds of the block (chain time: moves with warp). */
  timestamp: number;
  hash: string;
}

// ---- lookups -----------------------------------------------------------------------------------

export interface NodeFilter {
  farmId?: number;
  /** Minimum free resources (bytes; cru in vCPUs). */
  freeCru?: bigint;
  freeMru?: bigint;
  freeSru?: bigint;
  freeHru?: bigint;
  /** Minimum free public IPs on the node's farm. */
  freeIps?: number;
  certified?: boolean;
}

export interface ContractFilter {
  twinId?: number;
  nodeId?: number;
  state?: ContractState['kind'];
  kind?: ContractData['kind'];
}

export type Unsubscribe = () => Promise<void> | void;

/**
 * Read and write access to a chain. Writes go through signed transactions; a refused call throws
 * a `ChainError` whose `upstream` is tfchain's error name and changes nothing.
 */
export interface ChainClient {
  /** Identifies the chain; part of every signed payload so a transaction cannot be replayed elsewhere. */
  chainId(): Promise<string>;
  getBlock(): Promise<BlockInfo>;
  getAccount(publicKey: Uint8Array): Promise<Account>;
  getTwin(id: number): Promise<Twin | null>;
  getTwinByAccount(publicKey: Uint8Array): Promise<Twin | null>;
  getFarm(id: number): Promise<Farm | null>;
  listFarms(): Promise<Farm[]>;
  getNode(id: number): Promise<NodeWithUsage | null>;
  getNodeByTwin(twinId: number): Promise<NodeWithUsage | null>;
  listNodes(filter?: NodeFilter): Promise<NodeWithUsage[]>;
  getContract(id: bigint): Promise<Contract | null>;
  getContractByHash(nodeId: number, deploymentHash: string): Promise<Contract | null>;
  listContracts(filter?: ContractFilter): Promise<Contract[]>;
  getBills(contractId: bigint): Promise<BillRecord[]>;
  getPricingPolicy(id?: number): Promise<PricingPolicy>;
  /** TFT price in mUSD. */
  getTftPrice(): Promise<number>;
  submit(tx: SignedTransaction): Promise<TxReceipt>;
  /** Events as blocks commit; `fromBlock` replays committed history first. */
  subscribeEvents(handler: (event: ChainEvent) => void, options?: { fromBlock?: number }): Promise<Unsubscribe>;
  subscribeBlocks(handler: (block: BlockInfo) => void): Promise<Unsubscribe>;
  close(): Promise<void>;
}

/** Dev-chain controls (like anvil's): only a local chain offers them. */
export interface DevChainClient extends ChainClient {
  /** Mines `n` blocks (6 s of chain time each), running every billing cycle they cross. */
  mine(n?: number): Promise<BlockInfo>;
  /** Moves chain time forward by `seconds`, mining the blocks in between. */
  warp(seconds: number): Promise<BlockInfo>;
  snapshot(): Promise<string>;
  revert(id: string): Promise<void>;
}
