/**
 * The "Done when", exactly as the README tells a developer: start the chain with one
 * command (the real `bin/sc4it-chain.js`, from dist/), run the README's RPC lifecycle snippet as
 * written in a child process, `kill -9` the chain, start it again with the same command, run the
 * README's after-restart snippet, and compare the head, every event and the full state.
 * Expected amounts come from test/reference.ts (rational arithmetic from the spec).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BlockInfo } from '@sc4it/types';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { connectChain } from '../src/index.ts';
import { GIB } from './helpers.ts';
import { MAINNET, nodeCost } from './reference.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(pkg, 'bin', 'sc4it-chain.js');
const tmp = join(pkg, 'test', '.tmp-readme');
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function snippet(name: string): string {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const m = new RegExp(`<!-- ${name}:start -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\`\\s*<!-- ${name}:end -->`).exec(readme);
  if (m === null) throw new Error(`README has no ${name} snippet`);
  return m[1]!;
}

/** Runs a README snippet as a user would (`tsx file.mts`, packages resolved to their dist/). */
async function runSnippet(name: string, env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  mkdirSync(tmp, { recursive: true });
  const file = join(tmp, `${name}.mts`);
  writeFileSync(file, snippet(name));
  const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: pkg, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, out, err };
}

/** The README's one command (with a random port instead of 9944). */
function startChain(stateDir: string): Promise<{ proc: ChildProcess; url: string; out: () => string }> {
  const proc = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', '--state', stateDir, '--dev'], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, out: () => out });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    proc.once('exit', (code) => reject(new Error(`sc4it-chain exited ${code}: ${out}`)));
  });
}

const line = (out: string, re: RegExp): RegExpExecArray => {
  const m = re.exec(out);
  if (m === null) throw new Error(`no line ${re} in:\n${out}`);
  return m;
};

describe('README: one command, a contract lifecycle over RPC, kill -9, restart', () => {
  it('finds every committed block after the restart', async () => {
    const stateDir = mkdtempSync(join(tmpdir(), 'chain-readme-'));
    try {
      const first = await startChain(stateDir);
      expect(first.out()).toContain('"mixed mean visit twice'); // bob's mnemonic is printed
      const watcher = await connectChain(first.url);
      const blocks: BlockInfo[] = [];
      await watcher.subscribeBlocks((b) => blocks.push(b));
      const start = await watcher.getBlock();

      const run = await runSnippet('rpc-lifecycle', { SC4IT_CHAIN: first.url });
      expect(run.err).toBe('');
      expect(run.code).toBe(0);
      const id = BigInt(line(run.out, /^created (\d+)n ContractCreated IPsReserved$/m)[1]!);
      const billed = line(run.out, /^bills 3 (\d+) (\d+) (\d+)$/m).slice(1).map(BigInt);
      expect(billed.every((x) => x > 0n)).toBe(true);
      expect(line(run.out, /^canceled (.*)$/m)[1]!.split(' ')).toEqual(expect.arrayContaining(['ContractBilled', 'IPsFreed', 'NodeContractCanceled']));
      const [, headNumber, headHash] = line(run.out, /^head (\d+) ([0-9a-f]{64})$/m);

      // What the snippet did, checked independently: a full hour of 2 vCPU, 4 GiB, 50 GiB SSD and
      // one IPv4 costs what the spec's arithmetic says; the contract is gone and its IP free.
      const bills = await watcher.getBills(id);
      expect(bills).toHaveLength(4); // three hourly bills and the final one on cancel
      expect(bills[1]!.seconds).toBe(3600);
      expect(bills[1]!.unitsUsd).toBe(nodeCost(MAINNET, 3600, { cru: 2n, mru: 4n * GIB, sru: 50n * GIB, hru: 0n }, 1));
      expect(bills.slice(0, 3).map((b) => b.amountBilled)).toEqual(billed);
      expect((await watcher.getContract(id))?.state.kind).toBe('Deleted');
      expect((await watcher.getFarm(1))?.publicIps.every((ip) => ip.contractId === 0n)).toBe(true);

      // Every block was announced, numbered without gaps, ending at the head the snippet printed.
      const head = await watcher.getBlock();
      expect(head).toEqual({ number: Number(headNumber), hash: headHash, timestamp: head.timestamp });
      expect(blocks.map((b) => b.number)).toEqual(Array.from({ length: head.number - start.number }, (_, i) => start.number + 1 + i));
      expect(blocks.at(-1)).toEqual(head);
      const events = await watcher.eventsFrom(0);
      const dump = await watcher.dumpState();
      await watcher.close();

      first.proc.kill('SIGKILL');
      await new Promise((r) => first.proc.once('exit', r));

      const second = await startChain(stateDir);
      expect(second.out()).toContain(`at block ${head.number},`);
      const after = await runSnippet('rpc-after-restart', { SC4IT_CHAIN: second.url });
      expect(after.err).toBe('');
      expect(after.code).toBe(0);
      expect(line(after.out, /^head (\d+) ([0-9a-f]{64})$/m).slice(1)).toEqual([headNumber, headHash]);
      const eventBlocks = new Set(events.map((e) => e.block)).size;
      expect(line(after.out, /^events (\d+) in (\d+) blocks$/m).slice(1).map(Number)).toEqual([events.length, eventBlocks]);
      expect(line(after.out, /^contract (\d+)n (\w+) (\d+) bills$/m).slice(1)).toEqual([String(id), 'Deleted', '4']);

      const again = await connectChain(second.url);
      expect(await again.getBlock()).toEqual(head);
      expect(await again.eventsFrom(0)).toEqual(events);
      expect(await again.dumpState()).toBe(dump);
      await again.close();
      second.proc.kill('SIGTERM');
      expect(await new Promise((r) => second.proc.once('exit', (code) => r(code)))).toBe(0);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 120_000);

  it('the in-process example runs as written', async () => {
    const run = await runSnippet('in-process');
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const [, warped, bob] = line(run.out, /^after warp (\d+) blocks; bob is twin (\d+)$/m);
    const reverted = Number(line(run.out, /^reverted to (\d+)$/m)[1]);
    expect(Number(warped) - reverted).toBe((14 * 24 * 3600) / 6);
    expect(bob).toBe('2');
  }, 60_000);
});
