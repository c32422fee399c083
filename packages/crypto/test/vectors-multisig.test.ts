// vectors/crypto/multisig_test.json: outcomes written by hand from deployment-hash.md §5.
import { eachTest, loadVectors } from '@sc4it/conformance';
import { DeploymentError, type Deployment, type KeyType, hexToBytes } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { type MultisigPolicy, multisigStatus, verifyDeployment } from '../src/index.ts';

const file = loadVectors('crypto', 'multisig');
const twinKeys = (file as unknown as { twinKeys: Record<string, { publicKey: string; keyType: KeyType }> }).twinKeys;
const getTwinKey = async (twin: number) => {
  const k = twinKeys[String(twin)];
  return k ? { publicKey: hexToBytes(k.publicKey), keyType: k.keyType } : null;
};

describe('crypto/multisig vectors', () => {
  for (const { group, test } of eachTest(file)) {
    if (group.type !== 'MultisigVerify') throw new Error(`unknown group ${group.type}`);
    const policy = group['policy'] as MultisigPolicy;
    const deployment = test['deployment'] as Deployment;
    it(`tc${test.tcId} [${policy}] ${test.comment}`, async () => {
      const status = await multisigStatus(deployment, getTwinKey, { policy });
      if (test.result === 'valid') {
        const ok = await verifyDeployment(deployment, getTwinKey, { policy });
        expect(ok.complete).toBe(true);
        expect(ok.weightCollected).toBe(test['weightCollected']);
        expect(status.complete).toBe(true);
      } else if (test.result === 'invalid') {
        let caught: unknown;
        try {
          await verifyDeployment(deployment, getTwinKey, { policy });
        } catch (err) {
          caught = err;
        }
        expect(caught).toBeInstanceOf(DeploymentError);
        expect((caught as DeploymentError).code).toBe(test.error);
        expect((caught as DeploymentError).upstream).toBe(test['upstream']);
        expect(status.complete).toBe(false);
        expect(status.error?.code).toBe(test.error);
      } else {
        throw new Error(`unknown result ${test.result}`);
      }
    });
  }
  it('covers both policies and spec V2', () => {
    expect(file.testGroups.map((g) => g['policy'])).toEqual(['zos', 'strict-weights']);
    expect([...eachTest(file)].filter(({ test }) => test.flags.includes('SpecVector')).length).toBeGreaterThanOrEqual(4);
  });
});
