import { createHash, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { DecodeError } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import {
  bytesToSign,
  contractHashBytes,
  deploymentChallenge,
  deploymentDigest,
  deploymentHash,
  signingMessage,
} from '../src/index.ts';
import { SPEC_PUBLIC_KEY_HEX, SPEC_SEED_HEX, SPEC_VECTORS } from './spec-vectors.ts';

// node:crypto is the independent ed25519 and MD5 implementation here.
const seed = Buffer.from(SPEC_SEED_HEX, 'hex');
const privateKey = createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]),
  format: 'der',
  type: 'pkcs8',
});
const publicKey = createPublicKey(privateKey);
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('spec vectors V1–V3 (deployment-hash.md §10)', () => {
  it('the signing key is the spec key', () => {
    const raw = publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
    expect(raw.toString('hex')).toBe(SPEC_PUBLIC_KEY_HEX);
  });

  for (const v of SPEC_VECTORS) {
    describe(v.name, () => {
      const deployment = JSON.parse(v.input) as object;

      it('challenge text is byte-identical', () => {
        const c = deploymentChallenge(deployment);
        expect(c).toBe(v.challenge);
        expect(Buffer.byteLength(c, 'utf8')).toBe(v.challengeBytes);
      });

      it('hash and digest match the spec MD5', () => {
        expect(createHash('md5').update(v.challenge, 'utf8').digest('hex')).toBe(v.md5); // spec self-check
        expect(deploymentHash(deployment)).toBe(v.md5);
        expect(hex(deploymentDigest(deployment))).toBe(v.md5);
      });

      it('on-chain hash is the 32 ASCII bytes of the hex text', () => {
        const bytes = contractHashBytes(deploymentHash(deployment));
        expect(bytes.length).toBe(32);
        expect(Buffer.from(bytes).toString('latin1')).toBe(v.md5);
      });

      it('ed25519 over bytesToSign gives the spec signature', () => {
        const msg = bytesToSign(deployment);
        expect(hex(msg)).toBe(v.md5); // default style: the 16 raw digest bytes
        expect(sign(null, msg, privateKey).toString('hex')).toBe(v.signature);
        expect(verify(null, msg, publicKey, Buffer.from(v.signature, 'hex'))).toBe(true);
      });
    });
  }

  it('V1 stored as bytes 35 62 36 38 65 36 61 63 … on chain', () => {
    const v1 = JSON.parse(SPEC_VECTORS[0].input) as object;
    expect([...contractHashBytes(deploymentHash(v1)).subarray(0, 8)]).toEqual([
      0x35, 0x62, 0x36, 0x38, 0x65, 0x36, 0x61, 0x63,
    ]);
  });

  it('polka-wallet: the style is appended to the challenge and the wrapper is signed (§2.5, §4)', () => {
    const v1 = JSON.parse(SPEC_VECTORS[0].input) as { signature_requirement: Record<string, unknown> };
    v1.signature_requirement.signature_style = 'polka-wallet';
    const challenge = deploymentChallenge(v1);
    expect(challenge).toBe(`${SPEC_VECTORS[0].challenge}polka-wallet`);
    const md5 = createHash('md5').update(challenge, 'utf8').digest('hex');
    expect(deploymentHash(v1)).toBe(md5);
    expect(Buffer.from(bytesToSign(v1)).toString('latin1')).toBe(`<Bytes>${md5}</Bytes>`);
  });
});

describe('signingMessage / contractHashBytes', () => {
  const digest = Uint8Array.from(Buffer.from(SPEC_VECTORS[0].md5, 'hex'));

  it('default style signs the raw digest (a copy), polka-wallet the ASCII wrapper', () => {
    const raw = signingMessage(digest);
    expect(raw).toEqual(digest);
    expect(raw).not.toBe(digest);
    expect(signingMessage(digest, '')).toEqual(digest);
    expect(signingMessage(digest, 'something-else')).toEqual(digest); // the node verifies raw bytes
    expect(Buffer.from(signingMessage(digest, 'polka-wallet')).toString('latin1')).toBe(
      `<Bytes>${SPEC_VECTORS[0].md5}</Bytes>`,
    );
  });

  it('rejects a digest that is not 16 bytes', () => {
    expect(() => signingMessage(new Uint8Array(15))).toThrow(DecodeError);
    expect(() => signingMessage('00' as unknown as Uint8Array)).toThrow(DecodeError);
  });

  it.each([
    SPEC_VECTORS[0].md5.toUpperCase(),
    `0x${SPEC_VECTORS[0].md5}`,
    SPEC_VECTORS[0].md5.slice(1),
    `${SPEC_VECTORS[0].md5}0`,
    'g'.repeat(32),
    '',
  ])('contractHashBytes rejects %j', (bad) => {
    try {
      contractHashBytes(bad);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(DecodeError);
      expect((err as DecodeError).code).toBe('decode.deployment_hash');
    }
  });
});
