/**
 * A small grid for end-to-end tests, built only from the real packages: chain-sim in process,
 * an rmb relay on a random loopback port, nodes served over the bus, and users that hash, sign,
 * create contracts and talk to nodes with an RmbPeer (the "small client").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevChain, type Chain, type ChainOptions, type DevAccount } from '@sc4it/chain-sim';
import { signDeployment } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { RmbPeer, chainTwinResolver, startRelay, type RunningRelay, type TwinResolver } from '@sc4it/rmb';
import { sendCall, utf8ToBytes, type ChainClient, type DevChainClient, type Deployment, type WorkloadState } from '@sc4it/types';
import { createNode, type RunningNode } from '../src/create-node.ts';
import type { NodeOptions } from '../src/node.ts';
import type { DeploymentRecord } from '../src/store.ts';

export const GiB = 2 ** 30;
export const DOMAIN = 'relay.sc4it.test';

export type Json = Record<string, unknown>;

/** A user: twin on chain, bus peer, and the steps of the client flow. */
export class User {
  readonly account: DevAccount;
  readonly chain: DevChainClient;
  readonly peer: RmbPeer;
  constructor(account: DevAccount, chain: DevChainClient, peer: RmbPeer) {
    this.account = account;
    this.chain = chain;
    this.peer = peer;
  }
  get twinId(): number {
    return this.account.twinId;
  }
  sign(d: Json): Json {
    return signDeployment(d as unknown as Deployment, this.twinId, this.account.identity) as unknown as Json;
  }
  /** Creates the node contract for `d` (hash of `d`), writes its id into `d`, returns the id. */
  async createContract(nodeId: number, d: Json, publicIps = 0, hash = deploymentHash(d)): Promise<bigint> {
    const r = await sendCall(this.chain, this.account.identity, {
      method: 'createNodeContract',
      args: { nodeId, deploymentHash: hash, deploymentData: utf8ToBytes(String(d['metadata'] ?? '')), publicIps },
    });
    const id = BigInt(r.result as bigint);
    d['contract_id'] = Number(id);
    return id;
  }
  async updateContract(contractId: bigint, d: Json): Promise<void> {
    await sendCall(this.chain, this.account.identity, {
      method: 'updateNodeContract',
      args: { contractId, deploymentHash: deploymentHash(d), deploymentData: utf8ToBytes(String(d['metadata'] ?? '')) },
    });
  }
  async cancel(contractId: bigint): Promise<void> {
    await sendCall(this.chain, this.account.identity, { method: 'cancelContract', args: { contractId } });
  }
  /** Sends a zos command to a node twin and returns the parsed reply. */
  call<T = unknown>(nodeTwin: number, command: string, data: unknown): Promise<T> {
    return this.peer.call<T>(nodeTwin, command, data, { timeout: 20_000 });
  }
  async get(node: RunningNode, contractId: bigint): Promise<Json> {
    return this.call<Json>(node.twinId, 'zos.deployment.get', { contract_id: Number(contractId) });
  }
}

export interface Grid {
  chain: Chain;
  client: DevChainClient;
  relay: RunningRelay;
  nodes: RunningNode[];
  users: { bob: User; charlie: User; dave: User };
  dir: string;
  /**
   * (Re)starts node `i` on its state directory; `wrapChain` puts a thin layer over the real chain
   * client (e.g. a gate the test opens), the chain itself stays chain-sim.
   */
  startNode(i: number, options?: NodeOptions, wrapChain?: (chain: ChainClient) => ChainClient): Promise<RunningNode>;
  close(): Promise<void>;
}

