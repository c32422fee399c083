import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer } from 'ws';
import { utf8ToBytes } from '@sc4it/types';
import {
  type RmbEnvelope,
  type RunningRelay,
  type StaticTwinResolver,
  DomainRanker,
  RmbPeer,
  cachedTwinResolver,
  encodeRmbEnvelope,
  memoryQueue,
  newUid,
  nowSeconds,
  signEnvelope,
  startRelay,
  staticTwinResolver,
} from '../src/index.ts';
import { type TestTwin, freePort, makeTwin, rawAs, until } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function relay(domain: string, resolver: StaticTwinResolver, extra: Partial<Parameters<typeof startRelay>[0]> = {}): Promise<RunningRelay> {
  const r = await startRelay({ domain, resolver, federationRetryMs: 200, ...extra });
  cleanup.push(() => r.close());
  return r;
}

function peer(t: TestTwin, relays: string | string[], resolver: StaticTwinResolver, extra: Partial<ConstructorParameters<typeof RmbPeer>[0]> = {}): RmbPeer {
  const p = new RmbPeer({ identity: t.identity, twinId: t.twin.id, relays, resolver, retryIntervalMs: 300, reconnectMinMs: 50, reconnectMaxMs: 300, ...extra });
  cleanup.push(() => p.close());
  return p;
}

function counting(p: RmbPeer): Map<string, number> {
  const runs = new Map<string, number>();
  p.handle('work', (req) => {
    runs.set(req.uid, (runs.get(req.uid) ?? 0) + 1);
    return { n: req.json<{ n: number }>().n };
  });
  return runs;
}

describe('store and forward (memory queue)', () => {
  it('a request to an offline twin waits in the queue and runs once when the twin connects', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const r = await relay('relay1.test', resolver);
    const pa = peer(a, r.url, resolver);
    await pa.connect();
    const replies = [1, 2, 3].map((n) => pa.call<{ n: number }>(2, 'work', { n }, { timeout: 20_000 }));
    await until(() => r.stats().queued >= 3);
    const pb = peer(b, r.url, resolver);
    const runs = counting(pb);
    await pb.connect();
    expect(await Promise.all(replies)).toEqual([{ n: 1 }, { n: 2 }, { n: 3 }]);
    expect([...runs.values()]).toEqual([1, 1, 1]);
  });

  it('queue keeps entries until their deadline and at most `cap` per session', async () => {
    const q = memoryQueue({ cap: 3 });
    cleanup.push(() => q.close());
    const now = nowSeconds();
    for (let i = 0; i < 5; i++) await q.push('9', new Uint8Array([i]), now + 120);
    expect((await q.peek('9', 10)).map((m) => m.bytes[0])).toEqual([2, 3, 4]);
    await q.push('8', new Uint8Array([1]), now); // already at its deadline
    expect(await q.peek('8', 10)).toEqual([]);
    const soon = nowSeconds() + 1;
    await q.push('7', new Uint8Array([7]), soon);
    expect((await q.peek('7', 10)).length).toBe(1);
    await until(async () => nowSeconds() >= soon, 5000, 50);
    expect(await q.peek('7', 10)).toEqual([]);
  });

  it('memory queue claims lease entries: a held entry is not handed out again until released or its lease ends', async () => {
    const q = memoryQueue();
    cleanup.push(() => q.close());
    const now = nowSeconds();
    for (let i = 0; i < 3; i++) await q.push('federation', new Uint8Array([i]), now + 60);
    const held = await q.claim('federation', 2, 60_000);
    expect(held.map((m) => m.bytes[0])).toEqual([0, 1]);
    expect((await q.claim('federation', 10, 60_000)).map((m) => m.bytes[0])).toEqual([2]);
    expect(await q.claim('federation', 10, 60_000)).toEqual([]);
    await q.release('federation', [held[1]!.id]);
    expect((await q.claim('federation', 10, 60_000)).map((m) => m.bytes[0])).toEqual([1]);
    await q.ack('federation', [held[0]!.id]);
    expect((await q.peek('federation', 10)).map((m) => m.bytes[0])).toEqual([1, 2]);
    const short = memoryQueue();
    cleanup.push(() => short.close());
    await short.push('k', new Uint8Array([7]), now + 60);
    expect((await short.claim('k', 1, 1)).length).toBe(1);
    await until(async () => (await short.claim('k', 1, 1)).length === 1, 5000, 5);
  });

  it('an envelope that expires while queued is never delivered', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const r = await relay('relay1.test', resolver);
    const sender = await rawAs(r.url, a);
    cleanup.push(() => sender.close());
    const now = nowSeconds();
    const mk = (expiration: number): RmbEnvelope => {
      const env: RmbEnvelope = { uid: newUid(), timestamp: now, expiration, source: { twin: 1 }, destination: { twin: 2 }, message: { kind: 'request', command: 'x' }, payload: { kind: 'plain', data: utf8ToBytes('{}') }, relays: [] };
      signEnvelope(env, a.identity);
      return env;
    };
    const short = mk(1);
    const long = mk(120);
    sender.send(encodeRmbEnvelope(short));
    sender.send(encodeRmbEnvelope(long));
    await until(() => r.stats().queued >= 2);
    await until(() => nowSeconds() >= now + 1, 5000, 50);
    const receiver = await rawAs(r.url, b);
    cleanup.push(() => receiver.close());
    const got = await receiver.next();
    expect(got.uid).toBe(long.uid);
    // the live one came; the expired one was dropped by the queue
    expect(receiver.received.find((e) => e.uid === short.uid)).toBeUndefined();
  });
});

