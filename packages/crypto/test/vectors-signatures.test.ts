// vectors/crypto/signatures_test.json: keys and signatures from @polkadot/keyring.
import { eachTest, loadVectors } from '@sc4it/conformance';
import { CryptoError, type KeyType, bytesToHex, hexToBytes } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { decodeTypedSignature, identityFromMnemonic, identityFromSeed, verifySignature, verifyTyped } from '../src/index.ts';

const file = loadVectors('crypto', 'signatures');
const b = (name: string, t: Record<string, unknown>): Uint8Array => hexToBytes(t[name] as string);

describe('crypto/signatures vectors', () => {
  for (const { group, test } of eachTest(file)) {
    const name = `tc${test.tcId} ${group.type}: ${test.comment}`;
    if (test.result !== 'valid' && test.result !== 'invalid') throw new Error(`unknown result ${test.result}`);
    switch (group.type) {
      case 'KeyDerivation':
        it(name, () => {
          const secret = test['secret'] as string;
          const keyType = test['keyType'] as KeyType;
          const id = secret.startsWith('0x') ? identityFromSeed(secret, keyType) : identityFromMnemonic(secret, keyType);
          expect(bytesToHex(id.publicKey)).toBe(test['publicKey']);
          expect(id.address).toBe(test['address']);
        });
        break;
      case 'Ed25519Sign':
        it(name, () => {
          const id = identityFromSeed(test['seed'] as string, 'ed25519');
          expect(bytesToHex(id.publicKey)).toBe(test['publicKey']);
          expect(bytesToHex(id.sign(b('message', test)))).toBe(test['signature']);
        });
        break;
      case 'Verify':
        it(name, () => {
          const ok = verifySignature(test['keyType'] as KeyType, b('publicKey', test), b('message', test), b('signature', test));
          expect(ok).toBe(test.result === 'valid');
        });
        break;
      case 'TypedVerify':
        it(name, () => {
          const sig = b('signature', test);
          const ok = verifyTyped(b('publicKey', test), b('message', test), sig);
          expect(ok).toBe(test.result === 'valid');
          if (test.result === 'invalid' && test.error !== 'crypto.bad_signature') {
            let caught: unknown;
            try {
              decodeTypedSignature(sig);
            } catch (err) {
              caught = err;
            }
            expect(caught).toBeInstanceOf(CryptoError);
            expect((caught as CryptoError).code).toBe(test.error);
          }
        });
        break;
      default:
        throw new Error(`unknown group ${group.type}`);
    }
  }
});
