// The README's example runs as written and prints what it says; examples/quickstart.ts is the
// same code. Expected values are the README's claims (the sealed length follows from the
// documented format: 52 + 48 per recipient + body).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { documentedOutput, matchesDocumented, readmeExample, runExample } from '@sc4it/conformance/testing';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const code = readmeExample(readFileSync(join(pkg, 'README.md'), 'utf8'));

it('examples/quickstart.ts is the README example', () => {
  const quickstart = readFileSync(join(pkg, 'examples', 'quickstart.ts'), 'utf8');
  expect(quickstart.replace("from '../src/index.ts'", "from '@sc4it/crypto'")).toBe(code);
});

it('README example runs and prints what the README says', async () => {
  const documented = documentedOutput(code);
  expect(documented.length).toBeGreaterThanOrEqual(5);
  const printed = await runExample(pkg, '@sc4it/crypto', code);
  expect(printed).toHaveLength(documented.length);
  printed.forEach((line, i) => expect(matchesDocumented(line, documented[i]!), `${line}\n  documented: ${documented[i]}`).toBe(true));
});
