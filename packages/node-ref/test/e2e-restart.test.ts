import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectChain, createDevChain, serveChain, type ChainServer } from '@sc4it/chain-sim';
import { RmbPeer, chainTwinResolver, startRelay, type RunningRelay } from '@sc4it/rmb';
import { sendCall, type ChainClient, type DevChainClient } from '@sc4it/types';
import { createNode, type RunningNode } from '../src/create-node.ts';
import { allIn, diskDeployment, DOMAIN, User, waitFor } from './harness.ts';

// A node that loses the chain mid-deploy and restarts: accepted deployments are neither lost nor
// run twice, and the chain hears each `markContractDeployed` once. The chain is reached over
// chain-sim's JSON-RPC server, which the test stops and starts again (a real outage).
describe('restart mid-deploy', () => {
  let dir: string;
  let chain: Awaited<ReturnType<typeof createDevChain>>['chain'];
  let client: DevChainClient;
  let dev: Awaited<ReturnType<typeof createDevChain>>['dev'];
  let relay: RunningRelay;
  let bob: User;
  const closers: (() => Promise<void> | void)[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'node-ref-restart-'));
    ({ chain, client, dev } = await createDevChain({}, { nodes: 1, publicIps: 2 }));
    const relayResolver = chainTwinResolver(client);
    relay = await startRelay({ domain: DOMAIN, resolver: relayResolver });
    closers.push(() => relay.close(), () => relayResolver.close?.());
    const account = dev.accounts.bob;
    await sendCall(client, account.identity, { method: 'updateTwin', args: { relay: DOMAIN, pk: account.identity.secp256k1.publicKey } });
    const resolver = chainTwinResolver(client);
    const peer = new RmbPeer({ identity: account.identity, twinId: account.twinId, relays: relay.url, resolver, onError: () => {} });
    await peer.connect();
    closers.push(() => peer.close(), () => resolver.close?.());
    bob = new User(account, client, peer);
  });
  afterAll(async () => {
    for (const c of closers.reverse()) await c();
    chain.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function start(server: ChainServer): Promise<{ running: RunningNode; rpc: ChainClient }> {
    const rpc = await connectChain(server.url);
    const n = dev.nodes[0]!;
    const running = await createNode({
      chain: rpc,
      identity: n.account.identity,
      nodeId: n.id,
      twinId: n.twinId,
      stateDir: join(dir, 'node'),
      relayUrl: relay.url,
      relayDomain: DOMAIN,
      options: { sync: true, syncIntervalMs: 0, reportCheckIntervalMs: 0, outboxRetryMs: 20 },
      peer: { onError: () => {} },
    });
    return { running, rpc };
  }

  it('resumes accepted deployments after the chain comes back and the node restarts', async () => {
    let server = await serveChain(chain);
    const first = await start(server);
    const node = first.running;
    const d1 = diskDeployment(bob.twinId, 1, 'before the outage');
    const c1 = await bob.createContract(node.node.nodeId, d1);
    await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d1));
    await waitFor(node, bob.twinId, c1, allIn('ok'));

    // the chain's RPC endpoint goes away; the bus still works (keys are cached, as zos caches them)
    const later = [diskDeployment(bob.twinId, 2, 'during the outage'), diskDeployment(bob.twinId, 3, 'during the outage too')];
    const ids: bigint[] = [];
    for (const d of later) ids.push(await bob.createContract(node.node.nodeId, d));
    await server.close();
    for (const d of later) expect(await bob.call(node.twinId, 'zos.deployment.deploy', bob.sign(d))).toBeNull();
    for (const id of ids) {
      const rec = node.node.record(bob.twinId, id)!;
      expect(rec.job).toEqual({ op: 'provision' }); // accepted, waiting for the chain
      expect(rec.workloads.map((w) => w.result.state)).toEqual(['init']);
    }
    await node.stop();
    await first.rpc.close().catch(() => undefined);

    // chain back, node restarted on the same state directory
    server = await serveChain(chain);
    closers.push(() => server.close());
    const second = await start(server);
    closers.push(() => second.running.stop(), () => second.rpc.close());
    for (const id of [c1, ...ids]) await waitFor(second.running, bob.twinId, id, allIn('ok'));
    await second.running.node.flushOutbox();
    for (const id of [c1, ...ids]) {
      expect((await client.getContract(id))?.state.kind).toBe('Deployed');
      const marks = chain.eventsFrom(0).filter((e) => e.name === 'ContractDeployed' && e.data['contractId'] === id);
      expect(marks).toHaveLength(1);
      const rec = second.running.node.record(bob.twinId, id)!;
      expect(rec.history.map((h) => h.result.state)).toEqual(['init', 'ok']);
    }
    expect(second.running.node.records()).toHaveLength(3);
    const got = await bob.get(second.running, ids[1]!);
    expect(got['description']).toBe('during the outage too');
  });
});

describe('chain connection lost and back, node keeps running', () => {
  it('reconnects, finishes waiting deployments and applies a cancel made during the outage', async () => {
    const { reconnectingChain } = await import('../src/reconnecting-chain.ts');
    const dir = await mkdtemp(join(tmpdir(), 'node-ref-reconnect-'));
    const { chain, client, dev } = await createDevChain({}, { nodes: 1, publicIps: 0 });
    const relayResolver = chainTwinResolver(client);
    const relay = await startRelay({ domain: DOMAIN, resolver: relayResolver });
    const account = dev.accounts.bob;
    await sendCall(client, account.identity, { method: 'updateTwin', args: { relay: DOMAIN, pk: account.identity.secp256k1.publicKey } });
    const resolver = chainTwinResolver(client);
    const peer = new RmbPeer({ identity: account.identity, twinId: account.twinId, relays: relay.url, resolver, onError: () => {} });
    await peer.connect();
    const bob = new User(account, client, peer);
    let server = await serveChain(chain);
    const port = server.port;
    const rpc = reconnectingChain(() => connectChain(`ws://127.0.0.1:${port}`));
    const n = dev.nodes[0]!;
    const running = await createNode({
      chain: rpc,
      identity: n.account.identity,
      nodeId: n.id,
      twinId: n.twinId,
      stateDir: dir,
      relayUrl: relay.url,
      relayDomain: DOMAIN,
      options: { sync: false, syncIntervalMs: 0, reportCheckIntervalMs: 0, outboxRetryMs: 20 },
      peer: { onError: () => {} },
    });
    try {
      const d1 = diskDeployment(bob.twinId, 1, 'runs before');
      const c1 = await bob.createContract(n.id, d1);
      await bob.call(running.twinId, 'zos.deployment.deploy', bob.sign(d1));
      await waitFor(running, bob.twinId, c1, allIn('ok'));
      const d2 = diskDeployment(bob.twinId, 2, 'sent during the outage');
      const c2 = await bob.createContract(n.id, d2);
      await server.close();
      await bob.cancel(c1); // the node cannot see this event now
      await bob.call(running.twinId, 'zos.deployment.deploy', bob.sign(d2));
      expect(running.node.record(bob.twinId, c2)?.job).toEqual({ op: 'provision' });
      server = await serveChain(chain, { port });
      await waitFor(running, bob.twinId, c2, allIn('ok'));
      // the subscription resumed from the last block seen: the missed cancel arrives
      await waitFor(running, bob.twinId, c1, allIn('deleted'));
      expect(running.node.record(bob.twinId, c1)?.workloads[0]?.result.message).toBe('contract canceled event received');
    } finally {
      await running.stop();
      await rpc.close();
      await server.close();
      await peer.close();
      await resolver.close?.();
      await relay.close();
      await relayResolver.close?.();
      chain.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
