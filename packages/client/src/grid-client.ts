import { multisigStatus, signDeployment, type Identity, type MultisigPolicy, type MultisigStatus } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { RmbPeer, RmbRemoteError, chainTwinResolver, type SocketFactory, type TwinResolver } from '@sc4it/rmb/browser';
import {
  ChainError,
  DeploymentError,
  TransportError,
  equalBytes,
  isSc4itError,
  sendCall,
  type BillRecord,
  type ChainClient,
  type ChainEvent,
  type Contract,
  type ContractFilter,
  type Deployment,
  type NodeWithUsage,
  type PublicIp,
  type TxReceipt,
  type Unsubscribe,
  type Workload,
  type WorkloadState,
} from '@sc4it/types';
import { auditDeployment, chainTwinKeys, type AuditReport } from './audit.ts';
import { buildDeployment, publicIpCount, vmWorkloads, type Signer, type VmOptions } from './deployment-builder.ts';
import { diffDeployments, type DeploymentChange } from './diff.ts';
import { openSummary, sealSummary, type DeploymentSummary } from './summary.ts';
import { parseSize } from './units.ts';
import { updateStatus } from './update-wait.ts';
import { deploymentFromJson, deploymentToWire, stripResults } from './wire.ts';

/** A step of a long operation, for progress displays. */
export interface Progress {
  step: 'twin' | 'sign' | 'hash' | 'contract' | 'send' | 'wait' | 'update' | 'cancel' | 'cosign' | 'done';
  message: string;
}

export type ProgressHandler = (progress: Progress) => void;

export interface GridClientInit {
  chain: ChainClient;
  identity: Identity;
  /** Relay WebSocket URL(s). Without one the client has no bus: chain operations only. */
  relay?: string | string[];
  /** Relay domain published on the twin (letters, digits, `.-_`). @default the relay URL's host name */
  relayDomain?: string;
  /** Create the twin when the account has none. @default true */
  createTwin?: boolean;
  /** Update the twin's relay and bus key when they differ. @default true */
  publishTwin?: boolean;
  /** WebSocket implementation for the bus (default: global `WebSocket`, else `ws`). */
  socketFactory?: SocketFactory;
  /** Twin lookups for the bus (default: the chain, cached). */
  resolver?: TwinResolver;
  /** Timeout of one bus request, ms. @default 30 000 */
  requestTimeoutMs?: number;
  onProgress?: ProgressHandler;
}

/** Filters of {@link GridClient.findNodes}. */
export interface NodeQuery {
  farmId?: number;
  /** Free public IPs the node's farm must still have. */
  freeIps?: number;
  /** Free vCPUs. */
  cru?: number;
  /** Free memory / SSD / HDD: bytes or text such as `4G`. */
  mru?: bigint | number | string;
  sru?: bigint | number | string;
  hru?: bigint | number | string;
  certified?: boolean;
}

export interface DeployOptions {
  nodeId: number;
  /** The deployment (version 0). Its `twin_id` must be this client's twin (0 is filled in). */
  deployment: Deployment;
  /** Public IPs to reserve. @default the number of `ip` v4 workloads */
  publicIps?: number;
  /** Extra secp256k1 public keys allowed to open the sealed summary (the owner's is always first). */
  sealFor?: Uint8Array[];
  /** Free text kept in the sealed summary. */
  note?: string;
  /** Add this client's signature. @default true */
  sign?: boolean;
  /** Signature rule checked before the contract is created. @default 'zos' (what a node accepts) */
  policy?: MultisigPolicy;
  /** Wait until every workload is `ok`. @default true */
  wait?: boolean;
  /** @default 120 000 */
  timeoutMs?: number;
  /** Cancel the contract when the node refuses or a workload fails. @default true */
  cancelOnFailure?: boolean;
  solutionProviderId?: bigint;
  onProgress?: ProgressHandler;
}

export interface DeployResult {
  contractId: bigint;
  nodeId: number;
  nodeTwinId: number;
  hash: string;
  /** The deployment as the node reports it (with results), or as sent when not waited for. */
  deployment: Deployment;
  summary: DeploymentSummary;
  publicIps: PublicIp[];
}

export interface WaitOptions {
  /** @default 120 000 */
  timeoutMs?: number;
  /** First pause between polls, ms (grows to 2 s). @default 250 */
  intervalMs?: number;
  onProgress?: ProgressHandler;
}