describe('reconnect and retries', () => {
  it('peers reconnect after a relay restart; a request pending across it is answered once', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const r1 = await startRelay({ domain: 'relay1.test', resolver });
    const port = r1.port;
    const pa = peer(a, r1.url, resolver);
    const pb = peer(b, r1.url, resolver);
    const runs = counting(pb);
    await Promise.all([pa.connect(), pb.connect()]);
    expect(await pa.call(2, 'work', { n: 0 })).toEqual({ n: 0 });
    await r1.close();
    await until(() => pa.connectedRelays === 0 && pb.connectedRelays === 0);
    const pending = pa.call(2, 'work', { n: 7 }, { timeout: 20_000 });
    const r2 = await relay('relay1.test', resolver, { port });
    await until(() => pa.connectedRelays === 1 && pb.connectedRelays === 1);
    expect(await pending).toEqual({ n: 7 });
    expect(r2.port).toBe(port);
    expect([...runs.values()]).toEqual([1, 1]);
  });

  it('several relays per twin: first accept wins, a dead relay is skipped, handler runs once', async () => {
    const a = makeTwin(1, { relay: 'm1.test_m2.test' });
    const b = makeTwin(2, { relay: 'm1.test_m2.test' });
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const fed = new Map<string, string>();
    const federationUrl = (d: string) => fed.get(d) ?? 'http://127.0.0.1:1/';
    const r1 = await startRelay({ domain: 'm1.test', resolver, federationUrl });
    const r2 = await relay('m2.test', resolver, { federationUrl });
    fed.set('m2.test', `http://127.0.0.1:${r2.port}/`);
    const pa = peer(a, [r1.url, r2.url], resolver);
    const pb = peer(b, [r1.url, r2.url], resolver);
    const runs = counting(pb);
    await Promise.all([pa.connect(), pb.connect()]);
    await until(() => pa.connectedRelays === 2 && pb.connectedRelays === 2);
    expect(await pa.call(2, 'work', { n: 1 })).toEqual({ n: 1 });
    await r1.close();
    await until(() => pa.connectedRelays === 1 && pb.connectedRelays === 1);
    expect(await pa.call(2, 'work', { n: 2 })).toEqual({ n: 2 });
    expect([...runs.values()]).toEqual([1, 1]);
  });
});

