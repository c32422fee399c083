import { afterEach, describe, expect, it } from 'vitest';
import { bytesToUtf8 } from '@sc4it/types';
import { RmbPeer, type RunningRelay, startRelay, staticTwinResolver } from '../src/index.ts';
import { makeTwin } from './helpers.ts';

const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

async function relayWith(twins: ReturnType<typeof makeTwin>[], domain = 'relay1.test'): Promise<RunningRelay> {
  const relay = await startRelay({ domain, resolver: staticTwinResolver(twins.map((t) => t.twin)) });
  cleanup.push(() => relay.close());
  return relay;
}

function peerFor(t: ReturnType<typeof makeTwin>, relays: string | string[], all: ReturnType<typeof makeTwin>[], session?: string): RmbPeer {
  const peer = new RmbPeer({
    identity: t.identity,
    twinId: t.twin.id,
    relays,
    resolver: staticTwinResolver(all.map((x) => x.twin)),
    ...(session === undefined ? {} : { session }),
  });
  cleanup.push(() => peer.close());
  return peer;
}

describe('peer ↔ relay ↔ peer', () => {
  it('answers an encrypted, signed request with the handler result', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2, { keyType: 'ed25519' });
    const relay = await relayWith([a, b]);
    const pa = peerFor(a, relay.url, [a, b]);
    const pb = peerFor(b, relay.url, [a, b]);
    let seen: { encrypted: boolean; source: number; text: string } | undefined;
    pb.handle('echo', (req) => {
      seen = { encrypted: req.encrypted, source: req.source.twin, text: bytesToUtf8(req.payload) };
      return { got: req.json() };
    });
    await Promise.all([pa.connect(), pb.connect()]);
    const reply = await pa.request(2, 'echo', JSON.stringify({ hello: 'world' }), { timeout: 5000 });
    expect(reply.json()).toEqual({ got: { hello: 'world' } });
    expect(reply.encrypted).toBe(true);
    expect(reply.schema).toBe('application/json');
    expect(seen).toEqual({ encrypted: true, source: 1, text: '{"hello":"world"}' });
  });

  it('sends plaintext to a twin without pk', async () => {
    const a = makeTwin(1);
    const b = makeTwin(2, { pk: false });
    const relay = await relayWith([a, b]);
    const pa = peerFor(a, relay.url, [a, b]);
    const pb = peerFor(b, relay.url, [a, b]);
    let encrypted: boolean | undefined;
    pb.handle('x', (req) => {
      encrypted = req.encrypted;
      return 1;
    });
    await Promise.all([pa.connect(), pb.connect()]);
    expect(await pa.call(2, 'x', null)).toBe(1);
    expect(encrypted).toBe(false);
  });
});
