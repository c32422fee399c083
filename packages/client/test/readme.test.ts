/**
 * Runs the README's lifecycle snippet, exactly as written, as a child process against a real
 * chain-sim JSON-RPC server (blocks every 100 ms, billing every 10 blocks), a relay and a node.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGrid, type Grid } from './harness.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const tmp = join(pkg, 'test', '.tmp');
let grid: Grid;

function snippet(): string {
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  const m = /<!-- lifecycle:start -->\s*```ts\n([\s\S]*?)```\s*<!-- lifecycle:end -->/.exec(readme);
  if (m === null) throw new Error('README has no lifecycle snippet');
  return m[1]!;
}

beforeAll(async () => {
  grid = await startGrid({ farms: [1], nodeFarms: [0], mode: 'interval', blockIntervalMs: 100 });
  mkdirSync(tmp, { recursive: true });
});
afterAll(async () => {
  await grid?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe('README lifecycle example', () => {
  it('is under 30 lines of code', () => {
    const code = snippet().split('\n').filter((l) => l.trim() !== '' && !l.trim().startsWith('//'));
    expect(code.length).toBeLessThan(30);
  });

  it('runs as written: deploys, reads back, verifies, bills, cancels', async () => {
    const user = await grid.newUser();
    const file = join(tmp, 'lifecycle.mts');
    writeFileSync(file, snippet());
    const child = spawn(process.execPath, ['--conditions=sc4it-source', '--import', 'tsx', file], {
      cwd: pkg,
      env: { ...process.env, SC4IT_CHAIN: grid.rpc.url, SC4IT_RELAY: grid.relay.url, SC4IT_MNEMONIC: user.mnemonic },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(err).toBe('');
    expect(code).toBe(0);
    const id = /^contract (\d+): net_web ok, web_disk0 ok, web_ip ok, web ok; IP (185\.206\.122\.33\/24)$/m.exec(out);
    expect(id).not.toBeNull();
    const contractId = BigInt(id![1]!);
    expect(out).toMatch(/^… creating the contract on node \d+ \(hash [0-9a-f]{32}\)$/m);
    expect(JSON.parse(/^summary (.*)$/m.exec(out)![1]!)).toMatchObject({ v: 1, name: 'web', node: grid.nodes[0]!.id });
    expect(out).toMatch(/^verified true$/m);
    const billed = /^billed ([\d.]+) TFT$/m.exec(out);
    expect(billed).not.toBeNull();
    expect(out).toMatch(/^cancelled, freed 185\.206\.122\.33\/24$/m);
    // the chain agrees: the contract is gone and its IP free again
    expect((await grid.client.getContract(contractId))?.state.kind ?? 'Deleted').toBe('Deleted');
    expect((await grid.client.getFarm(grid.farms[0]!.id))?.publicIps[0]?.contractId).toBe(0n);
  });
});
