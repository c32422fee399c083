import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bytesToUtf8, utf8ToBytes } from '@sc4it/types';
import {
  type RmbEnvelope,
  type RunningRelay,
  RmbPeer,
  createRelayToken,
  decodeRmbEnvelope,
  encodeRmbEnvelope,
  newUid,
  nowSeconds,
  signEnvelope,
  startRelay,
  staticTwinResolver,
} from '../src/index.ts';
import { base64UrlEncode } from '../src/base64url.ts';
import { type RawClient, isRefusal, makeTwin, rawAs, rawConnect } from './helpers.ts';

const DOMAIN = 'relay1.test';
const a = makeTwin(1);
const b = makeTwin(2, { keyType: 'ed25519' });
const noRelay = makeTwin(3, { relay: null });
const outsider = makeTwin(50); // not registered
const limited = makeTwin(4);
const offline = makeTwin(5); // registered here, never connected
const twins = [a, b, noRelay, limited, offline];
let relay: RunningRelay;
let limitedRelay: RunningRelay;
const open: RawClient[] = [];

beforeAll(async () => {
  relay = await startRelay({ domain: DOMAIN, resolver: staticTwinResolver(twins.map((t) => t.twin)), maxFrame: 64 * 1024 });
  limitedRelay = await startRelay({
    domain: DOMAIN,
    resolver: staticTwinResolver(twins.map((t) => t.twin)),
    rateLimit: { count: 3, size: 1024 * 1024 },
  });
});
afterAll(async () => {
  for (const c of open) c.close();
  await relay.close();
  await limitedRelay.close();
});

async function raw(t = a, session?: string, url = relay.url): Promise<RawClient> {
  const c = await rawAs(url, t, session);
  open.push(c);
  return c;
}

function request(from: typeof a, to: number, over: Partial<RmbEnvelope> = {}, session?: string): RmbEnvelope {
  const env: RmbEnvelope = {
    uid: newUid(),
    timestamp: nowSeconds(),
    expiration: 60,
    source: session === undefined ? { twin: from.twin.id } : { twin: from.twin.id, connection: session },
    destination: { twin: to },
    message: { kind: 'request', command: 'test.echo' },
    schema: 'application/json',
    payload: { kind: 'plain', data: utf8ToBytes('{}') },
    relays: [],
    ...over,
  };
  signEnvelope(env, from.identity);
  return env;
}

/** A relay error envelope: same uid, code 0, no source, no signature (rmb.md §5.6). */
function expectRelayError(env: RmbEnvelope, uid: string, message: string): void {
  expect(env.uid).toBe(uid);
  expect(env.message).toEqual({ kind: 'error', code: 0, message });
  expect(env.source === undefined || env.source.twin === 0).toBe(true);
  expect(env.signature).toBeUndefined();
  expect(env.expiration).toBe(300);
}