export interface UpdateOptions extends Omit<DeployOptions, 'nodeId' | 'deployment' | 'publicIps' | 'solutionProviderId'> {
  /** Receives the planned changes before anything is signed; return false to stop. */
  confirm?: (changes: DeploymentChange[]) => boolean | Promise<boolean>;
}

export interface UpdateResult {
  contractId: bigint;
  hash: string;
  changes: DeploymentChange[];
  deployment: Deployment;
}

/** A contract's bill: every billing line plus totals. */
export interface Bill {
  contractId: bigint;
  records: BillRecord[];
  /** Planck charged in total. */
  totalBilled: bigint;
  /** Units USD before discount, in total. */
  totalUnitsUsd: bigint;
  /** Units USD per named part (cu, su, nu, ipu, …), summed over all lines. */
  byPart: Record<string, bigint>;
  /** Planck still owed after the last line (overdraft). */
  due: bigint;
  /** The owner's free balance now, planck. */
  balance: bigint;
  /** Seconds covered by the lines. */
  seconds: number;
}

/** Thrown when the node refuses a deployment or a workload does not reach `ok`. */
export class DeployFailure extends DeploymentError {
  override name = 'DeployFailure';
  readonly contractId: bigint;
  /** What the node reported last (with results), when known. */
  readonly deployment: Deployment | undefined;
  constructor(code: `deployment.${string}`, message: string, contractId: bigint, options: { upstream?: string; deployment?: Deployment; cause?: unknown } = {}) {
    super(code, message, {
      ...(options.upstream === undefined ? {} : { upstream: options.upstream }),
      ...(options.cause === undefined ? {} : { cause: options.cause }),
    });
    this.contractId = contractId;
    this.deployment = options.deployment;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function hostName(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

function contractIdOf(receipt: TxReceipt): bigint {
  if (receipt.result === null) throw new ChainError('chain.no_result', 'the chain did not return a contract id');
  return BigInt(receipt.result);
}

function sized(v: bigint | number | string | undefined): bigint | undefined {
  return v === undefined ? undefined : parseSize(v);
}

/** Nodes with enough free capacity and farm IPs, most free memory first (chain only, no account). */
export async function findNodes(chain: Pick<ChainClient, 'listNodes'>, query: NodeQuery = {}): Promise<NodeWithUsage[]> {
  const mru = sized(query.mru);
  const sru = sized(query.sru);
  const hru = sized(query.hru);
  const nodes = await chain.listNodes({
    ...(query.farmId === undefined ? {} : { farmId: query.farmId }),
    ...(query.freeIps === undefined ? {} : { freeIps: query.freeIps }),
    ...(query.cru === undefined ? {} : { freeCru: BigInt(query.cru) }),
    ...(mru === undefined ? {} : { freeMru: mru }),
    ...(sru === undefined ? {} : { freeSru: sru }),
    ...(hru === undefined ? {} : { freeHru: hru }),
    ...(query.certified === undefined ? {} : { certified: query.certified }),
  });
  return nodes.sort((a, b) => (a.free.mru === b.free.mru ? a.id - b.id : a.free.mru > b.free.mru ? -1 : 1));
}

/**
 * The user's side of sc4it: one twin (identity + chain + bus) that finds nodes, deploys, waits,
 * updates, reads bills and sealed summaries, cancels, signs and verifies.
 * @example
 * ```ts
 * const grid = await GridClient.connect({ chain, identity, relay: 'ws://127.0.0.1:7000' });
 * const [node] = await grid.findNodes({ freeIps: 1, mru: '4G' });
 * const vm = grid.vm({ name: 'web', cpu: 2, memory: '4G', disks: [{ size: '10G', mountpoint: '/data' }], publicIp: true });
 * const { contractId } = await grid.deploy({ nodeId: node.id, deployment: vm });
 * ```
 */
export class GridClient {
  readonly chain: ChainClient;
  readonly identity: Identity;
  readonly twinId: number;
  /** The bus endpoint, or null without a relay. */
  readonly peer: RmbPeer | null;
  readonly #resolver: TwinResolver | null;
  readonly #ownsResolver: boolean;
  readonly #timeoutMs: number;
  readonly #onProgress: ProgressHandler | undefined;
  readonly #nodeTwins = new Map<number, number>();

  private constructor(init: GridClientInit, twinId: number, peer: RmbPeer | null, resolver: TwinResolver | null) {
    this.chain = init.chain;
    this.identity = init.identity;
    this.twinId = twinId;
    this.peer = peer;
    this.#resolver = resolver;
    this.#ownsResolver = init.resolver === undefined;
    this.#timeoutMs = init.requestTimeoutMs ?? 30_000;
    this.#onProgress = init.onProgress;
  }

  /**
   * Finds (or creates) the identity's twin, publishes its relay and bus key, and joins the bus.
   * @throws {ChainError} `chain.twin_not_exists` when the account has no twin and `createTwin` is false.
   */
  static async connect(init: GridClientInit): Promise<GridClient> {
    const { chain, identity } = init;
    const urls = init.relay === undefined ? [] : Array.isArray(init.relay) ? init.relay : [init.relay];
    const relay = urls.length === 0 ? null : (init.relayDomain ?? [...new Set(urls.map(hostName))].join('_'));
    const pk = identity.secp256k1.publicKey;
    let twin = await chain.getTwinByAccount(identity.publicKey);
    if (twin === null) {
      if (init.createTwin === false) throw new ChainError('chain.twin_not_exists', 'this account has no twin on chain', { upstream: 'TwinNotExists' });
      init.onProgress?.({ step: 'twin', message: 'creating a twin for this account' });
      await sendCall(chain, identity, { method: 'createTwin', args: { relay, pk } });
      twin = await chain.getTwinByAccount(identity.publicKey);
      if (twin === null) throw new ChainError('chain.twin_not_exists', 'the twin was not created', { upstream: 'TwinNotExists' });
    } else if (relay !== null && init.publishTwin !== false && (twin.relay !== relay || twin.pk === null || !equalBytes(twin.pk, pk))) {
      init.onProgress?.({ step: 'twin', message: `publishing relay ${relay} and bus key on twin ${twin.id}` });
      await sendCall(chain, identity, { method: 'updateTwin', args: { relay, pk } });
    }
    let peer: RmbPeer | null = null;
    let resolver: TwinResolver | null = null;
    if (urls.length > 0) {
      resolver = init.resolver ?? chainTwinResolver(chain);
      resolver.invalidate?.(twin.id);
      peer = new RmbPeer({
        identity,
        twinId: twin.id,
        relays: urls,
        resolver,
        ...(init.socketFactory === undefined ? {} : { socketFactory: init.socketFactory }),
        onError: () => {},
      });
      try {
        await peer.connect();
      } catch (err) {
        await peer.close();
        if (init.resolver === undefined) await resolver.close?.();
        throw err;
      }
    }
    return new GridClient(init, twin.id, peer, resolver);
  }

  /** Leaves the bus (the chain client stays open: it belongs to the caller). */
  async close(): Promise<void> {
    await this.peer?.close();
    if (this.#ownsResolver) await this.#resolver?.close?.();
  }

  #progress(handler: ProgressHandler | undefined, step: Progress['step'], message: string): void {
    const h = handler ?? this.#onProgress;
    try {
      h?.({ step, message });
    } catch {
      // a display bug must not break a deployment
    }
  }

  #bus(): RmbPeer {
    if (this.peer === null) throw new TransportError('transport.no_bus', 'this client was connected without a relay (pass relay: ws://…)');
    return this.peer;
  }

  // ---- chain reads -----------------------------------------------------------------------------

  /** The account's free balance, planck. */
  async balance(): Promise<bigint> {
    return (await this.chain.getAccount(this.identity.publicKey)).balance;
  }

  /** Nodes with enough free capacity and farm IPs, most free memory first. */
  findNodes(query: NodeQuery = {}): Promise<NodeWithUsage[]> {
    return findNodes(this.chain, query);
  }

  /** This twin's contracts (all states but removed ones). */
  listContracts(filter: Omit<ContractFilter, 'twinId'> = {}): Promise<Contract[]> {
    return this.chain.listContracts({ ...filter, twinId: this.twinId });
  }

  async getContract(contractId: bigint): Promise<Contract> {
    const c = await this.chain.getContract(contractId);
    if (c === null) throw new ChainError('chain.contract_not_exists', `contract ${contractId} does not exist`, { upstream: 'ContractNotExists' });
    return c;
  }

  /** The contract's bill lines with totals and the owner's balance. */
  async getBill(contractId: bigint): Promise<Bill> {
    const contract = await this.chain.getContract(contractId);
    const records = await this.chain.getBills(contractId);
    // a cancelled contract may be gone from storage, but its bills stay readable
    if (contract === null && records.length === 0) throw new ChainError('chain.contract_not_exists', `contract ${contractId} does not exist`, { upstream: 'ContractNotExists' });
    const byPart: Record<string, bigint> = {};
    let totalBilled = 0n;
    let totalUnitsUsd = 0n;
    let seconds = 0;
    for (const r of records) {
      totalBilled += r.amountBilled;
      totalUnitsUsd += r.unitsUsd;
      seconds += r.seconds;
      for (const [k, v] of Object.entries(r.breakdown)) byPart[k] = (byPart[k] ?? 0n) + v;
    }
    const ownerTwin = contract === null ? null : await this.chain.getTwin(contract.twinId);
    const balance = ownerTwin === null ? await this.balance() : (await this.chain.getAccount(ownerTwin.account)).balance;
    return { contractId, records, totalBilled, totalUnitsUsd, byPart, due: records.at(-1)?.amountDue ?? 0n, balance, seconds };
  }

  /**
   * Opens the summary sealed into the contract's `deployment_data`.
   * @param privateKey - a secp256k1 key it was sealed for. @default this twin's bus key
   * @throws {CryptoError} `crypto.no_recipient` when it was not sealed for that key.
   */
  async readSummary(contractId: bigint, privateKey: Uint8Array = this.identity.secp256k1.privateKey): Promise<DeploymentSummary> {
    const c = await this.getContract(contractId);
    if (c.contractType.kind !== 'node') throw new ChainError('chain.invalid_contract_type', `contract ${contractId} is not a node contract`, { upstream: 'InvalidContractType' });
    return openSummary(c.contractType.deploymentData, privateKey);
  }

  /** Chain events as they commit (e.g. to show progress or bills). */
  onEvents(handler: (event: ChainEvent) => void, options?: { fromBlock?: number }): Promise<Unsubscribe> {
    return this.chain.subscribeEvents(handler, options);
  }

  // ---- building and signing --------------------------------------------------------------------

  /** A version-0 deployment of one VM owned by this twin (see {@link vmWorkloads}). */
  vm(options: VmOptions & { metadata?: string; signers?: Signer[]; weightRequired?: number }): Deployment {
    return buildDeployment({
      twinId: this.twinId,
      workloads: vmWorkloads(options),
      metadata: options.metadata ?? JSON.stringify({ type: 'vm', name: options.name }),
      description: options.description ?? '',
      ...(options.signers === undefined ? {} : { signers: options.signers }),
      ...(options.weightRequired === undefined ? {} : { weightRequired: options.weightRequired }),
    });
  }

  /** Adds (or replaces) this twin's signature. */
  sign(deployment: Deployment): Deployment {
    return signDeployment(deployment, this.twinId, this.identity);
  }

  /** Who has signed, weight collected vs required, who is missing — keys from the chain. */
  signatureStatus(deployment: Deployment, policy: MultisigPolicy = 'zos'): Promise<MultisigStatus> {
    return multisigStatus(deployment, chainTwinKeys(this.chain), { policy });
  }

  // ---- deploy ----------------------------------------------------------------------------------

  async #nodeTwin(nodeId: number): Promise<number> {
    const known = this.#nodeTwins.get(nodeId);
    if (known !== undefined) return known;
    const node = await this.chain.getNode(nodeId);
    if (node === null) throw new ChainError('chain.node_not_exists', `node ${nodeId} does not exist`, { upstream: 'NodeNotExists' });
    this.#nodeTwins.set(nodeId, node.twinId);
    return node.twinId;
  }

  async #contractNode(contractId: bigint): Promise<number> {
    const c = await this.getContract(contractId);
    if (c.contractType.kind !== 'node') throw new ChainError('chain.invalid_contract_type', `contract ${contractId} is not a node contract`, { upstream: 'InvalidContractType' });
    return c.contractType.nodeId;
  }