export async function startGrid(
  o: { nodes?: number; publicIps?: number; chain?: ChainOptions; node?: NodeOptions; fundPlanck?: bigint } = {},
): Promise<Grid> {
  const dir = await mkdtemp(join(tmpdir(), 'node-ref-e2e-'));
  const { chain, client, dev } = await createDevChain(o.chain ?? {}, {
    nodes: o.nodes ?? 2,
    publicIps: o.publicIps ?? 4,
    ...(o.fundPlanck === undefined ? {} : { fundPlanck: o.fundPlanck }),
  });
  const resolvers: TwinResolver[] = [];
  const relayResolver = chainTwinResolver(client);
  resolvers.push(relayResolver);
  const relay = await startRelay({ domain: DOMAIN, resolver: relayResolver });
  const nodes: RunningNode[] = [];
  const startNode = async (i: number, options: NodeOptions = {}, wrapChain?: (chain: ChainClient) => ChainClient): Promise<RunningNode> => {
    const n = dev.nodes[i]!;
    await nodes[i]?.stop();
    const running = await createNode({
      chain: wrapChain === undefined ? client : wrapChain(client),
      identity: n.account.identity,
      nodeId: n.id,
      twinId: n.twinId,
      stateDir: join(dir, `node${n.id}`),
      relayUrl: relay.url,
      relayDomain: DOMAIN,
      options: { sync: false, syncIntervalMs: 0, reportCheckIntervalMs: 0, ...o.node, ...options },
      peer: { onError: () => {} },
    });
    nodes[i] = running;
    return running;
  };
  for (let i = 0; i < dev.nodes.length; i++) await startNode(i);
  const users = {} as Grid['users'];
  for (const name of ['bob', 'charlie', 'dave'] as const) {
    const account = dev.accounts[name];
    await sendCall(client, account.identity, {
      method: 'updateTwin',
      args: { relay: DOMAIN, pk: account.identity.secp256k1.publicKey },
    });
    const resolver = chainTwinResolver(client);
    resolvers.push(resolver);
    const peer = new RmbPeer({ identity: account.identity, twinId: account.twinId, relays: relay.url, resolver, onError: () => {} });
    await peer.connect();
    users[name] = new User(account, client, peer);
  }
  return {
    chain,
    client,
    relay,
    nodes,
    users,
    dir,
    startNode,
    async close() {
      for (const u of Object.values(users)) await u.peer.close();
      for (const n of nodes) await n?.stop();
      await relay.close();
      for (const r of resolvers) await r.close?.();
      chain.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with the record once `pred` holds (checked now and after every change). */
export function waitFor(
  node: RunningNode,
  twinId: number,
  contractId: bigint,
  pred: (rec: DeploymentRecord) => boolean,
  timeoutMs = 15_000,
): Promise<DeploymentRecord> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const rec = node.node.record(twinId, contractId);
      if (rec !== undefined && pred(rec)) {
        off();
        clearTimeout(timer);
        resolve(rec);
        return true;
      }
      return false;
    };
    const off = node.node.onChange(() => void check());
    const timer = setTimeout(() => {
      off();
      const rec = node.node.record(twinId, contractId);
      reject(new Error(`condition not reached; states: ${JSON.stringify(rec?.workloads.map((w) => [w.name, w.result.state, w.result.message]))}`));
    }, timeoutMs);
    check();
  });
}

export const allIn =
  (state: WorkloadState) =>
  (rec: DeploymentRecord): boolean =>
    rec.job === null && rec.workloads.length > 0 && rec.workloads.every((w) => w.result.state === state);

/** The default SDK signature requirement: the owner alone, weight 1. */
export function ownerOnly(twinId: number): Json {
  return { requests: [{ twin_id: twinId, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' };
}

/** A VM with a network, a disk and `ips` public IPv4 workloads (the VM uses the first). */
export function vmDeployment(twinId: number, o: { ips?: number; memoryGiB?: number; description?: string; subnet?: number } = {}): Json {
  const ips = o.ips ?? 0;
  const net = o.subnet ?? 2;
  // network names are shared per twin on a node (zos `conflict`): one name per subnet here
  const netName = net === 2 ? 'net' : `net${net}`;
  const workloads: Json[] = [
    {
      version: 0,
      name: netName,
      type: 'network',
      metadata: '',
      description: '',
      data: {
        ip_range: '10.20.0.0/16',
        subnet: `10.20.${net}.0/24`,
        wireguard_private_key: 'GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=',
        wireguard_listen_port: 6065,
        peers: [],
      },
    },
    { version: 0, name: 'disk', type: 'zmount', metadata: '', description: '', data: { size: 10 * GiB } },
  ];
  for (let i = 0; i < ips; i++) {
    workloads.push({ version: 0, name: `pub${i}`, type: 'ip', metadata: '', description: '', data: { v4: true, v6: false } });
  }
  workloads.push({
    version: 0,
    name: 'vm',
    type: 'zmachine',
    metadata: '',
    description: '',
    data: {
      flist: 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist',
      network: { public_ip: ips > 0 ? 'pub0' : '', planetary: true, interfaces: [{ network: netName, ip: `10.20.${net}.2` }] },
      size: 0,
      compute_capacity: { cpu: 1, memory: (o.memoryGiB ?? 2) * GiB },
      mounts: [{ name: 'disk', mountpoint: '/data' }],
      entrypoint: '/sbin/zinit init',
      env: { SSH_KEY: 'ssh-ed25519 AAAA user@host' },
      corex: false,
      gpu: [],
    },
  });
  return {
    version: 0,
    twin_id: twinId,
    contract_id: 0,
    metadata: '{"type":"vm","name":"vm1"}',
    description: o.description ?? 'test vm',
    expiration: 0,
    signature_requirement: ownerOnly(twinId),
    workloads,
  };
}

/** A deployment with one disk (no network, no VM). */
export function diskDeployment(twinId: number, sizeGiB = 1, description = 'disk'): Json {
  return {
    version: 0,
    twin_id: twinId,
    contract_id: 0,
    metadata: '',
    description,
    expiration: 0,
    signature_requirement: ownerOnly(twinId),
    workloads: [{ version: 0, name: 'd1', type: 'zmount', metadata: '', description: '', data: { size: sizeGiB * GiB } }],
  };
}
