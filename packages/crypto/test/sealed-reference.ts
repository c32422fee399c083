// An independent reference of the sealed-data v1 format (package README, "Sealed data"), written
// from the README with node:crypto (OpenSSL ECDH, HKDF, ChaCha20-Poly1305) and node:zlib only.
// Used to check @sc4it/crypto's sealData/openData and to generate sealed_test.json.
import { ECDH, createCipheriv, createDecipheriv, createECDH, hkdfSync } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';

const INFO = Buffer.from('sc4it/sealed-data/v1/key-wrap');
const NONCE = Buffer.alloc(12);

function aeadSeal(key: Uint8Array, aad: Uint8Array, plain: Uint8Array): Buffer {
  const c = createCipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
  c.setAAD(aad, { plaintextLength: plain.length });
  return Buffer.concat([c.update(plain), c.final(), c.getAuthTag()]);
}
function aeadOpen(key: Uint8Array, aad: Uint8Array, sealed: Uint8Array): Buffer {
  const d = createDecipheriv('chacha20-poly1305', key, NONCE, { authTagLength: 16 });
  d.setAAD(aad, { plaintextLength: sealed.length - 16 });
  d.setAuthTag(sealed.subarray(sealed.length - 16));
  return Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
}
function kek(ecdh: ReturnType<typeof createECDH>, otherPub: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Buffer {
  const x = ecdh.computeSecret(otherPub); // OpenSSL: raw X coordinate
  return Buffer.from(hkdfSync('sha256', x, Buffer.concat([ephemeral, recipient]), INFO, 32));
}
function compressedOf(pub: Uint8Array): Buffer {
  // Any SEC1 encoding to the 33-byte compressed form.
  return ECDH.convertKey(pub, 'secp256k1', undefined, undefined, 'compressed') as Buffer;
}

export function refSeal(
  plaintext: Uint8Array,
  recipients: Uint8Array[],
  ephemeralSecret: Uint8Array,
  dataKey: Uint8Array,
  compress: boolean,
): Buffer {
  const body = compress ? deflateRawSync(plaintext, { level: 9 }) : Buffer.from(plaintext);
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(ephemeralSecret);
  const ephemeral = ecdh.getPublicKey(null, 'compressed');
  const header = Buffer.concat([Buffer.of(1, compress ? 1 : 0, recipients.length), ephemeral]);
  const stanzas = recipients.map((r) => {
    const rc = compressedOf(r);
    return aeadSeal(kek(ecdh, rc, ephemeral, rc), header, dataKey);
  });
  const aad = Buffer.concat([header, ...stanzas]);
  return Buffer.concat([aad, aeadSeal(dataKey, aad, body)]);
}

/** Opens or returns null. */
export function refOpen(sealed: Uint8Array, privateKey: Uint8Array): Buffer | null {
  if (sealed.length < 36 + 48 + 16 || sealed[0] !== 1 || (sealed[1]! & ~1) !== 0) return null;
  const n = sealed[2]!;
  const payloadAt = 36 + 48 * n;
  if (n === 0 || sealed.length < payloadAt + 16) return null;
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(privateKey);
  const self = ecdh.getPublicKey(null, 'compressed');
  const ephemeral = sealed.subarray(3, 36);
  let k: Buffer;
  try {
    k = kek(ecdh, ephemeral, ephemeral, self);
  } catch {
    return null;
  }
  for (let i = 0; i < n; i++) {
    let dk: Buffer;
    try {
      dk = aeadOpen(k, sealed.subarray(0, 36), sealed.subarray(36 + 48 * i, 36 + 48 * (i + 1)));
    } catch {
      continue;
    }
    try {
      const body = aeadOpen(dk, sealed.subarray(0, payloadAt), sealed.subarray(payloadAt));
      return sealed[1] === 1 ? inflateRawSync(body) : body;
    } catch {
      return null;
    }
  }
  return null;
}
