/**
 * The dashboard's web server: the page, its browser bundle (the @sc4it packages built with
 * esbuild from their sources), and a small JSON API for what only the demo knows (its users'
 * deployment documents, the scenario's progress) plus a faucet. Everything about the chain the
 * page reads itself over chain-sim's JSON-RPC; the bus it joins as its own peer.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { publicKeyFromAddress } from '@sc4it/crypto';
import { build } from 'esbuild';
import type { GridClient } from '@sc4it/client';
import { DEMO_USERS, RELAY_DOMAIN, TFT, type DemoGrid } from './grid.ts';
import type { KnownDeployment, StepResult } from './scenario.ts';

const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');

/**
 * Bundles `web/app.ts` for browsers, `ws` → the browser WebSocket. Run from sources (tests, tsx)
 * it bundles the @sc4it packages' TypeScript sources; run from `dist` (`npm run demo`, which
 * builds everything first) it bundles their built `dist` files.
 */
export async function bundleDashboard(fromSource = import.meta.url.endsWith('.ts')): Promise<string> {
  const result = await build({
    entryPoints: [join(webDir, 'app.ts')],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    conditions: fromSource ? ['sc4it-source', 'browser', 'import'] : ['browser', 'import'],
    alias: { ws: join(webDir, 'ws-shim.ts') },
    external: ['node:*'],
    logLevel: 'silent',
  });
  const js = result.outputFiles[0]!.text;
  if (/from\s*"node:|import\("node:/.test(js)) throw new Error('the dashboard bundle still imports Node modules');
  return js;
}

export interface DashboardState {
  deployments: KnownDeployment[];
  steps: StepResult[];
  current: string | null;
  users: Partial<Record<keyof typeof DEMO_USERS, GridClient>>;
  done: boolean;
}

export interface Dashboard {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' }).end(body);
}

function json(res: ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json', JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

async function body(req: IncomingMessage, limit = 4096): Promise<string> {
  let size = 0;
  const parts: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('body too large');
    parts.push(chunk as Buffer);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Serves the dashboard on 127.0.0.1 (`port` 0: a free port). */
export async function startDashboard(grid: DemoGrid, state: DashboardState, options: { port?: number; bundle: string }): Promise<Dashboard> {
  const html = readFileSync(join(webDir, 'index.html'), 'utf8');
  const css = readFileSync(join(webDir, 'style.css'), 'utf8');
  const faucetGiven = new Map<string, number>();
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      try {
        if (req.method === 'GET' && (url.pathname === '/' || url.pathname === '/index.html')) return send(res, 200, 'text/html; charset=utf-8', html);
        if (req.method === 'GET' && url.pathname === '/app.js') return send(res, 200, 'text/javascript; charset=utf-8', options.bundle);
        if (req.method === 'GET' && url.pathname === '/style.css') return send(res, 200, 'text/css; charset=utf-8', css);
        if (req.method === 'GET' && url.pathname === '/api/config') {
          return json(res, 200, {
            chainUrl: grid.rpc.url,
            relayUrl: grid.relay.url,
            relayDomain: RELAY_DOMAIN,
            stateDir: grid.stateDir,
            farms: grid.farms,
            nodes: grid.nodes.map((n) => ({ id: n.id, twinId: n.twinId, farmId: n.farmId, policy: n.policy })),
            // names of the demo's twins (never their keys: the terminal prints the dev mnemonics)
            users: Object.fromEntries(Object.keys(DEMO_USERS).map((name) => [name, { twinId: state.users[name as keyof typeof DEMO_USERS]?.twinId ?? null }])),
          });
        }
        if (req.method === 'GET' && url.pathname === '/api/steps') return json(res, 200, { steps: state.steps, current: state.current, done: state.done });
        if (req.method === 'GET' && url.pathname === '/api/deployments') return json(res, 200, state.deployments);
        if (req.method === 'GET' && url.pathname === '/api/workloads') {
          const id = url.searchParams.get('contract') ?? '';
          if (!/^\d{1,20}$/.test(id)) return json(res, 400, { error: 'contract must be an id' });
          const contract = await grid.client.getContract(BigInt(id));
          const owner = Object.values(state.users).find((u) => u !== undefined && u.twinId === contract?.twinId);
          if (contract === null || owner === undefined) return json(res, 404, { error: 'not a contract of a demo user' });
          try {
            return json(res, 200, await owner.getDeployment(BigInt(id)));
          } catch (err) {
            return json(res, 404, { error: err instanceof Error ? err.message.split('\n')[0] : 'not available' });
          }
        }
        if (req.method === 'POST' && url.pathname === '/api/faucet') {
          const text = await body(req);
          let address: unknown;
          try {
            address = (JSON.parse(text) as { address?: unknown }).address;
          } catch {
            return json(res, 400, { error: 'expected {"address": "5…"}' });
          }
          let key: Uint8Array;
          try {
            key = publicKeyFromAddress(String(address));
          } catch {
            return json(res, 400, { error: 'not an SS58 address' });
          }
          const given = faucetGiven.get(String(address)) ?? 0;
          if (given >= 5) return json(res, 429, { error: 'this address had enough' });
          faucetGiven.set(String(address), given + 1);
          await grid.fund(key, 100n * TFT);
          return json(res, 200, { funded: (100n * TFT).toString() });
        }
        return json(res, 404, { error: 'not found' });
      } catch (err) {
        return json(res, 500, { error: err instanceof Error ? err.message.split('\n')[0] : 'error' });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
