import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { join, sep } from 'node:path';
import { bytesToHex } from '@sc4it/types';
import type { Identity } from '@sc4it/crypto';

const require = createRequire(import.meta.url);

/**
 * Install quirk (not a behaviour change): the client's `sign.js` requires `@noble/hashes/sha2`
 * without declaring @noble/hashes; pnpm hoists 2.x, whose exports map lacks `./sha2`. That one
 * request is sent to the 1.x copy its @polkadot dependencies install (what a flat npm install
 * would hoist).
 */
function installNobleShim(): void {
  const g = globalThis as { __sc4itRmbNobleShim?: boolean };
  if (g.__sc4itRmbNobleShim) return;
  g.__sc4itRmbNobleShim = true;
  const main = require.resolve('@threefold/rmb_direct_client');
  const marker = `${sep}node_modules${sep}.pnpm${sep}`;
  const store = main.slice(0, main.indexOf(marker) + marker.length);
  const v1 = readdirSync(store)
    .filter((d) => /^@noble\+hashes@1\.\d+\.\d+$/.test(d))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }))
    .at(-1);
  if (v1 === undefined) throw new Error('no @noble/hashes 1.x installed');
  const sha2 = join(store, v1, 'node_modules', '@noble', 'hashes', 'sha2.js');
  type Resolve = (request: string, parent: { filename?: string } | undefined, ...rest: unknown[]) => string;
  // Under vitest, workers may run with `--conditions import`, which makes the client's
  // `require("ws")` pick ws's ESM wrapper (a namespace, not the class): pin its CommonJS entry.
  const wsMain = join(createRequire(main).resolve('ws/package.json'), '..', 'index.js');
  const Module = require('node:module') as { _resolveFilename: Resolve };
  const original = Module._resolveFilename;
  Module._resolveFilename = function (this: unknown, request, parent, ...rest) {
    if (parent?.filename?.includes('rmb_direct_client')) {
      if (request === '@noble/hashes/sha2') return sha2;
      if (request === 'ws') return wsMain;
    }
    return original.call(this, request, parent, ...rest);
  };
}

/** Directory of the client's CommonJS build (internals are required by absolute path). */
export function realClientDir(): string {
  installNobleShim();
  return join(require.resolve('@threefold/rmb_direct_client'), '..');
}

/** `require` by absolute path inside the real client's build. */
export function requireRealClientModule<T>(relative: string): T {
  return require(join(realClientDir(), relative)) as T;
}

/** The real `@threefold/rmb_direct_client` 2.9.2 `Client` class (test oracle). */
export interface RealClient {
  tfclient: unknown;
  twins: Map<number, unknown>;
  disconnectAndExit: () => void;
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  ping(): Promise<string>;
  send(command: string, data: string, twin: number, expirationMinutes: number): Promise<string>;
  read(uid: string): Promise<unknown>;
}

interface ClientCtor {
  new (chainUrl: string, relayUrl: string, mnemonic: string, session: string, keyType: string, retries: number): RealClient;
}

export function realClientClass(): ClientCtor {
  installNobleShim();
  return (require('@threefold/rmb_direct_client') as { Client: ClientCtor }).Client;
}

/**
 * Two @polkadot/util-crypto majors are installed (the client's 13.x via @polkadot/api, and 14.x);
 * the client awaits the WASM of one copy while its Keyring signs with the other. Initialise the
 * copy its Keyring uses before `connect()`.
 */
export async function keyringCryptoReady(): Promise<void> {
  const main = require.resolve('@threefold/rmb_direct_client');
  const api = createRequire(main).resolve('@polkadot/api');
  const keyring = createRequire(api).resolve('@polkadot/keyring');
  const utilCrypto = createRequire(keyring)('@polkadot/util-crypto') as { cryptoWaitReady(): Promise<boolean> };
  await utilCrypto.cryptoWaitReady();
}

export interface StubTwin {
  id: number;
  identity: Identity;
  relay: string;
  pk: boolean;
}

/**
 * The five chain members the client uses (rmb.md §7.3), answered from a fixed list; records the
 * calls so tests can check the order.
 */
export function tfclientStub(ownAddress: string, twins: StubTwin[]) {
  const calls: string[] = [];
  const view = (t: StubTwin) => ({
    id: t.id,
    accountId: t.identity.address,
    relay: t.relay,
    entities: [],
    pk: t.pk ? `0x${bytesToHex(t.identity.secp256k1.publicKey)}` : null,
  });
  return {
    calls,
    stub: {
      connect: async () => {},
      disconnect: async () => {},
      twins: {
        getTwinIdByAccountId: async ({ accountId }: { accountId: string }) => {
          calls.push('getTwinIdByAccountId');
          const t = twins.find((x) => x.identity.address === accountId);
          return accountId === ownAddress ? t?.id : undefined;
        },
        get: async ({ id }: { id: number }) => {
          calls.push(`get(${id})`);
          const t = twins.find((x) => x.id === id);
          return t === undefined ? undefined : view(t);
        },
        update: async (_args: { pk: string; relay: string }) => {
          calls.push('update');
          return { apply: async () => undefined };
        },
      },
    },
  };
}

/** A client connected to `relayUrl` with its chain access replaced by the stub (rmb.md §7.3). */
export async function connectRealClient(
  relayUrl: string,
  mnemonic: string,
  keyType: 'sr25519' | 'ed25519',
  session: string,
  own: Identity,
  twins: StubTwin[],
): Promise<{ client: RealClient; calls: string[] }> {
  const Client = realClientClass();
  const client = new Client('ws://127.0.0.1:1', relayUrl, mnemonic, session, keyType, 2);
  const { stub, calls } = tfclientStub(own.address, twins);
  client.tfclient = stub;
  client.disconnectAndExit = () => {};
  await keyringCryptoReady();
  await client.connect();
  return { client, calls };
}
