// The bus's 65-byte typed signatures (rmb.md §2.2), checked against polkadot's verifier.
import { Keyring } from '@polkadot/keyring';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { CryptoError, hexToBytes, utf8ToBytes } from '@sc4it/types';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeTypedSignature, identityFromSeed, signTyped, verifyTyped } from '../src/index.ts';

beforeAll(async () => {
  await cryptoWaitReady();
});

const digest = hexToBytes('0cc175b9c0f1b6a831c399e269772661');

describe('signTyped / verifyTyped', () => {
  for (const [keyType, prefix] of [
    ['sr25519', 0x73],
    ['ed25519', 0x65],
  ] as const) {
    it(`${keyType}: prefix ${String.fromCharCode(prefix)} and polkadot verifies the 64 bytes`, () => {
      const seed = '0x' + 'ab'.repeat(32);
      const id = identityFromSeed(seed, keyType);
      const sig = signTyped(id, digest);
      expect(sig).toHaveLength(65);
      expect(sig[0]).toBe(prefix);
      expect(signatureVerify(digest, sig.subarray(1), id.address).isValid).toBe(true);
      expect(verifyTyped(id.publicKey, digest, sig)).toBe(true);
      // A polkadot signature with our prefix verifies too.
      const pair = new Keyring({ type: keyType }).addFromUri(seed);
      expect(verifyTyped(id.publicKey, digest, Uint8Array.of(prefix, ...pair.sign(digest)))).toBe(true);
    });
  }
  it('wrong length, type byte, swapped type, altered message → false; decode says why', () => {
    const id = identityFromSeed('0x' + 'cd'.repeat(32), 'ed25519');
    const sig = signTyped(id, digest);
    expect(verifyTyped(id.publicKey, utf8ToBytes('x'), sig)).toBe(false);
    expect(verifyTyped(id.publicKey, digest, sig.subarray(0, 64))).toBe(false);
    expect(verifyTyped(id.publicKey, digest, sig.subarray(1))).toBe(false);
    const swapped = sig.slice();
    swapped[0] = 0x73;
    expect(verifyTyped(id.publicKey, digest, swapped)).toBe(false);
    const unknown = sig.slice();
    unknown[0] = 0x78;
    expect(verifyTyped(id.publicKey, digest, unknown)).toBe(false);
    expect(() => decodeTypedSignature(unknown)).toThrow(expect.objectContaining({ code: 'crypto.bad_signature_type' }));
    expect(() => decodeTypedSignature(sig.subarray(0, 64))).toThrow(
      expect.objectContaining({ code: 'crypto.bad_signature_length' }),
    );
    expect(decodeTypedSignature(sig).keyType).toBe('ed25519');
  });
  it('non-canonical ed25519 S (S + L) is rejected', () => {
    const id = identityFromSeed('0x' + '42'.repeat(32), 'ed25519');
    const sig = signTyped(id, digest);
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 64; i >= 33; i--) s = (s << 8n) | BigInt(sig[i]!);
    const s2 = s + L;
    expect(s2 < 2n ** 256n).toBe(true);
    const mal = sig.slice();
    for (let i = 0, v = s2; i < 32; i++, v >>= 8n) mal[33 + i] = Number(v & 0xffn);
    expect(verifyTyped(id.publicKey, digest, mal)).toBe(false);
  });
  it('fuzz: random 65-byte strings never verify and decode throws only CryptoError', () => {
    const id = identityFromSeed('0x' + '07'.repeat(32), 'sr25519');
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 70 }), (bytes) => {
        expect(verifyTyped(id.publicKey, digest, bytes)).toBe(false);
        try {
          decodeTypedSignature(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(CryptoError);
        }
      }),
      { numRuns: 300 },
    );
  });
});
