import type {
  ChainCall,
  Contract,
  ContractData,
  DeletedCause,
  Farm,
  KeyType,
  Node,
  NodePower,
  Power,
  PublicIp,
  SolutionProvider,
  SolutionProviderShare,
  Twin,
} from '@sc4it/types';
import { equalBytes } from '@sc4it/types';
import { nruReportCost } from '@sc4it/billing';
import { type CostMemo, addSeedReports, billContract } from './billing-loop.ts';
import { chainError } from './errors.ts';
import { type IdKey, idKey } from './journal.ts';
import { isValidPublicIp4 } from './ip4.ts';
import { type AccountRec, type ChainState, type ContractRec, EventBuffer, emptyPayment, hexKey as bytesToHex, nodeHashKey } from './state.ts';

const GIB = 1n << 30n;
const MIN_NAME_LENGTH = 3;
const MAX_NAME_LENGTH = 64;
const MIN_FARM_NAME_LENGTH = 3;
const MAX_FARM_NAME_LENGTH = 40;
const MAX_FARM_PUBLIC_IPS = 256;
/** Σtake of a solution provider's receivers (spec §2.4). */
const MAX_PROVIDER_TAKE = 50;
const UP_UP: NodePower = Object.freeze({ state: Object.freeze({ kind: 'Up' as const }), target: 'Up' as const });

/** Standby: power state Down or power target Down (spec §16). */
export function isStandbyPower(p: NodePower): boolean {
  return p.state.kind === 'Down' || p.target === 'Down';
}

/** Executes calls against the state of the block being built (pallet-tfgrid + pallet-smart-contract). */
export class Runtime {
  readonly ev = new EventBuffer();
  /**
   * Derived, not state: each contract's last cost inputs and result. Matched on input identity
   * (chain-state objects are immutable), so it never serves a stale value, also after a revert.
   */
  readonly costMemo = new Map<IdKey, CostMemo>();
  /** Number and unix seconds of the block being built. */
  block = 0;
  now = 0;

  readonly s: ChainState;
  constructor(s: ChainState) {
    this.s = s;
  }

  emit(name: string, data: Record<string, unknown>): void {
    this.ev.emit(name, data);
  }

  // ---- accounts -------------------------------------------------------------------------------

  accountOrNew(publicKey: Uint8Array): AccountRec {
    return (
      this.s.accounts.get(bytesToHex(publicKey)) ?? {
        publicKey: publicKey.slice(),
        free: 0n,
        reserved: 0n,
        frozen: 0n,
        nonce: 0,
      }
    );
  }

  putAccount(a: AccountRec): void {
    this.s.accounts.set(bytesToHex(a.publicKey), a);
  }

  /** Free minus what may not be spent: `free − max(frozen, ED)`, at least 0 (spec §11 step 2). */
  usable(publicKey: Uint8Array): bigint {
    const a = this.s.account(publicKey);
    if (!a) return 0n;
    const floor = a.frozen > this.s.config.existentialDeposit ? a.frozen : this.s.config.existentialDeposit;
    return a.free > floor ? a.free - floor : 0n;
  }

  /** Adds planck to an account (creates it); emits `Endowed` for a new one. */
  credit(publicKey: Uint8Array, amount: bigint): void {
    const exists = this.s.account(publicKey) !== undefined;
    const a = this.accountOrNew(publicKey);
    this.putAccount({ ...a, free: a.free + amount });
    if (!exists && amount > 0n) this.emit('Endowed', { account: publicKey.slice(), freeBalance: amount });
  }

  twinIdOf(publicKey: Uint8Array): number | undefined {
    return this.s.twinByAccount.get(bytesToHex(publicKey));
  }

  requireTwin(publicKey: Uint8Array): number {
    const id = this.twinIdOf(publicKey);
    if (id === undefined || !this.s.twins.has(id)) throw chainError('TwinNotExists');
    return id;
  }

  /** A live contract (tfchain removes deleted ones; here they stay in an archive). */
  liveContract(id: bigint): ContractRec | undefined {
    const rec = this.s.contracts.get(id);
    return rec && rec.contract.state.kind !== 'Deleted' ? rec : undefined;
  }

  putContract(rec: ContractRec): void {
    this.s.contracts.set(rec.contract.contractId, rec);
  }

  // ---- dispatch ---------------------------------------------------------------------------------

