// The README's example runs as written and prints what it says (expected values: spec §18 for the
// #373 VM, 280000 units USD and 14000000 planck; the rest worked by hand in the README).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { documentedOutput, matchesDocumented, readmeExample, runExample } from '@sc4it/conformance/testing';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

it('README example runs and prints what the README says', async () => {
  const code = readmeExample(readFileSync(join(pkg, 'README.md'), 'utf8'));
  const documented = documentedOutput(code);
  expect(documented.length).toBeGreaterThanOrEqual(5);
  const printed = await runExample(pkg, '@sc4it/billing', code);
  expect(printed).toHaveLength(documented.length);
  printed.forEach((line, i) => expect(matchesDocumented(line, documented[i]!), `${line}\n  documented: ${documented[i]}`).toBe(true));
});
