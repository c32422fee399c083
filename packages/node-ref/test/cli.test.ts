import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEV_MNEMONICS, createDevChain, serveChain, type ChainServer } from '@sc4it/chain-sim';
import { RmbPeer, chainTwinResolver, startRelay, type RunningRelay } from '@sc4it/rmb';
import { sendCall, type DevChainClient } from '@sc4it/types';
import { diskDeployment, DOMAIN, User, type Json } from './harness.ts';

// The node as a process (bin/sc4it-node.js, built `dist/`): it serves the bus, and after a
// kill -9 in the middle of a burst of deployments it restarts from its state directory without
// losing an accepted deployment or running one twice.
const BIN = fileURLToPath(new URL('../bin/sc4it-node.js', import.meta.url));

let dir: string;
let chainBox: Awaited<ReturnType<typeof createDevChain>>;
let server: ChainServer;
let relay: RunningRelay;
let bob: User;
const closers: (() => unknown)[] = [];

function startNode(state: string): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(
    process.execPath,
    [BIN, '--chain', server.url, '--relay', relay.url, '--relay-domain', DOMAIN, '--mnemonic', DEV_MNEMONICS.node1, '--node-id', '1', '--state', state],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.on('exit', (code) => reject(new Error(`node exited (${code}): ${err}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('sc4it-node ready')) resolve({ child, line });
    });
  });
}

async function states(nodeTwin: number, contractId: bigint): Promise<string[] | null> {
  try {
    const got = await bob.call<Json>(nodeTwin, 'zos.deployment.get', { contract_id: Number(contractId) });
    return (got['workloads'] as Json[]).map((w) => (w['result'] as Json)['state'] as string);
  } catch {
    return null;
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'node-ref-cli-'));
  chainBox = await createDevChain({}, { nodes: 1, publicIps: 0 });
  server = await serveChain(chainBox.chain);
  const relayResolver = chainTwinResolver(chainBox.client);
  relay = await startRelay({ domain: DOMAIN, resolver: relayResolver });
  const account = chainBox.dev.accounts.bob;
  const client: DevChainClient = chainBox.client;
  await sendCall(client, account.identity, { method: 'updateTwin', args: { relay: DOMAIN, pk: account.identity.secp256k1.publicKey } });
  const resolver = chainTwinResolver(client);
  const peer = new RmbPeer({ identity: account.identity, twinId: account.twinId, relays: relay.url, resolver, onError: () => {} });
  await peer.connect();
  bob = new User(account, client, peer);
  closers.push(() => peer.close(), () => resolver.close?.(), () => relay.close(), () => relayResolver.close?.(), () => server.close());
});
afterAll(async () => {
  for (const c of closers.reverse()) await c();
  chainBox?.chain.close();
  await rm(dir, { recursive: true, force: true });
});

describe('sc4it-node process', () => {
  it('prints a ready line, serves the bus, and survives kill -9 mid-deploy', async () => {
    const state = join(dir, 'node1');
    let { child, line } = await startNode(state);
    expect(line).toMatch(/^sc4it-node ready: node 1 twin \d+ relay ws:\/\/127\.0\.0\.1:\d+ state /);
    const nodeTwin = chainBox.dev.nodes[0]!.twinId;
    const version = await bob.call<Json>(nodeTwin, 'zos.system.version', null);
    expect(version).toHaveProperty('zos');

    const ds = Array.from({ length: 8 }, (_, i) => diskDeployment(bob.twinId, 1 + i, `burst ${i}`));
    const ids: bigint[] = [];
    for (const d of ds) ids.push(await bob.createContract(1, d));
    // send the burst; kill -9 as soon as the first one is accepted
    const sends = ds.map((d) => bob.call(nodeTwin, 'zos.deployment.deploy', bob.sign(d)).then(() => 'accepted', (e: Error) => e.message));
    await Promise.race(sends);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    ({ child } = await startNode(state));
    closers.push(() => child.kill('SIGTERM'));
    const outcomes = await Promise.all(sends);
    // anything not confirmed before the crash is sent again; `exists` means it had been stored
    for (const [i, d] of ds.entries()) {
      if (outcomes[i] === 'accepted') continue;
      try {
        await bob.call(nodeTwin, 'zos.deployment.deploy', bob.sign(d));
      } catch (err) {
        expect((err as Error).message).toBe('exists');
      }
    }
    for (const id of ids) {
      let s = await states(nodeTwin, id);
      for (let i = 0; i < 200 && !(s?.every((x) => x === 'ok') ?? false); i++) {
        await new Promise((r) => setTimeout(r, 50));
        s = await states(nodeTwin, id);
      }
      expect(s).toEqual(['ok']);
    }
    // each contract is deployed once on chain (a redelivered mark would be harmless: the call is idempotent)
    for (let i = 0; i < 200 && chainBox.chain.listContracts({ state: 'Deployed' }).length < ids.length; i++) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const id of ids) {
      expect((await chainBox.client.getContract(id))?.state.kind).toBe('Deployed');
      const marks = chainBox.chain.eventsFrom(0).filter((e) => e.name === 'ContractDeployed' && e.data['contractId'] === id);
      expect(marks).toHaveLength(1);
      const changes = await bob.call<Json[]>(nodeTwin, 'zos.deployment.changes', { contract_id: Number(id) });
      expect(changes.map((c) => (c['result'] as Json)['state'])).toEqual(['init', 'ok']);
    }
    const list = await bob.call<Json[]>(nodeTwin, 'zos.deployment.list', null);
    expect(list).toHaveLength(ids.length);
  });
});
