// The README's example runs as written and prints what it says. Expected values: spec V1
// (deployment-hash.md §10: its 644-byte challenge and hash 5b68e6ac…); the on-chain bytes are the
// ASCII codes of that hex text ('5' = 53, 'b' = 98), the polka-wallet text is §4's <Bytes>…</Bytes>.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { documentedOutput, matchesDocumented, readmeExample, runExample } from '@sc4it/conformance/testing';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');

it('README example runs and prints what the README says', async () => {
  const code = readmeExample(readFileSync(join(pkg, 'README.md'), 'utf8'));
  const documented = documentedOutput(code);
  expect(documented.length).toBeGreaterThanOrEqual(6);
  expect(documented.some((d) => d.includes('…'))).toBe(false); // exact values only
  const printed = await runExample(pkg, '@sc4it/hash', code);
  expect(printed).toHaveLength(documented.length);
  printed.forEach((line, i) => expect(matchesDocumented(line, documented[i]!), `${line}\n  documented: ${documented[i]}`).toBe(true));
});
