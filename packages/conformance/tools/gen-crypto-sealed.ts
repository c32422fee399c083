// Generates vectors/crypto/sealed_test.json: sealed-data v1 envelopes (packages/crypto/README.md,
// "Sealed data format v1") built by an independent node:crypto + node:zlib reference of the
// format (packages/crypto/test/sealed-reference.ts), not by @sc4it/crypto. Invalid cases alter a
// valid envelope; their expected error codes follow the README's rules, and the reference opener
// must fail on each. Deterministic: keys from fixed seeds, randomness from a seeded SHA-256 counter.
//
//   cd packages/crypto && pnpm exec tsx ../conformance/tools/gen-crypto-sealed.ts
import { createECDH, createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { refOpen, refSeal } from '../../crypto/test/sealed-reference.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'crypto', 'sealed_test.json');
const SEED = 'sc4it-sealed-v1';
let counter = 0;
const rand32 = (): Buffer => createHash('sha256').update(`${SEED}/${counter++}`).digest();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

function keyPair(seedByte: number): { privateKey: Buffer; publicKey: Buffer } {
  const privateKey = Buffer.alloc(32, seedByte);
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(privateKey);
  return { privateKey, publicKey: ecdh.getPublicKey(null, 'compressed') };
}
const K = [keyPair(0x31), keyPair(0x32), keyPair(0x33), keyPair(0x34)];

const SUMMARY = JSON.stringify({
  v: 1,
  type: 'vm',
  name: 'webserver',
  project: 'vm/webserver',
  node: 11,
  workloads: [
    { type: 'network', name: 'net_webserver' },
    { type: 'zmount', name: 'disk1', size: 10737418240 },
    { type: 'zmachine', name: 'webserver', flist: 'https://hub.grid.tf/tf-official-apps/base:latest.flist' },
  ],
});

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  source: string;
  privateKey: string;
  sealed: string;
  plaintext?: string;
  result: 'valid' | 'invalid';
  error?: string;
}
const tests: Test[] = [];
const SRC_VALID = 'sealed by the node:crypto/node:zlib reference of the README format (crypto/test/sealed-reference.ts)';
const SRC_INVALID = 'a reference-sealed envelope altered; error code from the README rules; the reference opener rejects it';

function valid(comment: string, flags: string[], plain: string, recipients: number[], opener: number, compress: boolean): Buffer {
  const sealed = refSeal(Buffer.from(plain), recipients.map((i) => K[i]!.publicKey), rand32(), rand32(), compress);
  const back = refOpen(sealed, K[opener]!.privateKey);
  if (back?.toString('utf8') !== plain) throw new Error(`reference round trip failed: ${comment}`);
  tests.push({
    tcId: tests.length + 1,
    comment,
    flags,
    source: SRC_VALID,
    privateKey: hex(K[opener]!.privateKey),
    sealed: hex(sealed),
    plaintext: hex(Buffer.from(plain)),
    result: 'valid',
  });
  return sealed;
}
function invalid(comment: string, flags: string[], sealed: Uint8Array, opener: number, error: string): void {
  if (refOpen(sealed, K[opener]!.privateKey) !== null) throw new Error(`reference accepted: ${comment}`);
  tests.push({ tcId: tests.length + 1, comment, flags, source: SRC_INVALID, privateKey: hex(K[opener]!.privateKey), sealed: hex(sealed), result: 'invalid', error });
}

const base = valid('summary, 2 recipients, compressed, opened by the first', ['Compressed'], SUMMARY, [0, 1], 0, true);
valid('summary, 2 recipients, compressed, opened by the second', ['Compressed'], SUMMARY, [0, 1], 1, true);
valid('summary, 1 recipient, not compressed', [], SUMMARY, [2], 2, false);
valid('empty plaintext, 1 recipient', [], '', [0], 0, false);
valid('empty plaintext, compressed', ['Compressed'], '', [1], 1, true);
valid('3 recipients, opened by the last', [], 'hello', [0, 1, 2], 2, false);
valid('4 recipients, compressed, opened by the third', ['Compressed'], 'x'.repeat(1000), [3, 2, 1, 0], 1, true);

