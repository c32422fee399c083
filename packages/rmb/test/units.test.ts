import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChainClient, ChainEvent, Twin } from '@sc4it/types';
import { bytesToHex, utf8ToBytes } from '@sc4it/types';
import {
  DedupWindow,
  DomainRanker,
  type RmbEnvelope,
  type RunningRelay,
  cachedTwinResolver,
  chainTwinResolver,
  createRelayToken,
  encodeRmbEnvelope,
  hasTag,
  newUid,
  nowSeconds,
  parseRelayToken,
  parseTwinsList,
  signEnvelope,
  stamp,
  startRelay,
  staticTwinResolver,
  toTwinsFileEntry,
} from '../src/index.ts';
import { base64UrlDecode } from '../src/base64url.ts';
import { makeTwin } from './helpers.ts';

describe('twins.json', () => {
  const t = makeTwin(3);
  const entry = { id: 3, account: bytesToHex(t.identity.publicKey), key_type: 'sr25519', relay: 'a.test_b.test', pk: '' };

  it('parses entries; "pk": "" means no key; relay keeps the "_" list', () => {
    const [twin] = parseTwinsList([entry]);
    expect(twin).toEqual({ id: 3, account: t.identity.publicKey, keyType: 'sr25519', relay: 'a.test_b.test', pk: null });
    expect(toTwinsFileEntry(twin!)).toEqual(entry);
  });

  it.each([
    ['not an array', {}, '$'],
    ['bad id', [{ ...entry, id: 0 }], '[0].id'],
    ['duplicate id', [entry, entry], '[1].id'],
    ['bad key type', [{ ...entry, key_type: 'ecdsa' }], '[0].key_type'],
    ['short account', [{ ...entry, account: 'abcd' }], '[0].account'],
    ['non-hex account', [{ ...entry, account: 'zz'.repeat(32) }], '[0].account'],
    ['pk not 33 bytes', [{ ...entry, pk: 'ab'.repeat(32) }], '[0].pk'],
  ])('refuses %s', (_name, value, field) => {
    expect(() => parseTwinsList(value)).toThrow(expect.objectContaining({ field }));
  });
});

describe('twin resolvers', () => {
  function fakeChain(twins: Map<number, Twin>) {
    let calls = 0;
    let emit: ((e: ChainEvent) => void) | undefined;
    const chain = {
      getTwin: async (id: number) => {
        calls++;
        return twins.get(id) ?? null;
      },
      subscribeEvents: async (h: (e: ChainEvent) => void) => {
        emit = h;
        return () => {
          emit = undefined;
        };
      },
    } as unknown as ChainClient;
    return { chain, calls: () => calls, emit: (e: ChainEvent) => emit?.(e) };
  }

  it('chainTwinResolver caches, shares concurrent lookups, and drops a twin on TwinUpdated', async () => {
    const a = makeTwin(1);
    const twins = new Map([[1, a.twin]]);
    const f = fakeChain(twins);
    const r = chainTwinResolver(f.chain, { ttlMs: 60_000 });
    const [x, y] = await Promise.all([r.getTwin(1), r.getTwin(1)]);
    expect(x).toBe(a.twin);
    expect(y).toBe(a.twin);
    expect(await r.getTwin(1)).toBe(a.twin);
    expect(f.calls()).toBe(1);
    const moved = { ...a.twin, relay: 'new.test' };
    twins.set(1, moved);
    await Promise.resolve();
    f.emit({ block: 2, index: 0, name: 'TwinUpdated', data: { twinId: 1 } });
    expect(await r.getTwin(1)).toBe(moved);
    expect(f.calls()).toBe(2);
    expect(await r.getTwin(9)).toBeNull();
    await r.close?.();
  });

  it('a cached resolver does not cache failures', async () => {
    let fail = true;
    const r = cachedTwinResolver({
      getTwin: async () => {
        if (fail) throw new Error('rpc down');
        return null;
      },
    });
    await expect(r.getTwin(1)).rejects.toThrow('rpc down');
    fail = false;
    expect(await r.getTwin(1)).toBeNull();
  });
});

