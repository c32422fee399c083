import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo } from 'node:net';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Identity, identityFromSeed } from '@sc4it/crypto';
import { type DevChainClient, sendCall } from '@sc4it/types';
// Test-only: chain-sim is a devDependency of rmb (the relay loads it at run time, never imports it).
import { type RpcChainClient, connectChain, devIdentity } from '@sc4it/chain-sim';
import { WebSocketServer } from 'ws';
import { type RmbEnvelope, RmbPeer, chainTwinResolver, createRelayToken, decodeRmbEnvelope, runRelayCli } from '../src/index.ts';
import { isRefusal, rawConnect, until } from './helpers.ts';

/**
 * `sc4it-relay --chain`: a real chain-sim process (`bin/sc4it-chain.js --dev`), a real relay
 * process resolving twins over chain-sim's JSON-RPC, and peers whose twins exist only on that
 * chain. Both binaries run from `dist/` (`pnpm --filter @sc4it/rmb... build` builds chain-sim too,
 * as rmb's devDependency).
 */
const here = dirname(fileURLToPath(import.meta.url));
const RELAY_BIN = join(here, '..', 'bin', 'sc4it-relay.js');
const CHAIN_BIN = join(here, '..', '..', 'chain-sim', 'bin', 'sc4it-chain.js');

const procs: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
  // The chain process lives for the whole file; relays end with their test.
  for (const p of procs.splice(0)) {
    if (p === chainProc) procs.push(p);
    else if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  }
});

function start(bin: string, args: string[], cwd: string): Promise<{ proc: ChildProcess; url: string; out: () => string }> {
  const proc = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  procs.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, out: () => out });
    };
    proc.stdout!.on('data', onData);
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => reject(new Error(`${bin} exited ${code}: ${out}`)));
  });
}