describe('a stalled relay first in the list (half open: accepts the connection, forwards nothing)', () => {
  /** A WebSocket server that accepts every connection and never answers or forwards. */
  async function stalledRelay(): Promise<{ url: string; frames: () => number }> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    let frames = 0;
    wss.on('connection', (ws) => ws.on('message', () => frames++));
    cleanup.push(
      () =>
        new Promise<void>((r) => {
          for (const c of wss.clients) c.terminate();
          wss.close(() => r());
        }),
    );
    return { url: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`, frames: () => frames };
  }

  async function setup(extra: Partial<ConstructorParameters<typeof RmbPeer>[0]>) {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const stalled = await stalledRelay();
    const r = await relay('relay1.test', resolver);
    const pa = peer(a, [stalled.url, r.url], resolver, extra);
    const pb = peer(b, r.url, resolver);
    const runs = counting(pb);
    await Promise.all([pa.connect(), pb.connect()]);
    // Both links open before the request, so no reconnect re-send can rescue it.
    await until(() => pa.connectedRelays === 2);
    return { pa, runs, stalled };
  }

  it('a send the first relay does not acknowledge in time goes out through the next one', async () => {
    // No retry before the timeout: only the accept check can move the request.
    const { pa, runs, stalled } = await setup({ retryIntervalMs: 60_000 });
    expect(await pa.call(2, 'work', { n: 1 }, { timeout: 10_000 })).toEqual({ n: 1 });
    expect(stalled.frames()).toBeGreaterThanOrEqual(1); // it was tried first
    const before = stalled.frames();
    // The stalled link is passed over now: the next request goes straight to the live relay.
    expect(await pa.call(2, 'work', { n: 2 }, { timeout: 10_000 })).toEqual({ n: 2 });
    expect(stalled.frames()).toBe(before);
    expect([...runs.values()]).toEqual([1, 1]);
  });

  it('retries rotate over the relays (accept check off)', async () => {
    const { pa, runs, stalled } = await setup({ acceptTimeoutMs: 0, retryIntervalMs: 300 });
    expect(await pa.call(2, 'work', { n: 3 }, { timeout: 10_000 })).toEqual({ n: 3 });
    expect(stalled.frames()).toBeGreaterThanOrEqual(1);
    expect([...runs.values()]).toEqual([1]);
  });
});

describe('federation (rmb.md §5.4)', () => {
  async function pair() {
    const fed = new Map<string, string>();
    const federationUrl = (d: string) => fed.get(d) ?? 'http://127.0.0.1:1/';
    const a = makeTwin(1, { relay: 'd1.test' });
    const b = makeTwin(2, { relay: 'dead.test_d2.test' });
    const c = makeTwin(3, { relay: 'd2.test' });
    const resolver = staticTwinResolver([a.twin, b.twin, c.twin]);
    const r1 = await relay('d1.test', resolver, { federationUrl });
    const r2 = await relay('d2.test', resolver, { federationUrl });
    fed.set('d1.test', `http://127.0.0.1:${r1.port}/`);
    fed.set('d2.test', `http://127.0.0.1:${r2.port}/`);
    return { a, b, c, resolver, r1, r2 };
  }

  it('requests and replies cross domains; a dead domain tried first is failed over and ranked last', async () => {
    // "dead.test" is a loopback HTTP server that drops every connection (a transport error),
    // counting how often it was tried.
    let deadHits = 0;
    const dead = createServer((req) => {
      deadHits++;
      req.socket.destroy();
    });
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    cleanup.push(() => new Promise<void>((r) => dead.close(() => r())));
    const fed = new Map<string, string>();
    fed.set('dead.test', `http://127.0.0.1:${(dead.address() as AddressInfo).port}/`);
    const a = makeTwin(1, { relay: 'd1.test' });
    const b = makeTwin(2, { relay: 'dead.test_d2.test' });
    const resolver = staticTwinResolver([a.twin, b.twin]);
    // A fixed tie-break keeps equal ranks in the twin's order, so the dead domain comes first
    // while neither has failed: the failover is exercised on every run, not half of them.
    const ranker = new DomainRanker({ random: () => 0 });
    expect(ranker.order(['dead.test', 'd2.test'])).toEqual(['dead.test', 'd2.test']);
    const r1 = await relay('d1.test', resolver, { federationUrl: (d) => fed.get(d) ?? 'http://127.0.0.1:1/', ranker });
    const r2 = await relay('d2.test', resolver, { federationUrl: (d) => fed.get(d) ?? 'http://127.0.0.1:1/' });
    fed.set('d1.test', `http://127.0.0.1:${r1.port}/`);
    fed.set('d2.test', `http://127.0.0.1:${r2.port}/`);
    // No peer retries here (a slow round trip on a busy machine would federate a request twice):
    // every count below is exact.
    const pa = peer(a, r1.url, resolver, { retryIntervalMs: 60_000 });
    const pb = peer(b, r2.url, resolver);
    const runs = counting(pb);
    await Promise.all([pa.connect(), pb.connect()]);
    expect(await pa.call(2, 'work', { n: 5 })).toEqual({ n: 5 });
    // The request went to dead.test first, failed, and was carried by d2.test.
    expect(deadHits).toBe(1);
    expect(ranker.failures('dead.test')).toBe(1);
    expect(ranker.failures('d2.test')).toBe(0);
    expect(ranker.order(['dead.test', 'd2.test'])).toEqual(['d2.test', 'dead.test']);
    // Ranked last now, the dead domain is not tried again while d2.test accepts.
    expect(await pa.call(2, 'work', { n: 6 })).toEqual({ n: 6 });
    expect(deadHits).toBe(1);
    expect(r1.stats().federated).toBe(2);
    expect(r2.stats().federationIn).toBe(2);
    expect([...runs.values()]).toEqual([1, 1]);
  });

  it('a federated message for an offline twin waits in the remote queue', async () => {
    const { a, c, resolver, r1, r2 } = await pair();
    const pa = peer(a, r1.url, resolver);
    await pa.connect();
    const reply = pa.call(3, 'work', { n: 9 }, { timeout: 20_000 });
    await until(() => r2.stats().queued >= 1);
    const pc = peer(c, r2.url, resolver);
    counting(pc);
    await pc.connect();
    expect(await reply).toEqual({ n: 9 });
  });

  it('permanent refusal by the remote relay comes back as an error envelope', async () => {
    const { a, r1 } = await pair();
    const sender = await rawAs(r1.url, a);
    cleanup.push(() => sender.close());
    const env: RmbEnvelope = { uid: newUid(), tags: 'fail-fast', timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: 3 }, message: { kind: 'request', command: 'x' }, relays: [] };
    signEnvelope(env, a.identity);
    sender.send(encodeRmbEnvelope(env));
    const err = await sender.next((e) => e.uid === env.uid);
    expect(err.message).toEqual({ kind: 'error', code: 0, message: 'remote relay rejected permanently: destination offline' });
  });

  it('an envelope for a domain that is down waits in the relay and goes out once that relay is up', async () => {
    const a = makeTwin(1, { relay: 'd1.test' });
    const c = makeTwin(3, { relay: 'd2.test' });
    const resolver = staticTwinResolver([a.twin, c.twin]);
    const port = await freePort();
    const r1 = await relay('d1.test', resolver, { federationUrl: (d) => (d === 'd2.test' ? `http://127.0.0.1:${port}/` : 'http://127.0.0.1:1/') });
    const sender = await rawAs(r1.url, a);
    cleanup.push(() => sender.close());
    const env: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: 3 }, message: { kind: 'request', command: 'x' }, relays: [] };
    signEnvelope(env, a.identity);
    sender.send(encodeRmbEnvelope(env));
    await until(() => r1.stats().federated === 1);
    const r2 = await relay('d2.test', resolver, { port });
    const receiver = await rawAs(r2.url, c);
    cleanup.push(() => receiver.close());
    expect((await receiver.next((e) => e.uid === env.uid, 10_000)).uid).toBe(env.uid);
  });

  it('a relay serving several domains (a_b) keeps twins of any of them local', async () => {
    const x = makeTwin(1, { relay: 'x.test' });
    const y = makeTwin(2, { relay: 'y.test' });
    const z = makeTwin(3, { relay: 'other.test_x.test' });
    const resolver = staticTwinResolver([x.twin, y.twin, z.twin]);
    const r = await relay('x.test_y.test', resolver);
    expect(r.domains).toEqual(['x.test', 'y.test']);
    const sender = await rawAs(r.url, x);
    cleanup.push(() => sender.close());
    for (const to of [2, 3]) {
      const env: RmbEnvelope = { uid: newUid(), tags: 'fail-fast', timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: to }, message: { kind: 'request', command: 'x' }, relays: [] };
      signEnvelope(env, x.identity);
      sender.send(encodeRmbEnvelope(env));
      // "destination offline" is the local verdict; a federated one would differ.
      expect((await sender.next((e) => e.uid === env.uid)).message).toEqual({ kind: 'error', code: 0, message: 'destination offline' });
    }
    expect(r.stats().federated).toBe(0);
  });
});

