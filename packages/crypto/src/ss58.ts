import { blake2b } from '@noble/hashes/blake2.js';
import { base58 } from '@scure/base';
import { concatBytes, equalBytes, utf8ToBytes } from '@sc4it/types';
import { abytes, badInput, cryptoError } from './fail.ts';

// SS58 (https://docs.substrate.io/reference/address-formats/): prefix ‖ key ‖ checksum, where the
// checksum is the first 2 bytes of blake2b-512("SS58PRE" ‖ prefix ‖ key). ThreeFold uses 42.
const SS58PRE = utf8ToBytes('SS58PRE');

/** The generic Substrate address format ThreeFold uses. */
export const SS58_FORMAT_GENERIC = 42;

function prefixBytes(format: number): Uint8Array {
  if (!Number.isInteger(format) || format < 0 || format > 16383 || format === 46 || format === 47) {
    throw badInput('format', 'ss58 format must be an integer in 0..16383 (not 46/47)');
  }
  if (format < 64) return Uint8Array.of(format);
  // Two-byte form (SS58 spec "full format").
  return Uint8Array.of(((format & 0b1111_1100) >> 2) | 0b0100_0000, (format >> 8) | ((format & 0b11) << 6));
}

function checksum(payload: Uint8Array): Uint8Array {
  return blake2b(concatBytes(SS58PRE, payload), { dkLen: 64 }).subarray(0, 2);
}

/** SS58 address of a 32-byte account public key (format 42 by default). */
export function addressFromPublicKey(publicKey: Uint8Array, format: number = SS58_FORMAT_GENERIC): string {
  abytes(publicKey, 'publicKey');
  if (publicKey.length !== 32) throw cryptoError('crypto.bad_public_key', 'account public key must be 32 bytes');
  const payload = concatBytes(prefixBytes(format), publicKey);
  return base58.encode(concatBytes(payload, checksum(payload)));
}

/**
 * The 32-byte account public key inside an SS58 address (any format); checks the checksum.
 * @throws {CryptoError} `crypto.bad_public_key` for malformed addresses.
 */
export function publicKeyFromAddress(address: string): Uint8Array {
  let raw: Uint8Array;
  try {
    raw = base58.decode(address);
  } catch (cause) {
    throw cryptoError('crypto.bad_public_key', 'address is not base58', { cause });
  }
  const prefixLen = raw.length > 0 && (raw[0]! & 0b0100_0000) !== 0 ? 2 : 1;
  if (raw.length !== prefixLen + 32 + 2) throw cryptoError('crypto.bad_public_key', 'address has the wrong length');
  const payload = raw.subarray(0, prefixLen + 32);
  if (!equalBytes(checksum(payload), raw.subarray(prefixLen + 32))) {
    throw cryptoError('crypto.bad_public_key', 'address checksum mismatch');
  }
  return raw.slice(prefixLen, prefixLen + 32);
}
