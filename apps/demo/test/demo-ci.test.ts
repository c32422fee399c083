/**
 * `npm run demo -- --ci` as a real child process: the whole grid in one command, a green summary
 * table and exit code 0; the chain's state persisted under the folder it names.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const state = mkdtempSync(join(tmpdir(), 'sc4it-demo-ci-'));

afterAll(() => rmSync(state, { recursive: true, force: true }));

const STEPS = [
  'Twins created and funded',
  'VM with one public IP deployed and running',
  '2-of-3 multisig deployment',
  'Deployment rejected for a hash mismatch',
  "Contract refused: the farm's IPs are exhausted",
  'Consumption reports flowing',
  'Time warped by 48 hours: bills and balances',
  'Out of funds: grace period, paused, topped up, resumed',
  'Cancellation frees its IP',
  'Digital twin acts on a signed command',
  'Deployment verified and sealed data recovered',
];

describe('demo --ci', () => {
  it('runs every step green, prints the summary and exits 0', async () => {
    const child = spawn(process.execPath, ['--conditions=sc4it-source', '--import', 'tsx', join(app, 'src', 'main.ts'), '--ci', '--state', state], {
      cwd: app,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const summary = out.slice(out.lastIndexOf('\nsummary'));
    for (const s of STEPS) expect(summary).toMatch(new RegExp(`✔  ${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s+\\d+\\.\\d s`));
    expect(summary).toContain(`${STEPS.length}/${STEPS.length} steps passed`);
    // progress was visible along the way
    expect(out).toMatch(/· creating the contract on node \d+ \(hash [0-9a-f]{32}\)/);
    expect(out).toContain('node 2 answered "contract hash does not match deployment hash"');
    // the chain persisted its log under the named folder
    expect(existsSync(join(state, 'chain'))).toBe(true);
    expect(readdirSync(join(state, 'chain')).length).toBeGreaterThan(0);
  });
});