  /** Runs one decoded call for `signer`; throws a `ChainError` (the caller rolls back). */
  dispatch(call: ChainCall, signer: Uint8Array, keyType: KeyType): number | bigint | null {
    switch (call.method) {
      case 'createTwin':
        return this.createTwin(signer, keyType, call.args.relay, call.args.pk);
      case 'updateTwin':
        return this.updateTwin(signer, call.args.relay, call.args.pk);
      case 'createFarm':
        return this.createFarm(signer, call.args.name, call.args.publicIps);
      case 'addFarmIp':
        return this.addFarmIp(signer, call.args.farmId, call.args.ip, call.args.gateway);
      case 'removeFarmIp':
        return this.removeFarmIp(signer, call.args.farmId, call.args.ip);
      case 'createNode':
        return this.createNode(signer, call.args);
      case 'createNodeContract':
        return this.createNodeContract(signer, call.args);
      case 'updateNodeContract':
        return this.updateNodeContract(signer, call.args);
      case 'cancelContract':
        return this.cancelContract(signer, call.args.contractId);
      case 'createNameContract':
        return this.createNameContract(signer, call.args.name);
      case 'createRentContract':
        return this.createRentContract(signer, call.args.nodeId, call.args.solutionProviderId ?? null);
      case 'markContractDeployed':
        return this.markContractDeployed(signer, call.args.contractId);
      case 'cancelContractByNode':
        return this.cancelContractByNode(signer, call.args.contractId, call.args.reason);
      case 'addReports': {
        const nodeId = this.signerNode(signer);
        addSeedReports(this, nodeId, call.args.reports);
        return null;
      }
      case 'reportContractResources':
        return this.reportContractResources(signer, call.args.resources);
      case 'addNruReports':
        return this.addNruReports(signer, call.args.reports);
      case 'transfer':
        return this.transfer(signer, call.args.to, call.args.amount);
      case 'setTftPrice':
        this.requireSudo(signer);
        return this.setTftPrice(call.args.priceMusd);
      case 'fund':
        this.requireSudo(signer);
        return this.fund(call.args.to, call.args.amount);
      case 'userAcceptTc':
        return this.userAcceptTc(signer, call.args.documentLink, call.args.documentHash);
      case 'changePowerState':
        return this.changePowerState(signer, call.args.power);
      case 'changePowerTarget':
        return this.changePowerTarget(signer, call.args.nodeId, call.args.power);
      case 'setDedicatedNodeExtraFee':
        return this.setDedicatedNodeExtraFee(signer, call.args.nodeId, call.args.extraFee);
      case 'createSolutionProvider':
        return this.createSolutionProvider(call.args.description, call.args.link, call.args.providers);
      case 'attachSolutionProviderId':
        return this.attachSolutionProviderId(signer, call.args.contractId, call.args.solutionProviderId);
      case 'setFarmDedicated':
        this.requireSudo(signer);
        return this.setFarmDedicated(call.args.farmId, call.args.dedicated);
      case 'approveSolutionProvider':
        this.requireSudo(signer);
        return this.approveSolutionProvider(call.args.solutionProviderId, call.args.approve);
    }
  }

  requireSudo(signer: Uint8Array): void {
    const sudo = this.s.config.sudo;
    if (!sudo || !equalBytes(sudo.publicKey, signer)) throw chainError('RequireSudo', 'only the sudo account may do this');
  }

  // ---- twins (pallet-tfgrid twin.rs, spec §16) ------------------------------------------------

  private createTwin(signer: Uint8Array, keyType: KeyType, relay: string | null, pk: Uint8Array | null): number {
    if (this.s.config.requireTermsAndConditions === true && (this.s.termsAndConditions.get(bytesToHex(signer))?.length ?? 0) === 0) {
      throw chainError('UserDidNotSignTermsAndConditions');
    }
    if (this.twinIdOf(signer) !== undefined) throw chainError('TwinWithPubkeyExists');
    if (relay !== null && !validRelay(relay)) throw chainError('InvalidRelayAddress', undefined, 'relay');
    const id = this.s.twinCounter.get() + 1;
    const twin: Twin = { id, account: signer.slice(), keyType, relay, pk: pk ? pk.slice() : null };
    this.s.twins.set(id, twin);
    this.s.twinCounter.set(id);
    this.s.twinByAccount.set(bytesToHex(signer), id);
    this.emit('TwinStored', { twin });
    return id;
  }

  private updateTwin(signer: Uint8Array, relay: string | null, pk: Uint8Array | null): number {
    const id = this.requireTwin(signer);
    const twin = this.s.twins.get(id)!;
    if (!equalBytes(twin.account, signer)) throw chainError('UnauthorizedToUpdateTwin');
    if (relay !== null && !validRelay(relay)) throw chainError('InvalidRelayAddress', undefined, 'relay');
    const next: Twin = { ...twin, relay, pk: pk ? pk.slice() : null };
    this.s.twins.set(id, next);
    this.emit('TwinUpdated', { twin: next });
    return id;
  }

  /** `user_accept_tc` (spec §16): appends an acceptance for the signer; no event (as tfchain). */
  private userAcceptTc(signer: Uint8Array, documentLink: string, documentHash: string): null {
    const key = bytesToHex(signer);
    const list = this.s.termsAndConditions.get(key) ?? [];
    this.s.termsAndConditions.set(key, [...list, { account: signer.slice(), timestamp: this.now, documentLink, documentHash }]);
    return null;
  }

  // ---- farms (farm.rs, spec §4 farm side) -------------------------------------------------------

