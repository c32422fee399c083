import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createChain } from '../src/index.ts';
import { apply, driverOptions, ops } from './fixtures/load-driver.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'chain-state-'));

/** Runs the deterministic load in process until the head reaches `block`; returns the chain. */
async function reference(block: number, dir?: string) {
  const chain = createChain(driverOptions(dir));
  const hashes = new Map<number, string>();
  for (const op of ops()) {
    if (chain.head().number >= block) break;
    await apply(chain, op);
    hashes.set(chain.head().number, chain.head().hash);
  }
  return { chain, hashes };
}

describe('write-ahead log and checkpoints', () => {
  it('a reopened chain has every committed block (clean close and without close)', async () => {
    const dir = tmp();
    const { chain } = await reference(400, dir);
    const dump = chain.dumpState();
    // no close(): the log alone must carry the state (checkpoints happened every 25 records)
    const reopened = createChain(driverOptions(dir));
    expect(reopened.dumpState()).toBe(dump);
    reopened.close();
    const again = createChain(driverOptions(dir));
    expect(again.dumpState()).toBe(dump);
    const files = fs.readdirSync(dir).sort();
    expect(files.filter((f) => f.startsWith('wal-'))).toHaveLength(1);
    expect(files).toContain('state.json');
    again.close();
  });

  it('a torn last line is cut off; a corrupt line in the middle is an error', async () => {
    const dir = tmp();
    const { chain } = await reference(60, dir);
    const dump = chain.dumpState();
    const wal = fs.readdirSync(dir).find((f) => f.startsWith('wal-'))!;
    const file = path.join(dir, wal);
    const size = fs.statSync(file).size;
    fs.appendFileSync(file, '{"b":99999,"ts":1,"txs":[{"call"');
    const reopened = createChain(driverOptions(dir));
    expect(reopened.dumpState()).toBe(dump);
    expect(fs.statSync(file).size).toBe(size);
    reopened.close();
    // after a clean close the log is empty (checkpointed): write two records, break the first
    const lines = ['{"b":1,', `{"m":1,"ts":0,"from":1}`].join('\n') + '\n';
    fs.appendFileSync(path.join(dir, fs.readdirSync(dir).find((f) => f.startsWith('wal-'))!), lines);
    expect(() => createChain(driverOptions(dir))).toThrow(/bad record/);
  });

  it('revert on a persistent chain is checkpointed', async () => {
    const dir = tmp();
    const { chain } = await reference(40, dir);
    const snap = chain.snapshot();
    const dump = chain.dumpState();
    chain.warp(3600);
    chain.revert(snap);
    expect(chain.dumpState()).toBe(dump);
    const reopened = createChain(driverOptions(dir));
    expect(reopened.dumpState()).toBe(dump);
    reopened.close();
  });
});

describe('kill -9', () => {
  it('a chain killed mid-load restarts from its directory with every acknowledged block, identical to a clean run', async () => {
    const dir = tmp();
    const child: ChildProcess = spawn(
      process.execPath,
      ['--import', 'tsx', '--conditions', 'sc4it-source', path.join(here, 'fixtures', 'load-driver.ts'), dir],
      { stdio: ['ignore', 'pipe', 'pipe'], cwd: path.join(here, '..') },
    );
    const acked: [number, string][] = [];
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      let buf = '';
      child.stdout!.on('data', (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const [, n, h] = buf.slice(0, nl).split(' ');
          acked.push([Number(n), h!]);
          buf = buf.slice(nl + 1);
        }
        // past several checkpoints and billing cycles, kill it while it is still writing
        if (acked.length >= 150) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', (code) => (acked.length < 150 ? reject(new Error(`driver exited ${code}: ${stderr}`)) : resolve()));
    });
    await new Promise((r) => child.once('exit', r).once('close', r));
    const [lastN, lastHash] = acked.at(-1)!;

    const recovered = createChain(driverOptions(dir));
    const head = recovered.head();
    expect(head.number).toBeGreaterThanOrEqual(lastN);

    const { chain: ref, hashes } = await reference(head.number);
    expect(ref.head().number).toBe(head.number);
    expect(recovered.dumpState()).toBe(ref.dumpState());
    // every hash the child acknowledged is the clean run's hash for that block
    for (const [n, h] of acked) expect(hashes.get(n) ?? (n === 0 ? h : undefined)).toBe(h);
    expect(hashes.get(lastN)).toBe(lastHash);
    // and the recovered chain keeps going
    recovered.warp(600);
    expect(recovered.head().number).toBe(head.number + 100);
    recovered.close();
  }, 120_000);
});
