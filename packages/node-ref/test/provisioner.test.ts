import { describe, expect, it } from 'vitest';
import type { Contract } from '@sc4it/types';
import { provisionWorkload, type ProvisionEnv } from '../src/provisioner.ts';
import type { WorkloadRecord } from '../src/store.ts';

const GiB = 2 ** 30;
const init = { created: 0, state: 'init' as const, message: '', data: null };
const w = (name: string, type: string, data: unknown): WorkloadRecord => ({
  version: 0,
  name,
  type,
  metadata: '',
  description: '',
  data,
  result: { ...init },
});

function env(workloads: WorkloadRecord[], over: Partial<ProvisionEnv> = {}): ProvisionEnv {
  return {
    twinId: 7,
    contractId: 12n,
    nodeId: 3,
    workloads,
    reservedIps: [
      { ip: '185.206.122.33/24', gateway: '185.206.122.1', contractId: 12n },
      { ip: '185.206.122.34/24', gateway: '185.206.122.1', contractId: 12n },
    ],
    usableMemory: () => 8n * 2n ** 30n,
    freeSru: () => 100n * 2n ** 30n,
    freeHru: () => 100n * 2n ** 30n,
    otherTwinWorkloads: () => [],
    gatewayDomain: 'gw3.example',
    ipv6Prefix: '2a10:b600:0:3',
    nameContract: async () => null,
    rented: async () => false,
    ...over,
  };
}

async function runAll(wls: WorkloadRecord[], e: ProvisionEnv) {
  for (const wl of wls) {
    const out = await provisionWorkload(wl, e);
    wl.result = out.state === 'ok' ? { created: 1, state: 'ok', message: '', data: out.data } : { created: 1, state: 'error', message: out.message, data: null };
  }
  return wls.map((x) => x.result);
}

describe('public IPs (deployment-hash.md §6.6)', () => {
  it('assigns the contract reserved IPs in order, each once, with the gateway', async () => {
    const wls = [w('a', 'ip', { v4: true, v6: false }), w('b', 'ip', { v4: true, v6: true })];
    const [a, b] = await runAll(wls, env(wls));
    expect(a).toMatchObject({ state: 'ok', data: { ip: '185.206.122.33/24', gateway: '185.206.122.1', ip6: '' } });
    expect(b).toMatchObject({ state: 'ok', data: { ip: '185.206.122.34/24', gateway: '185.206.122.1' } });
    expect((b!.data as { ip6: string }).ip6).toMatch(/^2a10:b600:0:3:[0-9a-f:]+\/64$/);
  });
  it('refuses more v4 IPs than the contract reserved, with zos text counting every ip workload', async () => {
    const wls = [w('a', 'ip', { v4: true, v6: false }), w('b', 'ip', { v4: true, v6: false }), w('c', 'ip', { v4: true, v6: false }), w('d', 'ip', { v4: false, v6: true })];
    const results = await runAll(wls, env(wls));
    expect(results[0]).toMatchObject({ state: 'error', message: 'required 4 ips while contract has 2 ip reserved' });
    expect(results[3]!.state).toBe('ok');
  });
  it('an ipv6-only ip needs no reservation', async () => {
    const wls = [w('a', 'ip', { v4: false, v6: true })];
    const [a] = await runAll(wls, env(wls, { reservedIps: [] }));
    expect(a).toMatchObject({ state: 'ok', data: { ip: '', gateway: '' } });
  });
});

