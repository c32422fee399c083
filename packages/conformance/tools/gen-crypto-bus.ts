// Generates vectors/crypto/bus_cipher_test.json: secp256k1 bus keys and bus ciphers produced by
// the REAL @threefold/rmb_direct_client@2.9.2 (its util.generatePublicKey, sign.createShared and
// ClientEnvelope.encrypt / decrypt). Invalid cases are real-client ciphers altered by one rule of
// rmb.md §4 (AES-GCM authenticates nonce, ciphertext and tag); the generator asserts that the real
// client rejects each of them. Deterministic: fixed secrets and a seeded nonce source.
//
//   cd packages/crypto && pnpm exec tsx ../conformance/tools/gen-crypto-bus.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadRealRmbCrypto } from '../../crypto/test/real-rmb-client.ts';

const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'crypto', 'bus_cipher_test.json');
const rmb = loadRealRmbCrypto();
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

// xorshift32, seeded: the nonce source injected into the real client's envelope.
let state = 0x5c417;
function next(): number {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state;
}

const SECRETS: { secret: string; comment: string }[] = [
  { secret: 'bottom drive obey lake curtain smoke basket hold race lonely fit walk', comment: 'substrate dev phrase' },
  { secret: 'legal winner thank year wave sausage worth useful legal winner thank yellow', comment: 'BIP-39 test phrase, 12 words' },
  {
    secret: 'void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold',
    comment: 'BIP-39 test phrase, 24 words',
  },
  { secret: '0x' + '5a'.repeat(32), comment: 'hex seed with 0x' },
  { secret: 'fac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e', comment: 'hex seed without 0x' },
];

function privateKeyOf(secret: string): Uint8Array {
  if (/^(0x)?[0-9a-f]{64}$/.test(secret)) return Buffer.from(secret.replace(/^0x/, ''), 'hex');
  return rmb.mnemonicToMiniSecret(secret);
}

async function realDecrypt(cipher: Uint8Array, senderPk: string, recipientSecret: string): Promise<Uint8Array | null> {
  const env = rmb.newEnvelope();
  env.cipher = cipher;
  env.twin = { pk: senderPk };
  try {
    return new Uint8Array(await env.decrypt(recipientSecret));
  } catch {
    return null;
  }
}

interface Test {
  tcId: number;
  comment: string;
  flags: string[];
  source: string;
  result: 'valid' | 'invalid';
  error?: string;
  [k: string]: unknown;
}

