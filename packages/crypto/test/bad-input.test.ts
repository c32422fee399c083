// Bad input across the API: typed errors with stable codes, no secrets in messages.
import { CryptoError, DeploymentError, bytesToHex, hexToBytes } from '@sc4it/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

const SEED = '0x' + '5e'.repeat(32);
const id = api.identityFromSeed(SEED, 'sr25519');
const peer = api.identityFromSeed('0x' + '6f'.repeat(32), 'ed25519');
const P = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    if (err instanceof CryptoError) {
      // No key material in any message.
      const text = `${err.message}|${JSON.stringify(err)}`;
      for (const secret of [SEED.slice(2), bytesToHex(id.secp256k1.privateKey), bytesToHex(peer.secp256k1.privateKey)]) {
        expect(text).not.toContain(secret);
      }
      return err.code;
    }
    throw err;
  }
  return 'no error';
}

describe('secp256k1 public keys: non-canonical and invalid encodings', () => {
  const x = id.secp256k1.publicKey.subarray(1);
  const cases: [string, Uint8Array][] = [
    ['x = p (not reduced)', hexToBytes(`02${P.toString(16)}`)],
    ['x = p + 1', hexToBytes(`03${(P + 1n).toString(16)}`)],
    ['hybrid prefix 06', Uint8Array.of(0x06, ...x, ...new Uint8Array(32))],
    ['prefix 05', Uint8Array.of(0x05, ...x)],
    ['32 bytes (no prefix)', x.slice()],
    ['34 bytes', Uint8Array.of(...id.secp256k1.publicKey, 0)],
    ['point at infinity (00)', Uint8Array.of(0)],
    ['empty', new Uint8Array(0)],
  ];
  it.each(cases)('%s → crypto.bad_public_key', (_name, pk) => {
    expect(codeOf(() => api.busEncrypt(id.secp256k1.privateKey, pk, new Uint8Array(1)))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.busDecrypt(id.secp256k1.privateKey, pk, new Uint8Array(40)))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.sealData(new Uint8Array(1), [pk]))).toBe('crypto.bad_public_key');
  });
  it('uncompressed with a wrong y → crypto.bad_public_key', () => {
    const un = Uint8Array.of(0x04, ...x, ...new Uint8Array(32).fill(1));
    expect(codeOf(() => api.busEncrypt(id.secp256k1.privateKey, un, new Uint8Array(1)))).toBe('crypto.bad_public_key');
  });
});

describe('private keys, seeds, key types', () => {
  it.each([
    ['zero', new Uint8Array(32)],
    ['n', hexToBytes('fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141')],
    ['31 bytes', new Uint8Array(31).fill(1)],
    ['33 bytes', new Uint8Array(33).fill(1)],
  ])('secp256k1 private key %s → crypto.bad_private_key', (_n, sk) => {
    expect(codeOf(() => api.busEncrypt(sk, peer.secp256k1.publicKey, new Uint8Array(1)))).toBe('crypto.bad_private_key');
    expect(codeOf(() => api.openData(new Uint8Array(200).fill(1), sk))).toBe('crypto.bad_private_key');
    expect(codeOf(() => api.secp256k1PublicKey(sk))).toBe('crypto.bad_private_key');
  });
  it('account keys of the wrong length and unknown key types', () => {
    expect(codeOf(() => api.verifySignature('ed25519', new Uint8Array(31), new Uint8Array(1), new Uint8Array(64)))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.verifySignature('rsa' as 'ed25519', id.publicKey, new Uint8Array(1), new Uint8Array(64)))).toBe('crypto.bad_key_type');
    expect(codeOf(() => api.verifyTyped(new Uint8Array(33), new Uint8Array(1), new Uint8Array(65).fill(0x65)))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.addressFromPublicKey(new Uint8Array(33)))).toBe('crypto.bad_public_key');
  });
  it('SS58 addresses: bad checksum, bad base58, wrong length', () => {
    const addr = id.address;
    const last = addr.at(-1) === 'a' ? 'b' : 'a';
    expect(codeOf(() => api.publicKeyFromAddress(addr.slice(0, -1) + last))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.publicKeyFromAddress('0OIl'))).toBe('crypto.bad_public_key');
    expect(codeOf(() => api.publicKeyFromAddress(addr.slice(0, 20)))).toBe('crypto.bad_public_key');
  });
  it('mnemonic: bad checksum, and 0x seeds are not mnemonics', () => {
    const words = 'legal winner thank year wave sausage worth useful legal winner thank thank';
    expect(codeOf(() => api.identityFromMnemonic(words, 'ed25519'))).toBe('crypto.bad_mnemonic');
    expect(codeOf(() => api.identityFromMnemonic(SEED, 'ed25519'))).toBe('crypto.bad_mnemonic');
    expect(codeOf(() => api.miniSecretFromMnemonic('legal'))).toBe('crypto.bad_mnemonic');
  });
});