const flip = (at: number, bit = 0): Buffer => {
  const b = Buffer.from(base);
  b[at]! ^= 1 << bit;
  return b;
};
invalid('not a recipient', ['WrongKey'], base, 3, 'crypto.no_recipient');
invalid('version 2', ['Version'], Buffer.concat([Buffer.of(2), base.subarray(1)]), 0, 'crypto.unsupported_version');
invalid('version 0', ['Version'], Buffer.concat([Buffer.of(0), base.subarray(1)]), 0, 'crypto.unsupported_version');
invalid('unknown flag bit 1', ['Malformed'], flip(1, 1), 0, 'crypto.bad_envelope');
invalid('zero recipients', ['Malformed'], Buffer.concat([base.subarray(0, 2), Buffer.of(0), base.subarray(3)]), 0, 'crypto.bad_envelope');
invalid('recipient count beyond the data', ['Malformed'], Buffer.concat([base.subarray(0, 2), Buffer.of(9), base.subarray(3)]), 0, 'crypto.bad_envelope');
invalid('ephemeral key with uncompressed prefix 04', ['Malformed'], Buffer.concat([base.subarray(0, 3), Buffer.of(4), base.subarray(4)]), 0, 'crypto.bad_envelope');
invalid('ephemeral key not on the curve (x = 2^256-1)', ['Malformed'], Buffer.concat([base.subarray(0, 4), Buffer.alloc(32, 0xff), base.subarray(36)]), 0, 'crypto.bad_envelope');
invalid('truncated to 35 bytes', ['Truncated'], base.subarray(0, 35), 0, 'crypto.bad_envelope');
invalid('truncated inside the payload tag', ['Truncated'], base.subarray(0, 36 + 96 + 15), 0, 'crypto.bad_envelope');
invalid('empty', ['Truncated'], Buffer.alloc(0), 0, 'crypto.bad_envelope');
invalid("own stanza's bit flipped", ['ModifiedCipher'], flip(36 + 5), 0, 'crypto.no_recipient');
invalid('payload bit flipped', ['ModifiedCipher'], flip(36 + 96 + 3, 6), 0, 'crypto.decrypt_failed');
invalid('payload tag bit flipped', ['ModifiedCipher'], flip(base.length - 1, 7), 1, 'crypto.decrypt_failed');
invalid('compression flag cleared (header is authenticated)', ['ModifiedCipher'], flip(1, 0), 0, 'crypto.no_recipient');
invalid("other recipient's stanza flipped (header binds it)", ['ModifiedCipher'], flip(36 + 48 + 1), 0, 'crypto.decrypt_failed');
invalid('last byte dropped', ['Truncated'], base.subarray(0, base.length - 1), 0, 'crypto.decrypt_failed');

const file = {
  schema: 'crypto_sealed_schema_v1',
  suite: 'crypto',
  version: '1',
  generator: { tool: 'tools/gen-crypto-sealed.ts', seed: SEED },
  header: [
    'sc4it sealed contract data, format version 1 (packages/crypto/README.md "Sealed data format v1"):',
    'version(1) flags(1) n(1) ephemeral(33) n x stanza(48) payload(|body|+16); ChaCha20-Poly1305 with zero nonces,',
    'KEK = HKDF-SHA256(X(e*R), salt = E || R, info = "sc4it/sealed-data/v1/key-wrap"). Open `sealed` with the secp256k1',
    '`privateKey`: valid tests give `plaintext` (hex); invalid ones must fail with `error` and return nothing.',
    'Keys: privateKey = 32 repeated bytes 0x31..0x34.',
  ],
  notes: {
    Compressed: { bugType: 'FUNCTIONALITY', description: 'flag bit 0 set: the body is deflate-raw (RFC 1951)' },
    WrongKey: { bugType: 'AUTH', description: 'the private key is not one of the recipients' },
    Version: { bugType: 'FORMAT', description: 'unknown format version byte' },
    Malformed: { bugType: 'FORMAT', description: 'a header field that breaks the format rules' },
    Truncated: { bugType: 'FORMAT', description: 'the envelope is cut short' },
    ModifiedCipher: { bugType: 'AUTH', description: 'an authenticated byte was changed' },
  },
  numberOfTests: tests.length,
  testGroups: [{ type: 'SealedOpen', tests }],
};
writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${OUT} (${tests.length} tests)`);
