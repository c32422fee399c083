// Generates vectors/crypto/signatures_test.json from @polkadot/keyring + @polkadot/util-crypto 14
// (what the ThreeFold SDK uses), never from @sc4it/crypto:
// - KeyDerivation: mnemonic / hex seed → account public key and SS58 (42) address, both key types.
// - Ed25519Sign: deterministic RFC 8032 signatures over fixed messages (exact bytes expected).
// - Verify: raw 64-byte signatures; sr25519 signatures are randomized, so these are verify-vectors
//   (a signature already in the committed file is reused while it verifies: stable output).
//   Invalid ones are polkadot signatures altered by a rule (flipped bit, wrong key/message/length,
//   S + L, cleared schnorrkel marker); polkadot must reject each.
// - TypedVerify: the bus's 65-byte form (rmb.md §2.2), type byte 's' / 'e'.
//
//   cd packages/crypto && pnpm exec tsx ../conformance/tools/gen-crypto-signatures.ts
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'vectors', 'crypto', 'signatures_test.json');
const req = createRequire(join(HERE, '..', '..', 'crypto', 'package.json'));
const { Keyring } = req('@polkadot/keyring') as typeof import('@polkadot/keyring');
const { cryptoWaitReady, signatureVerify } = req('@polkadot/util-crypto') as typeof import('@polkadot/util-crypto');
const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const KEY_TYPES = ['sr25519', 'ed25519'] as const;
type KT = (typeof KEY_TYPES)[number];
const SRC = '@polkadot/keyring 14.0.3 / @polkadot/util-crypto 14.0.3';

const SECRETS = [
  'bottom drive obey lake curtain smoke basket hold race lonely fit walk',
  'legal winner thank year wave sausage worth useful legal winner thank yellow',
  'void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold',
  '0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20',
  '0x' + '11'.repeat(32),
  '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e',
];
const MESSAGES = ['', 'c4c4b11751d7be8dd2453862cdfe3ca2', hex(Buffer.from('<Bytes>c4c4b11751d7be8dd2453862cdfe3ca2</Bytes>')), hex(Buffer.alloc(300, 0xa5))];

const previous: string[] = [];
if (existsSync(OUT)) {
  const old = JSON.parse(readFileSync(OUT, 'utf8')) as { testGroups: { type: string; tests: { signature?: string }[] }[] };
  for (const g of old.testGroups) for (const t of g.tests) if (t.signature) previous.push(t.signature);
}

await cryptoWaitReady();
type Pair = ReturnType<InstanceType<typeof Keyring>['addFromUri']>;
const pair = (secret: string, type: KT): Pair => new Keyring({ type, ss58Format: 42 }).addFromUri(secret);
function sign(p: Pair, msg: Uint8Array): Uint8Array {
  if (p.type === 'sr25519') {
    for (const s of previous) {
      const sig = s.length === 130 ? s.slice(2) : s;
      if (sig.length === 128 && p.verify(msg, Buffer.from(sig, 'hex'), p.publicKey)) return Buffer.from(sig, 'hex');
    }
    const fresh = p.sign(msg);
    previous.push(hex(fresh));
    return fresh;
  }
  return p.sign(msg);
}

interface T {
  tcId: number;
  comment: string;
  flags: string[];
  source: string;
  result: 'valid' | 'invalid';
  error?: string;
  [k: string]: unknown;
}
let tcId = 0;
const next = (t: Omit<T, 'tcId'>): T => ({ tcId: ++tcId, ...t });

const derivation: T[] = [];
for (const secret of SECRETS) {
  for (const type of KEY_TYPES) {
    const p = pair(secret, type);
    derivation.push(next({ comment: `${type} from ${secret.startsWith('0x') ? 'hex seed' : 'mnemonic'}`, flags: [], source: `${SRC} Keyring.addFromUri`, secret, keyType: type, publicKey: hex(p.publicKey), address: p.address, result: 'valid' }));
  }
}

const edSign: T[] = [];
for (const secret of SECRETS.slice(3)) {
  const p = pair(secret, 'ed25519');
  for (const m of MESSAGES) {
    edSign.push(next({ comment: `ed25519 over ${m.length / 2} bytes`, flags: [], source: `${SRC} KeyringPair.sign (deterministic)`, seed: secret, publicKey: hex(p.publicKey), message: m, signature: hex(p.sign(Buffer.from(m, 'hex'))), result: 'valid' }));
  }
}

const L = 2n ** 252n + 27742317777372353535851937790883648493n;
function addL(sig: Uint8Array): Uint8Array {
  const out = Uint8Array.from(sig);
  let s = 0n;
  for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(out[i]!);
  s += L;
  for (let i = 32; i < 64; i++, s >>= 8n) out[i] = Number(s & 0xffn);
  return out;
}