describe('handshake (rmb.md §3.3)', () => {
  const tok = (over: Record<string, unknown>, header: Record<string, unknown> = { alg: 'RS512', typ: 'JWT' }, signer = a) => {
    const now = nowSeconds();
    const claims = { sub: a.twin.id, iat: now, exp: now + 60, sid: null, ...over };
    const input = `${base64UrlEncode(utf8ToBytes(JSON.stringify(header)))}.${base64UrlEncode(utf8ToBytes(JSON.stringify(claims)))}`;
    const sig = signer.identity.sign(utf8ToBytes(input));
    const typed = new Uint8Array(65);
    typed[0] = signer.identity.keyType === 'sr25519' ? 0x73 : 0x65;
    typed.set(sig, 1);
    return `${input}.${base64UrlEncode(typed)}`;
  };

  it.each([
    ['missing jwt', undefined, 400, 'missing jwt'],
    ['empty query', '', 400, 'missing jwt'],
    ['garbage', 'not-a-jwt', 401, 'invalid jwt'],
    ['malformed percent-encoding', '%E0%A4%A.x.y', 401, 'invalid jwt'],
    ['token=<jwt> form', 'token=a.b.c', 401, 'invalid jwt'],
    ['expired', 'EXPIRED', 401, 'invalid jwt'],
    ['alg HS256', 'HS256', 401, 'invalid jwt'],
    ['unknown twin', 'UNKNOWN', 401, 'twin not found 50'],
    ['signed by another key', 'OTHERKEY', 401, 'invalid jwt'],
  ])('refuses %s', async (_name, kind, status, body) => {
    let q: string | undefined = kind;
    const now = nowSeconds();
    if (kind === 'EXPIRED') q = tok({ iat: now - 100, exp: now - 1 });
    if (kind === 'HS256') q = tok({}, { alg: 'HS256', typ: 'JWT' });
    if (kind === 'UNKNOWN') q = createRelayToken(outsider.identity, outsider.twin.id);
    if (kind === 'OTHERKEY') q = tok({}, undefined, b);
    const res = await rawConnect(relay.url, q);
    expect(isRefusal(res)).toBe(true);
    if (isRefusal(res)) {
      expect(res.status).toBe(status);
      expect(res.body).toBe(body);
    }
  });

  it('accepts rmb-rs style tokens (no typ, sid null) and any iat: 2 s ahead (the TS client), an hour ahead (rmb-rs never checks iat)', async () => {
    const now = nowSeconds();
    for (const q of [tok({}, { alg: 'RS512' }), tok({ sid: undefined }), tok({ iat: now + 2, sid: 'x' }), tok({ iat: now + 3600, exp: now + 7200, sid: 'y' })]) {
      const c = await rawConnect(relay.url, q);
      expect(isRefusal(c)).toBe(false);
      if (!isRefusal(c)) c.close();
    }
  });

  it('with jwtMaxClockSkew set, refuses an iat beyond it and still accepts a small skew', async () => {
    const strict = await startRelay({ domain: DOMAIN, resolver: staticTwinResolver(twins.map((t) => t.twin)), jwtMaxClockSkew: 60 });
    try {
      const now = nowSeconds();
      const ok = await rawConnect(strict.url, tok({ iat: now + 2, sid: 'x' }));
      expect(isRefusal(ok)).toBe(false);
      if (!isRefusal(ok)) ok.close();
      const ahead = await rawConnect(strict.url, tok({ iat: now + 3600, exp: now + 7200, sid: 'y' }));
      expect(isRefusal(ahead) ? [ahead.status, ahead.body] : 'accepted').toEqual([401, 'invalid jwt']);
    } finally {
      await strict.close();
    }
  });
});

describe('frames (rmb.md §3.5)', () => {
  it('closes on a text frame', async () => {
    const c = await raw();
    c.ws.send('hello');
    expect(await c.closed).toEqual({ code: 1003, reason: 'only binary frames are accepted' });
  });

  it('closes on a frame that is not an envelope', async () => {
    const c = await raw();
    c.send(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0x0f]));
    expect(await c.closed).toEqual({ code: 1007, reason: 'frame is not an envelope' });
  });

  it('closes on a frame over the size limit', async () => {
    const c = await raw();
    const big = request(a, b.twin.id, { payload: { kind: 'plain', data: new Uint8Array(70 * 1024) } });
    c.send(encodeRmbEnvelope(big));
    const { code } = await c.closed;
    expect(code).toBe(1009);
  });

  it('keeps serving after fuzzed frames (random bytes never crash the relay)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 300 }), async (bytes) => {
        const c = await raw();
        c.send(bytes);
        // Either it decodes (then it is routed or refused) or the connection closes with 1007.
        await Promise.race([c.closed, c.next(() => true, 300).catch(() => undefined)]);
        c.close();
      }),
      { numRuns: 40 },
    );
    const x = await raw(a, 'after-fuzz');
    const ping: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 40, source: { twin: 1, connection: 'after-fuzz' }, destination: { twin: 0 }, message: { kind: 'ping' }, relays: [] };
    x.send(encodeRmbEnvelope(ping));
    expect((await x.next()).message?.kind).toBe('pong');
  });
});

