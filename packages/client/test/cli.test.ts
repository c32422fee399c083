/**
 * The `sc4it` bin as a real child process against a chain-sim JSON-RPC server, a relay and a
 * reference node (all real sockets). The child runs the TypeScript sources through tsx.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploymentHash } from '@sc4it/hash';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment } from '@sc4it/types';
import { GridClient, TWIN_COMMANDS, commandTwin, signTwinCommand, unwrapReply } from '../src/index.ts';
import { startGrid, type Grid } from './harness.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(pkg, 'bin', 'sc4it.js');
let grid: Grid;
let dir: string;
let env: Record<string, string>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function sc4it(args: string[], extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--conditions=sc4it-source', '--import', 'tsx', BIN, ...args], {
      cwd: pkg,
      env: { ...process.env, ...env, ...extraEnv },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  grid = await startGrid({ farms: [2], nodeFarms: [0] });
  dir = mkdtempSync(join(tmpdir(), 'sc4it-cli-'));
  const user = await grid.newUser();
  env = { SC4IT_CHAIN: grid.rpc.url, SC4IT_RELAY: grid.relay.url, SC4IT_MNEMONIC: user.mnemonic };
});
afterAll(async () => {
  await grid?.stop();
});

describe('sc4it CLI (child process)', () => {
  it('lists nodes as JSON matching the chain', async () => {
    const r = await sc4it(['nodes', '--free-ips', '1', '--json']);
    expect(r.code).toBe(0);
    const nodes = JSON.parse(r.stdout) as { id: number; freeIps: number }[];
    const chainNodes = await grid.client.listNodes({ freeIps: 1 });
    expect(nodes.map((n) => [n.id, n.freeIps])).toEqual(chainNodes.map((n) => [n.id, n.freeIps]));
    const none = await sc4it(['nodes', '--mru', '1T']);
    expect(none.stdout.trim()).toBe('no node matches');
  });

  it('deploys a VM spec with progress, then shows, bills, verifies and cancels it', async () => {
    const node = grid.nodes[0]!;
    const spec = join(dir, 'vm.json');
    const out = join(dir, 'deployed.json');
    writeFileSync(spec, JSON.stringify({ vm: { name: 'cli_vm', cpu: 1, memory: '2G', disks: [{ size: '5G', mountpoint: '/data' }], publicIp: true } }));
    const d = await sc4it(['deploy', spec, '--node', String(node.id), '--out', out]);
    expect(d.stderr).toMatch(/… creating the contract on node \d+/);
    expect(d.stderr).toMatch(/… waiting for every workload to be ok/);
    expect(d.code).toBe(0);
    const contractId = BigInt(/^contract (\d+) on node/m.exec(d.stdout)![1]!);
    expect(d.stdout).toMatch(/public IPs: 185\.206\.122\.3[34]\/24 via 185\.206\.122\.1/);
    expect(d.stdout).toMatch(/cli_vm\s+zmachine\s+ok/);
    // the written file is what the contract holds
    const file = JSON.parse(readFileSync(out, 'utf8')) as Deployment;
    const contract = await grid.client.getContract(contractId);
    expect(contract?.contractType.kind === 'node' && contract.contractType.deploymentHash).toBe(deploymentHash(file));

    const list = await sc4it(['contracts', '--json']);
    expect((JSON.parse(list.stdout) as { contractId: string }[]).map((c) => c.contractId)).toEqual([contractId.toString()]);

    const show = await sc4it(['show', contractId.toString()]);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain(`contract ${contractId}: node contract of twin`);
    expect(show.stdout).toMatch(/summary: \{"v":1,"name":"cli_vm"/);
    expect(show.stdout).toMatch(/cli_vm_ip\s+ip\s+ok/);

    await grid.client.mine(12);
    const bill = await sc4it(['bill', contractId.toString(), '--json']);
    const b = JSON.parse(bill.stdout) as { records: { amountBilled: string }[]; totalBilled: string };
    const chainBills = await grid.client.getBills(contractId);
    expect(b.records.length).toBe(chainBills.length);
    expect(BigInt(b.totalBilled)).toBe(chainBills.reduce((n, x) => n + x.amountBilled, 0n));
    expect(chainBills.length).toBeGreaterThan(0);

    const ok = await sc4it(['verify', out, '--contract', contractId.toString()]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`OK: ${out} is the deployment of contract ${contractId}`);
    // a tampered copy: exit 1 and the difference in words
    const tampered = join(dir, 'tampered.json');
    const t = structuredClone(file);
    (t.workloads.find((w) => w.type === 'zmount')!.data as { size: number }).size = 6 * 2 ** 30;
    writeFileSync(tampered, JSON.stringify(t));
    const bad = await sc4it(['verify', tampered, '--contract', contractId.toString()]);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("✘ differs from what the node runs: workload 'cli_vm_disk0' data.size is 5368709120 on the node but 6442450944 in the file");
    expect(bad.stdout).toContain(`MISMATCH: ${tampered} does not match contract ${contractId}`);
    // the owner's signature covers the old size: no weight is left, and that line is a failure too
    expect(bad.stdout).toMatch(/^✘ signature weight 0 of 1 required/m);
    // anyone can audit from the chain alone (no account)
    const anon = await sc4it(['verify', out, '--contract', contractId.toString()], { SC4IT_MNEMONIC: '' });
    expect(anon.stdout).toContain('✔ a zos node accepts these signatures');

    // update: grow the disk; the changes are printed and the contract's hash follows
    const grown = join(dir, 'grown.json');
    const g = structuredClone(file);
    (g.workloads.find((w) => w.type === 'zmount')!.data as { size: number }).size = 8 * 2 ** 30;
    writeFileSync(grown, JSON.stringify(g));
    const upd = await sc4it(['update', grown, '--contract', contractId.toString(), '--out', grown]);
    expect(upd.code).toBe(0);
    expect(upd.stdout).toContain(`contract ${contractId} updated to version 1`);
    expect(upd.stderr).toContain("… change: workload 'cli_vm_disk0' data.size changes from 5368709120 to 8589934592");
    const after = await grid.client.getContract(contractId);
    expect(after?.contractType.kind === 'node' && after.contractType.deploymentHash).toBe(deploymentHash(JSON.parse(readFileSync(grown, 'utf8')) as Deployment));
    expect((await sc4it(['verify', grown, '--contract', contractId.toString()])).code).toBe(0);

    const cancel = await sc4it(['cancel', contractId.toString()]);
    expect(cancel.code).toBe(0);
    expect(cancel.stdout).toMatch(new RegExp(`contract ${contractId} cancelled; freed 185\\.206\\.122\\.3[34]/24`));
    expect((await grid.client.getContract(contractId))?.state.kind ?? 'Deleted').toBe('Deleted');
  });

  it('prints one error line with the code, and exits 2 on usage errors', async () => {
    const r = await sc4it(['show', '999']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe('sc4it: error [chain.contract_not_exists]: contract 999 does not exist (ContractNotExists)');
    const full = await sc4it(['deploy', join(dir, 'vm.json'), '--node', String(grid.nodes[0]!.id), '--ips', '5', '--quiet']);
    expect(full.code).toBe(1);
    expect(full.stderr.trim().split('\n')).toHaveLength(1);
    expect(full.stderr).toMatch(/^sc4it: error \[chain\.[a-z_]+\]: .*FarmHasNotEnoughPublicIPs/);
    const usage = await sc4it(['deploy']);
    expect(usage.code).toBe(2);
    expect(usage.stderr.trim()).toBe('sc4it: error [config.usage]: missing <file>');
    // a contract that never existed has no bill: an error, not an empty bill
    const noBill = await sc4it(['bill', '999']);
    expect(noBill.code).toBe(1);
    expect(noBill.stderr.trim()).toBe('sc4it: error [chain.contract_not_exists]: contract 999 does not exist (ContractNotExists)');
    const badState = await sc4it(['contracts', '--state', 'Foo']);
    expect(badState.code).toBe(2);
    expect(badState.stderr.trim()).toBe('sc4it: error [config.usage]: --state must be Created, Deployed or GracePeriod');
    const noChain = await sc4it(['contracts'], { SC4IT_CHAIN: '' });
    expect(noChain.stderr.trim()).toBe('sc4it: error [config.usage]: missing --chain <ws-url> (or SC4IT_CHAIN)');
  });

  it('prints the help of one command with `<command> --help`', async () => {
    const r = await sc4it(['deploy', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('usage: sc4it [options] deploy …');
    expect(r.stdout).toContain('  deploy <file> --node <id> [--ips n]');
    expect(r.stdout).toContain('create the contract and deploy');
    expect(r.stdout).toContain('--chain <ws-url>');
    expect(r.stdout).not.toContain('multisig sign');
    const ms = await sc4it(['multisig', '--help']);
    expect(ms.stdout.match(/^ {2}multisig (sign|status|collect) /gm)).toEqual(['  multisig sign ', '  multisig status ', '  multisig collect ']);
  });

  it('multisig: builds a 2-signer document, signs it from two accounts and reports status', async () => {
    const bob = await grid.newUser();
    const bobClient = await GridClient.connect({ chain: grid.client, identity: bob.identity });
    const me = await sc4it(['whoami', '--json']);
    const myTwin = (JSON.parse(me.stdout) as { twinId: number }).twinId;
    const spec = join(dir, 'ms-spec.json');
    const doc = join(dir, 'ms.json');
    writeFileSync(spec, JSON.stringify({ vm: { name: 'ms' }, signers: [{ twinId: myTwin, required: true }, { twinId: bobClient.twinId }], weightRequired: 2 }));
    expect((await sc4it(['build', spec, '--out', doc])).code).toBe(0);
    const s1 = await sc4it(['multisig', 'sign', doc]);
    expect(s1.stdout).toMatch(/weight 1 of 2/);
    const st1 = await sc4it(['multisig', 'status', doc]);
    expect(st1.code).toBe(1);
    expect(st1.stdout).toMatch(new RegExp(`${bobClient.twinId}\\s+1\\s+no\\s+unsigned`));
    const s2 = await sc4it(['multisig', 'sign', doc], { SC4IT_MNEMONIC: bob.mnemonic });
    expect(s2.stdout).toMatch(/weight 2 of 2/);
    const st2 = await sc4it(['multisig', 'status', doc, '--json']);
    expect(st2.code).toBe(0);
    expect(JSON.parse(st2.stdout)).toMatchObject({ complete: true, weightCollected: 2, signed: [myTwin, bobClient.twinId] });
    await bobClient.close();
  });

  it('twin serve: a digital twin in its own process deploys and cancels on signed commands, and refuses a replay after a restart', async () => {
    const assistant = await grid.newUser();
    const a = await GridClient.connect({ chain: grid.client, identity: assistant.identity, relay: grid.relay.url });
    const stateDir = mkdtempSync(join(tmpdir(), 'sc4it-twin-state-'));
    const serve = async () => {
      const child: ChildProcess = spawn(process.execPath, ['--conditions=sc4it-source', '--import', 'tsx', BIN, 'twin', 'serve', '--authorize', String(a.twinId), '--state-dir', stateDir], {
        cwd: pkg,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const out = { log: '' };
      child.stderr!.on('data', (d: Buffer) => (out.log += d.toString()));
      const ready = await new Promise<string>((resolve, reject) => {
        let text = '';
        child.stdout!.on('data', (d: Buffer) => {
          text += d.toString();
          if (text.includes('\n')) resolve(text);
        });
        child.on('close', (code) => reject(new Error(`twin serve exited ${code}: ${out.log}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
      return { child, ready, out, stop: async () => (child.kill('SIGTERM'), await exited) };
    };
    const first = await serve();
    const userTwin = Number(/twin (\d+)/.exec(first.ready)![1]);
    expect(first.ready).toContain(`authorized ${a.twinId}`);
    const nonceFile = join(stateDir, `twin-${userTwin}-nonces.json`);
    expect(first.ready).toContain(`commands recorded in ${nonceFile}`);
    const r = await commandTwin<{ contractId: string; workloads: { state: string }[] }>(a.peer!, a.identity, userTwin, 'deploy', {
      nodeId: grid.nodes[0]!.id,
      deployment: a.vm({ name: 'agentvm' }),
    });
    expect(r.workloads.every((w) => w.state === 'ok')).toBe(true);
    expect((await grid.client.getContract(BigInt(r.contractId)))?.twinId).toBe(userTwin);
    // the same through the CLI: `twin send` signs with the assistant's mnemonic
    const sent = await sc4it(['twin', 'send', 'contracts', '--agent', String(userTwin), '--json'], { SC4IT_MNEMONIC: assistant.mnemonic });
    expect(sent.code).toBe(0);
    expect((JSON.parse(sent.stdout) as { contractId: string }[]).map((c) => c.contractId)).toContain(r.contractId);
    const denied = await sc4it(['twin', 'send', 'contracts', '--agent', String(userTwin)], { SC4IT_MNEMONIC: (await grid.newUser()).mnemonic });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^sc4it: error \[rpc\.unauthorized\]: twin \d+ is not authorised to command this twin$/m);
    // a command someone captured on the bus, sent once before the restart
    const captured = signTwinCommand(a.identity, a.twinId, userTwin, 'contracts', {});
    const send = async (payload: unknown) => unwrapReply((await a.peer!.request(userTwin, TWIN_COMMANDS.command, JSON.stringify(payload))).json());
    expect(await send(captured)).toEqual(expect.arrayContaining([expect.objectContaining({ contractId: r.contractId })]));
    expect(first.out.log).toContain(`command: deploy from twin ${a.twinId}`);
    expect(await first.stop()).toBe(0);
    expect(Object.keys(JSON.parse(readFileSync(nonceFile, 'utf8')) as object)).toContain(`${a.twinId}:${captured.nonce}`);

    // restarted on the same state folder: the replay is refused, new commands work
    const second = await serve();
    await expect(send(captured)).rejects.toMatchObject({ code: 'rpc.replayed' });
    const cancelledOn = (id: string) => grid.chain.eventsFrom(0).filter((e) => e.name === 'NodeContractCanceled' && String(e.data['contractId']) === id);
    expect((await grid.client.getContract(BigInt(r.contractId)))?.state.kind).not.toBe('Deleted');
    expect(cancelledOn(r.contractId)).toEqual([]);
    const cancelled = await commandTwin<{ contractId: string; freedIps: string[] }>(a.peer!, a.identity, userTwin, 'cancel', { contractId: r.contractId });
    expect(cancelled.contractId).toBe(r.contractId);
    // the cancel happened on chain, by the user's twin: the contract is gone and the chain says why
    expect((await grid.client.getContract(BigInt(r.contractId)))?.state.kind ?? 'Deleted').toBe('Deleted');
    expect(cancelledOn(r.contractId).map((e) => e.data)).toEqual([expect.objectContaining({ twinId: userTwin, nodeId: grid.nodes[0]!.id, cause: 'CanceledByUser' })]);
    expect(second.out.log).toMatch(/refused: this command was already received/);
    expect(second.out.log).toContain(`command: cancel from twin ${a.twinId}`);
    expect(await second.stop()).toBe(0);
    await a.close();
  });
});