const verify: T[] = [];
const typed: T[] = [];
for (const type of KEY_TYPES) {
  const p = pair(SECRETS[0]!, type);
  const other = pair(SECRETS[1]!, type);
  for (const m of MESSAGES) {
    const sig = sign(p, Buffer.from(m, 'hex'));
    verify.push(next({ comment: `${type} polkadot signature over ${m.length / 2} bytes`, flags: [], source: `${SRC} KeyringPair.sign`, keyType: type, publicKey: hex(p.publicKey), message: m, signature: hex(sig), result: 'valid' }));
  }
  const msg = Buffer.from(MESSAGES[1]!, 'hex');
  const sig = sign(p, msg);
  const bad = (comment: string, flags: string[], fields: { publicKey?: Uint8Array; message?: Uint8Array; signature: Uint8Array; keyType?: string }): void => {
    const pk = fields.publicKey ?? p.publicKey;
    const m = fields.message ?? msg;
    const kt = (fields.keyType ?? type) as KT;
    const polkadotSays = fields.signature.length === 64 && signatureVerify(m, fields.signature, pk).isValid && signatureVerify(m, fields.signature, pk).crypto === kt;
    if (polkadotSays) throw new Error(`polkadot accepts: ${comment}`);
    verify.push(next({ comment: `${type}: ${comment}`, flags, source: `a ${SRC} signature altered; polkadot rejects it`, keyType: kt, publicKey: hex(pk), message: hex(m), signature: hex(fields.signature), result: 'invalid', error: 'crypto.bad_signature' }));
  };
  const flipped = Uint8Array.from(sig);
  flipped[7]! ^= 0x10;
  bad('bit flipped in R', ['Modified'], { signature: flipped });
  const flippedS = Uint8Array.from(sig);
  flippedS[40]! ^= 0x01;
  bad('bit flipped in s', ['Modified'], { signature: flippedS });
  bad('other key', ['WrongKey'], { publicKey: other.publicKey, signature: sig });
  bad('other message', ['Modified'], { message: Buffer.from('c4c4b11751d7be8dd2453862cdfe3ca3', 'hex'), signature: sig });
  bad('verified as the other key type', ['WrongKeyType'], { keyType: type === 'sr25519' ? 'ed25519' : 'sr25519', signature: sig });
  bad('63 bytes', ['Length'], { signature: sig.subarray(0, 63) });
  bad('65 bytes', ['Length'], { signature: Uint8Array.from([...sig, 0]) });
  bad('all zero', ['Modified'], { signature: new Uint8Array(64) });
  if (type === 'ed25519') bad('non-canonical s + L (malleability)', ['NonCanonical'], { signature: addL(sig) });
  if (type === 'sr25519') {
    const unmarked = Uint8Array.from(sig);
    unmarked[63]! &= 0x7f;
    bad('schnorrkel marker bit cleared', ['NonCanonical'], { signature: unmarked });
  }

  const prefix = type === 'sr25519' ? 0x73 : 0x65;
  const t65 = Uint8Array.from([prefix, ...sig]);
  typed.push(next({ comment: `${type} typed signature, prefix '${String.fromCharCode(prefix)}'`, flags: [], source: `${SRC} signature with the rmb.md §2.2 type byte`, publicKey: hex(p.publicKey), message: hex(msg), signature: hex(t65), result: 'valid' }));
  const swapped = Uint8Array.from(t65);
  swapped[0] = type === 'sr25519' ? 0x65 : 0x73;
  typed.push(next({ comment: `${type} signature under the other type byte`, flags: ['WrongKeyType'], source: 'rmb.md §2.2: the type byte selects the curve', publicKey: hex(p.publicKey), message: hex(msg), signature: hex(swapped), result: 'invalid', error: 'crypto.bad_signature' }));
  for (const b of [0x00, 0x53, 0x45, 0x78]) {
    const u = Uint8Array.from(t65);
    u[0] = b;
    typed.push(next({ comment: `unknown type byte 0x${b.toString(16).padStart(2, '0')}`, flags: ['TypeByte'], source: 'rmb.md §2.2: only s (0x73) and e (0x65)', publicKey: hex(p.publicKey), message: hex(msg), signature: hex(u), result: 'invalid', error: 'crypto.bad_signature_type' }));
  }
  for (const len of [0, 64, 66]) {
    const sigBytes = len === 66 ? Uint8Array.from([...t65, 0]) : t65.subarray(0, len);
    typed.push(next({ comment: `${type} typed signature of ${len} bytes`, flags: ['Length'], source: 'rmb.md §2.2: exactly 65 bytes', publicKey: hex(p.publicKey), message: hex(msg), signature: hex(sigBytes), result: 'invalid', error: 'crypto.bad_signature_length' }));
  }
}

const file = {
  schema: 'crypto_signatures_schema_v1',
  suite: 'crypto',
  version: '1',
  generator: { tool: 'tools/gen-crypto-signatures.ts', oracle: SRC },
  header: [
    'Account keys and signatures compatible with the polkadot keyring (ThreeFold twins).',
    'KeyDerivation: secret (BIP-39 mnemonic or 0x hex seed) + keyType -> publicKey, address (SS58 format 42).',
    'Ed25519Sign: RFC 8032 signature of `message` with `seed` (exact bytes). Verify: raw 64-byte signature,',
    'sr25519 with the "substrate" signing context. TypedVerify: 65-byte bus signature (rmb.md §2.2), type byte',
    's (sr25519) / e (ed25519); invalid ones fail with the given error when decoded and never verify.',
  ],
  notes: {
    Modified: { bugType: 'AUTH', description: 'signature or message changed' },
    WrongKey: { bugType: 'AUTH', description: 'verified against another public key' },
    WrongKeyType: { bugType: 'AUTH', description: 'verified with the other curve' },
    Length: { bugType: 'FORMAT', description: 'wrong signature length' },
    NonCanonical: { bugType: 'MALLEABILITY', description: 'non-canonical encoding (ed25519 s >= L, sr25519 without the schnorrkel marker bit)' },
    TypeByte: { bugType: 'FORMAT', description: 'type byte other than s / e' },
  },
  numberOfTests: tcId,
  testGroups: [
    { type: 'KeyDerivation', tests: derivation },
    { type: 'Ed25519Sign', tests: edSign },
    { type: 'Verify', tests: verify },
    { type: 'TypedVerify', tests: typed },
  ],
};
writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${OUT} (${tcId} tests)`);
