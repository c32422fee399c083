// The README's example runs as written and prints what it says (the texts are the README's
// claims: the node's zmount rule and error text from deployment-hash.md §6.2 / zosbase).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
// The harness shared by every package's README test. @sc4it/types sits below @sc4it/conformance in
// the dependency graph (conformance depends on it), so it reaches the file by path instead of a
// devDependency, which would be a cycle turbo refuses.
import { documentedOutput, matchesDocumented, readmeExample, runExample } from '../../conformance/src/testing/readme-example.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

it('README example runs and prints what the README says', async () => {
  const code = readmeExample(readFileSync(join(pkg, 'README.md'), 'utf8'));
  const documented = documentedOutput(code);
  expect(documented.length).toBeGreaterThanOrEqual(4);
  const printed = await runExample(pkg, '@sc4it/types', code);
  expect(printed).toHaveLength(documented.length);
  printed.forEach((line, i) => expect(matchesDocumented(line, documented[i]!), `${line}\n  documented: ${documented[i]}`).toBe(true));
});
