// Loads the bus-crypto internals of the REAL `@threefold/rmb_direct_client@2.9.2` (a test oracle,
// CommonJS) through createRequire. Its package `exports` map blocks deep imports, so the internal
// modules are required by absolute path next to its resolved entry point.
//
// Install quirk worked around here (not a change of its behaviour): its `dist/node/sign.js`
// requires `@noble/hashes/sha2` without declaring @noble/hashes as a dependency. Under pnpm the
// hoisted copy is @noble/hashes 2.x, whose exports map only has `./sha2.js`, so the require fails.
// We resolve that one request to the @noble/hashes 1.x copy in the store — the major version its
// @polkadot dependencies bring in and that a flat npm install would hoist.
import { createRequire } from 'node:module';
import { readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

const require = createRequire(import.meta.url);

interface ModuleCtor {
  _resolveFilename(request: string, parent: { filename?: string } | undefined, ...rest: unknown[]): string;
}

function findNobleHashesV1(): string {
  // The pnpm store folder that holds the client also holds every installed @noble/hashes.
  const clientMain = require.resolve('@threefold/rmb_direct_client');
  const marker = `${sep}node_modules${sep}.pnpm${sep}`;
  const at = clientMain.indexOf(marker);
  if (at < 0) throw new Error('expected a pnpm layout (node_modules/.pnpm)');
  const store = clientMain.slice(0, at + marker.length);
  const v1 = readdirSync(store)
    .filter((d) => /^@noble\+hashes@1\.\d+\.\d+$/.test(d))
    .sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const pick = v1.at(-1);
  if (pick === undefined) throw new Error('no @noble/hashes 1.x installed');
  return join(store, pick, 'node_modules', '@noble', 'hashes');
}

let installed = false;
function installShim(): void {
  if (installed) return;
  installed = true;
  const Module = require('node:module') as ModuleCtor;
  const sha2 = join(findNobleHashesV1(), 'sha2.js');
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, parent, ...rest) {
    if (request === '@noble/hashes/sha2' && parent?.filename?.includes('rmb_direct_client')) return sha2;
    return original.call(this, request, parent, ...rest);
  };
}

export interface RealClientEnvelope {
  cipher: Uint8Array;
  twin: { pk: string };
  createNonce(size: number): Uint8Array;
  encrypt(data: string | Uint8Array, mnemonic: string, destTwinPk: string): Promise<Uint8Array>;
  decrypt(mnemonic: string): Promise<Uint8Array>;
}

export interface RealRmbCrypto {
  /** util.js `generatePublicKey(mnemonicOrSeed)` → `"0x" + 33-byte compressed hex`. */
  generatePublicKey(secret: string): string;
  /** sign.js `createShared(pubKey, hexSeedOrMnemonic)` → 32-byte AES key. */
  createShared(pubKey: Uint8Array, secret: string): Uint8Array;
  /** sign.js `sign(payload, signer)` → 65-byte typed signature. */
  sign(payload: Uint8Array, signer: { type: string; sign(m: Uint8Array): Uint8Array }): Uint8Array;
  /** A fresh ClientEnvelope (envelope.js), to call its real `encrypt` / `decrypt`. */
  newEnvelope(): RealClientEnvelope;
  /** The client's own `@polkadot/util-crypto` `mnemonicToMiniSecret` (its secp256k1 scalar source). */
  mnemonicToMiniSecret(mnemonic: string): Uint8Array;
  version: string;
}

let cached: RealRmbCrypto | undefined;

/** The real client's crypto functions. */
export function loadRealRmbCrypto(): RealRmbCrypto {
  if (cached) return cached;
  installShim();
  const main = require.resolve('@threefold/rmb_direct_client');
  const dir = dirname(main);
  const util = require(join(dir, 'util.js')) as { generatePublicKey: RealRmbCrypto['generatePublicKey'] };
  const sign = require(join(dir, 'sign.js')) as Pick<RealRmbCrypto, 'createShared' | 'sign'>;
  const envelopeMod = require(join(dir, 'envelope.js')) as {
    default: new (signer: unknown, envelope: unknown, chainUrl: string, tfclient: unknown, twins: unknown) => RealClientEnvelope;
  };
  const types = require(join(dir, 'types', 'lib', 'types.js')) as { Envelope: new (data: object) => unknown };
  const clientRequire = createRequire(main);
  const utilCrypto = clientRequire('@polkadot/util-crypto') as { mnemonicToMiniSecret(m: string): Uint8Array };
  const version = (require(join(dir, '..', '..', 'package.json')) as { version: string }).version;
  cached = {
    generatePublicKey: util.generatePublicKey,
    createShared: sign.createShared,
    sign: sign.sign,
    newEnvelope: () =>
      new envelopeMod.default(undefined, new types.Envelope({ uid: 'sc4it-test', tags: '' }), 'ws://unused', null, new Map()),
    mnemonicToMiniSecret: (m) => utilCrypto.mnemonicToMiniSecret(m),
    version,
  };
  return cached;
}
