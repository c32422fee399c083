import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KeyType, Twin } from '@sc4it/types';
import { type Identity, identityFromSeed } from '@sc4it/crypto';

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
