import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { utf8ToBytes } from '@sc4it/types';
import {
  type RmbEnvelope,
  RmbPeer,
  decodeRmbEnvelope,
  encodeRmbEnvelope,
  newUid,
  nowSeconds,
  type DedupStore,
  redisDedupStore,
  redisQueue,
  signEnvelope,
  startRelay,
  staticTwinResolver,
} from '../src/index.ts';
import { Redis } from 'ioredis';
import { type RedisServer, freePort, makeTwin, rawAs, startRedis, until } from './helpers.ts';

/** Every test here runs against a real redis-server started for this file. */
let redis: RedisServer;
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});

describe('redis queue', () => {
  it('keeps entries until their deadline, trims to ~cap, and announces pushes', async () => {
    const q = await redisQueue({ url: redis.url, prefix: 'unit:', cap: 5 });
    const announced: string[] = [];
    await q.subscribe((k) => announced.push(k));
    const now = nowSeconds();
    for (let i = 0; i < 3; i++) await q.push('9:s', new Uint8Array([i, 255]), now + 60);
    await q.push('9:s', new Uint8Array([9]), now); // already expired
    const got = await q.peek('9:s', 10);
    expect(got.map((m) => [...m.bytes])).toEqual([[0, 255], [1, 255], [2, 255]]);
    await q.ack('9:s', [got[0]!.id]);
    expect((await q.peek('9:s', 10)).length).toBe(2);
    await until(() => announced.length === 4);
    expect(new Set(announced)).toEqual(new Set(['9:s']));
    await q.close();
  });
});

describe('receiver restart within the TTL (dedup store)', () => {
  /** Twin 2 answers `work` and counts runs; it "restarts" (a new RmbPeer) between the two copies. */
  async function replayAcrossRestart(store: () => Promise<DedupStore | undefined>): Promise<{ runs: number; replies: string[] }> {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const relay = await startRelay({ domain: 'relay1.test', resolver });
    const sender = await rawAs(relay.url, a, 'caller');
    let runs = 0;
    const replies: string[] = [];
    const env: RmbEnvelope = {
      uid: newUid(),
      timestamp: nowSeconds(),
      expiration: 120,
      source: { twin: 1, connection: 'caller' },
      destination: { twin: 2 },
      message: { kind: 'request', command: 'work' },
      schema: 'application/json',
      payload: { kind: 'plain', data: utf8ToBytes('{"n":1}') },
      relays: [],
    };
    signEnvelope(env, a.identity);
    const bytes = encodeRmbEnvelope(env);
    try {
      for (let life = 0; life < 2; life++) {
        const dedupStore = await store();
        const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: relay.url, resolver, ...(dedupStore === undefined ? {} : { dedupStore }) });
        pb.handle('work', () => {
          runs++;
          return { ok: true };
        });
        await pb.connect();
        sender.send(bytes); // the same signed request again, as a retrying sender sends it
        const reply = await sender.next((e) => e.uid === env.uid);
        replies.push(reply.message?.kind ?? '');
        await pb.close();
        await dedupStore?.close?.();
      }
    } finally {
      sender.close();
      await relay.close();
    }
    return { runs, replies };
  }

  it('with the default in-memory window a restarted receiver runs the handler again (documented)', async () => {
    expect(await replayAcrossRestart(async () => undefined)).toEqual({ runs: 2, replies: ['response', 'response'] });
  });

  it('with redisDedupStore the handler runs once and the restarted receiver sends the stored reply', async () => {
    const prefix = `dd${Date.now()}:`;
    expect(await replayAcrossRestart(() => redisDedupStore({ url: redis.url, prefix }))).toEqual({ runs: 1, replies: ['response', 'response'] });
    const db = new Redis(redis.url);
    const keys = await db.keys(`${prefix}*`);
    expect(keys.length).toBe(1);
    expect(await db.ttl(keys[0]!)).toBeGreaterThan(100); // kept for the envelope's TTL (120 s)
    db.disconnect();
  });
});

