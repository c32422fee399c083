import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

describe('generated protobuf code', () => {
  it('is what scripts/generate.mjs produces from proto/*.proto (pnpm generate to refresh)', () => {
    const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
    const run = (): string => execFileSync(process.execPath, ['scripts/generate.mjs', '--check'], { cwd: pkg, encoding: 'utf8', stdio: 'pipe' });
    expect(run).not.toThrow();
  });
});
