// vectors/crypto/sealed_test.json: envelopes built by the independent node:crypto reference.
import { eachTest, loadVectors } from '@sc4it/conformance';
import { CryptoError, bytesToHex, hexToBytes } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { openData } from '../src/index.ts';

const file = loadVectors('crypto', 'sealed');

describe('crypto/sealed vectors', () => {
  for (const { group, test } of eachTest(file)) {
    if (group.type !== 'SealedOpen') throw new Error(`unknown group ${group.type}`);
    const name = `tc${test.tcId}: ${test.comment}`;
    it(name, () => {
      const run = () => openData(hexToBytes(test['sealed'] as string), hexToBytes(test['privateKey'] as string));
      if (test.result === 'valid') {
        expect(bytesToHex(run())).toBe(test['plaintext']);
      } else if (test.result === 'invalid') {
        let caught: unknown;
        try {
          run();
        } catch (err) {
          caught = err;
        }
        expect(caught, name).toBeInstanceOf(CryptoError);
        expect((caught as CryptoError).code, name).toBe(test.error);
      } else {
        throw new Error(`unknown result ${test.result}`);
      }
    });
  }
});