describe('claims on a shared queue (federation outbox)', () => {
  it('an entry is leased to one process at a time: released → claimable; holder silent past its lease → taken over', async () => {
    const prefix = `c${Date.now()}:`;
    const q1 = await redisQueue({ url: redis.url, prefix });
    const q2 = await redisQueue({ url: redis.url, prefix });
    try {
      expect(await q1.claim('federation', 10, 1000)).toEqual([]); // no stream yet
      const now = nowSeconds();
      for (let i = 0; i < 3; i++) await q1.push('federation', new Uint8Array([i]), now + 60);
      await q1.push('federation', new Uint8Array([9]), now); // already expired: never handed out
      const first = await q1.claim('federation', 2, 1000);
      expect(first.map((m) => m.bytes[0])).toEqual([0, 1]);
      // The other process gets only what nobody holds.
      const second = await q2.claim('federation', 10, 1000);
      expect(second.map((m) => m.bytes[0])).toEqual([2]);
      expect(await q1.claim('federation', 10, 1000)).toEqual([]);
      // A release by someone who does not hold the entry changes nothing.
      await q2.release('federation', [first[0]!.id]);
      expect(await q2.claim('federation', 10, 1000)).toEqual([]);
      await q1.release('federation', [first[0]!.id]);
      expect((await q2.claim('federation', 10, 1000)).map((m) => m.bytes[0])).toEqual([0]);
      // q2 goes silent on entries 0 and 2 (as if it died); q1 keeps renewing entry 1. Once q2's
      // lease has run out, q1 takes 0 and 2 over, and never gets its own renewed entry again.
      let takenOver: number[] = [];
      await until(async () => {
        await q1.renew('federation', [first[1]!.id]);
        takenOver = takenOver.concat((await q1.claim('federation', 10, 1000)).map((m) => m.bytes[0]!));
        return takenOver.length === 2;
      }, 10_000, 100);
      expect(takenOver.sort()).toEqual([0, 2]);
      // Acked entries are gone for everyone.
      await q1.ack('federation', [first[1]!.id, ...second.map((m) => m.id), first[0]!.id]);
      const db = new Redis(redis.url);
      expect(await db.xlen(`${prefix}stream:federation`)).toBe(0);
      db.disconnect();
    } finally {
      await q1.close();
      await q2.close();
    }
  });
});

