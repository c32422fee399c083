// Bus end-to-end encryption (rmb.md §4) against an independent node:crypto (OpenSSL) reference.
import { createCipheriv, createDecipheriv, createECDH, createHash, randomBytes } from 'node:crypto';
import { CryptoError, bytesToHex, utf8ToBytes } from '@sc4it/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BUS_CIPHER_OVERHEAD,
  busDecrypt,
  busDecryptWithKey,
  busEncrypt,
  busEncryptWithKey,
  busSharedKey,
  identityFromSeed,
} from '../src/index.ts';

const alice = identityFromSeed('0x' + '01'.repeat(32), 'sr25519').secp256k1;
const bob = identityFromSeed('0x' + '02'.repeat(32), 'ed25519').secp256k1;
const carol = identityFromSeed('0x' + '03'.repeat(32), 'sr25519').secp256k1;

/** Reference: OpenSSL ECDH returns the raw X coordinate; key = SHA-256(X). */
function refKey(priv: Uint8Array, pub: Uint8Array): Buffer {
  const ecdh = createECDH('secp256k1');
  ecdh.setPrivateKey(priv);
  return createHash('sha256').update(ecdh.computeSecret(pub)).digest();
}
function refEncrypt(priv: Uint8Array, pub: Uint8Array, plain: Uint8Array): Uint8Array {
  const nonce = randomBytes(12);
  const c = createCipheriv('aes-256-gcm', refKey(priv, pub), nonce);
  return Buffer.concat([nonce, c.update(plain), c.final(), c.getAuthTag()]);
}
function refDecrypt(priv: Uint8Array, pub: Uint8Array, data: Uint8Array): Uint8Array {
  const d = createDecipheriv('aes-256-gcm', refKey(priv, pub), data.subarray(0, 12));
  d.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([d.update(data.subarray(12, data.length - 16)), d.final()]);
}

function expectCryptoError(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    expect((err as CryptoError).code).toBe(code);
    return;
  }
  expect.unreachable(`expected ${code}`);
}

describe('busEncrypt / busDecrypt', () => {
  it('shared key is SHA-256 of the X coordinate and symmetric', () => {
    const k1 = busSharedKey(alice.privateKey, bob.publicKey);
    expect(bytesToHex(k1)).toBe(refKey(alice.privateKey, bob.publicKey).toString('hex'));
    expect(bytesToHex(busSharedKey(bob.privateKey, alice.publicKey))).toBe(bytesToHex(k1));
  });
  it('OpenSSL decrypts what we encrypt and we decrypt what OpenSSL encrypts', () => {
    for (const size of [0, 1, 17, 1024, 5000]) {
      const plain = new Uint8Array(randomBytes(size));
      const ours = busEncrypt(alice.privateKey, bob.publicKey, plain);
      expect(ours.length).toBe(size + BUS_CIPHER_OVERHEAD);
      expect(bytesToHex(refDecrypt(bob.privateKey, alice.publicKey, ours))).toBe(bytesToHex(plain));
      const theirs = refEncrypt(bob.privateKey, alice.publicKey, plain);
      expect(bytesToHex(busDecrypt(alice.privateKey, bob.publicKey, theirs))).toBe(bytesToHex(plain));
    }
  });
  it('cached-key variants are the same cipher', () => {
    const key = busSharedKey(alice.privateKey, bob.publicKey);
    const plain = new Uint8Array(randomBytes(100));
    expect(bytesToHex(refDecrypt(bob.privateKey, alice.publicKey, busEncryptWithKey(key, plain)))).toBe(bytesToHex(plain));
    expect(bytesToHex(busDecryptWithKey(key, refEncrypt(bob.privateKey, alice.publicKey, plain)))).toBe(bytesToHex(plain));
    expectCryptoError(() => busDecryptWithKey(key, new Uint8Array(27)), 'crypto.decrypt_failed');
    expectCryptoError(() => busDecryptWithKey(busSharedKey(carol.privateKey, bob.publicKey), busEncryptWithKey(key, plain)), 'crypto.decrypt_failed');
    expectCryptoError(() => busEncryptWithKey(key.subarray(0, 16), plain), 'crypto.bad_input');
  });
  it('a 17-byte JSON payload gives 45 bytes (rmb.md §4)', () => {
    expect(busEncrypt(alice.privateKey, bob.publicKey, utf8ToBytes('{"hello":"world"}'))).toHaveLength(45);
  });
  it('nonces are fresh and not the weak 0..9 digits of the TS client', () => {
    const nonces = new Set<string>();
    let above9 = 0;
    for (let i = 0; i < 64; i++) {
      const n = busEncrypt(alice.privateKey, bob.publicKey, new Uint8Array(1)).subarray(0, 12);
      nonces.add(bytesToHex(n));
      above9 += n.filter((b) => b > 9).length;
    }
    expect(nonces.size).toBe(64);
    expect(above9).toBeGreaterThan(0);
  });
  it('wrong key, flipped bit, truncation → crypto.decrypt_failed, never plaintext', () => {
    const data = busEncrypt(alice.privateKey, bob.publicKey, utf8ToBytes('secret payload'));
    expectCryptoError(() => busDecrypt(carol.privateKey, alice.publicKey, data), 'crypto.decrypt_failed');
    expectCryptoError(() => busDecrypt(bob.privateKey, carol.publicKey, data), 'crypto.decrypt_failed');
    for (let bit = 0; bit < data.length * 8; bit += 7) {
      const bad = data.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      expectCryptoError(() => busDecrypt(bob.privateKey, alice.publicKey, bad), 'crypto.decrypt_failed');
    }
    for (const len of [0, 11, 12, 27, data.length - 1]) {
      expectCryptoError(() => busDecrypt(bob.privateKey, alice.publicKey, data.subarray(0, len)), 'crypto.decrypt_failed');
    }
    expectCryptoError(() => busDecrypt(bob.privateKey, alice.publicKey, new Uint8Array(data.length + 1).fill(1)), 'crypto.decrypt_failed');
  });
  it('bad keys → typed errors without key bytes in the message', () => {
    const bad = new Uint8Array(33).fill(0x05);
    expectCryptoError(() => busEncrypt(alice.privateKey, bad, new Uint8Array(1)), 'crypto.bad_public_key');
    expectCryptoError(() => busEncrypt(alice.privateKey, alice.publicKey.subarray(0, 32), new Uint8Array(1)), 'crypto.bad_public_key');
    expectCryptoError(() => busEncrypt(new Uint8Array(32), bob.publicKey, new Uint8Array(1)), 'crypto.bad_private_key');
    expectCryptoError(() => busEncrypt(new Uint8Array(32).fill(0xff), bob.publicKey, new Uint8Array(1)), 'crypto.bad_private_key');
    try {
      busDecrypt(carol.privateKey, alice.publicKey, busEncrypt(alice.privateKey, bob.publicKey, new Uint8Array(4)));
    } catch (err) {
      const text = `${String(err)} ${JSON.stringify(err)}`;
      for (const k of [carol.privateKey, alice.publicKey]) expect(text).not.toContain(bytesToHex(k));
    }
  });
  it('fuzz: random bytes never decrypt and always give crypto.decrypt_failed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (data) => {
        expectCryptoError(() => busDecrypt(bob.privateKey, alice.publicKey, data), 'crypto.decrypt_failed');
      }),
      { numRuns: 300 },
    );
  });
});