describe('virtual machines', () => {
  const net = () => w('net', 'network', { ip_range: '10.20.0.0/16', subnet: '10.20.2.0/24' });
  const vm = (memory: number, extra: Record<string, unknown> = {}) =>
    w('vm', 'zmachine', {
      flist: 'x',
      network: { public_ip: '', planetary: true, interfaces: [{ network: 'net', ip: '10.20.2.2' }], mycelium: { network: 'net', hex_seed: '0a1b2c3d4e5f' } },
      size: 0,
      compute_capacity: { cpu: 2, memory },
      mounts: [],
      entrypoint: '',
      env: {},
      corex: false,
      ...extra,
    });
  it('gives id, ip, planetary and mycelium addresses and a console url', async () => {
    const wls = [net(), vm(4 * GiB)];
    const [, r] = await runAll(wls, env(wls));
    expect(r!.state).toBe('ok');
    const d = r!.data as Record<string, string>;
    expect(d['ip']).toBe('10.20.2.2');
    expect(d['id']).toMatch(/^[0-9a-f]{16}$/);
    expect(d['planetary_ip']).toMatch(/^300:/);
    expect(d['mycelium_ip']).not.toBe('');
    expect(d['console_url']).toMatch(/^10\.20\.2\.1:\d+$/);
  });
  it('refuses memory beyond what is usable, in zos words', async () => {
    const wls = [net(), vm(9 * GiB)];
    const [, r] = await runAll(wls, env(wls));
    expect(r).toMatchObject({
      state: 'error',
      message: `failed to satisfy required capacity: cannot fulfil required memory size ${9 * GiB} bytes out of usable ${8 * GiB} bytes`,
    });
  });
  it('checks memory before the VM primitive: the capacity text wins over GPU and network refusals', async () => {
    // zosbase statistics.go: `Statistics.Provision` (hasEnoughCapacity) wraps the VM provisioner
    const noNet = [vm(9 * GiB, { gpu: ['0000:28:00.0/1002/731f'] })];
    const [r] = await runAll(noNet, env(noNet));
    expect(r).toMatchObject({
      state: 'error',
      message: `failed to satisfy required capacity: cannot fulfil required memory size ${9 * GiB} bytes out of usable ${8 * GiB} bytes`,
    });
  });
  it('needs a rented node for GPUs', async () => {
    const wls = [net(), vm(GiB, { gpu: ['0000:28:00.0/1002/731f'] })];
    const [, r] = await runAll(wls, env(wls));
    expect(r).toMatchObject({ state: 'error', message: 'usage of GPU is not allowed unless node is rented' });
  });
});

describe('name gateways need a name contract of the same twin', () => {
  const gw = () => w('gw', 'gateway-name-proxy', { name: 'mysite', tls_passthrough: false, backends: ['http://1.2.3.4:80'] });
  const nameContract = (twinId: number, kind: 'Created' | 'Deleted' | 'GracePeriod'): Contract => ({
    contractId: 3n,
    twinId,
    state: kind === 'Created' ? { kind } : kind === 'GracePeriod' ? { kind, sinceBlock: 9 } : { kind, cause: 'CanceledByUser' },
    contractType: { kind: 'name', name: 'mysite' },
    solutionProviderId: null,
    createdBlock: 1,
  });
  it('ok with fqdn under the node domain', async () => {
    const [r] = await runAll([gw()], env([], { nameContract: async () => nameContract(7, 'Created') }));
    expect(r).toMatchObject({ state: 'ok', data: { fqdn: 'mysite.gw3.example' } });
  });
  it('only a Created name contract serves (zosbase gateway.go: State.IsCreated), checked before the twin', async () => {
    const text = 'failed to setup name proxy: failed to verify name contract: the name contract must be in Created state';
    for (const kind of ['GracePeriod', 'Deleted'] as const) {
      expect((await runAll([gw()], env([], { nameContract: async () => nameContract(7, kind) })))[0]).toMatchObject({ state: 'error', message: text });
      expect((await runAll([gw()], env([], { nameContract: async () => nameContract(8, kind) })))[0]!.message).toBe(text);
    }
  });
  it('missing, wrong twin', async () => {
    expect((await runAll([gw()], env([])))[0]!.message).toBe(
      'failed to setup name proxy: failed to verify name contract: a name contract with the given name must be reserved first',
    );
    expect((await runAll([gw()], env([], { nameContract: async () => nameContract(8, 'Created') })))[0]!.message).toBe(
      'failed to setup name proxy: failed to verify name contract: twin id mismatch',
    );
  });
});
