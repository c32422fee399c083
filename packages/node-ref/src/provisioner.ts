import type { Contract, PublicIp } from '@sc4it/types';
import { workloadCapacity } from './capacity.ts';
import type { WorkloadRecord } from './store.ts';
import { ZosText } from './zos-errors.ts';

export type ProvisionOutcome = { state: 'ok'; data: unknown } | { state: 'error'; message: string };

/** What simulated provisioning needs to know about the node and the deployment. */
export interface ProvisionEnv {
  twinId: number;
  contractId: bigint;
  nodeId: number;
  /** The deployment's workloads with their results so far (this one included). */
  workloads: readonly WorkloadRecord[];
  /** Public IPs reserved by the node contract. */
  reservedIps: readonly PublicIp[];
  /** Memory still usable by this workload (§6.5): every other okay workload counted, this one not. */
  usableMemory(): bigint;
  /** Free SSD / HDD bytes, this workload's current usage not counted. */
  freeSru(): bigint;
  freeHru(): bigint;
  /** Workloads of the same twin in its other deployments on this node (shared networks). */
  otherTwinWorkloads(): readonly WorkloadRecord[];
  /** Domain served by the node's name gateway. */
  gatewayDomain: string;
  /** The node's public IPv6 /64 prefix, e.g. `2a10:b600:1:0`. */
  ipv6Prefix: string;
  /** The name contract registered for `name`, or null. */
  nameContract(name: string): Promise<Contract | null>;
  /** Whether the node is rented (GPUs need it). */
  rented(): Promise<boolean>;
}

/** 32-bit FNV-1a, for deterministic simulated identifiers. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

function hex8(text: string): string {
  return fnv1a(text).toString(16).padStart(8, '0');
}

function obj(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

function str(value: unknown): string {
  return typeof value === 'string' ? value : '';
}

function group(h: string, i: number): string {
  return h.slice(i * 4, i * 4 + 4).replace(/^0+(?=.)/, '');
}

/** A stable IPv6 address under `prefix` (4 groups) derived from `seed`. */
function ipv6Under(prefix: string, seed: string): string {
  const h = hex8(seed) + hex8(`${seed}/2`);
  return `${prefix}:${group(h, 0)}:${group(h, 1)}:${group(h, 2)}:${group(h, 3)}`;
}

/** The workload's global id, `<twin>-<contract>-<name>` (zosbase id.go). */
export function workloadId(twinId: number, contractId: bigint, name: string): string {
  return `${twinId}-${contractId}-${name}`;
}

function isV4Ip(wl: WorkloadRecord): boolean {
  return wl.type === 'ipv4' || (wl.type === 'ip' && obj(wl.data)['v4'] === true);
}

function provisionIp(wl: WorkloadRecord, env: ProvisionEnv, id: string): ProvisionOutcome {
  const d = obj(wl.data);
  const v4 = wl.type === 'ipv4' || d['v4'] === true;
  const v6 = wl.type === 'ip' && d['v6'] === true;
  let ip = '';
  let gateway = '';
  if (v4) {
    // pubip.go: count v4 ip workloads against the reserved list (message counts all ip workloads)
    const ipWorkloads = env.workloads.filter((w) => w.type === 'ip' || w.type === 'ipv4');
    const needed = ipWorkloads.filter(isV4Ip).length;
    if (needed > env.reservedIps.length) {
      return { state: 'error', message: ZosText.ipsReserved(ipWorkloads.length, env.reservedIps.length) };
    }
    const used = new Set(
      ipWorkloads
        .filter((w) => w.name !== wl.name && w.result.state === 'ok')
        .map((w) => str(obj(w.result.data)['ip'])),
    );
    const free = env.reservedIps.find((r) => !used.has(r.ip));
    if (free === undefined) return { state: 'error', message: ZosText.ipAllocate };
    ip = free.ip;
    gateway = free.gateway;
  }
  const ip6 = v6 ? `${ipv6Under(env.ipv6Prefix, id)}/64` : '';
  return { state: 'ok', data: { ip, ip6, gateway } };
}

function findNetwork(name: string, env: ProvisionEnv): WorkloadRecord | undefined {
  const isNet = (w: WorkloadRecord) => (w.type === 'network' || w.type === 'network-light') && w.name === name;
  return env.workloads.find(isNet) ?? env.otherTwinWorkloads().find(isNet);
}

