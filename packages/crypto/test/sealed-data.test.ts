// Sealed contract data (README "Sealed data format v1"), checked against an independent
// node:crypto reference (sealed-reference.ts) in both directions.
import { randomBytes } from 'node:crypto';
import { CryptoError, bytesToHex, bytesToUtf8, utf8ToBytes } from '@sc4it/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEALED_DATA_OVERHEAD, identityFromSeed, openData, sealData } from '../src/index.ts';
import { refOpen, refSeal } from './sealed-reference.ts';

const user = identityFromSeed('0x' + '21'.repeat(32), 'sr25519').secp256k1;
const backup = identityFromSeed('0x' + '22'.repeat(32), 'ed25519').secp256k1;
const stranger = identityFromSeed('0x' + '23'.repeat(32), 'sr25519').secp256k1;

/** What a client keeps on chain to find and rebuild a VM deployment (the 512-byte budget case). */
const TYPICAL_SUMMARY = JSON.stringify({
  v: 1,
  type: 'vm',
  name: 'webserver',
  project: 'vm/webserver',
  node: 11,
  network: { name: 'net_webserver', ip_range: '10.20.0.0/16', subnet: '10.20.2.0/24' },
  workloads: [
    { type: 'network', name: 'net_webserver' },
    { type: 'zmount', name: 'disk1', size: 10737418240 },
    { type: 'ip', name: 'pubip' },
    {
      type: 'zmachine',
      name: 'webserver',
      flist: 'https://hub.grid.tf/tf-official-apps/base:latest.flist',
      cpu: 2,
      memory: 4294967296,
      ip: '10.20.2.2',
      mounts: [{ name: 'disk1', mountpoint: '/data' }],
    },
  ],
  created: 1718000000,
});

function caught(fn: () => unknown): CryptoError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(CryptoError);
    return err as CryptoError;
  }
  throw new Error('expected a CryptoError');
}

describe('sealData / openData', () => {
  it('every recipient opens it; the node:crypto reference opens it too', () => {
    for (const text of ['', 'x', TYPICAL_SUMMARY, bytesToHex(randomBytes(300))]) {
      for (const compress of [true, false, 'auto'] as const) {
        const sealed = sealData(utf8ToBytes(text), [user.publicKey, backup.publicKey], { compress });
        for (const who of [user, backup]) {
          expect(bytesToUtf8(openData(sealed, who.privateKey))).toBe(text);
          expect(refOpen(sealed, who.privateKey)?.toString('utf8')).toBe(text);
        }
        expect(caught(() => openData(sealed, stranger.privateKey)).code).toBe('crypto.no_recipient');
        expect(refOpen(sealed, stranger.privateKey)).toBeNull();
      }
    }
  });
  it('opens what the reference seals (compressed and not)', () => {
    for (const compress of [true, false]) {
      const sealed = refSeal(utf8ToBytes(TYPICAL_SUMMARY), [backup.publicKey, user.publicKey], randomBytes(32), randomBytes(32), compress);
      expect(bytesToUtf8(openData(sealed, user.privateKey))).toBe(TYPICAL_SUMMARY);
    }
  });
  it('byte layout: same output as the reference for the same randomness', () => {
    const eph = randomBytes(32);
    const dk = randomBytes(32);
    const queue = [eph, dk];
    const ours = sealData(utf8ToBytes(TYPICAL_SUMMARY), [user.publicKey, backup.publicKey], {
      compress: false,
      randomBytes: () => new Uint8Array(queue.shift()!),
    });
    expect(bytesToHex(ours)).toBe(refSeal(utf8ToBytes(TYPICAL_SUMMARY), [user.publicKey, backup.publicKey], eph, dk, false).toString('hex'));
  });
  it('a typical deployment summary with two recipients fits the 512-byte deployment_data', () => {
    const plain = utf8ToBytes(TYPICAL_SUMMARY);
    const sealed = sealData(plain, [user.publicKey, backup.publicKey]);
    expect(sealed[1]).toBe(1); // compressed
    expect(sealed.length).toBeLessThanOrEqual(512);
    const uncompressed = sealData(plain, [user.publicKey, backup.publicKey], { compress: false });
    expect(uncompressed.length).toBe(plain.length + SEALED_DATA_OVERHEAD.fixed + 2 * SEALED_DATA_OVERHEAD.perRecipient);
    expect(SEALED_DATA_OVERHEAD).toEqual({ fixed: 52, perRecipient: 48 });
  });
  it('fresh randomness every time', () => {
    const a = sealData(utf8ToBytes('same'), [user.publicKey]);
    const b = sealData(utf8ToBytes('same'), [user.publicKey]);
    expect(bytesToHex(a)).not.toBe(bytesToHex(b));
  });
});

