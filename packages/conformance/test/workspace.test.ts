import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../../../scripts/check-deps.mjs', import.meta.url));

describe('workspace', () => {
  it('dependencies point one way (types ← hash ← crypto ← rmb / billing ← chain-sim / node-ref / client ← demo)', () => {
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });
});
