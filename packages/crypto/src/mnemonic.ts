import { pbkdf2 } from '@noble/hashes/pbkdf2.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { generateMnemonic as bip39Generate, mnemonicToEntropy, validateMnemonic } from '@scure/bip39';
import { wordlist } from '@scure/bip39/wordlists/english.js';
import { utf8ToBytes } from '@sc4it/types';
import { badInput, cryptoError } from './fail.ts';

/** A new random 12-word English BIP-39 mnemonic (128 bits from the platform CSPRNG). */
export function generateMnemonic(): string {
  return bip39Generate(wordlist, 128);
}

/** NFKD, trimmed, single spaces: the form the BIP-39 checksum and the key derivation see. */
function normalizeMnemonic(mnemonic: string): string {
  if (typeof mnemonic !== 'string') throw badInput('mnemonic', 'expected a string');
  return mnemonic.normalize('NFKD').trim().split(/\s+/).join(' ');
}

/** True when `mnemonic` is an English BIP-39 phrase with a valid checksum. */
export function isValidMnemonic(mnemonic: string): boolean {
  return validateMnemonic(normalizeMnemonic(mnemonic), wordlist);
}

/**
 * The substrate-bip39 "mini secret" of a mnemonic (spec rmb.md §4, "Private key"): the first 32
 * bytes of PBKDF2-HMAC-SHA512(password = the BIP-39 ENTROPY, salt = "mnemonic", 2048, 64 bytes).
 * This is polkadot's `mnemonicToMiniSecret` with an empty password; the sr25519 / ed25519 account
 * key and the secp256k1 bus key all come from it.
 * @throws {CryptoError} `crypto.bad_mnemonic` when the words or the checksum are wrong.
 */
export function miniSecretFromMnemonic(mnemonic: string): Uint8Array {
  const phrase = normalizeMnemonic(mnemonic);
  let entropy: Uint8Array;
  try {
    if (!validateMnemonic(phrase, wordlist)) throw new Error('invalid');
    entropy = mnemonicToEntropy(phrase, wordlist);
  } catch {
    // No cause: the underlying message could quote words of the phrase.
    throw cryptoError('crypto.bad_mnemonic', 'invalid BIP-39 mnemonic (unknown word, word count or checksum)');
  }
  const seed = pbkdf2(sha512, entropy, utf8ToBytes('mnemonic'), { c: 2048, dkLen: 64 });
  const mini = seed.slice(0, 32);
  seed.fill(0);
  entropy.fill(0);
  return mini;
}
