import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/ciphers/utils.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { abytes, cryptoError } from './fail.ts';

/** Bytes the bus cipher adds to a plaintext: 12-byte nonce + 16-byte GCM tag (rmb.md §4). */
export const BUS_CIPHER_OVERHEAD = 28;
const NONCE = 12;

function checkPrivate(privateKey: Uint8Array): void {
  abytes(privateKey, 'privateKey');
  if (privateKey.length !== 32 || !secp256k1.utils.isValidSecretKey(privateKey)) {
    throw cryptoError('crypto.bad_private_key', 'secp256k1 private key must be a 32-byte scalar in [1, n-1]');
  }
}

function checkPublic(publicKey: Uint8Array): void {
  abytes(publicKey, 'publicKey');
  // The twin's pk is the 33-byte compressed point; a 65-byte uncompressed point is accepted too.
  if ((publicKey.length !== 33 && publicKey.length !== 65) || !secp256k1.utils.isValidPublicKey(publicKey)) {
    throw cryptoError('crypto.bad_public_key', 'secp256k1 public key must be a valid 33-byte compressed point');
  }
}

/**
 * The bus's shared AES key: SHA-256 of the X coordinate of `sk_self · PK_other` (spec rmb.md §4;
 * not libsecp256k1's default hash over the compressed point). Symmetric: A→B equals B→A.
 * @throws {CryptoError} `crypto.bad_private_key`, `crypto.bad_public_key`.
 */
export function busSharedKey(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkPrivate(privateKey);
  checkPublic(publicKey);
  const point = secp256k1.getSharedSecret(privateKey, publicKey, true);
  const key = sha256(point.subarray(1, 33));
  point.fill(0);
  return key;
}

function checkKey(sharedKey: Uint8Array): void {
  abytes(sharedKey, 'sharedKey');
  if (sharedKey.length !== 32) throw cryptoError('crypto.bad_input', 'bus shared key must be 32 bytes');
}

/**
 * {@link busEncrypt} with a shared key from {@link busSharedKey}, for callers that cache the key
 * per peer (the ECDH is ~90% of the cost for small payloads).
 */
export function busEncryptWithKey(sharedKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  checkKey(sharedKey);
  abytes(plaintext, 'plaintext');
  const nonce = randomBytes(NONCE);
  const sealed = gcm(sharedKey, nonce).encrypt(plaintext);
  const out = new Uint8Array(NONCE + sealed.length);
  out.set(nonce);
  out.set(sealed, NONCE);
  return out;
}

/**
 * {@link busDecrypt} with a cached shared key.
 * @throws {CryptoError} `crypto.decrypt_failed`.
 */
export function busDecryptWithKey(sharedKey: Uint8Array, data: Uint8Array): Uint8Array {
  checkKey(sharedKey);
  abytes(data, 'data');
  if (data.length < BUS_CIPHER_OVERHEAD) {
    throw cryptoError('crypto.decrypt_failed', `bus cipher too short (${data.length} < ${BUS_CIPHER_OVERHEAD} bytes)`);
  }
  try {
    return gcm(sharedKey, data.subarray(0, NONCE)).decrypt(data.subarray(NONCE));
  } catch {
    throw cryptoError('crypto.decrypt_failed', 'bus cipher authentication failed (wrong key or altered data)');
  }
}

/**
 * Encrypts a bus payload: AES-256-GCM under {@link busSharedKey}, fresh 12-byte CSPRNG nonce,
 * no AAD. Output `nonce(12) ‖ ciphertext ‖ tag(16)` — the envelope's `cipher` field (rmb.md §4).
 * @throws {CryptoError} `crypto.bad_private_key`, `crypto.bad_public_key`.
 */
export function busEncrypt(senderPrivateKey: Uint8Array, recipientPublicKey: Uint8Array, plaintext: Uint8Array): Uint8Array {
  abytes(plaintext, 'plaintext');
  const key = busSharedKey(senderPrivateKey, recipientPublicKey);
  try {
    return busEncryptWithKey(key, plaintext);
  } finally {
    key.fill(0);
  }
}

/**
 * Decrypts a bus `cipher` with the recipient's private key and the SENDER's public key (from the
 * chain, by `source.twin`). Authenticates before returning anything.
 * @throws {CryptoError} `crypto.decrypt_failed` (too short, wrong key, altered bytes),
 * `crypto.bad_private_key`, `crypto.bad_public_key`.
 */
export function busDecrypt(recipientPrivateKey: Uint8Array, senderPublicKey: Uint8Array, data: Uint8Array): Uint8Array {
  abytes(data, 'data');
  const key = busSharedKey(recipientPrivateKey, senderPublicKey);
  try {
    return busDecryptWithKey(key, data);
  } finally {
    key.fill(0);
  }
}
