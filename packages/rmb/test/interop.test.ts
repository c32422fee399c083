import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMnemonic, identityFromMnemonic } from '@sc4it/crypto';
import type { Twin } from '@sc4it/types';
import { RmbPeer, type RunningRelay, startRelay, staticTwinResolver } from '../src/index.ts';
import { type RealClient, type StubTwin, connectRealClient } from './real-client.ts';

/**
 * The real `@threefold/rmb_direct_client` 2.9.2 against our relay and our peer: its JWT is
 * accepted, its ping gets a pong, its signed + encrypted request is verified and decrypted by
 * our peer, and our signed + encrypted reply is verified and decrypted by it.
 */
describe('interop with @threefold/rmb_direct_client 2.9.2', () => {
  const DOMAIN = 'relay1.test';
  let relay: RunningRelay;
  const resolver = staticTwinResolver();
  const clients: RealClient[] = [];
  const peers: RmbPeer[] = [];

  beforeAll(async () => {
    relay = await startRelay({ domain: DOMAIN, resolver });
  });
  afterAll(async () => {
    for (const c of clients) await c.disconnect();
    for (const p of peers) await p.close();
    await relay.close();
  });

  function register(id: number, identity: ReturnType<typeof identityFromMnemonic>, pk = true): Twin {
    const twin: Twin = { id, account: identity.publicKey, keyType: identity.keyType, relay: DOMAIN, pk: pk ? identity.secp256k1.publicKey : null };
    resolver.set(twin);
    return twin;
  }

  /** `pk = false`: our peer's twin publishes no key, so the client sends plain (rmb.md §4). */
  async function setup(keyType: 'sr25519' | 'ed25519', ids: [number, number], pk = true) {
    const clientMnemonic = generateMnemonic();
    const clientId = identityFromMnemonic(clientMnemonic, keyType);
    const peerId = identityFromMnemonic(generateMnemonic(), keyType === 'sr25519' ? 'ed25519' : 'sr25519');
    register(ids[0], clientId);
    register(ids[1], peerId, pk);
    const peer = new RmbPeer({ identity: peerId, twinId: ids[1], relays: relay.url, resolver });
    peers.push(peer);
    const seen: { encrypted: boolean; payload: unknown; source: number; session: string | undefined }[] = [];
    peer.handle('calc.add', (req) => {
      const { a, b } = req.json<{ a: number; b: number }>();
      seen.push({ encrypted: req.encrypted, payload: req.json(), source: req.source.twin, session: req.source.connection });
      return { sum: a + b };
    });
    peer.handle('fail', () => {
      throw new Error('handler exploded');
    });
    await peer.connect();
    const stubTwins: StubTwin[] = [
      { id: ids[0], identity: clientId, relay: relay.url.replace('wss://', '').replace('/', ''), pk: true },
      { id: ids[1], identity: peerId, relay: DOMAIN, pk },
      { id: 999, identity: peerId, relay: DOMAIN, pk: true },
    ];
    const { client, calls } = await connectRealClient(relay.url, clientMnemonic, keyType, `s-${ids[0]}`, clientId, stubTwins);
    clients.push(client);
    return { client, calls, seen, peer };
  }

  it('sr25519 client: JWT accepted, ping/pong, encrypted request verified both ways', async () => {
    const { client, calls, seen } = await setup('sr25519', [101, 102]);
    expect(calls.slice(0, 2)).toEqual(['getTwinIdByAccountId', 'get(101)']);
    const pingUid = await client.ping();
    await expect(client.read(pingUid)).resolves.toBeDefined();
    const uid = await client.send('calc.add', JSON.stringify({ a: 2, b: 40 }), 102, 1);
    await expect(client.read(uid)).resolves.toEqual({ sum: 42 });
    expect(seen).toEqual([{ encrypted: true, payload: { a: 2, b: 40 }, source: 101, session: 's-101' }]);
  });

  it('ed25519 client, plaintext (our twin without pk)', async () => {
    const { client, seen } = await setup('ed25519', [201, 202], false);
    const uid = await client.send('calc.add', JSON.stringify({ a: 1, b: 1 }), 202, 1);
    await expect(client.read(uid)).resolves.toEqual({ sum: 2 });
    expect(seen).toEqual([{ encrypted: false, payload: { a: 1, b: 1 }, source: 201, session: 's-201' }]);
  });

  it('the client reads our handler error and the relay error envelopes', async () => {
    const { client } = await setup('sr25519', [301, 302]);
    const uid = await client.send('fail', '{}', 302, 1);
    await expect(client.read(uid)).rejects.toThrow('255 handler exploded');
    const uid2 = await client.send('calc.add', '{}', 999, 1);
    await expect(client.read(uid2)).rejects.toThrow('0 unknown twin destination');
  });

  it('our peer calls a peer whose requests the real client also reaches (same relay, mixed traffic)', async () => {
    const { peer } = await setup('sr25519', [401, 402]);
    const other = identityFromMnemonic(generateMnemonic(), 'sr25519');
    register(403, other);
    const caller = new RmbPeer({ identity: other, twinId: 403, relays: relay.url, resolver });
    peers.push(caller);
    await caller.connect();
    await expect(caller.call(402, 'calc.add', { a: 5, b: 6 })).resolves.toEqual({ sum: 11 });
    expect(peer.connectedRelays).toBe(1);
  });
});
