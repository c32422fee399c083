import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendCall } from '@sc4it/types';
import { afterEach, describe, expect, it } from 'vitest';
import { connectChain, devIdentity } from '../src/index.ts';
import { HASH } from './helpers.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const procs: ChildProcess[] = [];
afterEach(() => {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  procs.length = 0;
});

function start(args: string[]): Promise<{ proc: ChildProcess; url: string; out: () => string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', '--conditions', 'sc4it-source', path.join(here, 'fixtures', 'cli.ts'), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: path.join(here, '..'),
  });
  procs.push(proc);
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d) => {
      out += d.toString();
      const m = /listening on (ws:\/\/127\.0\.0\.1:(\d+))/.exec(out);
      if (m) resolve({ proc, url: m[1]!, out: () => out });
    });
    proc.stderr!.on('data', (d) => (out += d.toString()));
    proc.on('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
}

describe('sc4it-chain CLI', () => {
  it('--dev over RPC: a scripted lifecycle survives kill -9 and a restart from --state', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chain-cli-'));
    const first = await start(['--host', '127.0.0.1', '--port', '0', '--state', dir, '--dev']);
    expect(first.out()).toContain('"mixed mean visit twice'); // bob's mnemonic is printed
    const rpc = await connectChain(first.url);
    const bob = devIdentity('bob');
    const node1 = (await rpc.listNodes({ farmId: 1, freeIps: 1 }))[0]!;
    const r = await sendCall(rpc, bob, {
      method: 'createNodeContract',
      args: { nodeId: node1.id, deploymentHash: HASH(42), deploymentData: new TextEncoder().encode('{"name":"vm1"}'), publicIps: 1 },
    });
    await sendCall(rpc, devIdentity('node1'), { method: 'markContractDeployed', args: { contractId: r.result as bigint } });
    await rpc.warp(3 * 3600);
    const bills = await rpc.getBills(r.result as bigint);
    expect(bills.length).toBe(3);
    const head = await rpc.getBlock();
    const bobBalance = (await rpc.getAccount(bob.publicKey)).balance;
    await rpc.close();
    first.proc.kill('SIGKILL');
    await new Promise((res) => first.proc.once('exit', res));

    const second = await start(['--port', '0', '--state', dir, '--dev']);
    const rpc2 = await connectChain(second.url);
    expect(await rpc2.getBlock()).toEqual(head);
    expect(await rpc2.getContract(r.result as bigint)).toMatchObject({ state: { kind: 'Deployed' } });
    expect(await rpc2.getBills(r.result as bigint)).toEqual(bills);
    expect((await rpc2.getAccount(bob.publicKey)).balance).toBe(bobBalance);
    const c = await sendCall(rpc2, bob, { method: 'cancelContract', args: { contractId: r.result as bigint } });
    expect(c.events.map((e) => e.name)).toContain('IPsFreed');
    await rpc2.close();
    second.proc.kill('SIGTERM');
    expect(await new Promise((res) => second.proc.once('exit', (code) => res(code)))).toBe(0);
  }, 60_000);

  it('refuses bad options', async () => {
    await expect(start(['--mode', 'warp-speed'])).rejects.toThrow(/--mode must be/);
  });
});
