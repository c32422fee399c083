/**
 * RMB benchmark (`pnpm bench`), loopback, bounded to well under a minute.
 *
 * The relay under test runs as its own process (`bin/sc4it-relay.js`), like the bare forwarder
 * (`bench/bare-forwarder.mjs`), so the relay and the load generator use different cores.
 *
 * Relay and bare forwarder are measured alternately in three rounds each (machine noise hits both).
 *
 * 1. wire: pre-signed 1 KiB envelopes bounced between two raw WebSocket clients (64 in flight):
 *    isolates the relay's own cost; sc4it relay vs bare forwarder.
 * 2. peers: RmbPeer ↔ RmbPeer request/response, 1 KiB signed + encrypted both ways (16 in flight):
 *    what an application sees; sc4it relay vs bare forwarder.
 * 3. real client: @threefold/rmb_direct_client 2.9.2 → RmbPeer through the sc4it relay.
 * 4. 1000 raw ws clients (not RmbPeer) in this process, each authenticated to the relay with its
 *    own JWT (1000 ed25519 twins); 500 pairs bounce envelopes built once per pair (signed and
 *    encrypted, 1 KiB; no crypto per message), 1 in flight each; round trips/s and p50/p99.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import type { Twin } from '@sc4it/types';
import { generateMnemonic, identityFromMnemonic, identityFromSeed, type Identity } from '@sc4it/crypto';
import {
  type RmbEnvelope,
  RmbPeer,
  createRelayToken,
  encodeRmbEnvelope,
  newUid,
  nowSeconds,
  sealPayload,
  signEnvelope,
  staticTwinResolver,
  toTwinsFileEntry,
} from '../src/index.ts';
import { connectRealClient } from '../test/real-client.ts';

const here = dirname(fileURLToPath(import.meta.url));
const DOMAIN = 'bench.test';
const PAYLOAD = 1024;
const SECONDS = Number(process.env.RMB_BENCH_SECONDS ?? 3);

// ---- helpers ---------------------------------------------------------------------------------------

function pct(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

interface Result {
  name: string;
  rps: number;
  p50: number;
  p99: number;
  n: number;
}

function summarize(name: string, lat: number[], ms: number): Result {
  const s = lat.slice().sort((x, y) => x - y);
  return { name, rps: (lat.length / ms) * 1000, p50: pct(s, 50), p99: pct(s, 99), n: lat.length, lat, ms } as Result;
}

/**
 * Runs `a` and `b` alternately in `rounds` short rounds so that load from other processes on the
 * machine hits both alike; merges each side's rounds.
 */
async function alternate(rounds: number, a: () => Promise<Result>, b: () => Promise<Result>): Promise<[Result, Result]> {
  const ra: Result[] = [];
  const rb: Result[] = [];
  for (let i = 0; i < rounds; i++) {
    ra.push(await a());
    rb.push(await b());
  }
  const merge = (rs: Result[]): Result => {
    const all = rs as (Result & { lat: number[]; ms: number })[];
    return summarize(rs[0]!.name, all.flatMap((r) => r.lat), all.reduce((n, r) => n + r.ms, 0));
  };
  return [merge(ra), merge(rb)];
}

const fmt = (r: Result): string =>
  `${r.name.padEnd(58)} ${r.rps.toFixed(0).padStart(8)} rt/s   p50 ${r.p50.toFixed(2).padStart(7)} ms   p99 ${r.p99.toFixed(2).padStart(7)} ms   (n=${r.n})`;

const children: ChildProcess[] = [];
function spawnServer(args: string[]): Promise<{ url: string; proc: ChildProcess }> {
  const proc = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve({ url: m[1]!, proc });
    });
    proc.once('exit', (code) => reject(new Error(`server exited (${code}): ${out}`)));
  });
}

function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return Promise.resolve();
  const done = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  return done;
}

function seedFor(i: number): string {
  return `0x${(0x1000 + i).toString(16).padStart(64, '0')}`;
}

interface Member {
  identity: Identity;
  twin: Twin;
}

function member(id: number, keyType: 'sr25519' | 'ed25519' = 'ed25519'): Member {
  const identity = identityFromSeed(seedFor(id), keyType);
  return { identity, twin: { id, account: identity.publicKey, keyType, relay: DOMAIN, pk: identity.secp256k1.publicKey } };
}

