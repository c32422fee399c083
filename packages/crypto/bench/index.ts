// pnpm bench: sign/verify per second for ed25519 and sr25519, bus encrypt/decrypt of 1 KiB and
// sealData/openData, with node:crypto (OpenSSL) measured in the same run as the reference:
// native ed25519 for signatures, native ECDH + AES-256-GCM for the bus cipher.
import { createCipheriv, createDecipheriv, createECDH, createHash, createPrivateKey, createPublicKey, randomBytes, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { cpus, totalmem } from 'node:os';
import {
  busDecrypt,
  busDecryptWithKey,
  busEncrypt,
  busEncryptWithKey,
  busSharedKey,
  identityFromSeed,
  openData,
  sealData,
  verifySignature,
} from '../src/index.ts';

const BUDGET_MS = 500;

function measure(name: string, fn: () => unknown): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < BUDGET_MS) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
    now = performance.now();
  }
  const ops = (n * 1000) / (now - start);
  rows.push({ name, ops });
  return ops;
}
const rows: { name: string; ops: number; ratio?: string }[] = [];
const fmt = (x: number): string => (x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1));

const msg = randomBytes(16); // a deployment / envelope digest
const kib = new Uint8Array(randomBytes(1024));
const seed = '0x' + '42'.repeat(32);

// --- reference: node:crypto ed25519 (OpenSSL) ---
const pkcs8 = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), Buffer.from(seed.slice(2), 'hex')]);
const nodeKey = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
const nodePub = createPublicKey(nodeKey);
const nodeSig = nodeSign(null, msg, nodeKey);
const refSign = measure('node:crypto ed25519 sign (reference)', () => nodeSign(null, msg, nodeKey));
const refVerify = measure('node:crypto ed25519 verify (reference)', () => nodeVerify(null, msg, nodePub, nodeSig));

const sigRows: [string, number][] = [];
for (const keyType of ['ed25519', 'sr25519'] as const) {
  const id = identityFromSeed(seed, keyType);
  const sig = id.sign(msg);
  sigRows.push([`${keyType} sign`, measure(`@sc4it/crypto ${keyType} sign`, () => id.sign(msg))]);
  sigRows.push([`${keyType} verify`, measure(`@sc4it/crypto ${keyType} verify`, () => verifySignature(keyType, id.publicKey, msg, sig))]);
}

// --- bus cipher, 1 KiB ---
const a = identityFromSeed('0x' + '01'.repeat(32), 'sr25519').secp256k1;
const bKey = identityFromSeed('0x' + '02'.repeat(32), 'sr25519').secp256k1;
const ecdh = createECDH('secp256k1');
ecdh.setPrivateKey(a.privateKey);
const refEnc = measure('node:crypto ECDH + AES-256-GCM encrypt 1 KiB (reference)', () => {
  const key = createHash('sha256').update(ecdh.computeSecret(bKey.publicKey)).digest();
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', key, nonce);
  return Buffer.concat([nonce, c.update(kib), c.final(), c.getAuthTag()]);
});
const ct = busEncrypt(a.privateKey, bKey.publicKey, kib);
const refDec = measure('node:crypto ECDH + AES-256-GCM decrypt 1 KiB (reference)', () => {
  const key = createHash('sha256').update(ecdh.computeSecret(bKey.publicKey)).digest();
  const d = createDecipheriv('aes-256-gcm', key, ct.subarray(0, 12));
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]);
});
const enc = measure('@sc4it/crypto busEncrypt 1 KiB', () => busEncrypt(a.privateKey, bKey.publicKey, kib));
const dec = measure('@sc4it/crypto busDecrypt 1 KiB', () => busDecrypt(bKey.privateKey, a.publicKey, ct));
const sharedKey = busSharedKey(a.privateKey, bKey.publicKey);
const nodeKeyBuf = Buffer.from(sharedKey);
const refEncK = measure('node:crypto AES-256-GCM encrypt 1 KiB, cached key (reference)', () => {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', nodeKeyBuf, nonce);
  return Buffer.concat([nonce, c.update(kib), c.final(), c.getAuthTag()]);
});
const refDecK = measure('node:crypto AES-256-GCM decrypt 1 KiB, cached key (reference)', () => {
  const d = createDecipheriv('aes-256-gcm', nodeKeyBuf, ct.subarray(0, 12));
  d.setAuthTag(ct.subarray(ct.length - 16));
  return Buffer.concat([d.update(ct.subarray(12, ct.length - 16)), d.final()]);
});
const encK = measure('@sc4it/crypto busEncryptWithKey 1 KiB', () => busEncryptWithKey(sharedKey, kib));
const decK = measure('@sc4it/crypto busDecryptWithKey 1 KiB', () => busDecryptWithKey(sharedKey, ct));
const sealed = sealData(kib, [a.publicKey, bKey.publicKey], { compress: false });
const seal = measure('@sc4it/crypto sealData 1 KiB, 2 recipients', () => sealData(kib, [a.publicKey, bKey.publicKey], { compress: false }));
const open = measure('@sc4it/crypto openData 1 KiB, 2 recipients', () => openData(sealed, bKey.privateKey));

for (const r of rows) {
  if (r.name.includes('ed25519 sign') && !r.name.includes('reference')) r.ratio = `${(r.ops / refSign).toFixed(2)}x node ed25519 sign`;
  else if (r.name.includes('25519 sign') && !r.name.includes('reference')) r.ratio = `${(r.ops / refSign).toFixed(2)}x node ed25519 sign`;
  else if (r.name.includes('verify') && !r.name.includes('reference')) r.ratio = `${(r.ops / refVerify).toFixed(2)}x node ed25519 verify`;
}
rows.find((r) => r.ops === enc)!.ratio = `${(enc / refEnc).toFixed(2)}x node encrypt`;
rows.find((r) => r.ops === dec)!.ratio = `${(dec / refDec).toFixed(2)}x node decrypt`;
rows.find((r) => r.ops === encK)!.ratio = `${(encK / refEncK).toFixed(2)}x node cached-key encrypt`;
rows.find((r) => r.ops === decK)!.ratio = `${(decK / refDecK).toFixed(2)}x node cached-key decrypt`;
rows.find((r) => r.ops === seal)!.ratio = `${(seal / refEnc).toFixed(2)}x node encrypt`;
rows.find((r) => r.ops === open)!.ratio = `${(open / refDec).toFixed(2)}x node decrypt`;
void sigRows;

console.log(`@sc4it/crypto bench — Node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GiB`);
console.log('| operation | ops/s | vs reference |');
console.log('|---|---:|---|');
for (const r of rows) console.log(`| ${r.name} | ${fmt(r.ops)} | ${r.ratio ?? '—'} |`);
