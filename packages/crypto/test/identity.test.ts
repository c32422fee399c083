// Identities and raw signatures, cross-checked against @polkadot/keyring and @polkadot/util-crypto
// (what the ThreeFold SDK uses) and node:crypto for secp256k1.
import { createECDH } from 'node:crypto';
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, mnemonicGenerate, mnemonicToMiniSecret, signatureVerify } from '@polkadot/util-crypto';
import { bytesToHex, hexToBytes, utf8ToBytes } from '@sc4it/types';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  addressFromPublicKey,
  generateMnemonic,
  identityFromMnemonic,
  identityFromSeed,
  isValidMnemonic,
  miniSecretFromMnemonic,
  publicKeyFromAddress,
  verifySignature,
} from '../src/index.ts';

const KEY_TYPES = ['sr25519', 'ed25519'] as const;
const DEV_PHRASE = 'bottom drive obey lake curtain smoke basket hold race lonely fit walk';
const MNEMONICS = [
  DEV_PHRASE,
  'legal winner thank year wave sausage worth useful legal winner thank yellow',
  'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about',
  'void come effort suffer camp survey warrior heavy shoot primary clutch crush open amazing screen patrol group space point ten exist slush involve unfold',
];
const SEEDS = [
  '0x' + '11'.repeat(32),
  '0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e',
  '5fb92d6e98884f76de468fa3f6278f8807c48bebc13595d45af5bdc4da702133',
];

/** Reference secp256k1 compressed public key via OpenSSL. */
function opensslCompressed(priv: Uint8Array): string {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(priv);
  return ecdh.getPublicKey('hex', 'compressed');
}

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('identityFromMnemonic matches @polkadot/keyring', () => {
  const fresh = Array.from({ length: 3 }, () => mnemonicGenerate(12)).concat([mnemonicGenerate(24)]);
  for (const keyType of KEY_TYPES) {
    it.each([...MNEMONICS, ...fresh])(`${keyType}: %s`, (mnemonic) => {
      const pair = new Keyring({ type: keyType, ss58Format: 42 }).addFromUri(mnemonic);
      const id = identityFromMnemonic(mnemonic, keyType);
      expect(bytesToHex(id.publicKey)).toBe(bytesToHex(pair.publicKey));
      expect(id.address).toBe(pair.address);
      expect(id.keyType).toBe(keyType);
      // The bus key is polkadot's mini secret used as a secp256k1 scalar (rmb.md §4).
      const mini = mnemonicToMiniSecret(mnemonic);
      expect(bytesToHex(id.secp256k1.privateKey)).toBe(bytesToHex(mini));
      expect(bytesToHex(id.secp256k1.publicKey)).toBe(opensslCompressed(mini));
    });
  }
  it('the well-known dev phrase gives the well-known root sr25519 key', () => {
    // Substrate's DEV_PHRASE root account (no derivation), as printed by `subkey inspect`.
    expect(identityFromMnemonic(DEV_PHRASE, 'sr25519').address).toBe('5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV');
  });
  it('miniSecretFromMnemonic equals polkadot mnemonicToMiniSecret', () => {
    for (const m of MNEMONICS) expect(bytesToHex(miniSecretFromMnemonic(m))).toBe(bytesToHex(mnemonicToMiniSecret(m)));
  });
});

describe('identityFromSeed matches @polkadot/keyring', () => {
  for (const keyType of KEY_TYPES) {
    it.each(SEEDS)(`${keyType}: %s`, (seed) => {
      const withPrefix = seed.startsWith('0x') ? seed : `0x${seed}`;
      const pair = new Keyring({ type: keyType, ss58Format: 42 }).addFromUri(withPrefix);
      const id = identityFromSeed(seed, keyType);
      expect(bytesToHex(id.publicKey)).toBe(bytesToHex(pair.publicKey));
      expect(id.address).toBe(pair.address);
      expect(bytesToHex(id.secp256k1.privateKey)).toBe(withPrefix.slice(2));
      expect(bytesToHex(id.secp256k1.publicKey)).toBe(opensslCompressed(hexToBytes(seed)));
    });
  }
});