describe('wrong argument types and ranges are crypto.bad_input', () => {
  const junk: unknown[] = [undefined, null, 1, 'aa', [1, 2], { length: 32 }, new ArrayBuffer(32), new Uint16Array(16)];
  it.each(junk.map((j) => [Object.prototype.toString.call(j), j]))('%s', (_n, j) => {
    const u = j as Uint8Array;
    expect(codeOf(() => api.busEncrypt(u, peer.secp256k1.publicKey, new Uint8Array(1)))).toBe('crypto.bad_input');
    expect(codeOf(() => api.busDecrypt(id.secp256k1.privateKey, peer.secp256k1.publicKey, u))).toBe('crypto.bad_input');
    expect(codeOf(() => api.verifySignature('ed25519', peer.publicKey, u, new Uint8Array(64)))).toBe('crypto.bad_input');
    expect(codeOf(() => api.signTyped(id, u))).toBe('crypto.bad_input');
    expect(codeOf(() => api.sealData(u, [peer.secp256k1.publicKey]))).toBe('crypto.bad_input');
    expect(codeOf(() => api.openData(u, id.secp256k1.privateKey))).toBe('crypto.bad_input');
  });
  it('twin ids, policies and SS58 formats out of range', async () => {
    const d = { version: 0, twin_id: 1, contract_id: 0, metadata: '', description: '', expiration: 0,
      signature_requirement: { requests: [{ twin_id: 1, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' }, workloads: [] };
    for (const t of [-1, 1.5, 2 ** 32, Number.NaN]) expect(codeOf(() => api.signDeployment(d, t, id))).toBe('crypto.bad_input');
    await expect(api.verifyDeployment(d, async () => ({ publicKey: id.publicKey, keyType: id.keyType }), { policy: 'loose' as 'zos' }))
      .rejects.toMatchObject({ code: 'crypto.bad_input', field: 'policy' });
    for (const f of [-1, 46, 47, 16384, 0.5]) expect(codeOf(() => api.addressFromPublicKey(id.publicKey, f))).toBe('crypto.bad_input');
  });
  it('identityFromSeed / identityFromMnemonic with non-strings', () => {
    expect(codeOf(() => api.identityFromSeed(42 as unknown as string, 'sr25519'))).toBe('crypto.bad_input');
    expect(codeOf(() => api.identityFromMnemonic(null as unknown as string, 'sr25519'))).toBe('crypto.bad_input');
  });
});

describe('deployments', () => {
  it('a deployment the node cannot hash is refused before any signature work', async () => {
    const bad = { version: 0, twin_id: 1, signature_requirement: { requests: [], weight_required: 1, signatures: [] }, workloads: 'x' };
    // The hash reports undecodable fields as the node's decoder would: deployment.wrong_type.
    await expect(api.verifyDeployment(bad as never, () => null)).rejects.toMatchObject({ name: 'DeploymentError', code: 'deployment.wrong_type', field: 'workloads' });
    expect(() => api.signDeployment(bad as never, 1, id)).toThrow(DeploymentError);
    expect(() => api.signDeployment({} as never, -1, id)).toThrow(CryptoError);
  });
  it('identities are frozen', () => {
    expect(Object.isFrozen(id)).toBe(true);
    expect(Object.isFrozen(id.secp256k1)).toBe(true);
  });
});

describe('fuzz', () => {
  it('verifySignature never throws for any 32-byte key and random signature', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 80 }), fc.constantFrom('ed25519', 'sr25519'), (pk, sig, kt) => {
        expect(api.verifySignature(kt as 'ed25519', pk, new Uint8Array(16), sig)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
  it('publicKeyFromAddress gives a key or crypto.bad_public_key', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const c = codeOf(() => api.publicKeyFromAddress(s));
        expect(['no error', 'crypto.bad_public_key']).toContain(c);
      }),
      { numRuns: 300 },
    );
  });
});


describe('multisig fuzz', () => {
  it('junk in the signature requirement: a status or a typed error, never a crash', async () => {
    const base = {
      version: 0, twin_id: 7, contract_id: 0, metadata: '', description: '', expiration: 0,
      signature_requirement: { requests: [{ twin_id: 7, required: true, weight: 1 }], weight_required: 1, signatures: [] as unknown[], signature_style: '' },
      workloads: [],
    };
    const signed = api.signDeployment(base as never, 7, id);
    const junk = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constant(null), fc.record({ twin_id: fc.oneof(fc.nat(9), fc.anything()), signature: fc.anything(), signature_type: fc.anything(), weight: fc.anything(), required: fc.anything() }, { requiredKeys: [] }));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('requests', 'signatures', 'weight_required', 'signature_style', 'entry'), junk, fc.constantFrom('zos', 'strict-weights'), async (where, value, policy) => {
        const d = structuredClone(signed) as unknown as { signature_requirement: Record<string, unknown> };
        if (where === 'entry') (d.signature_requirement['signatures'] as unknown[]).push(value);
        else d.signature_requirement[where] = value;
        try {
          const st = await api.multisigStatus(d as never, () => ({ publicKey: id.publicKey, keyType: 'sr25519' }), { policy: policy as 'zos' });
          expect(typeof st.complete).toBe('boolean');
        } catch (e) {
          // only the hash refusing a document the node could not decode either
          expect((e as { name?: string }).name).toMatch(/^(DeploymentError|DecodeError)$/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
