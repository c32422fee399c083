import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, equalBytes, utf8ToBytes } from '@sc4it/types';
import { deflateSync, inflateSync } from 'fflate';
import { abytes, badInput, cryptoError } from './fail.ts';

/*
 * Sealed contract data, format version 1 (documented byte by byte in the package README):
 *
 *   off       len  field
 *   0         1    version = 0x01
 *   1         1    flags: bit 0 = payload is deflate-raw compressed; other bits must be 0
 *   2         1    n = number of recipients, 1..255
 *   3         33   E = ephemeral secp256k1 public key, compressed
 *   36        48n  stanza i = ChaCha20-Poly1305(KEK_i, nonce 0^12, aad = bytes[0..36)).seal(DK) (32 + 16)
 *   36+48n    rest payload = ChaCha20-Poly1305(DK, nonce 0^12, aad = bytes[0..36+48n)).seal(body) (|body| + 16)
 *
 *   KEK_i = HKDF-SHA256(ikm = X(e·R_i), salt = E ‖ R_i, info = "sc4it/sealed-data/v1/key-wrap", 32)
 *   DK    = 32 random bytes; body = plaintext, or deflate-raw(plaintext) when flag bit 0 is set.
 *
 * Zero nonces are safe: DK is fresh per envelope and each KEK_i depends on the fresh ephemeral key.
 */

export const SEALED_DATA_VERSION = 1;
const FLAG_DEFLATE = 0x01;
const HEADER = 36;
const STANZA = 48;
const TAG = 16;
const KEY = 32;
const ZERO_NONCE = new Uint8Array(12);
const WRAP_INFO = utf8ToBytes('sc4it/sealed-data/v1/key-wrap');
/** Upper bound of deflate's expansion ratio (RFC 1951: at most 258 bytes per 2 bits + block overhead). */
const MAX_DEFLATE_RATIO = 1032;

/** Size overhead of a sealed envelope: `fixed + perRecipient · n` bytes on top of the (compressed) body. */
export const SEALED_DATA_OVERHEAD: Readonly<{ fixed: number; perRecipient: number }> = Object.freeze({
  fixed: HEADER + TAG,
  perRecipient: STANZA,
});

export interface SealDataOptions {
  /**
   * Compress the plaintext with deflate-raw (level 9): `true` always, `false` never, `'auto'` only
   * when that makes it smaller.
   * @default 'auto'
   */
  compress?: boolean | 'auto';
  /** Source of randomness (tests and vector generators only). @default crypto.getRandomValues */
  randomBytes?: (length: number) => Uint8Array;
}

export interface OpenDataOptions {
  /** Largest plaintext accepted after decompression (guards against deflate bombs). @default 1 MiB */
  maxPlaintextLength?: number;
}

function compressed(publicKey: Uint8Array, label: string): Uint8Array {
  abytes(publicKey, label);
  try {
    return secp256k1.Point.fromBytes(publicKey).toBytes(true);
  } catch {
    throw cryptoError('crypto.bad_public_key', `${label}: not a valid secp256k1 public key`);
  }
}

function wrapKey(shared: Uint8Array, ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const ikm = shared.subarray(1, 33); // X coordinate of the compressed shared point
  return hkdf(sha256, ikm, concatBytes(ephemeral, recipient), WRAP_INFO, KEY);
}

/**
 * Seals data so that only the holders of the given secp256k1 private keys can open it — the
 * `deployment_data` of a node contract, readable only by the user (format: package README).
 * @param plaintext - the data (e.g. a JSON deployment summary).
 * @param recipients - secp256k1 public keys (33-byte compressed, e.g. twin pks; 65-byte accepted).
 * @throws {CryptoError} `crypto.bad_public_key`, `crypto.bad_input` (0 or > 255 recipients, duplicates).
 * @example
 * ```ts
 * import { identityFromMnemonic, generateMnemonic, sealData, openData } from '@sc4it/crypto';
 * const me = identityFromMnemonic(generateMnemonic(), 'sr25519');
 * const sealed = sealData(new TextEncoder().encode('{"name":"vm1"}'), [me.secp256k1.publicKey]);
 * openData(sealed, me.secp256k1.privateKey);
 * ```
 */
export function sealData(plaintext: Uint8Array, recipients: Uint8Array[], options: SealDataOptions = {}): Uint8Array {
  abytes(plaintext, 'plaintext');
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > 255) {
    throw cryptoError('crypto.bad_input', 'sealData needs 1 to 255 recipients');
  }
  const keys = recipients.map((r, i) => compressed(r, `recipients[${i}]`));
  for (let i = 0; i < keys.length; i++) {
    for (let j = 0; j < i; j++) if (equalBytes(keys[i]!, keys[j]!)) throw cryptoError('crypto.bad_input', `recipients[${i}] is a duplicate`);
  }
  const random = options.randomBytes ?? randomBytes;
  const mode = options.compress ?? 'auto';
  let body = plaintext;
  let flags = 0;
  if (mode !== false) {
    const packed = deflateSync(plaintext, { level: 9 });
    if (mode === true || packed.length < plaintext.length) {
      body = packed;
      flags |= FLAG_DEFLATE;
    }
  }

  let ephemeralSecret: Uint8Array;
  do ephemeralSecret = random(KEY);
  while (!secp256k1.utils.isValidSecretKey(ephemeralSecret));
  const ephemeral = secp256k1.getPublicKey(ephemeralSecret, true);
  const dataKey = random(KEY);
  if (!(dataKey instanceof Uint8Array) || dataKey.length !== KEY) throw badInput('randomBytes', 'randomBytes returned the wrong length');

  const out = new Uint8Array(HEADER + STANZA * keys.length + body.length + TAG);
  out[0] = SEALED_DATA_VERSION;
  out[1] = flags;
  out[2] = keys.length;
  out.set(ephemeral, 3);
  const wrapAad = out.subarray(0, HEADER);
  keys.forEach((recipient, i) => {
    const shared = secp256k1.getSharedSecret(ephemeralSecret, recipient, true);
    const kek = wrapKey(shared, ephemeral, recipient);
    out.set(chacha20poly1305(kek, ZERO_NONCE, wrapAad).encrypt(dataKey), HEADER + STANZA * i);
    shared.fill(0);
    kek.fill(0);
  });
  const payloadAt = HEADER + STANZA * keys.length;
  out.set(chacha20poly1305(dataKey, ZERO_NONCE, out.subarray(0, payloadAt)).encrypt(body), payloadAt);
  ephemeralSecret.fill(0);
  dataKey.fill(0);
  return out;
}