describe('envelope helpers', () => {
  it('stamp keeps the absolute deadline (rmb.md §2.3)', () => {
    const now = 1_000_000;
    const env = { timestamp: now - 100, expiration: 300 } as RmbEnvelope;
    stamp(env, now);
    expect(env).toMatchObject({ timestamp: now, expiration: 200 });
    const fresh = { timestamp: 0, expiration: 300 } as RmbEnvelope;
    stamp(fresh, now);
    expect(fresh).toMatchObject({ timestamp: now, expiration: 300 });
    const future = { timestamp: now + 50, expiration: 30 } as RmbEnvelope;
    stamp(future, now);
    expect(future).toMatchObject({ timestamp: now, expiration: 30 });
  });

  it('fail-fast tag is matched as a token split on commas or whitespace', () => {
    expect(hasTag({ tags: 'a,fail-fast' }, 'fail-fast')).toBe(true);
    expect(hasTag({ tags: 'a fail-fast b' }, 'fail-fast')).toBe(true);
    expect(hasTag({ tags: 'no-fail-fast' }, 'fail-fast')).toBe(false);
    expect(hasTag({}, 'fail-fast')).toBe(false);
  });

  it('dedup window: a key is claimed once until its deadline', () => {
    const d = new DedupWindow();
    expect(d.claim('k', 1100, 1000)).toBeUndefined();
    expect(d.claim('k', 1100, 1050)).toEqual({ until: 1100 });
    d.settle('k', new Uint8Array([1]));
    expect(d.claim('k', 1100, 1099)?.reply).toEqual(new Uint8Array([1]));
    expect(d.claim('k', 1100, 1100)).toBeUndefined(); // expired entry: new claim
  });

  it('ranker puts domains with recent failures last and forgets old failures', () => {
    const r = new DomainRanker(1000);
    r.fail('a', 0);
    r.fail('a', 500);
    r.fail('b', 500);
    expect(r.order(['a', 'b', 'c'], 600)).toEqual(['c', 'b', 'a']);
    expect(r.failures('a', 1400)).toBe(1);
    expect(r.order(['a', 'b'], 2000).sort()).toEqual(['a', 'b']);
  });

  it('ranker ties follow the injected tie-break source', () => {
    // Draws are taken per domain in input order; lower draw first.
    const draws = [0.9, 0.1, 0.5];
    const r = new DomainRanker({ random: () => draws.shift()! });
    expect(r.order(['a', 'b', 'c'])).toEqual(['b', 'c', 'a']);
    const fixed = new DomainRanker({ random: () => 0 });
    expect(fixed.order(['x', 'y', 'z'])).toEqual(['x', 'y', 'z']);
    fixed.fail('x');
    expect(fixed.order(['x', 'y', 'z'])).toEqual(['y', 'z', 'x']);
  });
});

describe('relay tokens (peer side)', () => {
  it('writes unpadded base64url, alg RS512, typ JWT, sid null without a session', () => {
    const t = makeTwin(4, { keyType: 'ed25519' });
    const token = createRelayToken(t.identity, 4, { now: 1000, ttl: 60 });
    expect(token).not.toContain('=');
    const [h, c] = token.split('.');
    expect(JSON.parse(new TextDecoder().decode(base64UrlDecode(h!)))).toEqual({ alg: 'RS512', typ: 'JWT' });
    expect(JSON.parse(new TextDecoder().decode(base64UrlDecode(c!)))).toEqual({ sub: 4, iat: 1000, exp: 1060, sid: null });
    const parsed = parseRelayToken(token);
    expect(parsed.signature.length).toBe(65);
    expect(parsed.signature[0]).toBe(0x65);
  });
});

describe('federation endpoint (rmb.md §5.4, receiving side)', () => {
  const a = makeTwin(1);
  const b = makeTwin(2);
  let relay: RunningRelay;
  let base: string;
  beforeAll(async () => {
    relay = await startRelay({ domain: 'relay1.test', resolver: staticTwinResolver([a.twin, b.twin]), maxFrame: 64 * 1024 });
    base = `http://127.0.0.1:${relay.port}`;
  });
  afterAll(() => relay.close());

  const env = (over: Partial<RmbEnvelope> = {}): Uint8Array => {
    const e: RmbEnvelope = { uid: newUid(), timestamp: nowSeconds(), expiration: 60, source: { twin: 1 }, destination: { twin: 2 }, message: { kind: 'request', command: 'x' }, payload: { kind: 'plain', data: utf8ToBytes('{}') }, relays: [], ...over };
    signEnvelope(e, a.identity);
    return encodeRmbEnvelope(e);
  };
  const post = (body: Uint8Array | string) => fetch(`${base}/`, { method: 'POST', body: body as BodyInit });

  it.each([
    ['accepts an envelope for a known offline twin', () => env(), 202, ''],
    ['refuses garbage', () => new Uint8Array([0xff, 0xff, 0xff]), 400, 'invalid envelope'],
    ['refuses a missing destination', () => env({ destination: { twin: 0 } }), 400, 'message with missing destination'],
    ['refuses an expired envelope', () => env({ timestamp: nowSeconds() - 100 }), 400, 'message has expired'],
    ['refuses an unknown twin', () => env({ destination: { twin: 99 } }), 404, 'unknown twin destination'],
    ['fail-fast to an offline twin', () => env({ tags: 'fail-fast' }), 404, 'destination offline'],
    ['refuses a body over the frame limit', () => new Uint8Array(70 * 1024), 413, 'message too large'],
  ] as const)('%s', async (_name, body, status, text) => {
    const res = await post(body());
    expect(res.status).toBe(status);
    expect(await res.text()).toBe(text);
  });

  it('serves metrics and 404 elsewhere', async () => {
    expect(await (await fetch(`${base}/metrics`)).text()).toContain('sc4it_relay_federation_in');
    const res = await fetch(`${base}/nope`);
    expect(res.status).toBe(404);
    expect(await res.text()).toBe('page not found');
  });
});