async function main(): Promise<void> {
  let tcId = 0;
  const keyTests: Test[] = SECRETS.map(({ secret, comment }) => ({
    tcId: ++tcId,
    comment,
    flags: [],
    source: `@threefold/rmb_direct_client@${rmb.version} util.generatePublicKey; private key = @polkadot/util-crypto mnemonicToMiniSecret or the seed`,
    secret,
    privateKey: hex(privateKeyOf(secret)),
    publicKey: rmb.generatePublicKey(secret).slice(2),
    result: 'valid',
  }));

  const decryptTests: Test[] = [];
  const plaintexts = ['', '{"hello":"world"}', '{"jsonrpc":"2.0","id":"1","method":"zos.deployment.get","params":{"contract_id":42}}', 'x'.repeat(300)];
  const pairs: [number, number][] = [
    [0, 1],
    [1, 2],
    [3, 0],
    [2, 4],
  ];
  const valid: { cipher: Uint8Array; sender: number; recipient: number; plain: string }[] = [];
  for (const [i, plain] of plaintexts.entries()) {
    const [s, r] = pairs[i % pairs.length]!;
    const sender = SECRETS[s]!.secret;
    const recipient = SECRETS[r]!.secret;
    const env = rmb.newEnvelope();
    const weak = i % 2 === 0;
    // Even tests keep the client's nonce shape (digits 0..9), odd ones use full-range bytes.
    env.createNonce = (size) => Uint8Array.from({ length: size }, () => (weak ? next() % 10 : next() & 0xff));
    const cipher = await env.encrypt(plain, sender, rmb.generatePublicKey(recipient));
    const back = await realDecrypt(cipher, rmb.generatePublicKey(sender), recipient);
    if (back === null || Buffer.from(back).toString('utf8') !== plain) throw new Error('real client round trip failed');
    valid.push({ cipher, sender: s, recipient: r, plain });
    decryptTests.push({
      tcId: ++tcId,
      comment: `${Buffer.byteLength(plain)}-byte payload, secret ${s} → ${r}${weak ? ', client-style nonce (bytes 0..9)' : ''}`,
      flags: weak ? ['WeakNonce'] : [],
      source: `ciphertext from @threefold/rmb_direct_client@${rmb.version} ClientEnvelope.encrypt (nonce injected, seeded)`,
      recipientPrivateKey: hex(privateKeyOf(recipient)),
      senderPublicKey: rmb.generatePublicKey(sender).slice(2),
      sharedKey: hex(rmb.createShared(Buffer.from(rmb.generatePublicKey(sender).slice(2), 'hex'), recipient)),
      ciphertext: hex(cipher),
      plaintext: Buffer.from(plain, 'utf8').toString('hex'),
      result: 'valid',
    });
  }

  const base = valid[1]!;
  const mutations: { comment: string; flags: string[]; cipher: Uint8Array; sender?: number }[] = [];
  const flip = (pos: number, bit: number): Uint8Array => {
    const c = base.cipher.slice();
    c[pos]! ^= 1 << bit;
    return c;
  };
  mutations.push({ comment: 'nonce bit flipped', flags: ['ModifiedCipher'], cipher: flip(0, 0) });
  mutations.push({ comment: 'ciphertext bit flipped', flags: ['ModifiedCipher'], cipher: flip(12, 7) });
  mutations.push({ comment: 'tag bit flipped', flags: ['ModifiedCipher'], cipher: flip(base.cipher.length - 1, 3) });
  mutations.push({ comment: 'last byte dropped', flags: ['Truncated'], cipher: base.cipher.slice(0, -1) });
  mutations.push({ comment: 'only nonce and tag length minus one (27 bytes)', flags: ['Truncated'], cipher: base.cipher.slice(0, 27) });
  mutations.push({ comment: 'empty cipher', flags: ['Truncated'], cipher: new Uint8Array(0) });
  mutations.push({ comment: 'extra byte appended', flags: ['ModifiedCipher'], cipher: Uint8Array.from([...base.cipher, 0]) });
  mutations.push({ comment: 'decrypted with the wrong sender public key', flags: ['WrongKey'], cipher: base.cipher, sender: 4 });

  for (const m of mutations) {
    const senderIdx = m.sender ?? base.sender;
    const senderPk = rmb.generatePublicKey(SECRETS[senderIdx]!.secret);
    const recipient = SECRETS[base.recipient]!.secret;
    if ((await realDecrypt(m.cipher, senderPk, recipient)) !== null) throw new Error(`real client accepted: ${m.comment}`);
    decryptTests.push({
      tcId: ++tcId,
      comment: m.comment,
      flags: m.flags,
      source: `rmb.md §4 (AES-GCM authentication); the real client ${rmb.version} rejects it too`,
      recipientPrivateKey: hex(privateKeyOf(recipient)),
      senderPublicKey: senderPk.slice(2),
      ciphertext: hex(m.cipher),
      result: 'invalid',
      error: 'crypto.decrypt_failed',
    });
  }

  const file = {
    schema: 'crypto_bus_cipher_schema_v1',
    suite: 'crypto',
    version: '1',
    generator: { tool: 'tools/gen-crypto-bus.ts', seed: 0x5c417, oracle: `@threefold/rmb_direct_client@${rmb.version}` },
    header: [
      'RMB end-to-end encryption (shared/spec/rmb.md §4): secp256k1 ECDH, key = SHA-256(X), AES-256-GCM,',
      'cipher = nonce(12) || ciphertext || tag(16), no AAD. Keys: the substrate-bip39 mini secret (or hex seed)',
      'used as the secp256k1 scalar; publicKey is the 33-byte compressed point (the twin pk).',
      'BusPublicKey: secret -> privateKey, publicKey. BusDecrypt: decrypt ciphertext with recipientPrivateKey',
      'and senderPublicKey; valid tests give plaintext (hex), invalid ones must fail without output.',
    ],
    notes: {
      WeakNonce: { bugType: 'LEGACY', description: 'nonce bytes in 0..9 as the TS client makes them (Math.random()*10); still decryptable' },
      ModifiedCipher: { bugType: 'AUTH', description: 'one bit or byte of a valid cipher changed; GCM must reject it' },
      Truncated: { bugType: 'AUTH', description: 'a valid cipher cut short; shorter than 28 bytes cannot hold nonce and tag' },
      WrongKey: { bugType: 'AUTH', description: 'decrypted with a key pair that did not produce it' },
    },
    numberOfTests: keyTests.length + decryptTests.length,
    testGroups: [
      { type: 'BusPublicKey', tests: keyTests },
      { type: 'BusDecrypt', tests: decryptTests },
    ],
  };
  writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${OUT} (${file.numberOfTests} tests)`);
}

await main();