  private createFarm(signer: Uint8Array, name: string, ips: { ip: string; gateway: string }[]): number {
    const twinId = this.requireTwin(signer);
    if (this.s.farmByName.has(name)) throw chainError('FarmExists');
    const len = Buffer.byteLength(name, 'utf8');
    if (len < MIN_FARM_NAME_LENGTH) throw chainError('FarmNameTooShort');
    if (len > MAX_FARM_NAME_LENGTH) throw chainError('FarmNameTooLong');
    if (!/^[A-Za-z0-9_-]*$/.test(name)) throw chainError('InvalidFarmName');
    const publicIps: PublicIp[] = [];
    for (const [i, p] of ips.entries()) {
      if (!isValidPublicIp4(p.ip, p.gateway)) throw chainError('InvalidPublicIP', undefined, `publicIps[${i}]`);
      if (publicIps.some((q) => q.ip === p.ip && q.gateway === p.gateway)) {
        throw chainError('IpExists', undefined, `publicIps[${i}]`);
      }
      if (publicIps.length >= MAX_FARM_PUBLIC_IPS) throw chainError('InvalidPublicIP', 'too many public IPs');
      publicIps.push({ ip: p.ip, gateway: p.gateway, contractId: 0n });
    }
    const id = this.s.farmCounter.get() + 1;
    const farm: Farm = {
      id,
      name,
      twinId,
      pricingPolicyId: 1,
      certification: 'NotCertified',
      dedicated: false,
      publicIps,
    };
    this.s.farms.set(id, farm);
    this.s.farmByName.set(name, id);
    this.s.farmCounter.set(id);
    this.emit('FarmStored', { farm });
    return id;
  }

  /** `set_farm_dedicated` (RestrictedOrigin; spec §16): `FarmNotExists`; `FarmUpdated`. */
  private setFarmDedicated(farmId: number, dedicated: boolean): number {
    const farm = this.s.farms.get(farmId);
    if (!farm) throw chainError('FarmNotExists');
    const next: Farm = { ...farm, dedicated };
    this.s.farms.set(farmId, next);
    this.emit('FarmUpdated', { farm: next });
    return farmId;
  }

  private farmForUpdate(signer: Uint8Array, farmId: number): Farm {
    const farm = this.s.farms.get(farmId);
    if (!farm) throw chainError('FarmNotExists');
    const twin = this.s.twins.get(farm.twinId);
    if (!twin) throw chainError('TwinNotExists');
    if (!equalBytes(twin.account, signer)) throw chainError('CannotUpdateFarmWrongTwin');
    return farm;
  }

  private addFarmIp(signer: Uint8Array, farmId: number, ip: string, gateway: string): number {
    const farm = this.farmForUpdate(signer, farmId);
    if (!isValidPublicIp4(ip, gateway)) throw chainError('InvalidPublicIP');
    if (farm.publicIps.some((p) => p.ip === ip)) throw chainError('IpExists');
    if (farm.publicIps.length >= MAX_FARM_PUBLIC_IPS) throw chainError('InvalidPublicIP', 'too many public IPs');
    const next: Farm = { ...farm, publicIps: [...farm.publicIps, { ip, gateway, contractId: 0n }] };
    this.s.farms.set(farmId, next);
    this.emit('FarmUpdated', { farm: next });
    return farmId;
  }

  private removeFarmIp(signer: Uint8Array, farmId: number, ip: string): number {
    const farm = this.farmForUpdate(signer, farmId);
    const idx = farm.publicIps.findIndex((p) => p.ip === ip && p.contractId === 0n);
    if (idx < 0) throw chainError('IpNotExists');
    const next: Farm = { ...farm, publicIps: farm.publicIps.filter((_, i) => i !== idx) };
    this.s.farms.set(farmId, next);
    this.emit('FarmUpdated', { farm: next });
    return farmId;
  }

  // ---- nodes (node.rs) --------------------------------------------------------------------------

  private createNode(
    signer: Uint8Array,
    args: Extract<ChainCall, { method: 'createNode' }>['args'],
  ): number {
    if (!this.s.farms.has(args.farmId)) throw chainError('FarmNotExists');
    const twinId = this.requireTwin(signer);
    if (this.s.nodeByTwin.has(twinId)) throw chainError('NodeWithTwinIdExists');
    const r = args.resources;
    // validate_hru: no minimum; then SRU ≥ 100 GiB, CRU ≥ 1, MRU ≥ 2 GiB (support/src/resources.rs).
    if (r.sru < 100n * GIB) throw chainError('InvalidSRUInput');
    if (r.cru < 1n) throw chainError('InvalidCRUInput');
    if (r.mru < 2n * GIB) throw chainError('InvalidMRUInput');
    const id = this.s.nodeCounter.get() + 1;
    const node: Node = {
      id,
      farmId: args.farmId,
      twinId,
      resources: { ...r },
      certification: args.certification ?? 'Diy',
      created: this.now,
    };
    this.s.nodes.set(id, node);
    this.s.nodeCounter.set(id);
    this.s.nodeByTwin.set(twinId, id);
    this.s.nodesByFarm.add(args.farmId, id);
    this.emit('NodeStored', { node });
    return id;
  }

