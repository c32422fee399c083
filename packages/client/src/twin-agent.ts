import { signDeployment, verifySignature } from '@sc4it/crypto';
import { bytesToSign, deploymentHash } from '@sc4it/hash';
import type { RmbIncoming } from '@sc4it/rmb/browser';
import { DecodeError, DeploymentError, Sc4itError, TransportError, hexToBytes, type Deployment, type Signature } from '@sc4it/types';
import { chainTwinKeys } from './audit.ts';
import type { DeployOptions, GridClient } from './grid-client.ts';
import { errorReply, parseTwinCommand, TWIN_COMMANDS, unwrapReply, verifyTwinCommand, type TwinReply } from './twin-command.ts';
import { deploymentFromJson, stripResults } from './wire.ts';

/** A multisig deployment another twin asked this twin to co-sign. */
export interface Proposal {
  /** The deployment hash: what is signed, and the proposal's id. */
  id: string;
  /** The twin that asked (the deployment's owner). */
  from: number;
  deployment: Deployment;
  receivedAt: number;
  status: 'pending' | 'signed' | 'refused';
  signature?: Signature;
  reason?: string;
}

/** Something the agent did, for logs and displays. */
export interface AgentEvent {
  kind: 'command' | 'refused' | 'cosign' | 'error';
  message: string;
  issuer?: number;
}

export interface TwinAgentInit {
  /** The user's client (identity, chain, bus): the agent acts with it. */
  client: GridClient;
  /** Twins allowed to send commands. */
  authorized: number[];
  /**
   * Which co-signing requests are signed without asking the user: a list of proposer twins, or a
   * function. Everything else waits for {@link TwinAgent.approve}. @default none
   */
  cosign?: number[] | ((proposal: Proposal) => boolean | Promise<boolean>);
  /** How long a `deploy` command waits for co-signers' twins, ms. @default 30 000 */
  cosignTimeoutMs?: number;
  /** Oldest accepted command, seconds (also the clock skew tolerated ahead). @default 300 */
  maxAgeSec?: number;
  /**
   * Where the nonces of accepted commands are kept, so that a command captured on the bus cannot
   * be replayed after the agent restarts (`sc4it twin serve` keeps them in a file under its state
   * folder). Without a store the nonces live in memory only, and the agent then refuses every
   * command issued before it started (`rpc.before_start`): a restart never reopens a command's
   * freshness window (a command signed in the very second of the start is still accepted).
   */
  nonceStore?: NonceStore;
  /** Defaults for deployments made on command (e.g. `timeoutMs`). */
  deployDefaults?: Partial<Pick<DeployOptions, 'timeoutMs' | 'policy' | 'cancelOnFailure'>>;
  onEvent?: (event: AgentEvent) => void;
}

/**
 * Persistence of the agent's seen command nonces. Keys are `<issuer twin>:<nonce>`, values the
 * unix second the command was accepted; entries older than twice `maxAgeSec` are dropped (such a
 * command is refused as expired anyway).
 */
export interface NonceStore {
  /** The nonces kept so far; called once, before the first command is checked. */
  load(): Record<string, number> | Promise<Record<string, number>>;
  /**
   * Keeps the current set; called after a command passed every check and before it runs. When it
   * throws, the command is refused (`rpc.nonce_store`) and does not run.
   */
  save(nonces: Record<string, number>): void | Promise<void>;
}

function jsonable(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Array.from(v) : v)));
}

function contractArg(args: Record<string, unknown>): bigint {
  const v = args['contractId'];
  if ((typeof v === 'string' && /^\d{1,20}$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v) && v > 0)) return BigInt(v);
  throw new DecodeError('decode.twin_command', 'contractId must be a positive integer', { field: 'args.contractId' });
}

