/**
 * The local grid of the demo: an embedded chain-sim persisted under a state folder and served over
 * JSON-RPC, a relay, and three reference nodes on two farms.
 */
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createChain, devChainOptions, devIdentity, serveChain, DEV_MNEMONICS, type Chain, type ChainServer, type LocalChainClient } from '@sc4it/chain-sim';
import { verifyDeployment, type Identity } from '@sc4it/crypto';
import { createNode, type RunningNode } from '@sc4it/node-ref';
import { chainTwinResolver, startRelay, type RunningRelay, type TwinResolver } from '@sc4it/rmb';
import { sendCall, type ChainCall, type Deployment } from '@sc4it/types';

/** Relay domain published on every demo twin (tfchain allows letters, digits, `.-_` only). */
export const RELAY_DOMAIN = 'relay.sc4it.localhost';
export const TFT = 10_000_000n;
const GIB = 1n << 30n;

export interface DemoNode {
  id: number;
  twinId: number;
  farmId: number;
  /** `zos` (every listed signer must sign) or `strict-weights` (weights only). */
  policy: 'zos' | 'strict-weights';
  running: RunningNode;
}

export interface DemoGrid {
  stateDir: string;
  chain: Chain;
  client: LocalChainClient;
  rpc: ChainServer;
  relay: RunningRelay;
  farms: { id: number; name: string; ips: string[] }[];
  nodes: DemoNode[];
  /** The chain's sudo (dev account alice): funds accounts. */
  sudo: Identity;
  fund(to: Uint8Array, amount: bigint): Promise<void>;
  stop(): Promise<void>;
}

export interface DemoGridOptions {
  stateDir: string;
  /** Keep what is already in `stateDir` (default: start from an empty chain). */
  keep?: boolean;
  /** `BillingFrequency` in blocks (tfchain: 600). @default 50 (5 minutes) */
  billingFrequency?: number;
  /** `GracePeriod` in blocks (tfchain: 14 days). @default 14 400 (1 day) */
  gracePeriodBlocks?: number;
  log?: (line: string) => void;
}

/** Farm 1 has three public IPs and nodes 1 and 2; farm 2 has one IP and node 3. */
const FARMS = [
  { name: 'freefarm', ips: ['185.206.122.33/24', '185.206.122.34/24', '185.206.122.35/24'], gateway: '185.206.122.1' },
  { name: 'tinyfarm', ips: ['91.90.15.10/24'], gateway: '91.90.15.1' },
];
const NODES = [
  { word: 'node1' as const, farm: 0, policy: 'zos' as const },
  { word: 'node2' as const, farm: 0, policy: 'zos' as const },
  { word: 'node3' as const, farm: 1, policy: 'strict-weights' as const },
];

export async function startDemoGrid(options: DemoGridOptions): Promise<DemoGrid> {
  const log = options.log ?? (() => {});
  const stateDir = options.stateDir;
  if (options.keep !== true) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const chain = createChain(
    devChainOptions({
      stateDir: join(stateDir, 'chain'),
      fsync: false,
      billingFrequency: options.billingFrequency ?? 50,
      gracePeriodBlocks: options.gracePeriodBlocks ?? 14_400,
    }),
  );
  const client = chain.client();
  const sudo = devIdentity('alice');
  const send = (who: Identity, call: ChainCall) => sendCall(client, who, call);
  const fund = async (to: Uint8Array, amount: bigint): Promise<void> => {
    await send(sudo, { method: 'fund', args: { to, amount } });
  };
  log(`chain-sim: chain id ${await client.chainId()}, state in ${join(stateDir, 'chain')}`);

  const resolver: TwinResolver = chainTwinResolver(client);
  const relay = await startRelay({ domain: RELAY_DOMAIN, resolver });
  const rpc = await serveChain(chain);
  log(`chain JSON-RPC on ${rpc.url}, relay on ${relay.url} (domain ${RELAY_DOMAIN})`);

  // the farmer, two farms with public IPs
  const farmer = devIdentity('farmer');
  const farms: DemoGrid['farms'] = [];
  const existingFarms = await client.listFarms();
  if ((await client.getTwinByAccount(farmer.publicKey)) === null) {
    await fund(farmer.publicKey, 1000n * TFT);
    await send(farmer, { method: 'createTwin', args: { relay: RELAY_DOMAIN, pk: farmer.secp256k1.publicKey } });
  }
  for (const f of FARMS) {
    const found = existingFarms.find((x) => x.name === f.name);
    const id = found?.id ?? Number((await send(farmer, { method: 'createFarm', args: { name: f.name, publicIps: f.ips.map((ip) => ({ ip, gateway: f.gateway })) } })).result);
    farms.push({ id, name: f.name, ips: f.ips });
  }
  log(`farms: ${farms.map((f) => `${f.name} (#${f.id}, ${f.ips.length} public IP${f.ips.length === 1 ? '' : 's'})`).join(', ')}`);

  // three nodes, each a reference node on the bus
  const nodes: DemoNode[] = [];
  for (const n of NODES) {
    const identity = devIdentity(n.word);
    let twin = await client.getTwinByAccount(identity.publicKey);
    if (twin === null) {
      await fund(identity.publicKey, 100n * TFT);
      await send(identity, { method: 'createTwin', args: { relay: RELAY_DOMAIN, pk: identity.secp256k1.publicKey } });
      twin = await client.getTwinByAccount(identity.publicKey);
    }
    const farmId = farms[n.farm]!.id;
    const existing = await client.getNodeByTwin(twin!.id);
    const id = existing?.id ?? Number((await send(identity, { method: 'createNode', args: { farmId, resources: { cru: 16n, mru: 64n * GIB, sru: 2048n * GIB, hru: 8192n * GIB } } })).result);
    const running = await createNode({
      chain: client,
      identity,
      nodeId: id,
      twinId: twin!.id,
      stateDir: join(stateDir, 'nodes', `node${id}`),
      relayUrl: relay.url,
      relayDomain: RELAY_DOMAIN,
      ...(n.policy === 'strict-weights'
        ? {
            deps: {
              verifySignatures: async (d: unknown, keys: Parameters<typeof verifyDeployment>[1]) => {
                await verifyDeployment(d as Deployment, keys, { policy: 'strict-weights' });
              },
            },
          }
        : {}),
      options: { sync: false, reportCheckIntervalMs: 250, syncIntervalMs: 2000, consumptionPeriod: 3600, nruPeriod: 3600 },
      peer: { onError: () => {} },
    });
    nodes.push({ id, twinId: twin!.id, farmId, policy: n.policy, running });
  }
  log(`nodes: ${nodes.map((n) => `#${n.id} on farm ${n.farmId} (${n.policy === 'zos' ? 'zos signature rule' : 'weights rule'})`).join(', ')}`);

  return {
    stateDir,
    chain,
    client,
    rpc,
    relay,
    farms,
    nodes,
    sudo,
    fund,
    async stop() {
      for (const n of nodes) await n.running.stop().catch(() => undefined);
      await rpc.close();
      await relay.close();
      await resolver.close?.();
      chain.close();
    },
  };
}

/** The demo's users: fixed dev mnemonics (never use them for real funds). */
export const DEMO_USERS = {
  bob: DEV_MNEMONICS.bob,
  charlie: DEV_MNEMONICS.charlie,
  dave: DEV_MNEMONICS.dave,
} as const;
