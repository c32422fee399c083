/**
 * A whole local grid for the client's tests: an in-process chain-sim (instant blocks, Alice as
 * sudo) served over JSON-RPC, a real relay on a random port, and reference nodes on the bus.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createChain, devChainOptions, devIdentity, serveChain, type Chain, type ChainServer } from '@sc4it/chain-sim';
import { generateMnemonic, identityFromMnemonic, type Identity } from '@sc4it/crypto';
import { createNode, type RunningNode } from '@sc4it/node-ref';
import { chainTwinResolver, startRelay, type RunningRelay, type TwinResolver } from '@sc4it/rmb';
import { sendCall, type ChainClient, type DevChainClient, type Resources } from '@sc4it/types';

export const RELAY_DOMAIN = '127.0.0.1';
const GIB = 1n << 30n;
export const TFT = 10_000_000n;

export interface Grid {
  chain: Chain;
  client: DevChainClient;
  rpc: ChainServer;
  relay: RunningRelay;
  nodes: { id: number; twinId: number; running: RunningNode; identity: Identity }[];
  farms: { id: number; ips: string[] }[];
  /** Funds a fresh account and returns its mnemonic (the twin is created by GridClient.connect). */
  newUser(tft?: bigint): Promise<{ mnemonic: string; identity: Identity }>;
  stop(): Promise<void>;
}

export interface GridOptions {
  /** Public IPs per farm, and which farm each node is on (index into farms). */
  farms?: number[];
  nodeFarms?: number[];
  nodeResources?: Resources;
  /** Per node index: replace node dependencies (e.g. a different signature rule). */
  nodeDeps?: (index: number) => Record<string, unknown> | undefined;
  billingFrequency?: number;
  gracePeriodBlocks?: number;
  /** Per node index: the chain client the node uses (e.g. one whose reads a test can hold). */
  nodeChain?: (index: number, client: DevChainClient) => ChainClient;
  /** Block production (default instant: one block per call). */
  mode?: 'instant' | 'interval';
  blockIntervalMs?: number;
}

const NODE_WORDS = ['node1', 'node2', 'node3'] as const;

export async function startGrid(options: GridOptions = {}): Promise<Grid> {
  const dir = mkdtempSync(join(tmpdir(), 'sc4it-client-'));
  const chain = createChain(
    devChainOptions({
      billingFrequency: options.billingFrequency ?? 10,
      gracePeriodBlocks: options.gracePeriodBlocks ?? 100,
      ...(options.mode === undefined ? {} : { mode: options.mode }),
      ...(options.blockIntervalMs === undefined ? {} : { blockIntervalMs: options.blockIntervalMs }),
    }),
  );
  const client = chain.client();
  const alice = devIdentity('alice');
  const fund = async (to: Uint8Array, amount: bigint) => sendCall(client, alice, { method: 'fund', args: { to, amount } });
  const farmer = devIdentity('farmer');
  await fund(farmer.publicKey, 1000n * TFT);
  await sendCall(client, farmer, { method: 'createTwin', args: { relay: RELAY_DOMAIN, pk: farmer.secp256k1.publicKey } });
  const farms: Grid['farms'] = [];
  for (const [f, count] of (options.farms ?? [2]).entries()) {
    const ips = Array.from({ length: count }, (_, i) => `185.206.${122 + f}.${33 + i}/24`);
    const r = await sendCall(client, farmer, {
      method: 'createFarm',
      args: { name: `farm${f + 1}`, publicIps: ips.map((ip) => ({ ip, gateway: `185.206.${122 + f}.1` })) },
    });
    farms.push({ id: Number(r.result), ips });
  }
  const resolver: TwinResolver = chainTwinResolver(client);
  const relay = await startRelay({ domain: RELAY_DOMAIN, resolver });
  const rpc = await serveChain(chain);
  const nodes: Grid['nodes'] = [];
  for (const [i, farmIndex] of (options.nodeFarms ?? [0]).entries()) {
    const identity = devIdentity(NODE_WORDS[i]!);
    await fund(identity.publicKey, 100n * TFT);
    const twin = await sendCall(client, identity, { method: 'createTwin', args: { relay: RELAY_DOMAIN, pk: identity.secp256k1.publicKey } });
    const resources = options.nodeResources ?? { cru: 8n, mru: 32n * GIB, sru: 1024n * GIB, hru: 4096n * GIB };
    const made = await sendCall(client, identity, { method: 'createNode', args: { farmId: farms[farmIndex]!.id, resources } });
    const id = Number(made.result);
    const deps = options.nodeDeps?.(i);
    const running = await createNode({
      chain: options.nodeChain?.(i, client) ?? client,
      identity,
      nodeId: id,
      twinId: Number(twin.result),
      stateDir: join(dir, `node${id}`),
      relayUrl: relay.url,
      relayDomain: RELAY_DOMAIN,
      ...(deps === undefined ? {} : { deps }),
      options: { sync: false, reportCheckIntervalMs: 200, syncIntervalMs: 1000 },
      peer: { onError: () => {} },
    });
    nodes.push({ id, twinId: Number(twin.result), running, identity });
  }
  return {
    chain,
    client,
    rpc,
    relay,
    nodes,
    farms,
    async newUser(tft = 1000n) {
      const mnemonic = generateMnemonic();
      const identity = identityFromMnemonic(mnemonic, 'sr25519');
      await fund(identity.publicKey, tft * TFT);
      return { mnemonic, identity };
    },
    async stop() {
      for (const n of nodes) await n.running.stop();
      await rpc.close();
      await relay.close();
      await resolver.close?.();
      chain.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