  /** The node whose twin signed (node-side calls): `TwinNotExists`, then `NodeNotExists`. */
  signerNode(signer: Uint8Array): number {
    const twinId = this.requireTwin(signer);
    const nodeId = this.s.nodeByTwin.get(twinId);
    if (nodeId === undefined || !this.s.nodes.has(nodeId)) throw chainError('NodeNotExists');
    return nodeId;
  }

  // ---- power (ADR-0004, ADR-0019, spec §16) ------------------------------------------------------

  nodePowerOf(nodeId: number): NodePower {
    return this.s.nodePower.get(nodeId) ?? UP_UP;
  }

  /** Standby: power state Down or power target Down (spec §16). */
  isStandby(nodeId: number): boolean {
    return isStandbyPower(this.nodePowerOf(nodeId));
  }

  private putNodePower(nodeId: number, p: NodePower): void {
    if (p.state.kind === 'Up' && p.target === 'Up') this.s.nodePower.delete(nodeId);
    else this.s.nodePower.set(nodeId, p);
  }

  /**
   * `change_power_state`, sent by the node (`TwinNotExists`, `NodeNotExists`). The state is a
   * value: `Up`, or `Down(block)`; `PowerStateChanged` only when it changes (so a second `Down`
   * in a later block moves the block). Back to Up resets the rent contract's billing clock.
   */
  private changePowerState(signer: Uint8Array, power: Power): null {
    const nodeId = this.signerNode(signer);
    const node = this.s.nodes.get(nodeId)!;
    const cur = this.nodePowerOf(nodeId);
    const state: NodePower['state'] = power === 'Up' ? { kind: 'Up' } : { kind: 'Down', sinceBlock: this.block };
    const same = state.kind === cur.state.kind && (state.kind === 'Up' || state.sinceBlock === (cur.state as { sinceBlock: number }).sinceBlock);
    if (same) return null;
    this.putNodePower(nodeId, { state, target: cur.target });
    this.emit('PowerStateChanged', { farmId: node.farmId, nodeId, powerState: state });
    if (state.kind === 'Up' && cur.state.kind === 'Down') {
      // Standby time is not billed to the renter (spec §6 elapsed time, §16).
      const rentId = this.s.activeRentForNode.get(nodeId);
      const rent = rentId === undefined ? undefined : this.s.contracts.get(rentId);
      if (rent && rent.lastBilled !== this.now) this.putContract({ ...rent, lastBilled: this.now });
    }
    return null;
  }

  /**
   * `change_power_target`, by the farmer: `TwinNotExists`, `NodeNotExists`, `FarmNotExists`,
   * `UnauthorizedToChangePowerTarget`; target Down needs no active node contract
   * (`NodeHasActiveContracts`; a rent contract alone does not count: an idle rented node may
   * sleep, ADR-0018). `PowerTargetChanged` on every success.
   */
  private changePowerTarget(signer: Uint8Array, nodeId: number, power: Power): null {
    const twinId = this.requireTwin(signer);
    const node = this.s.nodes.get(nodeId);
    if (!node) throw chainError('NodeNotExists');
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    if (farm.twinId !== twinId) throw chainError('UnauthorizedToChangePowerTarget');
    if (power === 'Down' && this.s.activeNodeContracts.size(nodeId) > 0) throw chainError('NodeHasActiveContracts');
    const cur = this.nodePowerOf(nodeId);
    this.putNodePower(nodeId, { state: cur.state, target: power });
    this.emit('PowerTargetChanged', { farmId: node.farmId, nodeId, powerTarget: power });
    return null;
  }

  // ---- dedicated nodes and solution providers (spec §2.4) ----------------------------------------

  /** A dedicated node: an extra fee above 0 or a dedicated farm (spec §2.1 step 5). */
  isDedicated(nodeId: number, farm: Farm): boolean {
    return (this.s.extraFees.get(nodeId) ?? 0n) > 0n || farm.dedicated;
  }

  private setDedicatedNodeExtraFee(signer: Uint8Array, nodeId: number, extraFee: bigint): null {
    const twinId = this.requireTwin(signer);
    const node = this.s.nodes.get(nodeId);
    if (!node) throw chainError('NodeNotExists');
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    if (farm.twinId !== twinId) throw chainError('UnauthorizedToSetExtraFee');
    if (this.s.activeNodeContracts.size(nodeId) > 0 || this.s.activeRentForNode.has(nodeId)) {
      throw chainError('NodeHasActiveContracts');
    }
    if (extraFee === 0n) this.s.extraFees.delete(nodeId);
    else this.s.extraFees.set(nodeId, extraFee);
    this.emit('NodeExtraFeeSet', { nodeId, extraFee });
    return null;
  }