describe('stale twin data', () => {
  it('a receiver whose cached sender twin is stale looks it up again instead of refusing', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const a2 = makeTwin(101); // a's new key after a rotation
    const chainView = staticTwinResolver([a.twin, b.twin]);
    // b caches twins for a long time; the chain changes underneath.
    const bResolver = cachedTwinResolver(chainView, { ttlMs: 3_600_000 });
    const r = await relay('relay1.test', chainView);
    const server = new RmbPeer({ identity: b.identity, twinId: 2, relays: r.url, resolver: bResolver });
    cleanup.push(() => server.close());
    server.handle('who', (req) => req.sender.account.length);
    await server.connect();
    const first = peer(a, r.url, chainView);
    await first.connect();
    expect(await first.call(2, 'who', null)).toBe(32);
    await first.close();
    // Twin 1 rotates its account key and encryption key on chain.
    const rotated = { ...a.twin, account: a2.identity.publicKey, pk: a2.identity.secp256k1.publicKey };
    chainView.set(rotated);
    const second = peer({ identity: a2.identity, twin: rotated }, r.url, chainView);
    await second.connect();
    expect(await second.call(2, 'who', null, { timeout: 5000 })).toBe(32);
  });
});

describe('slow consumers', () => {
  it('messages for a connection that stops reading wait in the queue, then all arrive once', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const r = await relay('relay1.test', resolver, { highWaterMark: 256 * 1024 });
    const receiver = await rawAs(r.url, b);
    const sender = await rawAs(r.url, a);
    cleanup.push(() => receiver.close());
    cleanup.push(() => sender.close());
    const socket = (receiver.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const uids = new Set<string>();
    const body = new Uint8Array(60 * 1024).fill(0x62);
    for (let i = 0; i < 400; i++) {
      const env: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 120, source: { twin: 1 }, destination: { twin: 2 }, message: { kind: 'request', command: 'bulk' }, payload: { kind: 'plain', data: body }, relays: [] };
      uids.add(env.uid);
      sender.send(encodeRmbEnvelope(env));
    }
    await until(() => r.stats().queued > 0, 20_000);
    socket.resume();
    await until(() => receiver.received.length >= 400, 20_000);
    expect(new Set(receiver.received.map((e) => e.uid))).toEqual(uids);
    expect(receiver.received.length).toBe(400);
  });
});
