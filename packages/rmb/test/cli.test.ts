import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { utf8ToBytes } from '@sc4it/types';
import type { Identity } from '@sc4it/crypto';
import {
  type RmbEnvelope,
  RmbPeer,
  encodeRmbEnvelope,
  newUid,
  nowSeconds,
  signEnvelope,
  staticTwinResolver,
  runRelayCli,
  toTwinsFileEntry,
} from '../src/index.ts';
import type { ChainClient } from '@sc4it/types';
import { type RedisServer, freePort, makeTwin, rawAs, startRedis, until } from './helpers.ts';

/** The real binary (`bin/sc4it-relay.js` → `dist/`; the package's test task builds first). */
const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'sc4it-relay.js');

interface Proc {
  proc: ChildProcess;
  url: string;
  port: number;
  stderr: () => string;
}

const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null) p.kill('SIGKILL');
});

function run(args: string[]): { proc: ChildProcess; exit: Promise<number | null>; out: () => string; err: () => string } {
  const proc = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  return { proc, exit, out: () => out, err: () => err };
}

async function startCli(args: string[]): Promise<Proc> {
  const r = run(args);
  let url = '';
  await until(() => {
    const m = /listening on (ws:\/\/127\.0\.0\.1:(\d+))/.exec(r.out());
    if (m) url = m[1]!;
    if (r.proc.exitCode !== null) throw new Error(`relay exited: ${r.err()}`);
    return m !== null;
  }, 20_000);
  return { proc: r.proc, url, port: Number(url.split(':').at(-1)), stderr: r.err };
}

let dir: string;
let redis: RedisServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'sc4it-rmb-cli-'));
  redis = await startRedis();
});
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await redis?.stop();
});

const a = makeTwin(1, { relay: 'other.test_relay1.test' });
const b = makeTwin(2, { pk: false }); // `"pk": ""` in twins.json: plain traffic
function twinsFile(): string {
  const path = join(dir, 'twins.json');
  writeFileSync(path, JSON.stringify([a.twin, b.twin].map(toTwinsFileEntry), null, 2));
  return path;
}

/** Sends `n` signed plain `work` requests from twin 1 (session `conn`) to twin 2; returns their uids. */
function sendWork(sender: { send(b: Uint8Array): void }, identity: Identity, conn: string, n: number): string[] {
  const uids: string[] = [];
  for (let i = 0; i < n; i++) {
    const env: RmbEnvelope = {
      uid: newUid(),
      timestamp: nowSeconds(),
      expiration: 120,
      source: { twin: 1, connection: conn },
      destination: { twin: 2 },
      message: { kind: 'request', command: 'work' },
      payload: { kind: 'plain', data: utf8ToBytes(String(i)) },
      relays: [],
    };
    signEnvelope(env, identity);
    uids.push(env.uid);
    sender.send(encodeRmbEnvelope(env));
  }
  return uids;
}