  /** Any signed origin; Σtake ≤ 50 (`InvalidProviderConfiguration`); starts unapproved. */
  private createSolutionProvider(description: string, link: string, providers: SolutionProviderShare[]): bigint {
    let sum = 0;
    for (const p of providers) sum += p.take;
    if (sum > MAX_PROVIDER_TAKE) throw chainError('InvalidProviderConfiguration');
    const id = this.s.solutionProviderCounter.get() + 1n;
    const sp: SolutionProvider = {
      solutionProviderId: id,
      description,
      link,
      providers: providers.map((p) => ({ who: p.who.slice(), take: p.take })),
      approved: false,
    };
    this.s.solutionProviders.set(id, sp);
    this.s.solutionProviderCounter.set(id);
    this.emit('SolutionProviderCreated', { solutionProvider: sp });
    return id;
  }

  private approveSolutionProvider(id: bigint, approve: boolean): null {
    const sp = this.s.solutionProviders.get(id);
    if (!sp) throw chainError('NoSuchSolutionProvider');
    this.s.solutionProviders.set(id, { ...sp, approved: approve });
    this.emit('SolutionProviderApproved', { solutionProviderId: id, approved: approve });
    return null;
  }

  /** `NoSuchSolutionProvider`, then `SolutionProviderNotApproved` (contract creation, attach). */
  private requireApprovedProvider(id: bigint): void {
    const sp = this.s.solutionProviders.get(id);
    if (!sp) throw chainError('NoSuchSolutionProvider');
    if (!sp.approved) throw chainError('SolutionProviderNotApproved');
  }

  private attachSolutionProviderId(signer: Uint8Array, contractId: bigint, solutionProviderId: bigint): bigint {
    this.requireApprovedProvider(solutionProviderId);
    const rec = this.liveContract(contractId);
    if (!rec) throw chainError('ContractNotExists');
    const twinId = this.requireTwin(signer);
    if (rec.contract.twinId !== twinId) throw chainError('UnauthorizedToChangeSolutionProviderId');
    if (rec.contract.solutionProviderId !== null) throw chainError('UnauthorizedToChangeSolutionProviderId');
    const contract: Contract = { ...rec.contract, solutionProviderId };
    this.putContract({ ...rec, contract });
    this.emit('ContractUpdated', { contract });
    return contractId;
  }

  // ---- contracts (grid_contract.rs, spec §2.1) --------------------------------------------------

  private createNodeContract(
    signer: Uint8Array,
    args: Extract<ChainCall, { method: 'createNodeContract' }>['args'],
  ): bigint {
    const twinId = this.requireTwin(signer);
    const node = this.s.nodes.get(args.nodeId);
    if (!node) throw chainError('NodeNotExists');
    if (this.isStandby(args.nodeId)) throw chainError('NodeNotAvailableToDeploy');
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    const rentId = this.s.activeRentForNode.get(args.nodeId);
    if (rentId !== undefined) {
      const rent = this.s.contracts.get(rentId);
      if (!rent) throw chainError('ContractNotExists');
      if (rent.contract.twinId !== twinId) throw chainError('NodeNotAvailableToDeploy');
    } else if (this.isDedicated(args.nodeId, farm)) {
      throw chainError('NodeNotAvailableToDeploy');
    }
    const key = nodeHashKey(args.nodeId, args.deploymentHash);
    const existing = this.s.contractByNodeHash.get(key);
    if (existing !== undefined) {
      const c = this.s.contracts.get(existing);
      if (!c) throw chainError('ContractNotExists');
      if (c.contract.state.kind !== 'Deleted') throw chainError('ContractIsNotUnique');
    }
    const data: ContractData = {
      kind: 'node',
      nodeId: args.nodeId,
      deploymentHash: args.deploymentHash,
      deploymentData: args.deploymentData.slice(),
      publicIps: args.publicIps,
      publicIpsList: [],
    };
    const contract = this.createContract(twinId, data, args.solutionProviderId ?? null);
    this.s.contractByNodeHash.set(key, contract.contractId);
    this.s.activeNodeContracts.add(args.nodeId, contract.contractId);
    this.emit('ContractCreated', { contract });
    if (args.publicIps > 0) {
      const d = contract.contractType as { publicIpsList: PublicIp[] };
      // Declared but never emitted by tfchain v2.7; sc4it emits it so IP watchers need one event.
      this.emit('IPsReserved', { contractId: contract.contractId, publicIps: d.publicIpsList });
    }
    return contract.contractId;
  }