describe('durable queues across relay processes', () => {
  it('messages for an offline twin survive a relay stop; another relay delivers each exactly once', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const prefix = `t${Date.now()}:`;
    const r1 = await startRelay({ domain: 'relay1.test', resolver, redisUrl: redis.url, redisPrefix: prefix });
    // A sends 10 signed requests (with one duplicate of each, as a retrying sender would) and leaves.
    const sender = await rawAs(r1.url, a, 'caller');
    const uids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const env: RmbEnvelope = {
        uid: newUid(),
        timestamp: nowSeconds(),
        expiration: 120,
        source: { twin: 1, connection: 'caller' },
        destination: { twin: 2 },
        message: { kind: 'request', command: 'work' },
        schema: 'application/json',
        payload: { kind: 'plain', data: utf8ToBytes(JSON.stringify({ n: i })) },
        relays: [],
      };
      signEnvelope(env, a.identity);
      uids.push(env.uid);
      const bytes = encodeRmbEnvelope(env);
      sender.send(bytes);
      sender.send(bytes);
    }
    await until(() => r1.stats().queued >= 20);
    sender.close();
    await r1.close();

    // A second relay process for the same domain, same Redis; B comes online there.
    const r2 = await startRelay({ domain: 'relay1.test', resolver, redisUrl: redis.url, redisPrefix: prefix });
    const runs = new Map<string, number>();
    const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: r2.url, resolver });
    pb.handle('work', (req) => {
      runs.set(req.uid, (runs.get(req.uid) ?? 0) + 1);
      return req.json();
    });
    await pb.connect();
    await until(() => runs.size === 10);
    // The replies wait for A in Redis too; A reconnects and gets one per request (plus the
    // stored reply for each duplicate request).
    const back = await rawAs(r2.url, a, 'caller');
    await until(() => new Set(back.received.map((e) => e.uid)).size === 10);
    expect(new Set(back.received.map((e) => e.uid))).toEqual(new Set(uids));
    expect(back.received.every((e) => e.message?.kind === 'response')).toBe(true);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
    back.close();
    await pb.close();
    await r2.close();
  });

  it('envelopes waiting for another domain survive a relay restart', async () => {
    const a = makeTwin(1, { relay: 'd1.test' });
    const c = makeTwin(3, { relay: 'd2.test' });
    const resolver = staticTwinResolver([a.twin, c.twin]);
    const port = await freePort();
    const prefix = `f${Date.now()}:`;
    const opts = {
      domain: 'd1.test',
      resolver,
      redisUrl: redis.url,
      redisPrefix: prefix,
      federationRetryMs: 200,
      federationUrl: (d: string) => (d === 'd2.test' ? `http://127.0.0.1:${port}/` : 'http://127.0.0.1:1/'),
    };
    const r1 = await startRelay(opts);
    const sender = await rawAs(r1.url, a);
    const env: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: 3 }, message: { kind: 'request', command: 'x' }, relays: [] };
    signEnvelope(env, a.identity);
    sender.send(encodeRmbEnvelope(env));
    const db = new Redis(redis.url);
    await until(async () => (await db.xlen(`${prefix}stream:federation`)) === 1);
    sender.close();
    await r1.close();
    const r1b = await startRelay(opts);
    const r2 = await startRelay({ domain: 'd2.test', resolver, port });
    const receiver = await rawAs(r2.url, c);
    try {
      expect((await receiver.next((e) => e.uid === env.uid, 10_000)).uid).toBe(env.uid);
      await until(async () => (await db.xlen(`${prefix}stream:federation`)) === 0);
    } finally {
      receiver.close();
      db.disconnect();
      await r2.close();
      await r1b.close();
    }
  });

  it('two relays of one domain sharing the federation outbox send each envelope once', async () => {
    const a = makeTwin(1, { relay: 'd1.test' });
    const c = makeTwin(3, { relay: 'd2.test' });
    const resolver = staticTwinResolver([a.twin, c.twin]);
    // d2.test's federation endpoint on loopback: first down (503, so everything lands in the
    // shared outbox), then a slow relay that holds each POST for a while before its 202 — long
    // enough for both relays to run several retry rounds meanwhile.
    let mode: 'down' | 'slow' = 'down';
    const accepted = new Map<string, number>();
    const endpoint = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (d: Buffer) => chunks.push(d));
      req.on('end', () => {
        if (mode === 'down') {
          res.writeHead(503).end();
          return;
        }
        const uid = decodeRmbEnvelope(new Uint8Array(Buffer.concat(chunks))).uid;
        accepted.set(uid, (accepted.get(uid) ?? 0) + 1);
        setTimeout(() => res.writeHead(202).end(), 1000);
      });
    });
    await new Promise<void>((r) => endpoint.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(endpoint.address() as AddressInfo).port}/`;
    const prefix = `o${Date.now()}:`;
    const opts = {
      domain: 'd1.test',
      resolver,
      redisUrl: redis.url,
      redisPrefix: prefix,
      federationRetryMs: 100,
      federationUrl: (d: string) => (d === 'd2.test' ? url : 'http://127.0.0.1:1/'),
    };
    const r1 = await startRelay(opts);
    const r2 = await startRelay(opts);
    const db = new Redis(redis.url);
    const sender = await rawAs(r1.url, a);
    try {
      const uids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const env: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: 3 }, message: { kind: 'request', command: 'x' }, relays: [] };
        signEnvelope(env, a.identity);
        uids.push(env.uid);
        sender.send(encodeRmbEnvelope(env));
      }
      const outbox = `${prefix}stream:federation`;
      await until(async () => (await db.xlen(outbox)) === 5);
      mode = 'slow';
      await until(async () => (await db.xlen(outbox)) === 0, 20_000);
      expect(new Set(accepted.keys())).toEqual(new Set(uids));
      expect([...accepted.values()]).toEqual([1, 1, 1, 1, 1]);
    } finally {
      sender.close();
      db.disconnect();
      await r1.close();
      await r2.close();
      await new Promise<void>((r) => endpoint.close(() => r()));
    }
  });

  it('two relays of one domain share sessions through Redis', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2);
    const resolver = staticTwinResolver([a.twin, b.twin]);
    const prefix = `s${Date.now()}:`;
    const r1 = await startRelay({ domain: 'relay1.test', resolver, redisUrl: redis.url, redisPrefix: prefix });
    const r2 = await startRelay({ domain: 'relay1.test', resolver, redisUrl: redis.url, redisPrefix: prefix });
    const pa = new RmbPeer({ identity: a.identity, twinId: 1, relays: r1.url, resolver });
    const pb = new RmbPeer({ identity: b.identity, twinId: 2, relays: r2.url, resolver });
    pa.handle('who', () => 'a');
    pb.handle('who', () => 'b');
    await Promise.all([pa.connect(), pb.connect()]);
    try {
      expect(await pa.call(2, 'who', null)).toBe('b');
      expect(await pb.call(1, 'who', null)).toBe('a');
    } finally {
      await pa.close();
      await pb.close();
      await r1.close();
      await r2.close();
    }
  });

  it('refuses to start when Redis is unreachable', async () => {
    const resolver = staticTwinResolver([]);
    await expect(startRelay({ domain: 'x.test', resolver, redisUrl: 'redis://127.0.0.1:1' })).rejects.toMatchObject({
      code: 'transport.redis_unavailable',
    });
  });
});
