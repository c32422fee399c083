// vectors/crypto/bus_cipher_test.json: keys and ciphers produced by the real rmb_direct_client.
import { eachTest, loadVectors } from '@sc4it/conformance';
import { CryptoError, bytesToHex, hexToBytes } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { busDecrypt, busSharedKey, identityFromMnemonic, identityFromSeed } from '../src/index.ts';

const file = loadVectors('crypto', 'bus_cipher');

describe('crypto/bus_cipher vectors', () => {
  for (const { group, test } of eachTest(file)) {
    const name = `tc${test.tcId} ${group.type}: ${test.comment}`;
    if (group.type === 'BusPublicKey') {
      it(name, () => {
        const secret = test['secret'] as string;
        const id = /^(0x)?[0-9a-f]{64}$/.test(secret) ? identityFromSeed(secret, 'sr25519') : identityFromMnemonic(secret, 'sr25519');
        expect(bytesToHex(id.secp256k1.privateKey)).toBe(test['privateKey']);
        expect(bytesToHex(id.secp256k1.publicKey)).toBe(test['publicKey']);
      });
    } else if (group.type === 'BusDecrypt') {
      it(name, () => {
        const priv = hexToBytes(test['recipientPrivateKey'] as string);
        const pub = hexToBytes(test['senderPublicKey'] as string);
        const data = hexToBytes(test['ciphertext'] as string);
        if (test.result === 'valid') {
          expect(bytesToHex(busSharedKey(priv, pub))).toBe(test['sharedKey']);
          expect(bytesToHex(busDecrypt(priv, pub, data))).toBe(test['plaintext']);
        } else if (test.result === 'invalid') {
          let caught: unknown;
          try {
            busDecrypt(priv, pub, data);
          } catch (err) {
            caught = err;
          }
          expect(caught, name).toBeInstanceOf(CryptoError);
          expect((caught as CryptoError).code).toBe(test.error);
        } else {
          throw new Error(`unknown result ${test.result}`);
        }
      });
    } else {
      throw new Error(`unknown group ${group.type}`);
    }
  }
});