describe('signatures verify both ways with polkadot', () => {
  const messages = [new Uint8Array(0), utf8ToBytes('hello'), hexToBytes('c4c4b11751d7be8dd2453862cdfe3ca2'), new Uint8Array(1000).fill(7)];
  for (const keyType of KEY_TYPES) {
    it(`${keyType}: ours → polkadot, polkadot → ours`, () => {
      const mnemonic = mnemonicGenerate(12);
      const pair = new Keyring({ type: keyType }).addFromUri(mnemonic);
      const id = identityFromMnemonic(mnemonic, keyType);
      for (const msg of messages) {
        const ours = id.sign(msg);
        expect(ours.length).toBe(64);
        expect(pair.verify(msg, ours, pair.publicKey)).toBe(true);
        expect(signatureVerify(msg, ours, pair.address)).toMatchObject({ isValid: true, crypto: keyType });
        const theirs = pair.sign(msg);
        expect(verifySignature(keyType, id.publicKey, msg, theirs)).toBe(true);
        // Wrong message, wrong key type, flipped bit: rejected.
        expect(verifySignature(keyType, id.publicKey, utf8ToBytes('other'), theirs)).toBe(false);
        const other = keyType === 'sr25519' ? 'ed25519' : 'sr25519';
        expect(verifySignature(other, id.publicKey, msg, theirs)).toBe(false);
        const flipped = theirs.slice();
        flipped[10]! ^= 0x01;
        expect(verifySignature(keyType, id.publicKey, msg, flipped)).toBe(false);
      }
    });
  }
  it('ed25519 is deterministic and equals polkadot byte for byte', () => {
    const pair = new Keyring({ type: 'ed25519' }).addFromUri(SEEDS[1]!);
    const id = identityFromSeed(SEEDS[1]!, 'ed25519');
    const msg = utf8ToBytes('deterministic');
    expect(bytesToHex(id.sign(msg))).toBe(bytesToHex(pair.sign(msg)));
  });
  it('sr25519 signatures are randomized', () => {
    const id = identityFromSeed(SEEDS[0]!, 'sr25519');
    const msg = utf8ToBytes('x');
    expect(bytesToHex(id.sign(msg))).not.toBe(bytesToHex(id.sign(msg)));
  });
});

describe('mnemonics and addresses', () => {
  it('generateMnemonic gives valid 12-word phrases polkadot accepts', () => {
    const m = generateMnemonic();
    expect(m.split(' ')).toHaveLength(12);
    expect(isValidMnemonic(m)).toBe(true);
    const pair = new Keyring({ type: 'sr25519' }).addFromUri(m);
    expect(identityFromMnemonic(m, 'sr25519').address).toBe(pair.address);
    expect(generateMnemonic()).not.toBe(m);
  });
  it('address round-trips and matches polkadot for other formats', () => {
    const id = identityFromSeed(SEEDS[0]!, 'sr25519');
    expect(bytesToHex(publicKeyFromAddress(id.address))).toBe(bytesToHex(id.publicKey));
    const kr = new Keyring({ type: 'sr25519' });
    for (const format of [0, 2, 42, 63, 64, 255, 1000, 16383]) {
      kr.setSS58Format(format);
      const expected = kr.encodeAddress(id.publicKey, format);
      expect(addressFromPublicKey(id.publicKey, format)).toBe(expected);
      expect(bytesToHex(publicKeyFromAddress(expected))).toBe(bytesToHex(id.publicKey));
    }
  });
  it('the identity does not print its private keys', () => {
    const id = identityFromSeed(SEEDS[1]!, 'ed25519');
    const json = JSON.stringify(id, (_k, v: unknown) => (v instanceof Uint8Array ? bytesToHex(v) : v));
    expect(json).not.toContain(SEEDS[1]!.slice(2));
    expect(json).toContain(bytesToHex(id.secp256k1.publicKey));
  });
});

describe('bad identity input', () => {
  it('mnemonic with a bad checksum, unknown word or wrong count → crypto.bad_mnemonic, no words in message', () => {
    const badChecksum = 'abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon';
    for (const m of [badChecksum, 'abandon zzzz', `${DEV_PHRASE} extra`, '', `${DEV_PHRASE}//hard`]) {
      let caught: unknown;
      try {
        identityFromMnemonic(m, 'sr25519');
      } catch (err) {
        caught = err;
      }
      expect(caught).toMatchObject({ name: 'CryptoError', code: 'crypto.bad_mnemonic' });
      expect(String(caught)).not.toContain('abandon');
      expect(isValidMnemonic(m)).toBe(false);
    }
  });
  it('bad seeds and key types', () => {
    for (const s of ['0x11', '11'.repeat(33), 'zz'.repeat(32), '0x' + '00'.repeat(32)]) {
      expect(() => identityFromSeed(s, 'ed25519')).toThrow(expect.objectContaining({ code: 'crypto.bad_seed' }));
    }
    expect(() => identityFromSeed(SEEDS[0]!, 'secp256k1' as 'sr25519')).toThrow(
      expect.objectContaining({ code: 'crypto.bad_key_type' }),
    );
    expect(() => identityFromMnemonic(DEV_PHRASE, 'ecdsa' as 'sr25519')).toThrow(
      expect.objectContaining({ code: 'crypto.bad_key_type' }),
    );
  });
});
