import type { Identity } from '@sc4it/crypto';
import { RmbPeer, chainTwinResolver, type RmbIncoming, type TwinResolver } from '@sc4it/rmb';
import { replyBytes } from './reply-json.ts';
import { NodeError } from './zos-errors.ts';
import { equalBytes, sendCall, type ChainClient } from '@sc4it/types';
import { ReferenceNode, type NodeDeps, type NodeOptions } from './node.ts';

/** The bus commands the node serves, named as zos names them (zosbase pkg/zos_api/routes.go). */
export const NODE_COMMANDS: readonly string[] = [
  'zos.deployment.deploy',
  'zos.deployment.update',
  'zos.deployment.get',
  'zos.deployment.list',
  'zos.deployment.changes',
  'zos.deployment.delete',
  'zos.statistics.get',
  'zos.system.version',
];

export interface CreateNodeInit {
  chain: ChainClient;
  /** The node twin's identity (account key for the chain, secp256k1 key for the bus). */
  identity: Identity;
  nodeId: number;
  /** The node's twin; default: the twin of `identity`'s account on chain. */
  twinId?: number;
  stateDir: string;
  /** Relay WebSocket URL(s) to serve the bus on; omit to run without a bus (in-process use). */
  relayUrl?: string | string[];
  /** Relay domain(s) published on the twin, `_`-joined (default: host of each relay URL). */
  relayDomain?: string;
  /** Publish the bus key and relay on the node's twin when they differ (default true). */
  publishTwin?: boolean;
  /** Twin lookups for the bus (default: from `chain`, cached). */
  resolver?: TwinResolver;
  /** Replace some of the node's checks (defaults: @sc4it/types, hash, crypto). */
  deps?: Partial<NodeDeps>;
  options?: NodeOptions;
  /** Extra options for the bus peer. */
  peer?: { requestTtl?: number; onError?: (err: unknown) => void };
}

export interface RunningNode {
  node: ReferenceNode;
  /** The bus peer, when `relayUrl` was given. */
  peer: RmbPeer | null;
  twinId: number;
  /** Stops the node and closes its peer (not the chain). */
  stop(): Promise<void>;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * Starts a node: resolves its twin, publishes its bus key and relay on the twin if needed,
 * starts the {@link ReferenceNode} and serves the zos commands on the bus.
 * @example
 * ```ts
 * const { node, stop } = await createNode({ chain, identity, nodeId: 1, stateDir: '/tmp/n1', relayUrl: 'ws://127.0.0.1:7000' });
 * ```
 */
export async function createNode(init: CreateNodeInit): Promise<RunningNode> {
  const { chain, identity } = init;
  let twinId = init.twinId;
  if (twinId === undefined) {
    const twin = await chain.getTwinByAccount(identity.publicKey);
    if (twin === null) throw new NodeError('node.no_twin', 'the node identity has no twin on chain');
    twinId = twin.id;
  }
  const urls = init.relayUrl === undefined ? [] : Array.isArray(init.relayUrl) ? init.relayUrl : [init.relayUrl];
  if (urls.length > 0 && init.publishTwin !== false) {
    const relay = init.relayDomain ?? urls.map(hostOf).join('_');
    const pk = identity.secp256k1.publicKey;
    const twin = await chain.getTwin(twinId);
    if (twin !== null && (twin.relay !== relay || twin.pk === null || !equalBytes(twin.pk, pk))) {
      await sendCall(chain, identity, { method: 'updateTwin', args: { relay, pk } });
    }
  }
  const node = new ReferenceNode({
    chain,
    identity,
    twinId,
    nodeId: init.nodeId,
    stateDir: init.stateDir,
    ...(init.deps === undefined ? {} : { deps: init.deps }),
    ...(init.options === undefined ? {} : { options: init.options }),
  });
  await node.start();
  let peer: RmbPeer | null = null;
  let resolver: TwinResolver | undefined;
  if (urls.length > 0) {
    resolver = init.resolver ?? chainTwinResolver(chain);
    peer = new RmbPeer({
      identity,
      twinId,
      relays: urls,
      resolver,
      ...(init.peer?.requestTtl === undefined ? {} : { requestTtl: init.peer.requestTtl }),
      ...(init.peer?.onError === undefined ? {} : { onError: init.peer.onError }),
    });
    for (const command of NODE_COMMANDS) {
      peer.handle(command, async (req: RmbIncoming) => replyBytes(await node.handleCommand(req.sender.id, command, req.payload)));
    }
    try {
      await peer.connect();
    } catch (err) {
      await node.stop();
      await peer.close();
      throw err;
    }
  }
  return {
    node,
    peer,
    twinId,
    async stop() {
      await peer?.close();
      if (init.resolver === undefined) await resolver?.close?.();
      await node.stop();
    },
  };
}