function rawClient(url: string, m: Member): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url}/?${createRelayToken(m.identity, m.twin.id, { ttl: 600 })}`, { perMessageDeflate: false });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

async function envelope(from: Member, to: number, kind: 'request' | 'response'): Promise<Uint8Array> {
  const env: RmbEnvelope = {
    uid: newUid(),
    timestamp: nowSeconds(),
    expiration: 300,
    source: { twin: from.twin.id },
    destination: { twin: to },
    message: kind === 'request' ? { kind: 'request', command: 'bench.echo' } : { kind: 'response' },
    schema: 'application/json',
    relays: [DOMAIN],
  };
  await sealPayload(env, new Uint8Array(PAYLOAD).fill(0x61), from.identity, member(to).twin.pk);
  signEnvelope(env, from.identity);
  return encodeRmbEnvelope(env);
}

/**
 * Pairs of raw clients: `a` sends a pre-built request, `b` answers each with a pre-built response;
 * `window` messages in flight per pair. Frames on one socket keep their order, so a FIFO of send
 * times gives each round trip's latency.
 */
async function bounce(url: string, pairs: [Member, Member][], window: number, seconds: number, name: string, pre?: WebSocket[]): Promise<Result> {
  const lat: number[] = [];
  let running = true;
  const sockets: WebSocket[] = [];
  const loops = await Promise.all(
    pairs.map(async ([a, b], i) => {
      const wa = pre?.[2 * i] ?? (await rawClient(url, a));
      const wb = pre?.[2 * i + 1] ?? (await rawClient(url, b));
      sockets.push(wa, wb);
      const req = await envelope(a, b.twin.id, 'request');
      const res = await envelope(b, a.twin.id, 'response');
      wb.on('message', () => wb.send(res));
      const sent: number[] = [];
      return { wa, req, sent };
    }),
  );
  const start = performance.now();
  for (const { wa, req, sent } of loops) {
    wa.on('message', () => {
      lat.push(performance.now() - sent.shift()!);
      if (running) {
        sent.push(performance.now());
        wa.send(req);
      }
    });
    for (let k = 0; k < window; k++) {
      sent.push(performance.now());
      wa.send(req);
    }
  }
  await new Promise((r) => setTimeout(r, seconds * 1000));
  running = false;
  const elapsed = performance.now() - start;
  await new Promise((r) => setTimeout(r, 200));
  if (pre === undefined) for (const s of sockets) s.terminate();
  else for (const s of sockets) s.removeAllListeners('message');
  return summarize(name, lat, elapsed);
}

/** RmbPeer ↔ RmbPeer request/response with `inflight` concurrent callers. */
async function peers(url: string, a: Member, b: Member, resolver: ReturnType<typeof staticTwinResolver>, inflight: number, seconds: number, name: string): Promise<Result> {
  const pa = new RmbPeer({ identity: a.identity, twinId: a.twin.id, relays: url, resolver });
  const pb = new RmbPeer({ identity: b.identity, twinId: b.twin.id, relays: url, resolver });
  pb.handle('bench.echo', (req) => req.payload);
  await Promise.all([pa.connect(), pb.connect()]);
  const body = 'a'.repeat(PAYLOAD);
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: inflight }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        await pa.request(b.twin.id, 'bench.echo', body, { timeout: 10_000 });
        lat.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  await pa.close();
  await pb.close();
  return summarize(name, lat, elapsed);
}

interface RealSetup {
  mnemonic: string;
  clientId: Identity;
  serverId: Identity;
}

function realSetup(resolver: ReturnType<typeof staticTwinResolver>): RealSetup {
  const mnemonic = generateMnemonic();
  const clientId = identityFromMnemonic(mnemonic, 'sr25519');
  const serverId = identityFromMnemonic(generateMnemonic(), 'sr25519');
  resolver.set({ id: 9001, account: clientId.publicKey, keyType: 'sr25519', relay: DOMAIN, pk: clientId.secp256k1.publicKey });
  resolver.set({ id: 9002, account: serverId.publicKey, keyType: 'sr25519', relay: DOMAIN, pk: serverId.secp256k1.publicKey });
  return { mnemonic, clientId, serverId };
}

async function realClient(url: string, resolver: ReturnType<typeof staticTwinResolver>, { mnemonic, clientId, serverId }: RealSetup, seconds: number): Promise<Result> {
  const server = new RmbPeer({ identity: serverId, twinId: 9002, relays: url, resolver });
  server.handle('bench.echo', (req) => req.payload);
  await server.connect();
  const { client } = await connectRealClient(url, mnemonic, 'sr25519', 'bench', clientId, [
    { id: 9001, identity: clientId, relay: DOMAIN, pk: true },
    { id: 9002, identity: serverId, relay: DOMAIN, pk: true },
  ]);
  const body = JSON.stringify('a'.repeat(PAYLOAD - 2));
  const lat: number[] = [];
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const uid = await client.send('bench.echo', body, 9002, 1);
        await client.read(uid);
        lat.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  await client.disconnect();
  await server.close();
  return summarize('real rmb_direct_client → RmbPeer, sc4it relay (16 in flight)', lat, elapsed);
}

// ---- main ----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'sc4it-rmb-bench-'));
  const N = 1000;
  const members = Array.from({ length: N + 4 }, (_, i) => member(i + 1, i < 2 ? 'sr25519' : 'ed25519'));
  const resolver = staticTwinResolver(members.map((m) => m.twin));
  const real = realSetup(resolver);
  const twinsPath = join(dir, 'twins.json');
  writeFileSync(twinsPath, JSON.stringify(resolver.list().map(toTwinsFileEntry)));

  console.log(`# @sc4it/rmb bench — ${cpus()[0]?.model ?? 'cpu'} ×${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.versions.node}`);
  console.log(`# payload ${PAYLOAD} B, ${SECONDS} s per scenario, loopback; relay and forwarder in their own processes\n`);

  const bare = await spawnServer([join(here, 'bare-forwarder.mjs')]);
  const relay = await spawnServer([join(here, '..', 'bin', 'sc4it-relay.js'), '--port', '0', '--domain', DOMAIN, '--twins', twinsPath]);
  const results: Result[] = [];
  const ratio = (a: Result, b: Result): string => `${((a.rps / b.rps) * 100).toFixed(0)} %`;

  const pairA: [Member, Member][] = [[members[0]!, members[1]!]];
  const ROUNDS = 3;
  if (process.env.RMB_BENCH_ONLY !== 'load') {
  const [wireRelay, wireBare] = await alternate(
    ROUNDS,
    () => bounce(relay.url, pairA, 64, SECONDS / ROUNDS, 'wire: sc4it relay (pre-signed 1 KiB, 64 in flight)'),
    () => bounce(bare.url, pairA, 64, SECONDS / ROUNDS, 'wire: bare ws forwarder (same frames)'),
  );
  console.log(fmt(wireRelay));
  console.log(fmt(wireBare));
  console.log(`  ratio relay / bare: ${ratio(wireRelay, wireBare)}\n`);

  const [pa, pb] = [members[0]!, members[1]!];
  const [peerRelay, peerBare] = await alternate(
    ROUNDS,
    () => peers(relay.url, pa, pb, resolver, 16, SECONDS / ROUNDS, 'peers: RmbPeer ↔ RmbPeer, sc4it relay (sign+encrypt, 16)'),
    () => peers(bare.url, pa, pb, resolver, 16, SECONDS / ROUNDS, 'peers: RmbPeer ↔ RmbPeer, bare forwarder (same, 16)'),
  );
  console.log(fmt(peerRelay));
  console.log(fmt(peerBare));
  console.log(`  ratio relay / bare: ${ratio(peerRelay, peerBare)}\n`);
  await stop(bare.proc);

  const realRes = await realClient(relay.url, resolver, real, Math.max(3, SECONDS));
  console.log(fmt(realRes));
  console.log(`  ratio real client / RmbPeer (same relay): ${ratio(realRes, peerRelay)}\n`);
  results.push(wireRelay, wireBare, peerRelay, peerBare, realRes);
  }

  // 1000 connected peers.
  const tc = performance.now();
  const sockets: WebSocket[] = [];
  for (let i = 0; i < N; i += 100) {
    sockets.push(...(await Promise.all(members.slice(i + 2, Math.min(i + 102, N + 2)).map((m) => rawClient(relay.url, m)))));
  }
  const connectMs = performance.now() - tc;
  const pairs: [Member, Member][] = [];
  for (let i = 0; i + 1 < N; i += 2) pairs.push([members[i + 2]!, members[i + 3]!]);
  const loaded = await bounce(relay.url, pairs, 1, SECONDS, `load: ${N} raw ws clients (own JWT each), ${pairs.length} pairs × 1 in flight, pre-built envelopes`, sockets);
  console.log(`  ${N} authenticated connections opened in ${(connectMs / 1000).toFixed(1)} s`);
  console.log(fmt(loaded));
  results.push(loaded);
  for (const s of sockets) s.terminate();

  await stop(relay.proc);
  rmSync(dir, { recursive: true, force: true });
  console.log(`\n# total ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  console.log(`# JSON ${JSON.stringify(results.map((r) => ({ name: r.name, rps: Math.round(r.rps), p50: +r.p50.toFixed(2), p99: +r.p99.toFixed(2), n: r.n })))}`);
}

main()
  .catch((err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  })
  .finally(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    setTimeout(() => process.exit(), 200).unref();
  });
