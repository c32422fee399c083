import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import type { KeyType, Twin } from '@sc4it/types';
import { type Identity, identityFromSeed } from '@sc4it/crypto';
import { type RmbEnvelope, createRelayToken, decodeRmbEnvelope } from '../src/index.ts';

export interface TestTwin {
  identity: Identity;
  twin: Twin;
}

/** A deterministic identity per (id, keyType) and its twin record. */
export function makeTwin(id: number, options: { keyType?: KeyType; relay?: string | null; pk?: boolean } = {}): TestTwin {
  const keyType = options.keyType ?? 'sr25519';
  const seed = `0x${(id * 7919 + (keyType === 'ed25519' ? 3 : 1)).toString(16).padStart(64, '0')}`;
  const identity = identityFromSeed(seed, keyType);
  const twin: Twin = {
    id,
    account: identity.publicKey,
    keyType,
    relay: options.relay === undefined ? 'relay1.test' : options.relay,
    pk: options.pk === false ? null : identity.secp256k1.publicKey,
  };
  return { identity, twin };
}

/** Resolves when `fn` returns true, polling (no fixed sleeps in assertions). */
export async function until(fn: () => boolean | Promise<boolean>, timeoutMs = 10_000, stepMs = 20): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await fn()) return;
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, stepMs));
  }
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts a real `redis-server` on a free port with a temporary directory. */
export async function startRedis(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'sc4it-rmb-redis-'));
  const proc: ChildProcess = spawn(
    '/usr/bin/redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const t = setTimeout(() => reject(new Error(`redis-server did not start: ${out}`)), 10_000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(t);
      reject(new Error(`redis-server exited with ${code}: ${out}`));
    });
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ---- raw WebSocket client (speaks the wire directly, for bad-input tests) ----------------------

export interface RawClient {
  ws: WebSocket;
  received: RmbEnvelope[];
  closed: Promise<{ code: number; reason: string }>;
  send(bytes: Uint8Array): void;
  /** Waits for the next envelope matching `pred`. */
  next(pred?: (e: RmbEnvelope) => boolean, timeoutMs?: number): Promise<RmbEnvelope>;
  close(): void;
}

export interface HandshakeRefusal {
  status: number;
  body: string;
}

/** Opens a raw connection with `query` as the whole query string; resolves once open or refused. */
export function rawConnect(url: string, query: string | undefined, options: { autoPong?: boolean } = {}): Promise<RawClient | HandshakeRefusal> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(query === undefined ? url : `${url}/?${query}`, { autoPong: options.autoPong ?? true });
    const received: RmbEnvelope[] = [];
    const waiters: { pred: (e: RmbEnvelope) => boolean; resolve: (e: RmbEnvelope) => void }[] = [];
    const closed = new Promise<{ code: number; reason: string }>((r) => ws.on('close', (code, reason) => r({ code, reason: reason.toString() })));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    ws.on('error', (err) => reject(err));
    ws.on('message', (data: Buffer) => {
      const env = decodeRmbEnvelope(new Uint8Array(data));
      received.push(env);
      for (const w of waiters.splice(0)) {
        if (w.pred(env)) w.resolve(env);
        else waiters.push(w);
      }
    });
    ws.on('open', () =>
      resolve({
        ws,
        received,
        closed,
        send: (bytes) => ws.send(bytes),
        next(pred = () => true, timeoutMs = 5000) {
          const hit = received.find(pred);
          if (hit !== undefined) {
            received.splice(received.indexOf(hit), 1);
            return Promise.resolve(hit);
          }
          return new Promise((res, rej) => {
            const t = setTimeout(() => rej(new Error('no matching envelope in time')), timeoutMs);
            waiters.push({
              pred,
              resolve: (e) => {
                clearTimeout(t);
                received.splice(received.indexOf(e), 1);
                res(e);
              },
            });
          });
        },
        close: () => ws.close(),
      }),
    );
  });
}

export function isRefusal(x: RawClient | HandshakeRefusal): x is HandshakeRefusal {
  return 'status' in x;
}

/** A raw client authenticated as `t` (optionally with a session). */
export async function rawAs(url: string, t: TestTwin, session?: string): Promise<RawClient> {
  const c = await rawConnect(url, createRelayToken(t.identity, t.twin.id, { session: session ?? null }));
  if (isRefusal(c)) throw new Error(`refused: ${c.status} ${c.body}`);
  return c;
}