describe('sc4it-relay CLI', () => {
  it('prints the listening line and relays between two peers (twins.json, pk "", a_b relay)', async () => {
    const file = twinsFile();
    const entries = JSON.parse((await import('node:fs')).readFileSync(file, 'utf8')) as { pk: string; relay: string; account: string }[];
    expect(entries[1]!.pk).toBe('');
    expect(entries[0]!.relay).toBe('other.test_relay1.test');
    expect(entries[0]!.account).toMatch(/^[0-9a-f]{64}$/);
    const relay = await startCli(['--host', '127.0.0.1', '--port', String(await freePort()), '--domain', 'relay1.test', '--twins', file]);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const pa = new RmbPeer({ identity: a.identity, twinId: 1, relays: relay.url, resolver });
    const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: relay.url, resolver });
    let encrypted: boolean | undefined;
    pb.handle('hi', (req) => {
      encrypted = req.encrypted;
      return `hi ${req.source.twin}`;
    });
    await Promise.all([pa.connect(), pb.connect()]);
    try {
      expect(await pa.call(2, 'hi', null)).toBe('hi 1');
      expect(encrypted).toBe(false);
    } finally {
      await pa.close();
      await pb.close();
    }
  });

  it.each([
    [['--twins', 'x.json'], '--domain is required'],
    [['--domain', 'd.test'], 'give exactly one of --twins or --chain'],
    [['--domain', 'd.test', '--twins', '/nonexistent/twins.json'], 'cannot read twins file'],
    [['--domain', 'd.test', '--twins', 'T', '--limit', 'x'], '--limit must be <count>,<bytes>'],
    [['--domain', 'd.test', '--chain', 'ws://127.0.0.1:1'], 'cannot connect to ws://127.0.0.1:1'],
    [['--domain', 'd.test', '--chain', 'ws://127.0.0.1:1', '--chain-client', './no-such-module.js'], 'cannot load connectChain from ./no-such-module.js'],
  ])('exits 2 with a clear message for %j', async (args, message) => {
    const r = run(args.map((x) => (x === 'T' ? twinsFile() : x)));
    expect(await r.exit).toBe(2);
    expect(r.err()).toContain(message);
  });

  it('with --redis, queued messages survive kill -9 of the relay and are delivered once by the next one', async () => {
    const file = twinsFile();
    const port = await freePort();
    const args = ['--port', String(port), '--domain', 'relay1.test', '--twins', file, '--redis', redis.url];
    const r1 = await startCli(args);
    const sender = await rawAs(r1.url, a, 'c');
    const uids = sendWork(sender, a.identity, 'c', 5);
    // Wait until the five are in Redis (stream of session `2`, default prefix), then kill.
    const db = new Redis(redis.url);
    await until(async () => (await db.xlen('rmb:stream:2')) === 5);
    db.disconnect();
    sender.close();
    r1.proc.kill('SIGKILL');
    await until(() => r1.proc.exitCode !== null || r1.proc.signalCode !== null);

    const r2 = await startCli(args);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: r2.url, resolver });
    const runs = new Map<string, number>();
    pb.handle('work', (req) => {
      runs.set(req.uid, (runs.get(req.uid) ?? 0) + 1);
      return null;
    });
    await pb.connect();
    try {
      await until(() => runs.size === 5);
      expect(new Set(runs.keys())).toEqual(new Set(uids));
      expect([...runs.values()]).toEqual([1, 1, 1, 1, 1]);
    } finally {
      await pb.close();
    }
  });

  it('with --redis, two relays of one domain: SIGKILL the one holding the queue; the other delivers each message exactly once', async () => {
    const file = twinsFile();
    // Redis database 1: this test's keys stay apart from the other tests'.
    const url = `${redis.url}/1`;
    const args = (port: number) => ['--port', String(port), '--domain', 'relay1.test', '--twins', file, '--redis', url];
    const [r1, r2] = await Promise.all([startCli(args(await freePort())), startCli(args(await freePort()))]);
    const sender = await rawAs(r1.url, a, 'k');
    const uids = sendWork(sender, a.identity, 'k', 8);
    const db = new Redis(url);
    try {
      await until(async () => (await db.xlen('rmb:stream:2')) === 8);
      r1.proc.kill('SIGKILL');
      await until(() => r1.proc.signalCode !== null);
      sender.close();
      // Twin 2 comes online at the surviving relay and counts what arrives on the wire.
      const receiver = await rawAs(r2.url, b);
      await until(() => receiver.received.length >= 8);
      // Nothing is left to deliver; a ping round trip through the same socket flushes anything
      // the relay wrote before its pong, so a duplicate would be counted here.
      await until(async () => (await db.xlen('rmb:stream:2')) === 0);
      const ping: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 40, source: { twin: 2 }, destination: { twin: 0 }, message: { kind: 'ping' }, relays: [] };
      receiver.send(encodeRmbEnvelope(ping));
      await receiver.next((e) => e.message?.kind === 'pong');
      const counts = new Map<string, number>();
      for (const e of receiver.received) counts.set(e.uid, (counts.get(e.uid) ?? 0) + 1);
      expect(new Set(counts.keys())).toEqual(new Set(uids));
      expect([...counts.values()]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
      receiver.close();
    } finally {
      db.disconnect();
    }
  });

  it('--chain resolves twins through a ChainClient (connectChain injected, as the lead wires chain-sim)', async () => {
    const lines: string[] = [];
    let askedUrl = '';
    const chain = {
      getTwin: async (id: number) => [a.twin, b.twin].find((t) => t.id === id) ?? null,
      subscribeEvents: async () => () => {},
    } as unknown as ChainClient;
    const relay = await runRelayCli(['--domain', 'relay1.test', '--chain', 'ws://chain.invalid:9944'], {
      connectChain: async (url) => {
        askedUrl = url;
        return chain;
      },
      out: (l) => lines.push(l),
      signals: false,
    });
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const pa = new RmbPeer({ identity: a.identity, twinId: 1, relays: relay.url, resolver });
    const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: relay.url, resolver });
    pb.handle('hi', () => 'there');
    try {
      await Promise.all([pa.connect(), pb.connect()]);
      expect(await pa.call(2, 'hi', null)).toBe('there');
      expect(askedUrl).toBe('ws://chain.invalid:9944');
      expect(lines[0]).toContain(`listening on ${relay.url}`);
    } finally {
      await pa.close();
      await pb.close();
      await relay.close();
    }
  });
});