  /** `create_contract`: id, IP reservation, solution provider check, billing loop, storage. */
  private createContract(twinId: number, data: ContractData, solutionProviderId: bigint | null): Contract {
    const id = this.s.contractCounter.get() + 1n;
    if (data.kind === 'node') data.publicIpsList = this.reserveIps(id, data.nodeId, data.publicIps);
    if (solutionProviderId !== null) this.requireApprovedProvider(solutionProviderId);
    this.s.billingLoop.add(Number(id % BigInt(this.s.config.billingFrequency)), id);
    const contract: Contract = {
      contractId: id,
      twinId,
      state: { kind: 'Created' },
      contractType: data,
      solutionProviderId,
      createdBlock: this.block,
    };
    this.putContract({
      contract,
      deployed: false,
      payment: emptyPayment(),
      lastBilled: this.now,
      createdAt: this.now,
      billingInfo: data.kind === 'node' ? { lastUpdated: this.now, amountUnbilled: 0n, previousNuReported: 0n } : null,
      used: null,
      deletedBlock: null,
      cancelReason: null,
    });
    this.s.contractCounter.set(id);
    this.s.contractsByTwin.add(twinId, id);
    if (data.kind !== 'name') this.s.contractsByNode.add(data.nodeId, id);
    return contract;
  }

  /** `reserve_ip` (spec §4): first free IPs of the node's farm, in farm order. */
  private reserveIps(contractId: bigint, nodeId: number, count: number): PublicIp[] {
    if (count === 0) return [];
    const node = this.s.nodes.get(nodeId);
    if (!node) throw chainError('NodeNotExists');
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    if (farm.publicIps.length < count) throw chainError('FarmHasNotEnoughPublicIPs');
    const taken: PublicIp[] = [];
    const ips = farm.publicIps.map((p) => {
      if (taken.length < count && p.contractId === 0n) {
        const q = { ...p, contractId };
        taken.push(q);
        return q;
      }
      return p;
    });
    if (taken.length !== count) throw chainError('FarmHasNotEnoughPublicIPsFree');
    this.s.farms.set(farm.id, { ...farm, publicIps: ips });
    return taken.map((p) => ({ ...p }));
  }

  private updateNodeContract(
    signer: Uint8Array,
    args: Extract<ChainCall, { method: 'updateNodeContract' }>['args'],
  ): bigint {
    const rec = this.liveContract(args.contractId);
    if (!rec) throw chainError('ContractNotExists');
    const twin = this.s.twins.get(rec.contract.twinId);
    if (!twin) throw chainError('TwinNotExists');
    if (!equalBytes(twin.account, signer)) throw chainError('TwinNotAuthorizedToUpdateContract');
    if (rec.contract.state.kind === 'GracePeriod') throw chainError('CannotUpdateContractInGraceState');
    const d = rec.contract.contractType;
    if (d.kind !== 'node') throw chainError('InvalidContractType');
    // tfchain moves the mapping without re-checking uniqueness (spec §2.1), and so does chain-sim.
    this.s.contractByNodeHash.delete(nodeHashKey(d.nodeId, d.deploymentHash));
    this.s.contractByNodeHash.set(nodeHashKey(d.nodeId, args.deploymentHash), args.contractId);
    const contract: Contract = {
      ...rec.contract,
      contractType: { ...d, deploymentHash: args.deploymentHash, deploymentData: args.deploymentData.slice() },
    };
    this.putContract({ ...rec, contract });
    this.emit('ContractUpdated', { contract });
    return args.contractId;
  }

  private cancelContract(signer: Uint8Array, contractId: bigint): null {
    const rec = this.liveContract(contractId);
    if (!rec) throw chainError('ContractNotExists');
    const twin = this.s.twins.get(rec.contract.twinId);
    if (!twin) throw chainError('TwinNotExists');
    if (!equalBytes(twin.account, signer)) throw chainError('TwinNotAuthorizedToCancelContract');
    this.doCancel(rec, 'CanceledByUser');
    return null;
  }

  /** `do_cancel_contract`: rent contracts need an empty node; then Deleted + a final bill. */
  doCancel(rec: ContractRec, cause: DeletedCause, reason?: string): void {
    const d = rec.contract.contractType;
    if (d.kind === 'rent' && this.s.activeNodeContracts.size(d.nodeId) > 0) throw chainError('NodeHasActiveContracts');
    this.setState(rec.contract.contractId, { kind: 'Deleted', cause }, reason);
    billContract(this, rec.contract.contractId);
  }

  /** Stores a new state; leaving Deleted is impossible. */
  setState(contractId: bigint, state: Contract['state'], reason?: string): ContractRec {
    const rec = this.s.contracts.get(contractId)!;
    const next: ContractRec = { ...rec, contract: { ...rec.contract, state }, cancelReason: reason ?? rec.cancelReason };
    this.putContract(next);
    return next;
  }

