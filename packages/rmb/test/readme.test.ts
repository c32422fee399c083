/** Runs the README's example exactly as written (`tsx file.mts`, packages from their dist/). */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(pkg, 'test', '.tmp-readme');
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('the README example runs as written: a relay, two peers, { sum: 42 }', async () => {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const m = /<!-- example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- example:end -->/.exec(readme);
  expect(m).not.toBeNull();
  mkdirSync(tmp, { recursive: true });
  const file = join(tmp, 'example.mts');
  writeFileSync(file, m![1]!);
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: pkg, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  expect(err).toBe('');
  expect(code).toBe(0);
  expect(out.trim()).toBe('{ sum: 42 }');
}, 60_000);