  #prepare(deployment: Deployment, sign: boolean): Deployment {
    let d = stripResults(deploymentFromJson(deployment));
    const owner = Number(d.twin_id);
    if (owner === 0) d.twin_id = this.twinId;
    else if (owner !== this.twinId) {
      throw new DeploymentError('deployment.wrong_owner', `the deployment belongs to twin ${owner}, not to this client's twin ${this.twinId}`, { field: 'twin_id' });
    }
    if (sign && d.signature_requirement.requests.some((r) => r.twin_id === this.twinId)) d = this.sign(d);
    return d;
  }

  async #checkSignatures(d: Deployment, policy: MultisigPolicy): Promise<void> {
    const status = await this.signatureStatus(d, policy);
    if (!status.complete && status.error !== undefined) {
      const missing = status.missing.length > 0 ? ` (missing: twin ${status.missing.join(', twin ')})` : '';
      throw new DeploymentError(status.error.code, `${status.error.shortMessage}${missing}`, status.error.upstream === undefined ? {} : { upstream: status.error.upstream });
    }
  }

  /**
   * Creates the node contract for `deployment` (hash + sealed summary + public IPs) without
   * sending anything to the node. Returns the contract id and the reserved IPs.
   * @throws {ChainError} the chain's refusal, e.g. `FarmHasNotEnoughPublicIPsFree` in `upstream`.
   */
  async createContract(options: { nodeId: number; deployment: Deployment; publicIps?: number; sealFor?: Uint8Array[]; note?: string; solutionProviderId?: bigint }): Promise<{ contractId: bigint; hash: string; summary: DeploymentSummary; publicIps: PublicIp[] }> {
    const hash = deploymentHash(options.deployment);
    const { sealed, summary } = sealSummary(options.deployment, {
      nodeId: options.nodeId,
      recipients: [this.identity.secp256k1.publicKey, ...(options.sealFor ?? [])],
      ...(options.note === undefined ? {} : { note: options.note }),
    });
    const receipt = await sendCall(this.chain, this.identity, {
      method: 'createNodeContract',
      args: {
        nodeId: options.nodeId,
        deploymentHash: hash,
        deploymentData: sealed,
        publicIps: options.publicIps ?? publicIpCount(options.deployment),
        ...(options.solutionProviderId === undefined ? {} : { solutionProviderId: options.solutionProviderId }),
      },
    });
    const contractId = contractIdOf(receipt);
    const created = receipt.events.find((e) => e.name === 'ContractCreated');
    const list = ((created?.data['contract'] as Contract | undefined)?.contractType as { publicIpsList?: PublicIp[] } | undefined)?.publicIpsList ?? [];
    return { contractId, hash, summary, publicIps: list };
  }

  /** Sends a deployment to its node over the bus (`zos.deployment.deploy` or `update`). */
  async sendDeployment(nodeId: number, deployment: Deployment, op: 'deploy' | 'update' = 'deploy'): Promise<void> {
    const nodeTwin = await this.#nodeTwin(nodeId);
    try {
      await this.#bus().request(nodeTwin, `zos.deployment.${op}`, deploymentToWire(deployment), { timeout: this.#timeoutMs });
    } catch (err) {
      if (err instanceof RmbRemoteError) {
        throw new DeployFailure('deployment.refused_by_node', `node ${nodeId} refused the deployment: ${err.shortMessage}`, BigInt(deployment.contract_id), { upstream: err.shortMessage, cause: err });
      }
      throw err;
    }
  }

  /** What the node runs for a contract of this twin (`zos.deployment.get`), with results. */
  async getDeployment(contractId: bigint, nodeId?: number): Promise<Deployment> {
    const node = nodeId ?? (await this.#contractNode(contractId));
    const nodeTwin = await this.#nodeTwin(node);
    try {
      const reply = await this.#bus().request(nodeTwin, 'zos.deployment.get', JSON.stringify({ contract_id: Number(contractId) }), { timeout: this.#timeoutMs });
      return deploymentFromJson(reply.json());
    } catch (err) {
      if (err instanceof RmbRemoteError) {
        throw new DeploymentError('deployment.not_found', `node ${node} has no deployment for contract ${contractId}: ${err.shortMessage}`, { upstream: err.shortMessage, cause: err });
      }
      throw err;
    }
  }

  /** Every result the node wrote for the contract's workloads, oldest first (`zos.deployment.changes`). */
  async getChanges(contractId: bigint, nodeId?: number): Promise<Workload[]> {
    const node = nodeId ?? (await this.#contractNode(contractId));
    const nodeTwin = await this.#nodeTwin(node);
    const reply = await this.#bus().request(nodeTwin, 'zos.deployment.changes', JSON.stringify({ contract_id: Number(contractId) }), { timeout: this.#timeoutMs });
    const list = reply.json<unknown>();
    return Array.isArray(list) ? (list as Workload[]) : [];
  }

  /**
   * Polls the node until `done(deployment)` is true. A workload in `error` (or every workload
   * `deleted`) ends the wait with a {@link DeployFailure} carrying the node's message.
   */
  async waitFor(
    contractId: bigint,
    done: (d: Deployment) => boolean | Promise<boolean>,
    options: WaitOptions & { nodeId?: number; what?: string; failOnError?: boolean; describe?: (d: Deployment) => string } = {},
  ): Promise<Deployment> {
    const node = options.nodeId ?? (await this.#contractNode(contractId));
    const deadline = Date.now() + (options.timeoutMs ?? 120_000);
    let pause = options.intervalMs ?? 250;
    let last: Deployment | undefined;
    let lastLine = '';
    for (;;) {
      try {
        last = await this.getDeployment(contractId, node);
      } catch (err) {
        if (!(isSc4itError(err) && (err.code === 'deployment.not_found' || err.code.startsWith('transport.')))) throw err;
      }
      if (last !== undefined) {
        if (await done(last)) return last;
        const line = last.workloads.map((w) => `${w.name}:${w.result?.state ?? '?'}`).join(' ');
        if (line !== lastLine) {
          this.#progress(options.onProgress, 'wait', `contract ${contractId} on node ${node}: ${line}`);
          lastLine = line;
        }
        if (options.failOnError !== false) {
          const failed = last.workloads.find((w) => w.result?.state === 'error');
          if (failed !== undefined) {
            throw new DeployFailure('deployment.workload_failed', `workload '${failed.name}' failed on node ${node}: ${failed.result?.message ?? ''}`, contractId, {
              upstream: failed.result?.message ?? '',
              deployment: last,
            });
          }
          if (last.workloads.length > 0 && last.workloads.every((w) => w.result?.state === 'deleted')) {
            // The node may fail a deployment and cancel its contract before we look: the failure
            // is still in the workloads' history.
            const failure = (await this.getChanges(contractId, node).catch(() => [])).filter((w) => w.result?.state === 'error').at(-1);
            if (failure !== undefined) {
              throw new DeployFailure('deployment.workload_failed', `workload '${failure.name}' failed on node ${node}: ${failure.result?.message ?? ''} (the contract was then cancelled)`, contractId, {
                upstream: failure.result?.message ?? '',
                deployment: last,
              });
            }
            throw new DeployFailure('deployment.deleted', `the deployment of contract ${contractId} was deleted on node ${node}: ${last.workloads[0]?.result?.message ?? ''}`, contractId, {
              upstream: last.workloads[0]?.result?.message ?? '',
              deployment: last,
            });
          }
        }
      }
      if (Date.now() >= deadline) {
        const states =
          last === undefined
            ? 'the node never reported the deployment'
            : (options.describe?.(last) ?? last.workloads.map((w) => `${w.name} is ${w.result?.state ?? 'unknown'}`).join(', '));
        throw new TransportError('transport.timeout', `timed out waiting for ${options.what ?? 'the deployment'} of contract ${contractId}: ${states}`);
      }
      await sleep(pause);
      pause = Math.min(2000, Math.round(pause * 1.5));
    }
  }

  /** Waits until every workload of the contract is in `state` (default `ok`). */
  waitForState(contractId: bigint, state: WorkloadState = 'ok', options: WaitOptions & { nodeId?: number } = {}): Promise<Deployment> {
    return this.waitFor(contractId, (d) => d.workloads.length > 0 && d.workloads.every((w) => w.result?.state === state), {
      ...options,
      what: `every workload to be '${state}'`,
      failOnError: state !== 'error' && state !== 'deleted',
    });
  }

  async #cancelQuietly(contractId: bigint): Promise<void> {
    try {
      const c = await this.chain.getContract(contractId);
      if (c !== null && c.state.kind !== 'Deleted') await sendCall(this.chain, this.identity, { method: 'cancelContract', args: { contractId } });
    } catch {
      // best effort: the node may have cancelled it already
    }
  }

  /**
   * The whole deployment: sign, check signatures, hash, seal the summary, create the contract
   * (reserving public IPs), send the deployment to the node, and wait until every workload is `ok`.
   * On failure the contract is cancelled (unless `cancelOnFailure: false`) and a
   * {@link DeployFailure} says why, with the node's message in `upstream`.
   */
  async deploy(options: DeployOptions): Promise<DeployResult> {
    const on = options.onProgress;
    const nodeTwinId = await this.#nodeTwin(options.nodeId);
    this.#progress(on, 'sign', 'signing the deployment');
    const d = this.#prepare(options.deployment, options.sign !== false);
    await this.#checkSignatures(d, options.policy ?? 'zos');
    const hash = deploymentHash(d);
    this.#progress(on, 'contract', `creating the contract on node ${options.nodeId} (hash ${hash})`);
    const created = await this.createContract({
      nodeId: options.nodeId,
      deployment: d,
      ...(options.publicIps === undefined ? {} : { publicIps: options.publicIps }),
      ...(options.sealFor === undefined ? {} : { sealFor: options.sealFor }),
      ...(options.note === undefined ? {} : { note: options.note }),
      ...(options.solutionProviderId === undefined ? {} : { solutionProviderId: options.solutionProviderId }),
    });
    const contractId = created.contractId;
    d.contract_id = Number(contractId);
    const ips = created.publicIps.map((p) => p.ip).join(', ');
    this.#progress(on, 'contract', `contract ${contractId} created${ips === '' ? '' : `, public IPs ${ips}`}`);
    try {
      this.#progress(on, 'send', `sending the deployment to node ${options.nodeId} (twin ${nodeTwinId}) over the bus`);
      await this.sendDeployment(options.nodeId, d, 'deploy');
      let result = d;
      if (options.wait !== false) {
        this.#progress(on, 'wait', 'waiting for every workload to be ok');
        result = await this.waitForState(contractId, 'ok', { nodeId: options.nodeId, timeoutMs: options.timeoutMs ?? 120_000, ...(on === undefined ? {} : { onProgress: on }) });
      }
      this.#progress(on, 'done', `contract ${contractId} deployed`);
      return { contractId, nodeId: options.nodeId, nodeTwinId, hash, deployment: result, summary: created.summary, publicIps: created.publicIps };
    } catch (err) {
      if (options.cancelOnFailure !== false) await this.#cancelQuietly(contractId);
      throw err;
    }
  }

  /**
   * Updates a running deployment (deployment-hash.md §6.7): reads what the node runs, applies
   * `change`, bumps the version of the deployment and of every changed or new workload, signs,
   * updates the contract's hash, sends `zos.deployment.update` and waits until the node has
   * applied it: every workload of the new document on the node at its sent version with a result
   * written for that version and `ok`, and every removed workload gone. The node stores the new
   * version when it accepts the update, before its workloads change, so the version alone is not
   * waited for. A workload that ends in `error` (or `deleted`) gives a {@link DeployFailure}
   * naming it with the node's message; a timeout names what is still missing.
   */
  async update(contractId: bigint, change: (current: Deployment) => Deployment | void, options: UpdateOptions = {}): Promise<UpdateResult> {
    const on = options.onProgress;
    const nodeId = await this.#contractNode(contractId);
    const current = stripResults(await this.getDeployment(contractId, nodeId));
    const draft = structuredClone(current);
    const next = change(draft) ?? draft;
    const version = Number(current.version) + 1;
    next.version = version;
    next.contract_id = Number(contractId);
    const before = new Map(current.workloads.map((w) => [w.name, w]));
    next.workloads = next.workloads.map((w): Workload => {
      const old = before.get(w.name);
      const same = old !== undefined && diffDeployments({ workloads: [{ ...old, version: 0 }] }, { workloads: [{ ...w, version: 0 }] }).length === 0;
      return same ? { ...w, version: old.version } : { ...w, version };
    });
    const changes = diffDeployments(current, next);
    if (options.confirm !== undefined && !(await options.confirm(changes))) {
      throw new DeploymentError('deployment.update_declined', 'the update was declined before signing');
    }
    this.#progress(on, 'sign', `signing version ${version} (${changes.length} change${changes.length === 1 ? '' : 's'})`);
    const d = this.#prepare(next, options.sign !== false);
    d.contract_id = Number(contractId);
    await this.#checkSignatures(d, options.policy ?? 'zos');
    const hash = deploymentHash(d);
    const { sealed } = sealSummary(d, {
      nodeId,
      recipients: [this.identity.secp256k1.publicKey, ...(options.sealFor ?? [])],
      ...(options.note === undefined ? {} : { note: options.note }),
    });
    this.#progress(on, 'update', `updating contract ${contractId} to hash ${hash}`);
    await sendCall(this.chain, this.identity, { method: 'updateNodeContract', args: { contractId, deploymentHash: hash, deploymentData: sealed } });
    this.#progress(on, 'send', `sending the update to node ${nodeId}`);
    await this.sendDeployment(nodeId, d, 'update');
    let result = d;
    if (options.wait !== false) {
      const removed = current.workloads.map((w) => w.name).filter((name) => !d.workloads.some((w) => w.name === name));
      let reasons: string[] = [];
      result = await this.waitFor(
        contractId,
        async (x) => {
          let st = updateStatus(d, removed, x, undefined);
          if (st.kind === 'need-history') {
            const history = await this.getChanges(contractId, nodeId).catch((err: unknown) => {
              if (isSc4itError(err) && err.code.startsWith('transport.')) return undefined; // asked again next poll
              throw err;
            });
            if (history === undefined) return false;
            st = updateStatus(d, removed, x, history);
          }
          if (st.kind === 'failed') {
            throw new DeployFailure('deployment.workload_failed', `the update to version ${version} failed: workload '${st.workload}' is ${st.state} on node ${nodeId}: ${st.message}`, contractId, {
              upstream: st.message,
              deployment: x,
            });
          }
          reasons = st.kind === 'pending' ? st.reasons : [];
          return st.kind === 'done';
        },
        {
          nodeId,
          timeoutMs: options.timeoutMs ?? 120_000,
          what: `version ${version}`,
          failOnError: false,
          describe: (x) => (reasons.length > 0 ? reasons.join(', ') : x.workloads.map((w) => `${w.name} is ${w.result?.state ?? 'unknown'}`).join(', ')),
          ...(on === undefined ? {} : { onProgress: on }),
        },
      );
    }
    this.#progress(on, 'done', `contract ${contractId} updated to version ${version}`);
    return { contractId, hash, changes, deployment: result };
  }

  /** Cancels a contract; returns the public IPs it freed. */
  async cancel(contractId: bigint, options: { onProgress?: ProgressHandler } = {}): Promise<{ receipt: TxReceipt; freedIps: PublicIp[] }> {
    this.#progress(options.onProgress, 'cancel', `cancelling contract ${contractId}`);
    const receipt = await sendCall(this.chain, this.identity, { method: 'cancelContract', args: { contractId } });
    const freed = receipt.events.filter((e) => e.name === 'IPsFreed').flatMap((e) => (e.data['publicIps'] as PublicIp[] | undefined) ?? []);
    this.#progress(options.onProgress, 'done', `contract ${contractId} cancelled${freed.length === 0 ? '' : `, freed ${freed.map((p) => p.ip).join(', ')}`}`);
    return { receipt, freedIps: freed };
  }

  /**
   * Checks a deployment document against a contract, in plain words (see {@link auditDeployment}).
   * When this twin owns the contract and the bus is up, the node's copy is compared too.
   */
  async verify(deployment: Deployment | string, contractId: bigint, options: { policy?: MultisigPolicy } = {}): Promise<AuditReport> {
    const d = deploymentFromJson(deployment);
    const contract = await this.chain.getContract(contractId);
    const mine = contract !== null && contract.twinId === this.twinId && this.peer !== null;
    return auditDeployment(this.chain, d, contractId, {
      ...(mine ? { fetchNodeCopy: () => this.getDeployment(contractId) } : {}),
      ...(options.policy === undefined ? {} : { policy: options.policy }),
    });
  }
}