/**
 * The user's digital twin: an agent on the bus with the user's identity. It deploys, updates and
 * cancels on the user's behalf when one of the authorised twins sends a signed command
 * (`sc4it.twin.command`), and answers co-signing requests for multisig deployments
 * (`sc4it.multisig.sign` / `sc4it.multisig.status`).
 *
 * A command is accepted only when: the issuer is authorised, the bus envelope comes from that
 * same twin, the command names this agent, it is fresh (`issuedAt` within `maxAgeSec`), its nonce
 * was not seen before, and its signature verifies against the issuer's account key on chain.
 */
export class TwinAgent {
  readonly client: GridClient;
  readonly #init: TwinAgentInit;
  readonly #authorized: Set<number>;
  readonly #nonces = new Map<string, number>();
  readonly #proposals = new Map<string, Proposal>();
  #running = false;
  #startedAt = 0;
  #loaded: Promise<void> | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(init: TwinAgentInit) {
    if (init.client.peer === null) throw new TransportError('transport.no_bus', 'the digital twin needs a client connected to a relay');
    this.client = init.client;
    this.#init = init;
    this.#authorized = new Set(init.authorized);
  }

  /** Starts answering on the bus. */
  start(): this {
    const peer = this.client.peer!;
    this.#running = true;
    this.#startedAt = Math.floor(Date.now() / 1000);
    const store = this.#init.nonceStore;
    // loaded once; a failed load refuses commands (rpc.nonce_store) until the agent is restarted
    this.#loaded ??= store === undefined
      ? Promise.resolve()
      : Promise.resolve()
          .then(() => store.load())
          .then((kept) => {
            for (const [k, t] of Object.entries(kept ?? {})) if (typeof t === 'number' && Number.isFinite(t)) this.#nonces.set(k, t);
          });
    peer.handle(TWIN_COMMANDS.command, (req) => this.#guard(() => this.#onCommand(req)));
    peer.handle(TWIN_COMMANDS.cosign, (req) => this.#guard(() => this.#onCosign(req)));
    peer.handle(TWIN_COMMANDS.cosignStatus, (req) => this.#guard(() => this.#onCosignStatus(req)));
    return this;
  }

  /** Stops acting (requests get `rpc.agent_stopped`); the client stays connected. */
  stop(): void {
    this.#running = false;
  }

  get proposals(): Proposal[] {
    return [...this.#proposals.values()].map((p) => structuredClone(p));
  }

  /** Signs a pending proposal (the user's manual approval). */
  approve(id: string): Signature {
    const p = this.#proposals.get(id);
    if (p === undefined) throw new DeploymentError('deployment.no_proposal', `no co-signing request ${id.slice(0, 12)}`);
    if (p.status === 'signed' && p.signature !== undefined) return p.signature;
    const signed = signDeployment(p.deployment, this.client.twinId, this.client.identity);
    const sig = signed.signature_requirement.signatures.find((s) => s.twin_id === this.client.twinId)!;
    p.status = 'signed';
    p.signature = sig;
    this.#emit({ kind: 'cosign', message: `co-signed deployment ${id} of twin ${p.from}`, issuer: p.from });
    return sig;
  }

  /** Refuses a pending proposal. */
  refuse(id: string, reason = 'refused by the user'): void {
    const p = this.#proposals.get(id);
    if (p === undefined) throw new DeploymentError('deployment.no_proposal', `no co-signing request ${id.slice(0, 12)}`);
    p.status = 'refused';
    p.reason = reason;
  }

  #emit(e: AgentEvent): void {
    try {
      this.#init.onEvent?.(e);
    } catch {
      // display only
    }
  }

  async #guard(fn: () => Promise<unknown>): Promise<TwinReply> {
    if (!this.#running) return errorReply(new Sc4itError('rpc.agent_stopped', 'the digital twin is not running'));
    try {
      return { ok: true, result: jsonable(await fn()) };
    } catch (err) {
      const reply = errorReply(err);
      if (!reply.ok) this.#emit({ kind: 'error', message: `${reply.error.code}: ${reply.error.message}` });
      return reply;
    }
  }

  #refuse(code: `rpc.${string}` | `crypto.${string}`, message: string, issuer?: number): never {
    this.#emit({ kind: 'refused', message, ...(issuer === undefined ? {} : { issuer }) });
    throw new Sc4itError(code, message);
  }

  async #onCommand(req: RmbIncoming): Promise<unknown> {
    const cmd = parseTwinCommand(req.json());
    const maxAge = this.#init.maxAgeSec ?? 300;
    const now = Math.floor(Date.now() / 1000);
    if (!this.#authorized.has(cmd.issuer)) this.#refuse('rpc.unauthorized', `twin ${cmd.issuer} is not authorised to command this twin`, cmd.issuer);
    if (req.sender.id !== cmd.issuer) this.#refuse('rpc.unauthorized', `the command is signed by twin ${cmd.issuer} but was sent by twin ${req.sender.id}`, cmd.issuer);
    if (cmd.agent !== this.client.twinId) this.#refuse('rpc.wrong_agent', `the command is for twin ${cmd.agent}, not ${this.client.twinId}`, cmd.issuer);
    if (Math.abs(now - cmd.issuedAt) > maxAge) this.#refuse('rpc.expired', `the command was issued ${now - cmd.issuedAt} s ago (limit ${maxAge} s)`, cmd.issuer);
    const store = this.#init.nonceStore;
    if (store === undefined && cmd.issuedAt < this.#startedAt) {
      // nonces seen before a restart are lost: only commands issued since the start can be told apart
      this.#refuse('rpc.before_start', `the command was issued ${this.#startedAt - cmd.issuedAt} s before this digital twin started (it keeps no record of earlier commands)`, cmd.issuer);
    }
    try {
      await this.#loaded;
    } catch (err) {
      throw new Sc4itError('rpc.nonce_store', `the record of received commands could not be read: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
    const key = `${cmd.issuer}:${cmd.nonce}`;
    for (const [n, t] of this.#nonces) if (t < now - 2 * maxAge) this.#nonces.delete(n);
    if (this.#nonces.has(key)) this.#refuse('rpc.replayed', 'this command was already received (same nonce)', cmd.issuer);
    if (!(await verifyTwinCommand(cmd, chainTwinKeys(this.client.chain)))) {
      this.#refuse('crypto.bad_signature', `the command's signature does not verify against twin ${cmd.issuer}'s key on chain`, cmd.issuer);
    }
    // checked again: the same command may have arrived twice while the signature was checked
    if (this.#nonces.has(key)) this.#refuse('rpc.replayed', 'this command was already received (same nonce)', cmd.issuer);
    this.#nonces.set(key, now);
    if (store !== undefined) {
      const snapshot = Object.fromEntries(this.#nonces);
      const saved = this.#saving.then(() => store.save(snapshot));
      this.#saving = saved.catch(() => undefined);
      try {
        await saved;
      } catch (err) {
        // not recorded, so not run: a restart could not refuse it again
        this.#nonces.delete(key);
        throw new Sc4itError('rpc.nonce_store', `the command could not be recorded, so it was not run: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    this.#emit({ kind: 'command', message: `${cmd.op} from twin ${cmd.issuer}`, issuer: cmd.issuer });
    const c = this.client;
    const a = cmd.args;
    switch (cmd.op) {
      case 'deploy': {
        const nodeId = a['nodeId'];
        if (!Number.isInteger(nodeId)) throw new DecodeError('decode.twin_command', 'nodeId must be an integer', { field: 'args.nodeId' });
        const deployment = stripResults(deploymentFromJson(a['deployment']));
        if (Number(deployment.twin_id) !== c.twinId) {
          // built by the issuer for itself: the user becomes owner and sole signer
          deployment.twin_id = c.twinId;
          deployment.signature_requirement = { requests: [{ twin_id: c.twinId, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' };
        }
        let doc = deployment;
        let cosigned: number[] = [];
        if (doc.signature_requirement.requests.some((q) => q.twin_id !== c.twinId)) {
          // a multisig deployment: the twin collects the co-signatures over the bus first
          const got = await collectSignatures(c, c.sign(doc), { timeoutMs: this.#init.cosignTimeoutMs ?? 30_000 });
          doc = got.deployment;
          cosigned = got.signed;
        }
        const policy = a['policy'] === 'strict-weights' || a['policy'] === 'zos' ? a['policy'] : undefined;
        const r = await c.deploy({
          ...this.#init.deployDefaults,
          ...(policy === undefined ? {} : { policy }),
          nodeId: nodeId as number,
          deployment: doc,
          ...(typeof a['publicIps'] === 'number' ? { publicIps: a['publicIps'] } : {}),
          note: `deployed by the digital twin for twin ${cmd.issuer}`,
        });
        return { contractId: r.contractId.toString(), nodeId: r.nodeId, hash: r.hash, cosigned, publicIps: r.publicIps, workloads: r.deployment.workloads.map((w) => ({ name: w.name, type: w.type, state: w.result?.state, data: w.result?.data })) };
      }
      case 'update': {
        const contractId = contractArg(a);
        const wanted = stripResults(deploymentFromJson(a['deployment']));
        const r = await c.update(contractId, (cur) => ({ ...cur, workloads: wanted.workloads, metadata: wanted.metadata, description: wanted.description }), { ...this.#init.deployDefaults });
        return {
          contractId: r.contractId.toString(),
          hash: r.hash,
          version: r.deployment.version,
          changes: r.changes.map((x) => x.text),
          workloads: r.deployment.workloads.map((w) => ({ name: w.name, type: w.type, version: w.version, state: w.result?.state, data: w.result?.data })),
        };
      }
      case 'cancel': {
        const contractId = contractArg(a);
        const r = await c.cancel(contractId);
        return { contractId: contractId.toString(), freedIps: r.freedIps.map((p) => p.ip) };
      }
      case 'contracts':
        return (await c.listContracts()).map((k) => ({ contractId: k.contractId.toString(), state: k.state, kind: k.contractType.kind, ...(k.contractType.kind === 'node' ? { nodeId: k.contractType.nodeId, hash: k.contractType.deploymentHash } : {}) }));
      case 'show': {
        const contractId = contractArg(a);
        return { contract: await c.getContract(contractId), deployment: await c.getDeployment(contractId) };
      }
    }
    throw new DecodeError('decode.twin_command', 'unknown op', { field: 'op' });
  }

  async #onCosign(req: RmbIncoming): Promise<unknown> {
    const body = req.json<{ deployment?: unknown }>();
    const deployment = stripResults(deploymentFromJson(body?.deployment));
    const me = this.client.twinId;
    if (Number(deployment.twin_id) !== req.sender.id) {
      this.#refuse('rpc.unauthorized', `only the deployment's owner (twin ${String(deployment.twin_id)}) may ask for co-signatures, not twin ${req.sender.id}`, req.sender.id);
    }
    if (!deployment.signature_requirement.requests.some((r) => r.twin_id === me)) {
      this.#refuse('rpc.not_a_signer', `twin ${me} is not among the deployment's signers`, req.sender.id);
    }
    const id = deploymentHash(deployment);
    let p = this.#proposals.get(id);
    if (p === undefined) {
      p = { id, from: req.sender.id, deployment, receivedAt: Math.floor(Date.now() / 1000), status: 'pending' };
      this.#proposals.set(id, p);
      this.#emit({ kind: 'cosign', message: `co-signing request ${id} from twin ${req.sender.id}`, issuer: req.sender.id });
      const rule = this.#init.cosign;
      const auto = Array.isArray(rule) ? rule.includes(req.sender.id) : rule === undefined ? false : await rule(structuredClone(p));
      if (auto) this.approve(id);
    }
    return { id, status: p.status, ...(p.signature === undefined ? {} : { signature: p.signature }), ...(p.reason === undefined ? {} : { reason: p.reason }) };
  }

  async #onCosignStatus(req: RmbIncoming): Promise<unknown> {
    const body = req.json<{ id?: unknown }>();
    const p = typeof body?.id === 'string' ? this.#proposals.get(body.id) : undefined;
    if (p === undefined || p.from !== req.sender.id) throw new DeploymentError('deployment.no_proposal', 'no such co-signing request');
    return { id: p.id, status: p.status, ...(p.signature === undefined ? {} : { signature: p.signature }), ...(p.reason === undefined ? {} : { reason: p.reason }) };
  }
}

/** Outcome of {@link collectSignatures}. */
export interface CollectResult {
  deployment: Deployment;
  /** Twins whose valid signature was added. */
  signed: number[];
  /** Twins that have not answered or not approved yet. */
  pending: number[];
  /** Twins that refused (with the reason) or returned a bad signature. */
  refused: { twinId: number; reason: string }[];
}

/**
 * Asks every requested co-signer (their digital twins) over the bus to sign `deployment`, checks
 * each returned signature against the signer's key on chain and merges the valid ones. Waits for
 * pending approvals until `timeoutMs`.
 */
export async function collectSignatures(
  client: GridClient,
  deployment: Deployment,
  options: { twins?: number[]; timeoutMs?: number; intervalMs?: number; onProgress?: (message: string) => void } = {},
): Promise<CollectResult> {
  const peer = client.peer;
  if (peer === null) throw new TransportError('transport.no_bus', 'collecting signatures needs the bus');
  let d = stripResults(deployment);
  const message = bytesToSign(d);
  const keys = chainTwinKeys(client.chain);
  const wanted = (options.twins ?? d.signature_requirement.requests.map((r) => r.twin_id)).filter((t) => t !== client.twinId);
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  const signed: number[] = [];
  const refused: CollectResult['refused'] = [];
  const pending = new Map<number, string | null>(wanted.map((t) => [t, null]));
  const accept = async (twin: number, sig: Signature | undefined): Promise<boolean> => {
    if (sig === undefined || sig.twin_id !== twin) return false;
    const key = await keys(twin);
    let ok = false;
    try {
      ok = key !== null && sig.signature_type === key.keyType && verifySignature(key.keyType, key.publicKey, message, hexToBytes(sig.signature));
    } catch {
      ok = false;
    }
    if (!ok) {
      refused.push({ twinId: twin, reason: 'returned a signature that does not verify' });
      return true;
    }
    const others = d.signature_requirement.signatures.filter((s) => s.twin_id !== twin);
    d = { ...d, signature_requirement: { ...d.signature_requirement, signatures: [...others, sig] } };
    signed.push(twin);
    options.onProgress?.(`twin ${twin} co-signed`);
    return true;
  };
  let pause = options.intervalMs ?? 300;
  for (;;) {
    for (const [twin, id] of [...pending]) {
      try {
        const timeout = Math.max(1000, Math.min(15_000, deadline - Date.now()));
        const reply = id === null
          ? await peer.call(twin, TWIN_COMMANDS.cosign, { deployment: d }, { timeout })
          : await peer.call(twin, TWIN_COMMANDS.cosignStatus, { id }, { timeout });
        const r = unwrapReply<{ id: string; status: string; signature?: Signature; reason?: string }>(reply);
        if (r.status === 'signed') {
          await accept(twin, r.signature);
          pending.delete(twin);
        } else if (r.status === 'refused') {
          refused.push({ twinId: twin, reason: r.reason ?? 'refused' });
          pending.delete(twin);
        } else {
          if (id === null) options.onProgress?.(`twin ${twin} has the request; waiting for approval`);
          pending.set(twin, r.id);
        }
      } catch (err) {
        if (err instanceof Sc4itError && !err.code.startsWith('transport.')) {
          refused.push({ twinId: twin, reason: `${err.code}: ${err.shortMessage}` });
          pending.delete(twin);
        }
      }
    }
    if (pending.size === 0 || Date.now() >= deadline) break;
    await new Promise((r) => setTimeout(r, pause));
    pause = Math.min(2000, Math.round(pause * 1.5));
  }
  return { deployment: d, signed, pending: [...pending.keys()], refused };
}
