import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RmbPeer, type RunningRelay, startRelay, staticTwinResolver, toTwinsFileEntry } from '../src/index.ts';
import { makeTwin, until } from './helpers.ts';

/**
 * The peer in a real browser: the `./browser` entry bundled for Chromium (global WebSocket, no
 * Node modules), talking to a Node peer through our relay, both directions.
 */
const here = dirname(fileURLToPath(import.meta.url));
const browserTwin = makeTwin(11);
const nodeTwin = makeTwin(12, { keyType: 'ed25519' });
const seed = `0x${(11 * 7919 + 1).toString(16).padStart(64, '0')}`; // makeTwin's seed rule

let relay: RunningRelay;
let server: Server;
let chrome: ChildProcess | undefined;
let profile: string;
let nodePeer: RmbPeer;
const seen: { source: { twin: number; connection?: string }; encrypted: boolean }[] = [];

beforeAll(async () => {
  const resolver = staticTwinResolver([browserTwin.twin, nodeTwin.twin]);
  relay = await startRelay({ domain: 'relay1.test', resolver });
  nodePeer = new RmbPeer({ identity: nodeTwin.identity, twinId: 12, relays: relay.url, resolver });
  nodePeer.handle('node.echo', (req) => {
    seen.push({ source: req.source, encrypted: req.encrypted });
    return { echo: req.json() };
  });
  await nodePeer.connect();
  const bundle = await build({
    entryPoints: [join(here, 'browser', 'entry.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    // Sibling packages from their built dist (what a browser app would bundle).
    conditions: ['browser', 'import'],
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.text;
  server = createServer((req, res) => {
    if (req.url?.startsWith('/app.js')) {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><meta charset="utf-8"><script src="/app.js"></script>');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  profile = mkdtempSync(join(tmpdir(), 'sc4it-rmb-chromium-'));
}, 120_000);

afterAll(async () => {
  if (chrome !== undefined && chrome.exitCode === null) {
    const exited = new Promise((r) => chrome!.once('exit', r));
    // Chromium was started as a process-group leader: end it with all its helper processes.
    process.kill(-chrome.pid!, 'SIGKILL');
    await exited;
  }
  await nodePeer?.close();
  await relay?.close();
  server?.close();
  if (profile !== undefined) rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

/** Evaluates an expression in the page through the DevTools protocol (awaiting promises). */
async function evaluate(debuggerUrl: string, expression: string): Promise<unknown> {
  const ws = new WebSocket(debuggerUrl);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  try {
    return await new Promise((resolve, reject) => {
      ws.on('message', (data: Buffer) => {
        const msg = JSON.parse(data.toString()) as { id?: number; result?: { result?: { value?: unknown }; exceptionDetails?: unknown } };
        if (msg.id !== 1) return;
        if (msg.result?.exceptionDetails) reject(new Error(JSON.stringify(msg.result.exceptionDetails)));
        else resolve(msg.result?.result?.value);
      });
      ws.send(JSON.stringify({ id: 1, method: 'Runtime.evaluate', params: { expression, awaitPromise: true, returnByValue: true } }));
    });
  } finally {
    ws.close();
  }
}

describe('RmbPeer in Chromium', () => {
  it('connects with the global WebSocket and exchanges signed, encrypted requests with a Node peer', async () => {
    const cfg = {
      relay: relay.url,
      seed,
      twinId: 11,
      target: 12,
      twins: [browserTwin.twin, nodeTwin.twin].map(toTwinsFileEntry),
    };
    const page = `http://127.0.0.1:${(server.address() as { port: number }).port}/#${encodeURIComponent(JSON.stringify(cfg))}`;
    chrome = spawn('/usr/bin/chromium', ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', `--user-data-dir=${profile}`, '--remote-debugging-port=0', page], {
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    let stderr = '';
    chrome.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let devtools = '';
    await until(() => {
      const m = /DevTools listening on ws:\/\/127\.0\.0\.1:(\d+)\//.exec(stderr);
      if (m) devtools = m[1]!;
      return m !== null;
    }, 30_000);
    let target: string | undefined;
    await until(async () => {
      const list = (await (await fetch(`http://127.0.0.1:${devtools}/json/list`)).json()) as { type: string; url: string; webSocketDebuggerUrl: string }[];
      target = list.find((t) => t.type === 'page' && t.url.startsWith('http://127.0.0.1'))?.webSocketDebuggerUrl;
      return target !== undefined;
    }, 30_000, 100);
    await until(async () => (await evaluate(target!, 'typeof window.__rmb')) === 'object', 30_000, 100);
    const result = (await evaluate(target!, 'window.__rmb')) as { reply?: unknown; address?: unknown; error?: string };
    expect(result.error).toBeUndefined();
    expect(result.reply).toEqual({ echo: { hello: 'from chromium', ws: 'function' } });
    expect(result.address).toEqual({ twin: 11, connection: 'browser' });
    expect(seen).toEqual([{ source: { twin: 11, connection: 'browser' }, encrypted: true }]);
    // The other direction: the Node peer calls the browser's handler.
    expect(await nodePeer.call(11, 'browser.hello', { n: 1 }, { session: 'browser', timeout: 10_000 })).toEqual({ from: 'browser', got: { n: 1 } });
  }, 90_000);
});
