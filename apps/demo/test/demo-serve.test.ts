/**
 * `npm run demo` without `--ci`, as a user meets it: a real child process that runs the scenario,
 * prints the dashboard URL, serves the page, and stops cleanly on Ctrl-C (SIGINT). Also what a
 * user sees when the default port is taken, when `--port` is taken, when the same state folder is
 * already in use by another demo, and on a mistyped option.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, connect, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const app = join(dirname(fileURLToPath(import.meta.url)), '..');
const root = mkdtempSync(join(tmpdir(), 'sc4it-demo-serve-'));
const state = join(root, 'state');
let busy: Server;
let busyPort: number;

interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function demo(args: string[], env: Record<string, string> = {}): Proc {
  const child = spawn(process.execPath, ['--conditions=sc4it-source', '--import', 'tsx', join(app, 'src', 'main.ts'), ...args], {
    cwd: app,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  return { child, out: () => out, err: () => err, exit };
}

async function waitFor(p: Proc, text: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!p.out().includes(text)) {
    if (p.child.exitCode !== null || Date.now() > deadline) throw new Error(`never printed '${text}':\n${p.out()}\n${p.err()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(false);
    });
    s.once('error', () => resolve(true));
  });
}

beforeAll(async () => {
  busy = createServer();
  await new Promise<void>((r) => busy.listen(0, '127.0.0.1', () => r()));
  busyPort = (busy.address() as { port: number }).port;
});
afterAll(async () => {
  await new Promise<void>((r) => busy.close(() => r()));
  rmSync(root, { recursive: true, force: true });
});

describe('npm run demo (serving the dashboard)', () => {
  it('takes a free port when the default one is busy, serves the page, and stops cleanly on Ctrl-C', async () => {
    const p = demo(['--state', state], { SC4IT_DEMO_PORT: String(busyPort) });
    try {
      await waitFor(p, 'press Ctrl-C to stop');
      expect(p.out()).toContain(`note: port ${busyPort} is in use; the dashboard takes a free port instead`);
      const urls = [...p.out().matchAll(/dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/)/g)];
      expect(urls.length).toBe(2);
      const url = urls[1]![1]!;
      const port = Number(urls[1]![2]);
      expect(port).not.toBe(busyPort);
      expect(urls[0]![1]).toBe(url);
      expect(p.out()).toContain('11/11 steps passed');
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<script type="module" src="/app.js"');
      const steps = (await (await fetch(new URL('/api/steps', url))).json()) as { done: boolean; steps: { ok: boolean }[] };
      expect(steps.done).toBe(true);
      expect(steps.steps.filter((s) => s.ok)).toHaveLength(11);
      // the printed CLI hint names this grid's endpoints
      const config = (await (await fetch(new URL('/api/config', url))).json()) as { chainUrl: string; relayUrl: string };
      expect(p.out()).toContain(`export SC4IT_CHAIN=${config.chainUrl} SC4IT_RELAY=${config.relayUrl} SC4IT_RELAY_DOMAIN=relay.sc4it.localhost`);
      expect(existsSync(`${state}.lock`)).toBe(true);

      // a second demo on the same state folder refuses before touching it
      const second = demo(['--state', state, '--port', '0']);
      const r2 = await second.exit;
      expect(r2.code).toBe(1);
      expect(second.err().trim()).toBe(`demo: error: another demo (pid ${p.child.pid}) is running on the state folder ${state}; stop it first or pick another folder with --state <dir>`);
      expect(readdirSync(join(state, 'chain')).length).toBeGreaterThan(0);
      expect((await fetch(new URL('/api/steps', url))).status).toBe(200);

      // Ctrl-C (twice, as a terminal and pnpm both deliver one): stops once, exits 0, frees the port
      p.child.kill('SIGINT');
      p.child.kill('SIGINT');
      const r = await p.exit;
      expect(r).toEqual({ code: 0, signal: null });
      expect(p.out().trimEnd().endsWith('stopping…\nstopped')).toBe(true);
      expect(p.err()).toBe('');
      expect(await refused(port)).toBe(true);
      expect(existsSync(`${state}.lock`)).toBe(false);
    } finally {
      p.child.kill('SIGKILL');
    }
  }, 180_000);

  it('fails with one clear line when --port is busy, before starting anything', async () => {
    const fresh = join(root, 'untouched');
    const p = demo(['--port', String(busyPort), '--state', fresh]);
    const r = await p.exit;
    expect(r.code).toBe(1);
    expect(p.err()).toBe(`demo: error: port ${busyPort} on 127.0.0.1 is in use; pick another with --port <n> (0: any free port)\n`);
    expect(existsSync(fresh)).toBe(false);
  });

  it('answers a mistyped option with one line and exit 2; --help and a pnpm-style `--` work', async () => {
    const bad = demo(['--prot', '5000']);
    expect((await bad.exit).code).toBe(2);
    expect(bad.err()).toMatch(/^demo: error: Unknown option '--prot'.* \(see --help\)\n$/);
    const port = demo(['--port', 'http']);
    expect((await port.exit).code).toBe(2);
    expect(port.err()).toBe("demo: error: --port must be a port number (0-65535), not 'http'\n");
    const help = demo(['--', '--help']);
    expect((await help.exit).code).toBe(0);
    expect(help.out()).toContain('usage: npm run demo -- [--ci] [--port <n>] [--state <dir>]');
  });
});
