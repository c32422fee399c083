import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DecodeError, DeploymentError, formatDeployment, parseDeployment } from './index.ts';

// The vector file is read directly (no dependency on @sc4it/conformance, which depends on us);
// its structure is linted by the conformance package's own test.
const FILE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'conformance', 'vectors', 'deployment', 'valid_test.json');

interface Vector {
  tcId: number;
  comment: string;
  deployment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  error?: string;
  upstream?: string;
}
const file = JSON.parse(readFileSync(FILE, 'utf8')) as { testGroups: { type: string; tests: Vector[] }[] };

describe('deployment validation vectors (conformance/vectors/deployment/valid_test.json)', () => {
  for (const group of file.testGroups) {
    for (const t of group.tests) {
      it(`${group.type} #${t.tcId}: ${t.comment}`, () => {
        switch (t.result) {
          case 'valid':
          case 'acceptable': {
            // sc4it accepts both; what it writes back must be accepted again unchanged
            const d = parseDeployment(t.deployment);
            const text = formatDeployment(d);
            expect(formatDeployment(text)).toBe(text);
            break;
          }
          case 'invalid': {
            let err: unknown;
            try {
              parseDeployment(t.deployment);
            } catch (e) {
              err = e;
            }
            expect(err, 'must throw').toBeDefined();
            expect(err instanceof DeploymentError || err instanceof DecodeError).toBe(true);
            expect((err as DeploymentError).code).toBe(t.error);
            if (t.upstream !== undefined) expect((err as DeploymentError).upstream).toBe(t.upstream);
            // issue 2 "Bad input": the error names the field ('' is the document itself)
            if (t.error !== 'decode.json') expect(typeof (err as DeploymentError).field).toBe('string');
            break;
          }
          default:
            throw new Error(`unknown result ${String(t.result)}`);
        }
      });
    }
  }
});