/**
 * Opens a sealed envelope with one recipient's secp256k1 private key. Returns nothing unless the
 * whole envelope authenticates.
 * @throws {CryptoError} `crypto.bad_envelope` (malformed, unknown flags, too large),
 * `crypto.unsupported_version`, `crypto.no_recipient` (not sealed for this key),
 * `crypto.decrypt_failed` (payload altered), `crypto.bad_private_key`.
 */
export function openData(sealed: Uint8Array, privateKey: Uint8Array, options: OpenDataOptions = {}): Uint8Array {
  abytes(sealed, 'sealed');
  abytes(privateKey, 'privateKey');
  if (privateKey.length !== KEY || !secp256k1.utils.isValidSecretKey(privateKey)) {
    throw cryptoError('crypto.bad_private_key', 'secp256k1 private key must be a 32-byte scalar in [1, n-1]');
  }
  const max = options.maxPlaintextLength ?? 1 << 20;
  if (sealed.length < 1) throw cryptoError('crypto.bad_envelope', 'sealed data is empty');
  if (sealed[0] !== SEALED_DATA_VERSION) {
    throw cryptoError('crypto.unsupported_version', `unsupported sealed data version ${sealed[0]}`);
  }
  if (sealed.length < HEADER + STANZA + TAG) throw cryptoError('crypto.bad_envelope', 'sealed data is truncated');
  const flags = sealed[1]!;
  if ((flags & ~FLAG_DEFLATE) !== 0) throw cryptoError('crypto.bad_envelope', 'sealed data has unknown flags');
  const n = sealed[2]!;
  const payloadAt = HEADER + STANZA * n;
  if (n === 0 || sealed.length < payloadAt + TAG) throw cryptoError('crypto.bad_envelope', 'sealed data is truncated');
  const ephemeral = sealed.subarray(3, HEADER);
  let shared: Uint8Array;
  try {
    // Only the canonical compressed form is accepted: the bytes are part of the HKDF salt.
    if (ephemeral[0] !== 0x02 && ephemeral[0] !== 0x03) throw new Error('not compressed');
    shared = secp256k1.getSharedSecret(privateKey, ephemeral, true);
  } catch {
    throw cryptoError('crypto.bad_envelope', 'sealed data has an invalid ephemeral key');
  }
  const self = secp256k1.getPublicKey(privateKey, true);
  const kek = wrapKey(shared, ephemeral, self);
  shared.fill(0);
  const wrapAad = sealed.subarray(0, HEADER);
  let dataKey: Uint8Array | undefined;
  // Trial decryption: the recipient list is not stored, so try each stanza (n is small).
  for (let i = 0; i < n && dataKey === undefined; i++) {
    try {
      dataKey = chacha20poly1305(kek, ZERO_NONCE, wrapAad).decrypt(sealed.subarray(HEADER + STANZA * i, HEADER + STANZA * (i + 1)));
    } catch {
      // not ours
    }
  }
  kek.fill(0);
  if (dataKey === undefined) throw cryptoError('crypto.no_recipient', 'sealed data is not addressed to this key (or was altered)');
  let body: Uint8Array;
  try {
    body = chacha20poly1305(dataKey, ZERO_NONCE, sealed.subarray(0, payloadAt)).decrypt(sealed.subarray(payloadAt));
  } catch {
    throw cryptoError('crypto.decrypt_failed', 'sealed data payload failed authentication');
  } finally {
    dataKey.fill(0);
  }
  if ((flags & FLAG_DEFLATE) === 0) {
    if (body.length > max) throw cryptoError('crypto.bad_envelope', 'sealed data plaintext exceeds maxPlaintextLength');
    return body;
  }
  // Bounded output buffer: one byte more than allowed detects overflow (fflate truncates to fit).
  const room = Math.min(max + 1, body.length * MAX_DEFLATE_RATIO + 1024);
  let plain: Uint8Array;
  try {
    plain = inflateSync(body, { out: new Uint8Array(room) });
  } catch {
    throw cryptoError('crypto.bad_envelope', 'sealed data payload is not valid deflate data');
  } finally {
    body.fill(0);
  }
  if (plain.length > max) {
    plain.fill(0);
    throw cryptoError('crypto.bad_envelope', 'sealed data plaintext exceeds maxPlaintextLength');
  }
  return plain.slice();
}
