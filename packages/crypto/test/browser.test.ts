// The package runs in a real browser: bundle src/ for the browser (esbuild, as tsx ships it) and
// run a round trip of identities, signatures, bus cipher and sealed data in headless Chromium.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady } from '@polkadot/util-crypto';
import { afterAll, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
// esbuild comes with tsx (no dependency of its own here); typed for the one call this test makes.
interface Esbuild {
  build(options: Record<string, unknown>): Promise<{ outputFiles: { text: string }[] }>;
}
const esbuild = createRequire(require.resolve('tsx/package.json'))('esbuild') as Esbuild;
const SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'src', 'index.ts');
const CHROMIUM = '/usr/bin/chromium';
const dir = mkdtempSync(join(tmpdir(), 'sc4it-crypto-browser-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENTRY = `
import * as c from ${JSON.stringify(SRC)};
const out = [];
try {
  const m = c.generateMnemonic();
  const a = c.identityFromMnemonic(m, 'sr25519');
  const b = c.identityFromSeed('0x' + '0b'.repeat(32), 'ed25519');
  const msg = new TextEncoder().encode('hello');
  out.push('sign:' + c.verifyTyped(a.publicKey, msg, c.signTyped(a, msg)) + c.verifySignature('ed25519', b.publicKey, msg, b.sign(msg)));
  const ct = c.busEncrypt(a.secp256k1.privateKey, b.secp256k1.publicKey, msg);
  out.push('bus:' + new TextDecoder().decode(c.busDecrypt(b.secp256k1.privateKey, a.secp256k1.publicKey, ct)));
  const s = c.sealData(new TextEncoder().encode('x'.repeat(500)), [a.secp256k1.publicKey, b.secp256k1.publicKey]);
  out.push('sealed:' + c.openData(s, b.secp256k1.privateKey).length + ':' + (s.length < 500));
  out.push('addr:' + b.address);
} catch (e) { out.push('error:' + e); }
document.body.setAttribute('data-result', out.join('|'));
`;

it('runs in headless Chromium', async () => {
  expect(existsSync(CHROMIUM)).toBe(true);
  await cryptoWaitReady();
  const expectedAddress = new Keyring({ type: 'ed25519' }).addFromUri('0x' + '0b'.repeat(32)).address;
  const bundle = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: dir, loader: 'js' },
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    conditions: ['sc4it-source', 'browser', 'import'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  expect(js).not.toMatch(/require\(["']node:/);
  writeFileSync(join(dir, 'index.html'), `<!doctype html><html><body><script>${js.replace(/<\/script/g, '<\\/script')}</script></body></html>`);
  const { stdout } = await promisify(execFile)(
    CHROMIUM,
    ['--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', `--user-data-dir=${join(dir, 'profile')}`, '--dump-dom', `file://${join(dir, 'index.html')}`],
    { timeout: 60_000, maxBuffer: 64 << 20 },
  );
  const result = /data-result="([^"]*)"/.exec(stdout)?.[1];
  expect(result).toMatch(new RegExp(`^sign:truetrue\\|bus:hello\\|sealed:500:true\\|addr:${expectedAddress}$`));
});
