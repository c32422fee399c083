import { type VectorTest, eachTest, loadVectors } from '@sc4it/conformance';
import { formatDeployment, parseDeployment } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { deploymentHash } from '../src/index.ts';

interface HashVector extends VectorTest {
  input: string;
  hash?: string;
}

// parseDeployment (@sc4it/types) is the node-side reader; its typed output (bigints for u64) and
// the JSON formatDeployment writes must hash exactly like the deployment as sent. Vectors whose
// deployments break one of the node's Valid() rules (random ones may: hashing does not need
// them) are left out here.
const parsable: { test: HashVector; parsed: ReturnType<typeof parseDeployment> }[] = [];
for (const { test } of eachTest(loadVectors<HashVector>('hash', 'challenge'))) {
  if (test.result !== 'valid') continue;
  try {
    parsable.push({ test, parsed: parseDeployment(test.input) });
  } catch {
    // not a Valid() deployment
  }
}

describe('@sc4it/types parseDeployment / formatDeployment interop', () => {
  it('most valid vectors are also Valid() deployments', () => {
    expect(parsable.length).toBeGreaterThanOrEqual(50);
  });

  for (const { test, parsed } of parsable) {
    it(`tcId ${test.tcId}: ${test.comment}`, () => {
      expect(deploymentHash(parsed)).toBe(test.hash);
      expect(deploymentHash(JSON.parse(formatDeployment(parsed)) as object)).toBe(test.hash);
    });
  }
});
