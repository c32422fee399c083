import { ed25519 } from '@noble/curves/ed25519.js';
import * as sr25519 from '@scure/sr25519';
import type { KeyType } from '@sc4it/types';
import { abytes, cryptoError } from './fail.ts';
import type { Identity } from './identity.ts';

/** Type byte of the bus's 65-byte signature (spec rmb.md §2.2). */
export const TYPED_SIGNATURE_PREFIX: Readonly<Record<KeyType, number>> = Object.freeze({
  sr25519: 0x73, // 's'
  ed25519: 0x65, // 'e'
});

function checkPublicKey(keyType: KeyType, publicKey: Uint8Array): void {
  if (keyType !== 'sr25519' && keyType !== 'ed25519') {
    throw cryptoError('crypto.bad_key_type', 'unsupported key type (expected sr25519 or ed25519)');
  }
  abytes(publicKey, 'publicKey');
  if (publicKey.length !== 32) throw cryptoError('crypto.bad_public_key', 'account public key must be 32 bytes');
}

/**
 * Verifies a raw 64-byte signature. ed25519 is strict RFC 8032 (canonical encodings, S < L);
 * sr25519 is schnorrkel with the `substrate` context. A malformed signature is simply invalid.
 * @returns `true` only for a valid signature.
 * @throws {CryptoError} `crypto.bad_key_type`, `crypto.bad_public_key` (not 32 bytes).
 */
export function verifySignature(
  keyType: KeyType,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  checkPublicKey(keyType, publicKey);
  abytes(message, 'message');
  abytes(signature, 'signature');
  if (signature.length !== 64) return false;
  try {
    return keyType === 'ed25519'
      ? ed25519.verify(signature, message, publicKey, { zip215: false })
      : sr25519.verify(message, signature, publicKey);
  } catch {
    // Invalid point / missing schnorrkel marker: not a valid signature.
    return false;
  }
}

/** A parsed 65-byte bus signature. */
export interface TypedSignature {
  keyType: KeyType;
  /** The 64 signature bytes after the type byte. */
  signature: Uint8Array;
}

/**
 * Splits a 65-byte bus signature into key type and raw signature (spec rmb.md §2.2).
 * @throws {CryptoError} `crypto.bad_signature_length` (not 65 bytes), `crypto.bad_signature_type`
 * (type byte not `s` / `e`).
 */
export function decodeTypedSignature(signature: Uint8Array): TypedSignature {
  abytes(signature, 'signature');
  if (signature.length !== 65) {
    throw cryptoError('crypto.bad_signature_length', `typed signature must be 65 bytes, got ${signature.length}`);
  }
  const prefix = signature[0];
  const keyType: KeyType | undefined =
    prefix === TYPED_SIGNATURE_PREFIX.sr25519 ? 'sr25519' : prefix === TYPED_SIGNATURE_PREFIX.ed25519 ? 'ed25519' : undefined;
  if (keyType === undefined) throw cryptoError('crypto.bad_signature_type', 'typed signature type byte must be s or e');
  return { keyType, signature: signature.slice(1) };
}

/** The 65-byte bus signature: type byte (`s` / `e`) then the 64-byte signature (rmb.md §2.2). */
export function signTyped(identity: Identity, message: Uint8Array): Uint8Array {
  abytes(message, 'message');
  const raw = identity.sign(message);
  const out = new Uint8Array(65);
  out[0] = TYPED_SIGNATURE_PREFIX[identity.keyType];
  out.set(raw, 1);
  return out;
}

/**
 * Verifies a 65-byte bus signature; the type byte selects the curve (rmb.md §2.4). Wrong length
 * or type byte → `false` (use {@link decodeTypedSignature} to learn why).
 * @throws {CryptoError} `crypto.bad_public_key` when the key is not 32 bytes.
 */
export function verifyTyped(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  abytes(signature, 'signature');
  let parsed: TypedSignature;
  try {
    parsed = decodeTypedSignature(signature);
  } catch {
    return false;
  }
  return verifySignature(parsed.keyType, publicKey, message, parsed.signature);
}
