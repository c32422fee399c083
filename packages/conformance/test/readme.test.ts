// The README's example runs as written and prints what it says. The expected values are the hash
// vector file's own (V1 = tcId 1 of deployment-hash.md §10, 20 invalid cases, 111 tests).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { documentedOutput, matchesDocumented, readmeExample, runExample } from '../src/testing/index.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

it('README example runs and prints what the README says', async () => {
  const code = readmeExample(readFileSync(join(pkg, 'README.md'), 'utf8'));
  const documented = documentedOutput(code);
  expect(documented.length).toBeGreaterThanOrEqual(6);
  const printed = await runExample(pkg, '@sc4it/conformance', code);
  expect(printed).toHaveLength(documented.length);
  printed.forEach((line, i) => expect(matchesDocumented(line, documented[i]!), `${line}\n  documented: ${documented[i]}`).toBe(true));
});