let dir: string;
let chainUrl: string;
let chainProc: ChildProcess;
let chain: RpcChainClient;
const chainArgs = (port: string) => ['--host', '127.0.0.1', '--port', port, '--state', join(dir, 'chain'), '--dev'];
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc4it-rmb-chain-'));
  const started = await start(CHAIN_BIN, chainArgs('0'), dir);
  chainUrl = started.url;
  chainProc = started.proc;
  chain = await connectChain(chainUrl);
}, 60_000);
afterAll(async () => {
  await chain?.close();
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

let seedCounter = 0x5c41;
function freshIdentity(keyType: 'sr25519' | 'ed25519'): Identity {
  seedCounter += 1;
  return identityFromSeed(`0x${seedCounter.toString(16).padStart(64, '0')}`, keyType);
}

/** Funds `who` from the dev sudo (alice) and registers its twin on the chain; returns the twin id. */
async function registerTwin(client: DevChainClient, who: Identity, relay: string, withPk = true): Promise<number> {
  await sendCall(client, devIdentity('alice'), { method: 'fund', args: { to: who.publicKey, amount: 10_000_000_000n } });
  const r = await sendCall(client, who, { method: 'createTwin', args: { relay, pk: withPk ? who.secp256k1.publicKey : null } });
  return Number(r.result);
}

describe('sc4it-relay --chain <ws-url> against a real chain-sim', () => {
  it('authenticates and routes peers whose twins exist only on the chain; a twin created later is seen at once', async () => {
    const alice = freshIdentity('sr25519');
    const bob = freshIdentity('ed25519');
    const aliceId = await registerTwin(chain, alice, 'relay1.test');
    const bobId = await registerTwin(chain, bob, 'other.test_relay1.test');
    // The relay process is started from a directory with no node_modules: it finds chain-sim as
    // the sibling workspace package (the default `--chain-client`).
    const federated: RmbEnvelope[] = [];
    const other = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        federated.push(decodeRmbEnvelope(new Uint8Array(Buffer.concat(chunks))));
        res.writeHead(202).end();
      });
    });
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r));
    servers.push(other);
    const otherUrl = `http://127.0.0.1:${(other.address() as AddressInfo).port}/`;
    const relay = await start(
      RELAY_BIN,
      ['--host', '127.0.0.1', '--port', '0', '--domain', 'relay1.test', '--chain', chainUrl, '--federation', `other.test=${otherUrl}`],
      dir,
    );
    expect(relay.out()).toContain('domains: relay1.test');

    // The peers resolve each other through the chain too (no static list anywhere).
    const resolverA = chainTwinResolver(await connectChain(chainUrl));
    const resolverB = chainTwinResolver(await connectChain(chainUrl));
    const pa = new RmbPeer({ identity: alice, twinId: aliceId, relays: relay.url, resolver: resolverA });
    const pb = new RmbPeer({ identity: bob, twinId: bobId, relays: relay.url, resolver: resolverB });
    const seen: { source: number; encrypted: boolean }[] = [];
    pb.handle('calc.add', (req) => {
      seen.push({ source: req.source.twin, encrypted: req.encrypted });
      const { x, y } = req.json<{ x: number; y: number }>();
      return { sum: x + y };
    });
    pa.handle('whoami', (req) => ({ you: req.source.twin }));
    await Promise.all([pa.connect(), pb.connect()]);
    try {
      expect(await pa.call(bobId, 'calc.add', { x: 2, y: 40 }, { timeout: 10_000 })).toEqual({ sum: 42 });
      expect(await pb.call(aliceId, 'whoami', null, { timeout: 10_000 })).toEqual({ you: bobId });
      expect(seen).toEqual([{ source: aliceId, encrypted: true }]);

      // A twin id the chain does not know yet is refused at the handshake (401, rmb-rs's text)…
      const carol = freshIdentity('sr25519');
      const nextId = bobId + 1;
      const refused = await rawConnect(relay.url, createRelayToken(carol, nextId));
      expect(isRefusal(refused) && refused.status).toBe(401);
      expect(isRefusal(refused) && refused.body).toContain(`twin not found ${nextId}`);
      // …and once the chain stores it, the relay's cached miss is dropped by the TwinStored event.
      expect(await registerTwin(chain, carol, 'relay1.test')).toBe(nextId);
      const resolverC = chainTwinResolver(await connectChain(chainUrl));
      const pc = new RmbPeer({ identity: carol, twinId: nextId, relays: relay.url, resolver: resolverC });
      await until(async () => {
        const c = await rawConnect(relay.url, createRelayToken(carol, nextId));
        if (isRefusal(c)) return false;
        c.close();
        return true;
      }, 10_000, 100);
      await pc.connect();
      try {
        expect(await pc.call(bobId, 'calc.add', { x: 1, y: 1 }, { timeout: 10_000 })).toEqual({ sum: 2 });
        expect(seen.at(-1)).toEqual({ source: nextId, encrypted: true });
      } finally {
        await pc.close();
        await resolverC.close?.();
      }

      // A twin that moves its relay elsewhere on chain is federated from then on instead of queued
      // here while offline: the relay learns it from the TwinUpdated event (its cache entry is
      // still fresh). A live local session would still take precedence (rmb.md §5.2 step 4).
      await pb.close();
      await sendCall(chain, bob, { method: 'updateTwin', args: { relay: 'other.test', pk: bob.secp256k1.publicKey } });
      await until(async () => {
        await pa.call(bobId, 'calc.add', { x: 0, y: 0 }, { timeout: 1_000 }).catch(() => undefined);
        return federated.some((e) => e.destination?.twin === bobId && e.source?.twin === aliceId);
      }, 20_000, 50);
    } finally {
      await pa.close();
      await pb.close();
      await resolverA.close?.();
      await resolverB.close?.();
    }
  }, 90_000);

  it('keeps resolving twins after the chain is killed and restarted (the relay reconnects)', async () => {
    const alice = freshIdentity('sr25519');
    const bob = freshIdentity('sr25519');
    const aliceId = await registerTwin(chain, alice, 'relay1.test');
    const relay = await start(RELAY_BIN, ['--host', '127.0.0.1', '--port', '0', '--domain', 'relay1.test', '--chain', chainUrl], dir);
    const first = await rawConnect(relay.url, createRelayToken(alice, aliceId));
    expect(isRefusal(first)).toBe(false);
    if (!isRefusal(first)) first.close();

    // kill -9 the chain, then start it again on the same port from its state directory.
    await chain.close();
    chainProc.kill('SIGKILL');
    await new Promise((r) => chainProc.once('exit', r));
    // While the chain is down, a twin the relay has not cached cannot be checked: 500, not a crash.
    const down = await rawConnect(relay.url, createRelayToken(bob, aliceId + 1));
    expect(isRefusal(down) && down.status).toBe(500);
    const again = await start(CHAIN_BIN, chainArgs(new URL(chainUrl).port), dir);
    expect(again.url).toBe(chainUrl);
    chainProc = again.proc;
    chain = await connectChain(chainUrl);
    expect(await chain.getTwin(aliceId)).toMatchObject({ id: aliceId, relay: 'relay1.test' });

    const bobId = await registerTwin(chain, bob, 'relay1.test');
    expect(bobId).toBe(aliceId + 1);
    const resolver = chainTwinResolver(chain, { watchEvents: false });
    const pa = new RmbPeer({ identity: alice, twinId: aliceId, relays: relay.url, resolver });
    const pb = new RmbPeer({ identity: bob, twinId: bobId, relays: relay.url, resolver });
    pb.handle('echo', (req) => req.json<unknown>());
    try {
      // The relay reconnects on its next lookup (attempts are spaced by a second).
      await until(async () => {
        const c = await rawConnect(relay.url, createRelayToken(bob, bobId));
        if (isRefusal(c)) return false;
        c.close();
        return true;
      }, 15_000, 200);
      await Promise.all([pa.connect(), pb.connect()]);
      expect(await pa.call(bobId, 'echo', { n: 7 }, { timeout: 10_000 })).toEqual({ n: 7 });
    } finally {
      await pa.close();
      await pb.close();
    }
    expect(relay.proc.exitCode).toBe(null);
  }, 90_000);

  it('a chain that accepts the connection but never answers gets a bounded lookup (500), not a hung handshake', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((r) => silent.once('listening', r));
    const url = `ws://127.0.0.1:${(silent.address() as AddressInfo).port}`;
    const relay = await runRelayCli(['--domain', 'relay1.test', '--chain', url, '--chain-timeout', '300'], {
      connectChain,
      out: () => {},
      signals: false,
    });
    try {
      const who = freshIdentity('sr25519');
      const res = await rawConnect(relay.url, createRelayToken(who, 9));
      expect(isRefusal(res) && [res.status, res.body]).toEqual([500, 'failed to get twin']);
    } finally {
      await relay.close();
      for (const c of silent.clients) c.terminate();
      silent.close();
    }
  }, 30_000);

  it('--chain-client loads an ESM-only package from the working directory\'s dependencies', async () => {
    // An application directory whose node_modules holds a chain client package with an
    // import-only `exports` map (like chain-sim): neither rmb's own resolution nor the monorepo
    // sibling fallback can find `my-chain-client`, only the working directory can.
    const app = join(dir, 'app');
    const mod = join(app, 'node_modules', 'my-chain-client');
    mkdirSync(mod, { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
    writeFileSync(
      join(mod, 'package.json'),
      JSON.stringify({ name: 'my-chain-client', type: 'module', exports: { '.': { import: './index.mjs' }, './package.json': './package.json' } }),
    );
    const chainSimDist = pathToFileURL(join(here, '..', '..', 'chain-sim', 'dist', 'index.js')).href;
    writeFileSync(join(mod, 'index.mjs'), `export { connectChain } from ${JSON.stringify(chainSimDist)};\n`);
    const who = freshIdentity('ed25519');
    const id = await registerTwin(chain, who, 'relay1.test');
    const relay = await start(RELAY_BIN, ['--port', '0', '--domain', 'relay1.test', '--chain', chainUrl, '--chain-client', 'my-chain-client'], app);
    const c = await rawConnect(relay.url, createRelayToken(who, id));
    expect(isRefusal(c)).toBe(false);
    if (!isRefusal(c)) c.close();
  }, 30_000);
});