  /** `remove_contract` (spec §11 step 9): frees IPs, drops every index, emits the cancel event. */
  removeContract(contractId: bigint): void {
    this.costMemo.delete(idKey(contractId));
    const rec = this.s.contracts.get(contractId);
    if (!rec) throw chainError('ContractNotExists');
    const d = rec.contract.contractType;
    const cause = rec.contract.state.kind === 'Deleted' ? rec.contract.state.cause : 'CanceledByUser';
    const reason = rec.cancelReason;
    if (d.kind === 'node') {
      if (d.publicIps > 0) this.freeIps(contractId, d.nodeId);
      this.s.activeNodeContracts.remove(d.nodeId, contractId);
      this.s.contractByNodeHash.delete(nodeHashKey(d.nodeId, d.deploymentHash));
      this.emit('NodeContractCanceled', {
        contractId,
        nodeId: d.nodeId,
        twinId: rec.contract.twinId,
        cause,
        ...(reason === null ? {} : { reason }),
      });
    } else if (d.kind === 'name') {
      this.s.nameRegistry.delete(d.name);
      this.emit('NameContractCanceled', { contractId, cause });
    } else {
      this.s.activeRentForNode.delete(d.nodeId);
      const ids = [...(this.s.activeNodeContracts.get(d.nodeId) ?? [])].sort(cmpBig);
      for (const id of ids) {
        // A rent contract takes its node contracts with it (same cause).
        this.setState(id, { kind: 'Deleted', cause });
        this.removeContract(id);
      }
      this.emit('RentContractCanceled', { contractId, cause });
    }
    this.putContract({ ...this.s.contracts.get(contractId)!, billingInfo: null, used: null, deletedBlock: this.block });
    this.s.billingLoop.remove(Number(contractId % BigInt(this.s.config.billingFrequency)), contractId);
    this.s.reportLedgers.delete(contractId);
  }

  /** `free_ip`: every farm IP carrying this contract id goes back to 0; `IPsFreed`. */
  private freeIps(contractId: bigint, nodeId: number): void {
    const node = this.s.nodes.get(nodeId);
    const farm = node ? this.s.farms.get(node.farmId) : undefined;
    if (!farm) return; // tfchain only logs this (spec §4)
    const freed: PublicIp[] = [];
    const ips = farm.publicIps.map((p) => {
      if (p.contractId !== contractId) return p;
      freed.push({ ...p });
      return { ...p, contractId: 0n };
    });
    this.s.farms.set(farm.id, { ...farm, publicIps: ips });
    this.emit('IPsFreed', { contractId, publicIps: freed });
  }

  private createNameContract(signer: Uint8Array, name: string): bigint {
    const twinId = this.requireTwin(signer);
    const len = Buffer.byteLength(name, 'utf8');
    if (len < MIN_NAME_LENGTH) throw chainError('NameContractNameTooShort');
    if (len > MAX_NAME_LENGTH) throw chainError('NameContractNameTooLong');
    if (!/^[a-z0-9_-]+$/.test(name)) throw chainError('NameNotValid');
    if (this.s.nameRegistry.has(name)) throw chainError('NameExists');
    const contract = this.createContract(twinId, { kind: 'name', name }, null);
    this.s.nameRegistry.set(name, contract.contractId);
    this.emit('ContractCreated', { contract });
    return contract.contractId;
  }

  private createRentContract(signer: Uint8Array, nodeId: number, solutionProviderId: bigint | null): bigint {
    if (this.s.activeRentForNode.has(nodeId)) throw chainError('NodeHasRentContract');
    const node = this.s.nodes.get(nodeId);
    if (!node) throw chainError('NodeNotExists');
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    if (!(farm.dedicated || this.s.activeNodeContracts.size(nodeId) === 0)) throw chainError('NodeNotAvailableToDeploy');
    const twinId = this.requireTwin(signer);
    const contract = this.createContract(twinId, { kind: 'rent', nodeId }, solutionProviderId);
    this.s.activeRentForNode.set(nodeId, contract.contractId);
    this.emit('ContractCreated', { contract });
    return contract.contractId;
  }

  // ---- node-side calls ---------------------------------------------------------------------------

  /** The node contract `contractId` on the signer's node (node-side calls). */
  private nodeSideContract(signer: Uint8Array, contractId: bigint, notYours: string): ContractRec {
    const nodeId = this.signerNode(signer);
    const rec = this.liveContract(contractId);
    if (!rec) throw chainError('ContractNotExists');
    const d = rec.contract.contractType;
    if (d.kind !== 'node') throw chainError('InvalidContractType');
    if (d.nodeId !== nodeId) throw chainError(notYours);
    return rec;
  }

  /** sc4it extension of the seed: the node confirms the deployment runs (idempotent). */
  private markContractDeployed(signer: Uint8Array, contractId: bigint): bigint {
    const rec = this.nodeSideContract(signer, contractId, 'NodeNotAuthorizedToDeployContract');
    if (rec.deployed) return contractId;
    const state = rec.contract.state.kind === 'Created' ? ({ kind: 'Deployed' } as const) : rec.contract.state;
    this.putContract({ ...rec, deployed: true, contract: { ...rec.contract, state } });
    // tfchain's (deprecated) `ContractDeployed(u64, AccountId)`.
    this.emit('ContractDeployed', { contractId, accountId: signer.slice() });
    return contractId;
  }

  /** Seed: the node gives up a contract it holds; frees its IPs like a user cancel. */
  private cancelContractByNode(signer: Uint8Array, contractId: bigint, reason: string): null {
    const rec = this.nodeSideContract(signer, contractId, 'TwinNotAuthorizedToCancelContract');
    this.doCancel(rec, 'CanceledByNode', reason);
    return null;
  }

