import { type VectorTest, eachTest, loadVectors } from '@sc4it/conformance';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { isSc4itError } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { deploymentChallenge, deploymentHash } from '../src/index.ts';

interface HashVector extends VectorTest {
  input: string;
  challenge?: string;
  hash?: string;
  field?: string;
  gridClientHash?: string;
}

const file = loadVectors<HashVector>('hash', 'challenge');
const all = [...eachTest(file)].map(({ test }) => test);

describe('hash/challenge vectors against @sc4it/hash', () => {
  it('covers at least V1–V3 and 60 generated deployments', () => {
    expect(all.filter((t) => t.flags.includes('SpecVector'))).toHaveLength(3);
    expect(all.length).toBeGreaterThanOrEqual(63);
  });

  for (const t of all) {
    it(`tcId ${t.tcId}: ${t.comment} [${t.result}]`, () => {
      const input = JSON.parse(t.input) as object;
      switch (t.result) {
        case 'valid':
        case 'acceptable':
          expect(deploymentChallenge(input)).toBe(t.challenge);
          expect(deploymentHash(input)).toBe(t.hash);
          break;
        case 'invalid': {
          let caught: unknown;
          try {
            deploymentHash(input);
          } catch (err) {
            caught = err;
          }
          expect(isSc4itError(caught)).toBe(true);
          expect((caught as { code: string }).code).toBe(t.error);
          expect((caught as { field?: string }).field).toBe(t.field);
          break;
        }
        default:
          throw new Error(`unknown result ${String(t.result)}`);
      }
    });
  }
});

describe('grid_client 2.9.2, re-run live', () => {
  const gc = gridClientOracle();

  it('computes the recorded challenge and hash on every vector where it agrees with the node', () => {
    const agreeing = all.filter((t) => t.flags.includes('GridClientAgrees'));
    expect(agreeing.length).toBeGreaterThanOrEqual(60);
    for (const t of agreeing) {
      const input = JSON.parse(t.input) as unknown;
      expect(gc.challenge(input), `tcId ${t.tcId}`).toBe(t.challenge);
      expect(gc.hash(input), `tcId ${t.tcId}`).toBe(t.hash);
    }
  });

  it('still diverges where the vectors say it does', () => {
    const divergent = all.filter((t) => t.gridClientHash !== undefined);
    expect(divergent.length).toBeGreaterThanOrEqual(15);
    for (const t of divergent) {
      let sdk: string;
      try {
        sdk = gc.hash(JSON.parse(t.input));
      } catch (err) {
        sdk = `error: ${(err as Error).message.split('\n')[0]}`;
      }
      expect(sdk, `tcId ${t.tcId}`).toBe(t.gridClientHash);
      expect(sdk, `tcId ${t.tcId}`).not.toBe(t.hash);
    }
  });
});
