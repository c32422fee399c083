// The zos multisig policy checks ed25519 as Go's crypto/ed25519 does (cofactorless). Oracle:
// OpenSSL through node:crypto, another cofactorless verifier, on honest and mutated signatures.
import { createPrivateKey, createPublicKey, sign as opensslSign, verify as opensslVerify } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { goEd25519Verify } from '../src/go-ed25519.ts';
import { verifySignature } from '../src/index.ts';

const spki = (pk: Uint8Array) => createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pk]), format: 'der', type: 'spki' });
const pkcs8 = (seed: Uint8Array) => createPrivateKey({ key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]), format: 'der', type: 'pkcs8' });
const publicOf = (seed: Uint8Array): Uint8Array => new Uint8Array(createPublicKey(pkcs8(seed)).export({ format: 'der', type: 'spki' }).subarray(12));
const openssl = (pk: Uint8Array, msg: Uint8Array, sig: Uint8Array): boolean => {
  try {
    return opensslVerify(null, msg, spki(pk), sig);
  } catch {
    return false; // OpenSSL refuses to load a key that is not a curve point
  }
};

describe('goEd25519Verify', () => {
  it('agrees with OpenSSL on honest signatures and single-bit mutations', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 64 }), fc.nat(), fc.constantFrom('sig', 'msg', 'key', 'none'), (seed, msg, bit, where) => {
        const pk = publicOf(seed);
        const sig = new Uint8Array(opensslSign(null, msg, pkcs8(seed)));
        const target = where === 'sig' ? sig : where === 'key' ? pk : where === 'msg' && msg.length > 0 ? msg : null;
        if (target !== null) target[(bit >> 3) % target.length]! ^= 1 << (bit & 7);
        expect(goEd25519Verify(pk, msg, sig)).toBe(openssl(pk, msg, sig));
        if (target === null) expect(goEd25519Verify(pk, msg, sig)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('refuses S + L (non-canonical S) and wrong lengths, like OpenSSL', () => {
    const seed = new Uint8Array(32).fill(7);
    const pk = publicOf(seed);
    const msg = new Uint8Array([1, 2, 3]);
    const sig = new Uint8Array(opensslSign(null, msg, pkcs8(seed)));
    const L = 2n ** 252n + 27742317777372353535851937790883648493n;
    let s = 0n;
    for (let i = 63; i >= 32; i--) s = (s << 8n) | BigInt(sig[i]!);
    s += L;
    const bad = sig.slice();
    for (let i = 32; i < 64; i++) {
      bad[i] = Number(s & 255n);
      s >>= 8n;
    }
    expect([goEd25519Verify(pk, msg, bad), openssl(pk, msg, bad)]).toEqual([false, false]);
    expect(goEd25519Verify(pk, msg, sig.subarray(0, 63))).toBe(false);
    expect(goEd25519Verify(pk, msg, Uint8Array.of(...sig, 0))).toBe(false);
    expect(goEd25519Verify(pk.subarray(0, 31), msg, sig)).toBe(false);
  });

  it('the identity key with R = identity, S = 0 verifies any message (Go and OpenSSL), unlike strict RFC 8032', () => {
    const id = Uint8Array.of(1, ...new Uint8Array(31));
    const sig = Uint8Array.of(1, ...new Uint8Array(63));
    for (const msg of [new Uint8Array(0), new Uint8Array(16).fill(9)]) {
      expect([goEd25519Verify(id, msg, sig), openssl(id, msg, sig)]).toEqual([true, true]);
      expect(verifySignature('ed25519', id, msg, sig)).toBe(false);
    }
  });
});