function provisionMachine(wl: WorkloadRecord, env: ProvisionEnv, id: string): ProvisionOutcome {
  const d = obj(wl.data);
  const net = obj(d['network']);
  const ifaces = Array.isArray(net['interfaces']) ? (net['interfaces'] as unknown[]).map(obj) : [];
  const first = ifaces[0] ?? {};
  const network = findNetwork(str(first['network']), env);
  if (network === undefined || network.result.state !== 'ok') {
    return { state: 'error', message: `network '${str(first['network'])}' does not exist` };
  }
  for (const m of Array.isArray(d['mounts']) ? (d['mounts'] as unknown[]).map(obj) : []) {
    const disk = env.workloads.find((w) => w.name === str(m['name']) && (w.type === 'zmount' || w.type === 'volume'));
    if (disk === undefined || disk.result.state !== 'ok') {
      return { state: 'error', message: `failed to prepare mount '${str(m['name'])}': volume is not ready` };
    }
  }
  const publicIp = str(net['public_ip']);
  if (wl.type === 'zmachine' && publicIp !== '') {
    const ipWl = env.workloads.find((w) => w.name === publicIp);
    if (ipWl === undefined || ipWl.result.state !== 'ok') return { state: 'error', message: 'public ip workload is not okay' };
  }
  if (workloadCapacity(wl.type, wl.data).sru > env.freeSru()) return { state: 'error', message: ZosText.noSpace };
  const ip = str(first['ip']);
  const gw = ip.includes('.') ? `${ip.split('.').slice(0, 3).join('.')}.1` : ip;
  const h = fnv1a(id);
  const data: Record<string, unknown> = { id: hex8(id) + hex8(`${id}#vm`), ip };
  if (wl.type === 'zmachine') data['planetary_ip'] = net['planetary'] === true ? ipv6Under('300:d1f3:7b2e:c0de', id) : '';
  const mycelium = obj(net['mycelium']);
  data['mycelium_ip'] = str(mycelium['hex_seed']) !== '' ? ipv6Under('5a3:2cf0:9e41:b6d2', `${id}/${str(mycelium['hex_seed'])}`) : '';
  data['console_url'] = `${gw}:${20000 + (h % 10000)}`;
  return { state: 'ok', data };
}

/**
 * Simulates installing one workload: the checks zos makes at this point (memory, disk, public
 * IPs, name contracts, GPUs, dependencies) and a realistic result per type
 * (deployment-hash.md §7). Deterministic: the same workload in the same state gets the same result,
 * so re-running an interrupted job is harmless.
 */
export async function provisionWorkload(wl: WorkloadRecord, env: ProvisionEnv): Promise<ProvisionOutcome> {
  const id = workloadId(env.twinId, env.contractId, wl.name);
  const d = obj(wl.data);
  switch (wl.type) {
    case 'zmount':
    case 'volume': {
      const cap = workloadCapacity(wl.type, wl.data);
      if (cap.sru > env.freeSru()) return { state: 'error', message: ZosText.noSpace };
      return { state: 'ok', data: wl.type === 'zmount' ? { volume_id: id } : { id } };
    }
    case 'network':
    case 'network-light':
      return { state: 'ok', data: null };
    case 'ip':
    case 'ipv4':
      return provisionIp(wl, env, id);
    case 'zmachine':
    case 'zmachine-light': {
      // zos: the capacity interceptor (statistics.go `Provision`) runs before the VM primitive,
      // so a memory refusal wins over every VM check (GPU, network, mounts, public IP)
      const mru = workloadCapacity(wl.type, wl.data).mru;
      const usable = env.usableMemory();
      if (mru > usable) return { state: 'error', message: ZosText.capacityMemory(mru, usable) };
      const gpu = Array.isArray(d['gpu']) ? d['gpu'] : [];
      if (gpu.length > 0 && !(await env.rented())) return { state: 'error', message: ZosText.gpuNotRented };
      return provisionMachine(wl, env, id);
    }
    case 'zdb': {
      const cap = workloadCapacity(wl.type, wl.data);
      if (cap.hru > env.freeHru()) return { state: 'error', message: ZosText.noSpace };
      return {
        state: 'ok',
        data: {
          Namespace: id,
          IPs: [ipv6Under(env.ipv6Prefix, `${id}/zdb`), ipv6Under('300:d1f3:7b2e:c0de', `${id}/zdb`)],
          Port: 9900,
        },
      };
    }
    case 'qsfs': {
      const cap = workloadCapacity(wl.type, wl.data);
      const usable = env.usableMemory();
      if (cap.mru > usable) return { state: 'error', message: ZosText.capacityMemory(cap.mru, usable) };
      if (cap.sru > env.freeSru()) return { state: 'error', message: ZosText.noSpace };
      return {
        state: 'ok',
        data: { path: `/mnt/${hex8(id)}`, metrics_endpoint: `http://[${ipv6Under('300:d1f3:7b2e:c0de', `${id}/qsfs`)}]:9100/metrics` },
      };
    }
    case 'gateway-name-proxy': {
      const name = str(d['name']);
      const contract = await env.nameContract(name);
      if (contract === null) return { state: 'error', message: ZosText.nameContractMissing };
      // zos `validateNameContract` accepts only `Created` (State.IsCreated): a name contract in its
      // grace period is refused too, although spec §6.6 says otherwise; the node is the truth.
      if (contract.state.kind !== 'Created') return { state: 'error', message: ZosText.nameContractState };
      if (contract.twinId !== env.twinId) return { state: 'error', message: ZosText.nameContractTwin };
      return { state: 'ok', data: { fqdn: `${name}.${env.gatewayDomain}` } };
    }
    case 'gateway-fqdn-proxy':
      return { state: 'ok', data: {} };
    case 'zlogs':
      return { state: 'ok', data: null };
    default:
      return { state: 'error', message: `unknown workload type '${wl.type}'` };
  }
}

/**
 * Simulated in-place update of an updatable type: the same checks against the new data. The
 * environment already leaves this workload's current usage out, as zos excludes it by id.
 */
export async function updateWorkload(wl: WorkloadRecord, env: ProvisionEnv): Promise<ProvisionOutcome> {
  return provisionWorkload(wl, env);
}
