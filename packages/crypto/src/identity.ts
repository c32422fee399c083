import { ed25519 } from '@noble/curves/ed25519.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';
import * as sr25519 from '@scure/sr25519';
import type { KeyType } from '@sc4it/types';
import { abytes, badInput, cryptoError } from './fail.ts';
import { miniSecretFromMnemonic } from './mnemonic.ts';
import { addressFromPublicKey } from './ss58.ts';

/** The secp256k1 key pair the bus uses for end-to-end encryption (spec rmb.md §4). */
export interface Secp256k1KeyPair {
  /** 32-byte scalar. Non-enumerable on identities, so logging an identity does not print it. */
  readonly privateKey: Uint8Array;
  /** 33-byte compressed SEC1 point: the twin's `pk` on tfchain. */
  readonly publicKey: Uint8Array;
}

/**
 * A ThreeFold / polkadot account: the same key the polkadot keyring derives for the same
 * mnemonic or hex seed, plus the secp256k1 bus key rmb derives from the same mini secret.
 * Satisfies `TransactionSigner` from `@sc4it/types`.
 */
export interface Identity {
  readonly keyType: KeyType;
  /** 32-byte account public key (the tfchain account id). */
  readonly publicKey: Uint8Array;
  /** SS58 address, format 42. */
  readonly address: string;
  /** Raw 64-byte signature: RFC 8032 ed25519, or sr25519 (schnorrkel, context `substrate`, randomized). */
  sign(message: Uint8Array): Uint8Array;
  readonly secp256k1: Secp256k1KeyPair;
}

function assertKeyType(keyType: unknown): asserts keyType is KeyType {
  if (keyType !== 'sr25519' && keyType !== 'ed25519') {
    throw cryptoError('crypto.bad_key_type', `unsupported key type (expected sr25519 or ed25519)`);
  }
}

/** The compressed secp256k1 public key for a 32-byte bus private key. */
export function secp256k1PublicKey(privateKey: Uint8Array): Uint8Array {
  abytes(privateKey, 'privateKey');
  if (privateKey.length !== 32 || !secp256k1.utils.isValidSecretKey(privateKey)) {
    throw cryptoError('crypto.bad_private_key', 'secp256k1 private key must be a 32-byte scalar in [1, n-1]');
  }
  return secp256k1.getPublicKey(privateKey, true);
}

/**
 * Builds an identity from a 32-byte mini secret (polkadot's seed):
 * - ed25519: the RFC 8032 private key is the seed itself (polkadot `ed25519PairFromSeed`);
 * - sr25519: schnorrkel `MiniSecretKey::expand_to_keypair(Ed25519)` (polkadot `sr25519PairFromSeed`);
 * - secp256k1 (bus): the same 32 bytes used directly as the scalar (rmb.md §4).
 */
function identityFromMiniSecret(seed: Uint8Array, keyType: KeyType): Identity {
  const busPrivate = seed.slice();
  const busPublic = secp256k1PublicKey(busPrivate);
  let publicKey: Uint8Array;
  let sign: (message: Uint8Array) => Uint8Array;
  if (keyType === 'ed25519') {
    const secret = seed.slice();
    publicKey = ed25519.getPublicKey(secret);
    sign = (message) => {
      abytes(message, 'message');
      return ed25519.sign(message, secret);
    };
  } else {
    const secret = sr25519.secretFromSeed(seed);
    publicKey = sr25519.getPublicKey(secret);
    sign = (message) => {
      abytes(message, 'message');
      return sr25519.sign(secret, message);
    };
  }
  const bus = {} as Secp256k1KeyPair;
  Object.defineProperty(bus, 'privateKey', { value: busPrivate, enumerable: false });
  Object.defineProperty(bus, 'publicKey', { value: busPublic, enumerable: true });
  return Object.freeze({
    keyType,
    publicKey,
    address: addressFromPublicKey(publicKey),
    sign,
    secp256k1: Object.freeze(bus),
  });
}

/**
 * The identity for a BIP-39 mnemonic (English, 12–24 words, no derivation path), as polkadot's
 * `Keyring.addFromUri(mnemonic)` and rmb derive it (spec rmb.md §2.5, §4).
 * @param mnemonic - BIP-39 words; whitespace is normalized.
 * @param keyType - `'sr25519'` (ThreeFold's default) or `'ed25519'`.
 * @throws {CryptoError} `crypto.bad_mnemonic` (bad word, count or checksum), `crypto.bad_key_type`.
 * @example
 * ```ts
 * import { identityFromMnemonic, generateMnemonic } from '@sc4it/crypto';
 * const id = identityFromMnemonic(generateMnemonic(), 'sr25519');
 * id.address; // '5…'
 * ```
 */
export function identityFromMnemonic(mnemonic: string, keyType: KeyType): Identity {
  assertKeyType(keyType);
  const seed = miniSecretFromMnemonic(mnemonic);
  try {
    return identityFromMiniSecret(seed, keyType);
  } finally {
    seed.fill(0);
  }
}

/**
 * The identity for a 32-byte hex seed (`0x` optional), as polkadot's `Keyring.addFromUri('0x…')`
 * and rmb (which uses the seed directly as the secp256k1 key) derive it.
 * @throws {CryptoError} `crypto.bad_seed` when not 64 hex digits, `crypto.bad_key_type`.
 */
export function identityFromSeed(seedHex: string, keyType: KeyType): Identity {
  assertKeyType(keyType);
  if (typeof seedHex !== 'string') throw badInput('seedHex', 'expected a string');
  const hex = seedHex.startsWith('0x') || seedHex.startsWith('0X') ? seedHex.slice(2) : seedHex;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw cryptoError('crypto.bad_seed', 'seed must be 32 bytes as 64 hex digits');
  const seed = new Uint8Array(32);
  for (let i = 0; i < 32; i++) seed[i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  try {
    return identityFromMiniSecret(seed, keyType);
  } catch (err) {
    // A seed that is not a valid secp256k1 scalar (0 or ≥ n) cannot make a bus key.
    if (err instanceof Error && (err as { code?: string }).code === 'crypto.bad_private_key') {
      throw cryptoError('crypto.bad_seed', 'seed is not a valid secp256k1 scalar');
    }
    throw err;
  } finally {
    seed.fill(0);
  }
}
