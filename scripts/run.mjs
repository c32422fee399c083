#!/usr/bin/env node
// One entry point for the README's two commands (`npm test`, `npm run demo`).
// It needs only Node 20 and npm: it brings the pinned pnpm, the system packages the
// tests use (redis-server, chromium) and the workspace dependencies, then runs turbo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const pnpmVersion = pkg.packageManager.replace(/^pnpm@/, '');
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1', COREPACK_ENABLE_STRICT: '0' };
const [task = 'test', ...rest] = process.argv.slice(2);

function log(msg) {
  process.stderr.write(`[sc4it] ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, env, ...opts });
  if (r.error) throw r.error;
  return r.status ?? 1;
}

function output(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: root, env });
  return r.status === 0 ? r.stdout.trim() : null;
}

function which(bin) {
  return output('sh', ['-c', `command -v ${bin}`]);
}

/** The pinned pnpm: use it if installed, else install it globally, else run it through npx. */
function pnpmCommand() {
  if (output('pnpm', ['--version']) === pnpmVersion) return ['pnpm'];
  log(`installing pnpm@${pnpmVersion}`);
  if (run('npm', ['install', '--global', '--no-fund', '--no-audit', `pnpm@${pnpmVersion}`]) === 0 &&
      output('pnpm', ['--version']) === pnpmVersion) return ['pnpm'];
  return ['npx', '--yes', `pnpm@${pnpmVersion}`];
}

/** redis-server and chromium back the integration and browser tests; apt-get them when missing. */
function ensureSystemPackages(wanted) {
  const missing = wanted.filter(([bin]) => !which(bin)).map(([, pkgName]) => pkgName);
  if (missing.length === 0) return;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const sudo = isRoot ? [] : which('sudo') ? ['sudo', '-n'] : null;
  if (!which('apt-get') || sudo === null) {
    log(`missing system packages: ${missing.join(', ')} (install them, e.g. with apt-get)`);
    return;
  }
  log(`installing system packages: ${missing.join(', ')}`);
  const aptEnv = { ...env, DEBIAN_FRONTEND: 'noninteractive' };
  const [cmd, ...pre] = sudo.length ? sudo : ['apt-get'];
  const base = sudo.length ? [...pre, 'apt-get'] : [];
  run(cmd, [...base, 'update', '-qq'], { env: aptEnv });
  run(cmd, [...base, 'install', '-y', '-qq', '--no-install-recommends', ...missing], { env: aptEnv });
}

const pnpm = pnpmCommand();
const pn = (args, opts) => run(pnpm[0], [...pnpm.slice(1), ...args], opts);

if (task === 'test' || task === 'demo') {
  ensureSystemPackages(task === 'test'
    ? [['redis-server', 'redis-server'], ['chromium', 'chromium']]
    : [['chromium', 'chromium']]);
}

const frozen = existsSync(join(root, 'pnpm-lock.yaml')) ? ['--frozen-lockfile'] : [];
if (pn(['install', ...frozen, '--reporter=append-only']) !== 0) process.exit(1);
if (pn(['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']) !== 0) process.exit(1);

if (task === 'test') {
  // Type-check every package with its tests, benches and tools (tsconfig.check.json) alongside
  // the tests; stream turbo's output and add up vitest's per-package summaries for one closing line.
  const child = spawn(pnpm[0], [...pnpm.slice(1), 'exec', 'turbo', 'run', 'typecheck', 'test', '--concurrency=2', ...rest],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'inherit'] });
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  let buf = '';
  child.stdout.on('data', (chunk) => {
    process.stdout.write(chunk);
    buf += chunk.toString('utf8');
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const raw of lines) {
      // eslint-disable-next-line no-control-regex
      const line = raw.replace(/\x1b\[[0-9;]*m/g, '');
      const m = /\bTests\s+(.*)\(\d+\)\s*$/.exec(line);
      if (!m) continue;
      passed += Number(/(\d+) passed/.exec(m[1])?.[1] ?? 0);
      failed += Number(/(\d+) failed/.exec(m[1])?.[1] ?? 0);
      skipped += Number(/(\d+) skipped/.exec(m[1])?.[1] ?? 0);
    }
  });
  child.on('close', (code) => {
    const status = code === 0 && failed === 0 && passed > 0 ? 0 : 1;
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    process.exit(status);
  });
} else if (task === 'demo') {
  // Ctrl-C reaches the demo too; wait for it to stop cleanly instead of returning the prompt early.
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => {});
  process.exit(pn(['--filter', '@sc4it/demo', 'run', 'start', ...rest]));
} else {
  process.exit(pn(['exec', 'turbo', 'run', task, ...rest]));
}
