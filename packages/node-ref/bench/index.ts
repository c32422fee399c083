/**
 * End-to-end deployment throughput: for each deployment a user creates the node contract on
 * chain-sim, signs the deployment and sends it over the bus (relay, encrypted both ways) to one of
 * three nodes, which validates it (Valid(), signatures against the chain, contract and hash) and
 * provisions every workload to `ok`. Latency runs from the contract call to the last `ok`.
 *
 * Runs: 1000 deployments over the bus with fsync (the default node), then two comparisons with
 * fewer deployments: without fsync, and in process (the node called directly, no bus).
 *   pnpm --filter @sc4it/node-ref bench
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { createDevChain } from '@sc4it/chain-sim';
import { generateMnemonic, identityFromMnemonic, signDeployment, type Identity } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { RmbPeer, chainTwinResolver, startRelay, type TwinResolver } from '@sc4it/rmb';
import { sendCall, utf8ToBytes, type ChainCall, type Deployment, type DevChainClient, type TxReceipt } from '@sc4it/types';
import { createNode, type RunningNode } from '../src/create-node.ts';

const GiB = 2 ** 30;
const DOMAIN = 'relay.bench';

interface RunResult {
  label: string;
  n: number;
  seconds: number;
  rate: number;
  p50: number;
  p99: number;
  failed: number;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

function deployment(twin: number, i: number): Record<string, unknown> {
  return {
    version: 0,
    twin_id: twin,
    contract_id: 0,
    metadata: '{"type":"vm"}',
    description: `bench ${i}`,
    expiration: 0,
    signature_requirement: { requests: [{ twin_id: twin, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' },
    workloads: [
      {
        version: 0, name: `n${i}`, type: 'network', metadata: '', description: '',
        data: { ip_range: '10.20.0.0/16', subnet: '10.20.2.0/24', wireguard_private_key: 'GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=', wireguard_listen_port: 6065, peers: [] },
      },
      { version: 0, name: 'disk', type: 'zmount', metadata: '', description: '', data: { size: GiB } },
      {
        version: 0, name: 'vm', type: 'zmachine', metadata: '', description: '',
        data: {
          flist: 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist',
          network: { public_ip: '', planetary: true, interfaces: [{ network: `n${i}`, ip: '10.20.2.2' }] },
          size: 0, compute_capacity: { cpu: 1, memory: 256 * 2 ** 20 }, mounts: [{ name: 'disk', mountpoint: '/data' }],
          entrypoint: '/sbin/zinit init', env: {}, corex: false, gpu: [],
        },
      },
    ],
  };
}

async function run(label: string, total: number, mode: { bus: boolean; fsync: boolean }): Promise<RunResult> {
  const dir = await mkdtemp(join(tmpdir(), 'node-ref-bench-'));
  const { chain, client, dev } = await createDevChain(
    { mockSignatures: false },
    { nodes: 3, publicIps: 0, nodeResources: { cru: 1024n, mru: 4096n * BigInt(GiB), sru: 1n << 50n, hru: 1n << 50n } },
  );
  const closers: (() => Promise<unknown> | unknown)[] = [];
  const relayResolver = chainTwinResolver(client);
  const relay = await startRelay({ domain: DOMAIN, resolver: relayResolver });
  closers.push(() => relay.close(), () => relayResolver.close?.());
  const nodes: RunningNode[] = [];
  for (const n of dev.nodes) {
    const running = await createNode({
      chain: client,
      identity: n.account.identity,
      nodeId: n.id,
      twinId: n.twinId,
      stateDir: join(dir, `node${n.id}`),
      ...(mode.bus ? { relayUrl: relay.url, relayDomain: DOMAIN } : {}),
      options: { sync: mode.fsync, syncIntervalMs: 0, reportCheckIntervalMs: 0, concurrency: 16 },
      peer: { onError: () => {} },
    });
    nodes.push(running);
    closers.push(() => running.stop());
  }
  // users: each has its own lane (contract calls of one account go in nonce order)
  const alice = dev.accounts.alice.identity;
  const users: { identity: Identity; twin: number; peer: RmbPeer | null; lane: Promise<unknown> }[] = [];
  const USERS = 24;
  for (let u = 0; u < USERS; u++) {
    const identity = identityFromMnemonic(generateMnemonic(), 'sr25519');
    await sendCall(client, alice, { method: 'fund', args: { to: identity.publicKey, amount: 1_000_000n * 10_000_000n } });
    const r = await sendCall(client, identity, { method: 'createTwin', args: { relay: DOMAIN, pk: identity.secp256k1.publicKey } });
    const twin = Number(r.result);
    let peer: RmbPeer | null = null;
    if (mode.bus) {
      const resolver: TwinResolver = chainTwinResolver(client);
      peer = new RmbPeer({ identity, twinId: twin, relays: relay.url, resolver, onError: () => {} });
      await peer.connect();
      closers.push(() => peer?.close(), () => resolver.close?.());
    }
    users.push({ identity, twin, peer, lane: Promise.resolve() });
  }
  const onLane = (u: (typeof users)[number], call: ChainCall): Promise<TxReceipt> => {
    const p = u.lane.catch(() => undefined).then(() => sendCall(client as DevChainClient, u.identity, call));
    u.lane = p;
    return p;
  };
  // completion: resolve when every workload of (twin, contract) is ok
  const waiting = new Map<string, () => void>();
  for (const n of nodes) {
    n.node.onChange((rec) => {
      if (rec.job !== null || !rec.workloads.every((w) => w.result.state === 'ok' || w.result.state === 'error')) return;
      waiting.get(`${rec.twinId}-${rec.contractId}`)?.();
    });
  }
  const latencies: number[] = [];
  let failed = 0;
  const one = async (i: number): Promise<void> => {
    const u = users[i % USERS]!;
    const node = nodes[i % nodes.length]!;
    const t0 = performance.now();
    const d = deployment(u.twin, i);
    const r = await onLane(u, {
      method: 'createNodeContract',
      args: { nodeId: node.node.nodeId, deploymentHash: deploymentHash(d), deploymentData: utf8ToBytes(d['metadata'] as string), publicIps: 0 },
    });
    const contractId = BigInt(r.result as bigint);
    d['contract_id'] = Number(contractId);
    const signed = signDeployment(d as unknown as Deployment, u.twin, u.identity);
    const done = new Promise<void>((resolve) => waiting.set(`${u.twin}-${contractId}`, resolve));
    if (u.peer !== null) await u.peer.call(node.twinId, 'zos.deployment.deploy', signed, { timeout: 60_000 });
    else await node.node.handleCommand(u.twin, 'zos.deployment.deploy', JSON.stringify(signed));
    await done;
    const rec = node.node.record(u.twin, contractId);
    if (!rec?.workloads.every((w) => w.result.state === 'ok')) failed++;
    latencies.push(performance.now() - t0);
  };
  const CONCURRENCY = 48;
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = (performance.now() - start) / 1000;
  for (const n of nodes) await n.node.flushOutbox();
  const deployed = chain.listContracts({ state: 'Deployed' }).length;
  if (deployed !== total) failed += total - deployed;
  for (const c of closers.reverse()) await c();
  chain.close();
  await rm(dir, { recursive: true, force: true });
  latencies.sort((a, b) => a - b);
  return { label, n: total, seconds, rate: total / seconds, p50: pct(latencies, 50), p99: pct(latencies, 99), failed };
}

const results: RunResult[] = [];
results.push(await run('bus + fsync (default node)', 1000, { bus: true, fsync: true }));
results.push(await run('bus, no fsync', 300, { bus: true, fsync: false }));
results.push(await run('in process (no bus) + fsync', 300, { bus: false, fsync: true }));

console.log(`machine: ${cpus()[0]?.model ?? '?'} × ${cpus().length}, ${Math.round(totalmem() / GiB)} GiB, Node ${process.version}`);
console.log('run                                  deployments  seconds  deploy/s   p50 ms   p99 ms  failed');
for (const r of results) {
  console.log(
    `${r.label.padEnd(36)} ${String(r.n).padStart(11)} ${r.seconds.toFixed(2).padStart(8)} ${r.rate.toFixed(1).padStart(9)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.failed).padStart(7)}`,
  );
}
const base = results[0]!;
for (const r of results.slice(1)) console.log(`ratio ${r.label} / ${base.label}: ${(r.rate / base.rate).toFixed(2)}× throughput`);
if (results.some((r) => r.failed > 0)) process.exitCode = 1;
