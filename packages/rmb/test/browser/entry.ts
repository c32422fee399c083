// Bundled by test/browser.test.ts with esbuild for Chromium: the browser entry of @sc4it/rmb with
// the page's global WebSocket (no `ws`). Config comes in the URL hash.
import { identityFromSeed } from '@sc4it/crypto';
import { hexToBytes } from '@sc4it/types';
import { RmbPeer, staticTwinResolver } from '../../src/browser.ts';

interface Config {
  relay: string;
  seed: string;
  twinId: number;
  target: number;
  twins: { id: number; account: string; key_type: 'sr25519' | 'ed25519'; relay: string; pk: string }[];
}

async function run(): Promise<unknown> {
  const cfg = JSON.parse(decodeURIComponent(location.hash.slice(1))) as Config;
  const resolver = staticTwinResolver(
    cfg.twins.map((t) => ({ id: t.id, account: hexToBytes(t.account), keyType: t.key_type, relay: t.relay, pk: t.pk === '' ? null : hexToBytes(t.pk) })),
  );
  const peer = new RmbPeer({ identity: identityFromSeed(cfg.seed, 'sr25519'), twinId: cfg.twinId, relays: cfg.relay, resolver, session: 'browser' });
  peer.handle('browser.hello', (req) => ({ from: 'browser', got: req.json() }));
  await peer.connect();
  const reply = await peer.call(cfg.target, 'node.echo', { hello: 'from chromium', ws: typeof WebSocket });
  return { reply, address: peer.address };
}

(window as unknown as { __rmb: Promise<unknown> }).__rmb = run().catch((err: unknown) => ({ error: String((err as Error)?.stack ?? err) }));