describe('sealed data: bad input', () => {
  const sealed = sealData(utf8ToBytes(TYPICAL_SUMMARY), [user.publicKey, backup.publicKey]);
  it('flipped bit anywhere → typed error, never plaintext', () => {
    for (let bit = 0; bit < sealed.length * 8; bit += 13) {
      const bad = sealed.slice();
      bad[bit >> 3]! ^= 1 << (bit & 7);
      const err = caught(() => openData(bad, user.privateKey));
      expect(['crypto.bad_envelope', 'crypto.unsupported_version', 'crypto.no_recipient', 'crypto.decrypt_failed']).toContain(err.code);
    }
  });
  it('truncation, unknown version, unknown flags, zero recipients', () => {
    for (const len of [0, 1, 35, 36, 99, sealed.length - 1]) {
      expect(['crypto.bad_envelope', 'crypto.decrypt_failed', 'crypto.no_recipient']).toContain(
        caught(() => openData(sealed.subarray(0, len), user.privateKey)).code,
      );
    }
    const v2 = sealed.slice();
    v2[0] = 2;
    expect(caught(() => openData(v2, user.privateKey)).code).toBe('crypto.unsupported_version');
    const flags = sealed.slice();
    flags[1] = 0x81;
    expect(caught(() => openData(flags, user.privateKey)).code).toBe('crypto.bad_envelope');
    const zero = sealed.slice();
    zero[2] = 0;
    expect(caught(() => openData(zero, user.privateKey)).code).toBe('crypto.bad_envelope');
    const many = sealed.slice();
    many[2] = 200;
    expect(caught(() => openData(many, user.privateKey)).code).toBe('crypto.bad_envelope');
  });
  it('non-canonical ephemeral key encoding (uncompressed prefix, off-curve) → crypto.bad_envelope', () => {
    const bad = sealed.slice();
    bad[3] = 0x04;
    expect(caught(() => openData(bad, user.privateKey)).code).toBe('crypto.bad_envelope');
    const off = sealed.slice();
    off.fill(0xff, 4, 36);
    expect(caught(() => openData(off, user.privateKey)).code).toBe('crypto.bad_envelope');
  });
  it('deflate bombs stop at maxPlaintextLength', () => {
    const big = new Uint8Array(200_000);
    const s = sealData(big, [user.publicKey]);
    expect(s.length).toBeLessThan(1000);
    expect(caught(() => openData(s, user.privateKey, { maxPlaintextLength: 100_000 })).code).toBe('crypto.bad_envelope');
    expect(openData(s, user.privateKey, { maxPlaintextLength: 200_000 }).length).toBe(200_000);
  });
  it('bad recipients and keys', () => {
    expect(caught(() => sealData(new Uint8Array(1), [])).code).toBe('crypto.bad_input');
    expect(caught(() => sealData(new Uint8Array(1), [user.publicKey, user.publicKey])).code).toBe('crypto.bad_input');
    expect(caught(() => sealData(new Uint8Array(1), [Uint8Array.of(2, ...new Uint8Array(32).fill(0xff))])).code).toBe('crypto.bad_public_key');
    expect(caught(() => openData(sealed, new Uint8Array(32))).code).toBe('crypto.bad_private_key');
  });
  it('error messages carry no key or plaintext bytes', () => {
    const err = caught(() => openData(sealed, stranger.privateKey));
    const text = `${err.message} ${JSON.stringify(err)}`;
    for (const secret of [bytesToHex(stranger.privateKey), bytesToHex(user.privateKey), 'webserver']) expect(text).not.toContain(secret);
  });
  it('fuzz: random envelopes give typed errors only', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (bytes, v1) => {
        const data = bytes.slice();
        if (v1 && data.length > 0) data[0] = 1;
        caught(() => openData(data, user.privateKey));
      }),
      { numRuns: 200 },
    );
  });
});