  /** `report_contract_resources` (spec §2.2). */
  private reportContractResources(
    signer: Uint8Array,
    list: Extract<ChainCall, { method: 'reportContractResources' }>['args']['resources'],
  ): null {
    const nodeId = this.signerNode(signer);
    for (const r of list) {
      const rec = this.liveContract(r.contractId);
      if (!rec) continue;
      const d = rec.contract.contractType;
      if (d.kind !== 'node') throw chainError('InvalidContractType');
      if (d.nodeId !== nodeId) throw chainError('NodeNotAuthorizedToComputeReport');
      this.putContract({ ...rec, used: { ...r.used } });
      this.emit('UpdatedUsedResources', { contractId: r.contractId, used: { ...r.used } });
    }
    return null;
  }

  /** `add_nru_reports` (spec §2.2, §9). */
  private addNruReports(
    signer: Uint8Array,
    reports: Extract<ChainCall, { method: 'addNruReports' }>['args']['reports'],
  ): null {
    const nodeId = this.signerNode(signer);
    const node = this.s.nodes.get(nodeId)!;
    const farm = this.s.farms.get(node.farmId);
    if (!farm) throw chainError('FarmNotExists');
    if (farm.pricingPolicyId !== this.s.pricingPolicy.get().id) throw chainError('PricingPolicyNotExists');
    for (const r of reports) {
      const rec = this.liveContract(r.contractId);
      if (!rec || !rec.billingInfo) {
        this.emit('NruConsumptionReportRejected', { report: { ...r }, outcome: 'rejected', reason: 'ContractNotExists' });
        continue;
      }
      const d = rec.contract.contractType;
      if (d.kind !== 'node') throw chainError('InvalidContractType');
      if (d.nodeId !== nodeId) throw chainError('NodeNotAuthorizedToComputeReport');
      if (r.timestamp < rec.billingInfo.lastUpdated) {
        // tfchain ignores it silently; sc4it says so.
        this.emit('NruConsumptionReportRejected', { report: { ...r }, outcome: 'late' });
        continue;
      }
      if (r.timestamp === rec.billingInfo.lastUpdated && rec.billingInfo.nruReported) {
        // tfchain accepts a resent report (same timestamp) and bills its traffic twice; a node
        // that redelivers after a crash must not pay twice, so sc4it answers `duplicate`.
        this.emit('NruConsumptionReportRejected', { report: { ...r }, outcome: 'duplicate' });
        continue;
      }
      const cost = nruReportCost(r.nru, r.window, this.s.pricingPolicy.get());
      const cur = this.s.contracts.get(r.contractId)!;
      this.putContract({
        ...cur,
        billingInfo: {
          ...cur.billingInfo!,
          lastUpdated: r.timestamp,
          amountUnbilled: cur.billingInfo!.amountUnbilled + cost,
          nruReported: true,
        },
      });
      this.emit('NruConsumptionReportReceived', { report: { ...r }, outcome: 'accepted', unitsUsd: cost });
    }
    return null;
  }

  // ---- balances and admin ------------------------------------------------------------------------

  private transfer(signer: Uint8Array, to: Uint8Array, amount: bigint): null {
    const from = this.s.account(signer);
    if (!from || from.free < amount) throw chainError('InsufficientBalance');
    if (from.free - amount < from.frozen) throw chainError('LiquidityRestrictions');
    const dest = this.s.account(to);
    if (!dest && amount < this.s.config.existentialDeposit) throw chainError('ExistentialDeposit');
    this.putAccount({ ...from, free: from.free - amount });
    this.credit(to, amount);
    this.emit('Transfer', { from: signer.slice(), to: to.slice(), amount });
    return null;
  }

  private fund(to: Uint8Array, amount: bigint): null {
    const a = this.s.account(to);
    if ((a?.free ?? 0n) + amount > (1n << 128n) - 1n) throw chainError('Overflow');
    this.credit(to, amount);
    this.emit('Deposit', { who: to.slice(), amount });
    return null;
  }

  private setTftPrice(priceMusd: number): null {
    if (priceMusd === 0) throw chainError('TFTPriceValueError');
    this.s.tftPrice.set(priceMusd);
    this.emit('PriceStored', { price: priceMusd });
    this.emit('AveragePriceStored', { price: priceMusd });
    return null;
  }
}

export function cmpBig(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `validate_relay_address` (twin.rs), including its quirk: a dot at index 1 is refused. */
export function validRelay(relay: string): boolean {
  const b = Buffer.from(relay, 'utf8');
  if (b.length === 0) return false;
  if (b[b.length - 1] === 0x2e) return false;
  let prev = 0;
  for (let i = 0; i < b.length; i++) {
    const c = b[i]!;
    if (c === 0x2e) {
      if (i === 0 || i - prev === 1) return false;
      prev = i;
    } else if (
      !((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39) || c === 0x2d || c === 0x5f)
    ) {
      return false;
    }
  }
  return true;
}