describe('fast-check: the frame decoder only ever throws decode.envelope', () => {
  it('random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 512 }), (bytes) => {
        try {
          decodeRmbEnvelope(bytes);
        } catch (err) {
          expect((err as { code?: string }).code).toBe('decode.envelope');
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('mutated valid envelopes', () => {
    const valid = encodeRmbEnvelope(request(a, 2));
    fc.assert(
      fc.property(fc.nat(valid.length - 1), fc.integer({ min: 0, max: 255 }), fc.nat(valid.length), (at, value, cut) => {
        const bytes = valid.slice(0, Math.max(1, cut));
        if (at < bytes.length) bytes[at] = value;
        try {
          const env = decodeRmbEnvelope(bytes);
          expect(typeof env.uid).toBe('string');
        } catch (err) {
          expect((err as { code?: string }).code).toBe('decode.envelope');
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('routing errors (rmb.md §5.2, §5.6)', () => {
  it('ping → pong with swapped addresses and "hello world"', async () => {
    const c = await raw(a, 'p');
    const uid = newUid();
    c.send(encodeRmbEnvelope({ uid, timestamp: nowSeconds(), expiration: 40, tags: '', source: { twin: 1, connection: 'p' }, destination: { twin: 0 }, message: { kind: 'ping' }, relays: [] }));
    const pong = await c.next((e) => e.uid === uid);
    expect(pong.message).toEqual({ kind: 'pong' });
    expect(pong.destination).toEqual({ twin: 1, connection: 'p' });
    expect(pong.source).toEqual({ twin: 0 });
    expect(bytesToUtf8(pong.payload!.data)).toBe('hello world');
  });

  it('spoofed source: error to the session, nothing delivered to the target', async () => {
    const target = await raw(b);
    const c = await raw(a, 's1');
    const env = request(a, b.twin.id, {}, 'other-session'); // session mismatch
    c.send(encodeRmbEnvelope(env));
    expectRelayError(await c.next((e) => e.uid === env.uid), env.uid, 'message wrong source');
    const env2 = request(b, b.twin.id, { source: { twin: 2, connection: 's1' } }); // another twin
    c.send(encodeRmbEnvelope(env2));
    expectRelayError(await c.next((e) => e.uid === env2.uid), env2.uid, 'message wrong source');
    // A good message afterwards arrives; the spoofed ones never did.
    const good = request(a, b.twin.id, {}, 's1');
    c.send(encodeRmbEnvelope(good));
    const got = await target.next();
    expect(got.uid).toBe(good.uid);
  });

  it.each([
    ['unknown destination', 77, {}, 'unknown twin destination'],
    ['missing destination', 0, {}, 'message with missing destination'],
    ['twin without relay', 3, {}, 'relay info is not set for this twin'],
    ['expired envelope', 2, { timestamp: nowSeconds() - 120, expiration: 60 }, 'message has expired'],
    ['fail-fast to an offline twin', 5, { tags: 'x, fail-fast' }, 'destination offline'],
  ] as const)('%s', async (_name, to, over, message) => {
    const c = await raw(a, `r-${to}-${message.length}`);
    const env = request(a, to, over as Partial<RmbEnvelope>, `r-${to}-${message.length}`);
    c.send(encodeRmbEnvelope(env));
    expectRelayError(await c.next((e) => e.uid === env.uid), env.uid, message);
  });

  it('per-twin rate limit: error envelope, connection stays open', async () => {
    const c = await raw(limited, undefined, limitedRelay.url);
    const sent: RmbEnvelope[] = [];
    for (let i = 0; i < 4; i++) {
      const env = request(limited, b.twin.id);
      sent.push(env);
      c.send(encodeRmbEnvelope(env));
    }
    expectRelayError(await c.next((e) => e.uid === sent[3]!.uid), sent[3]!.uid, 'exceeded rate limits, dropping message');
    expect(c.ws.readyState).toBe(c.ws.OPEN);
  });

  it('one live connection per (twin, session): the newer one replaces the older', async () => {
    const first = await raw(a, 'dup');
    const second = await raw(a, 'dup');
    expect(await first.closed).toEqual({ code: 4000, reason: 'replaced by a newer connection of the same session' });
    const env = request(b, a.twin.id, { destination: { twin: 1, connection: 'dup' } });
    const sender = await raw(b);
    sender.send(encodeRmbEnvelope(env));
    expect((await second.next((e) => e.uid === env.uid)).uid).toBe(env.uid);
    // Sessions differ: absent sid and "" are two sessions.
    const none = await raw(a);
    const empty = await raw(a, '');
    expect(none.ws.readyState).toBe(none.ws.OPEN);
    expect(empty.ws.readyState).toBe(empty.ws.OPEN);
  });
});

describe('keep-alive (rmb.md §3.6)', () => {
  it('the relay drops a connection that stops answering WebSocket pings', async () => {
    const r = await startRelay({ domain: DOMAIN, resolver: staticTwinResolver(twins.map((t) => t.twin)), pingIntervalMs: 100 });
    try {
      const silent = await rawConnect(r.url, createRelayToken(a.identity, 1, { session: 'silent' }), { autoPong: false });
      const alive = await rawConnect(r.url, createRelayToken(a.identity, 1, { session: 'alive' }));
      if (isRefusal(silent) || isRefusal(alive)) throw new Error('refused');
      expect((await silent.closed).code).toBe(1006);
      expect(alive.ws.readyState).toBe(alive.ws.OPEN);
      alive.close();
    } finally {
      await r.close();
    }
  });
});

describe('peer-level bad input', () => {
  it('a replayed uid runs the handler once; the replay gets the stored reply', async () => {
    const server = new RmbPeer({ identity: b.identity, twinId: 2, relays: relay.url, resolver: staticTwinResolver(twins.map((t) => t.twin)), session: 'srv' });
    let runs = 0;
    server.handle('count', () => ++runs);
    await server.connect();
    try {
      const c = await raw(a, 'replayer');
      const env = request(a, 2, { message: { kind: 'request', command: 'count' }, destination: { twin: 2, connection: 'srv' } }, 'replayer');
      const bytes = encodeRmbEnvelope(env);
      c.send(bytes);
      const r1 = await c.next((e) => e.uid === env.uid);
      c.send(bytes);
      c.send(bytes);
      const r2 = await c.next((e) => e.uid === env.uid);
      const r3 = await c.next((e) => e.uid === env.uid);
      expect(runs).toBe(1);
      for (const r of [r1, r2, r3]) expect(r.message).toEqual({ kind: 'response' });
      expect(r2.signature).toEqual(r1.signature);
    } finally {
      await server.close();
    }
  });

  it('a handler that throws gives an error reply (code 255); unknown command gives 404', async () => {
    const resolver = staticTwinResolver(twins.map((t) => t.twin));
    const server = new RmbPeer({ identity: b.identity, twinId: 2, relays: relay.url, resolver, session: 'srv2' });
    server.handle('boom', () => {
      throw new Error('kaput');
    });
    const client = new RmbPeer({ identity: a.identity, twinId: 1, relays: relay.url, resolver, session: 'cli2' });
    await Promise.all([server.connect(), client.connect()]);
    try {
      await expect(client.request(2, 'boom', '{}', { session: 'srv2' })).rejects.toMatchObject({ code: 'rpc.remote_error', remoteCode: 255, upstream: '255 kaput' });
      await expect(client.request(2, 'nope', '{}', { session: 'srv2' })).rejects.toMatchObject({ code: 'rpc.remote_error', remoteCode: 404 });
      await expect(client.request(77, 'x', '{}')).rejects.toMatchObject({ code: 'chain.twin_not_exists' });
      await expect(client.request(3, 'x', '{}')).rejects.toMatchObject({ code: 'transport.relay_error', upstream: 'relay info is not set for this twin' });
    } finally {
      await server.close();
      await client.close();
    }
  });

  it('a forged reply (bad signature) is ignored; the real one still resolves the request', async () => {
    const resolver = staticTwinResolver(twins.map((t) => t.twin));
    const client = new RmbPeer({ identity: a.identity, twinId: 1, relays: relay.url, resolver, session: 'forge', retryIntervalMs: 100 });
    await client.connect();
    const srv = await raw(b, 'forged-srv');
    try {
      const pending = client.request(2, 'x', '{}', { session: 'forged-srv', timeout: 5000 });
      const req = await srv.next((e) => e.message?.kind === 'request');
      const reply = (sig: typeof a): RmbEnvelope => {
        const env: RmbEnvelope = { uid: req.uid, timestamp: nowSeconds(), expiration: 60, source: { twin: 2, connection: 'forged-srv' }, destination: req.source!, message: { kind: 'response' }, schema: 'application/json', payload: { kind: 'plain', data: utf8ToBytes('"forged"') }, relays: [] };
        signEnvelope(env, sig.identity);
        return env;
      };
      srv.send(encodeRmbEnvelope(reply(a))); // signed by the wrong key
      const good = reply(b);
      good.payload = { kind: 'plain', data: utf8ToBytes('"genuine"') };
      signEnvelope(good, b.identity);
      srv.send(encodeRmbEnvelope(good));
      expect((await pending).json()).toBe('genuine');
    } finally {
      await client.close();
    }
  });
});
