/**
 * `npm run demo -- --ci` as a real child process: the whole grid in one command, a green summary
 * table and exit code 0 (a red one and 1 when a step fails); the chain's state persisted under the
 * folder it names.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
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

/**
 * `npm run demo -- --ci` runs `pnpm --filter @sc4it/demo run start -- --ci` after building
 * everything: the package's `start` script on the built `dist` entry, not the TypeScript sources.
 * The tests run that same script line (through `sh`, as npm and pnpm do) against the build that
 * `npm test` makes first (turbo's test task depends on build).
 */
const pkgJson = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { scripts: { start: string } };

function startScript(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  // npm / pnpm: `sh -c "<script> <args…>"`; the args here are plain words (no quoting needed)
  const child = spawn('sh', ['-c', `${pkgJson.scripts.start} ${args.join(' ')}`], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out, err })));
}

describe('demo --ci (the built entry, as `npm run demo -- --ci` runs it)', () => {
  it('uses the built entry, and that build is not older than the sources', () => {
    expect(pkgJson.scripts.start).toBe('exec node dist/main.js');
    const built = join(app, 'dist', 'main.js');
    expect(existsSync(built), 'apps/demo/dist/main.js is missing: build first (npm test builds)').toBe(true);
    const newestSource = Math.max(...readdirSync(join(app, 'src')).map((f) => statSync(join(app, 'src', f)).mtimeMs));
    expect(statSync(built).mtimeMs, 'apps/demo/dist is older than src: rebuild (pnpm --filter @sc4it/demo build)').toBeGreaterThanOrEqual(newestSource);
  });

  it('runs every step green, prints the summary and exits 0', async () => {
    const { code, out, err } = await startScript(['--', '--ci', '--state', state]);
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

  it('exits 1 with the failed step marked when a step fails (forced with the test-only SC4IT_DEMO_FAIL_STEP)', async () => {
    const failing = STEPS[STEPS.length - 1]!;
    const { code, out, err } = await startScript(['--ci', '--state', `${state}-red`], { SC4IT_DEMO_FAIL_STEP: failing });
    rmSync(`${state}-red`, { recursive: true, force: true });
    expect(err).toBe('');
    expect(code).toBe(1);
    const summary = out.slice(out.lastIndexOf('\nsummary'));
    expect(summary).toMatch(new RegExp(`✘  ${failing}\\s+\\d+\\.\\d s`));
    expect(summary).toContain(`${STEPS.length - 1}/${STEPS.length} steps passed`);
    expect(out).toContain('✘ forced to fail by SC4IT_DEMO_FAIL_STEP (test only)');
    expect(out).toMatch(/\nstopped\n?$/);
  });

  it('exits 2 with one line for a mistyped option, before anything starts', async () => {
    const { code, out, err } = await startScript(['--ci', '--stat', `${state}-typo`, '--state', `${state}-typo`]);
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toMatch(/^demo: error: Unknown option '--stat'[^\n]* \(see --help\)\n$/);
    expect(existsSync(`${state}-typo`)).toBe(false);
  });
});
