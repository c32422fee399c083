import { DeploymentError, bytesToHex, type Deployment, type SignatureRequest, type Workload } from '@sc4it/types';
import { GiB, parseSize } from './units.ts';

/** Default VM image: the Ubuntu 22.04 flist ThreeFold publishes. */
export const DEFAULT_FLIST = 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist';

const NAME = /^[a-zA-Z0-9_]{1,36}$/;

function randomBytes(n: number): Uint8Array {
  const out = new Uint8Array(n);
  globalThis.crypto.getRandomValues(out);
  return out;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s);
}

/** Sizes go on the wire as JSON numbers (Go decodes uint64 from numbers only); 2^53 bytes is 8 PiB. */
function safeNumber(value: bigint, field: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new DeploymentError('deployment.invalid_vm', `${field} is too large`, { field });
  return Number(value);
}

function assertName(name: string, what: string): void {
  if (typeof name !== 'string' || !NAME.test(name) || name === 'ygg') {
    throw new DeploymentError('deployment.invalid_name', `${what} '${String(name).slice(0, 40)}' must be 1-36 letters, digits or _ (not 'ygg')`);
  }
}

/** A disk mounted into the VM. */
export interface VmDisk {
  /** Workload name; default `<vm>_disk<i>`. */
  name?: string;
  /** Bytes, or text such as `10G`. */
  size: bigint | number | string;
  mountpoint: string;
}

/** What {@link vmWorkloads} builds: a VM with its private network, disks and optional public IP. */
export interface VmOptions {
  /** The VM workload's name (also used to name the network, disks and IP). */
  name: string;
  /** @default DEFAULT_FLIST */
  flist?: string;
  /** vCPUs. @default 1 */
  cpu?: number;
  /** Memory: bytes, or text such as `2G`. @default 2 GiB */
  memory?: bigint | number | string;
  /** Root filesystem size (0 = the node's minimum). @default 0 */
  rootfs?: bigint | number | string;
  disks?: VmDisk[];
  /** Reserve a public IPv4 (and optionally IPv6) for the VM. @default false */
  publicIp?: boolean | { v4?: boolean; v6?: boolean };
  /** @default true */
  planetary?: boolean;
  /** Give the VM a mycelium address. @default true */
  mycelium?: boolean;
  /** An SSH public key, passed as `SSH_KEY`. */
  sshKey?: string;
  env?: Record<string, string>;
  /** @default '/sbin/zinit init' */
  entrypoint?: string;
  description?: string;
  /** The private network. Default: `net_<name>`, 10.<n>.0.0/16 with the VM at 10.<n>.2.2. */
  network?: { name?: string; ipRange?: string; subnet?: string; ip?: string };
  /** Randomness for keys (tests). @default crypto.getRandomValues */
  random?: (n: number) => Uint8Array;
}

/**
 * The workloads of one VM as zos expects them (deployment-hash.md §1, §2.4): a `network` with a
 * WireGuard key and a mycelium key, one `zmount` per disk, an `ip` when `publicIp` is set, and
 * the `zmachine` itself. Keys are fresh random values.
 * @throws {DeploymentError} `deployment.invalid_name`, `deployment.invalid_vm` for values the node refuses.
 */
export function vmWorkloads(options: VmOptions): Workload[] {
  const rnd = options.random ?? randomBytes;
  assertName(options.name, 'VM name');
  const cpu = options.cpu ?? 1;
  if (!Number.isInteger(cpu) || cpu < 1 || cpu > 255) throw new DeploymentError('deployment.invalid_vm', 'cpu must be an integer from 1 to 255', { field: 'cpu' });
  const memory = parseSize(options.memory ?? 2n * GiB);
  if (memory < 250n * 1024n * 1024n) throw new DeploymentError('deployment.invalid_vm', 'memory must be at least 250 MiB', { field: 'memory' });
  const rootfs = parseSize(options.rootfs ?? 0n);
  const octet = 10 + (rnd(1)[0]! % 240);
  const netName = options.network?.name ?? `net_${options.name}`.slice(0, 36);
  assertName(netName, 'network name');
  const ipRange = options.network?.ipRange ?? `10.${octet}.0.0/16`;
  const subnet = options.network?.subnet ?? `10.${octet}.2.0/24`;
  const vmIp = options.network?.ip ?? `10.${octet}.2.2`;
  const workloads: Workload[] = [
    {
      version: 0,
      name: netName,
      type: 'network',
      metadata: '',
      description: '',
      data: {
        ip_range: ipRange,
        subnet,
        wireguard_private_key: base64(rnd(32)),
        wireguard_listen_port: 2000 + ((rnd(2)[0]! << 8) | rnd(1)[0]!) % 60000,
        peers: [],
        mycelium: { hex_key: bytesToHex(rnd(32)), peers: [] },
      },
    },
  ];
  const mounts: { name: string; mountpoint: string }[] = [];
  (options.disks ?? []).forEach((disk, i) => {
    const name = disk.name ?? `${options.name}_disk${i}`.slice(0, 36);
    assertName(name, 'disk name');
    const size = parseSize(disk.size);
    if (size <= 0n) throw new DeploymentError('deployment.invalid_vm', `disk '${name}' needs a size above 0`, { field: `disks[${i}].size` });
    workloads.push({ version: 0, name, type: 'zmount', metadata: '', description: '', data: { size: safeNumber(size, `disks[${i}].size`) } });
    mounts.push({ name, mountpoint: disk.mountpoint });
  });
  let publicIpName = '';
  if (options.publicIp !== undefined && options.publicIp !== false) {
    const want = options.publicIp === true ? { v4: true, v6: false } : { v4: options.publicIp.v4 ?? true, v6: options.publicIp.v6 ?? false };
    publicIpName = `${options.name}_ip`.slice(0, 36);
    assertName(publicIpName, 'public IP name');
    workloads.push({ version: 0, name: publicIpName, type: 'ip', metadata: '', description: '', data: { v4: want.v4, v6: want.v6 } });
  }
  const env: Record<string, string> = { ...(options.env ?? {}) };
  if (options.sshKey !== undefined) env['SSH_KEY'] = options.sshKey;
  workloads.push({
    version: 0,
    name: options.name,
    type: 'zmachine',
    metadata: '',
    description: options.description ?? '',
    data: {
      flist: options.flist ?? DEFAULT_FLIST,
      network: {
        public_ip: publicIpName,
        planetary: options.planetary ?? true,
        interfaces: [{ network: netName, ip: vmIp }],
        ...(options.mycelium === false ? {} : { mycelium: { network: netName, hex_seed: bytesToHex(rnd(6)) } }),
      },
      size: safeNumber(rootfs, 'rootfs'),
      compute_capacity: { cpu, memory: safeNumber(memory, 'memory') },
      mounts,
      entrypoint: options.entrypoint ?? '/sbin/zinit init',
      env,
      corex: false,
      gpu: [],
    },
  });
  return workloads;
}

/** One party of a multisig deployment. */
export interface Signer {
  twinId: number;
  /** @default 1 */
  weight?: number;
  /** The node refuses the deployment without this twin's signature. @default false */
  required?: boolean;
}

export interface BuildDeploymentOptions {
  /** The owner (originator) twin. */
  twinId: number;
  workloads: Workload[];
  /** Free text hashed with the deployment; SDKs put a JSON summary here. */
  metadata?: string;
  description?: string;
  /**
   * Who must sign. Default: the owner alone (weight 1, required 1), as the ThreeFold SDKs do.
   * The owner is added (required) when missing, since the node insists on it.
   */
  signers?: Signer[];
  /** Total weight of valid signatures the node needs. Default: the sum of the weights. */
  weightRequired?: number;
  /** `polka-wallet` makes signers sign `<Bytes>hex</Bytes>` (deployment-hash.md §4). */
  signatureStyle?: '' | 'polka-wallet';
}

/** A version-0 deployment ready to be signed (deployment-hash.md §1, §4). */
export function buildDeployment(options: BuildDeploymentOptions): Deployment {
  if (!Number.isInteger(options.twinId) || options.twinId < 1) throw new RangeError('twinId must be a positive integer');
  const signers = options.signers ?? [{ twinId: options.twinId, weight: 1, required: false }];
  const requests: SignatureRequest[] = signers.map((s) => ({ twin_id: s.twinId, required: s.required ?? false, weight: s.weight ?? 1 }));
  if (!requests.some((r) => r.twin_id === options.twinId)) requests.unshift({ twin_id: options.twinId, required: true, weight: 1 });
  const seen = new Set<number>();
  for (const r of requests) {
    if (seen.has(r.twin_id)) throw new DeploymentError('deployment.duplicate_request', `twin ${r.twin_id} is listed twice among the signers`);
    seen.add(r.twin_id);
    if (!Number.isInteger(r.weight) || Number(r.weight) < 1) throw new DeploymentError('deployment.invalid_weight', `twin ${r.twin_id} needs a weight of at least 1`);
  }
  const total = requests.reduce((n, r) => n + Number(r.weight), 0);
  const weightRequired = options.weightRequired ?? total;
  if (!Number.isInteger(weightRequired) || weightRequired < 1 || weightRequired > total) {
    throw new DeploymentError('deployment.invalid_weight', `weightRequired must be between 1 and the total weight ${total}`);
  }
  return {
    version: 0,
    twin_id: options.twinId,
    contract_id: 0,
    metadata: options.metadata ?? '',
    description: options.description ?? '',
    expiration: 0,
    signature_requirement: {
      requests,
      weight_required: weightRequired,
      signatures: [],
      signature_style: options.signatureStyle ?? '',
    },
    workloads: options.workloads,
  };
}

/** Number of public IPv4 addresses a deployment needs reserved on its contract (zos §6.6). */
export function publicIpCount(deployment: Deployment): number {
  return deployment.workloads.filter((w) => w.type === 'ipv4' || (w.type === 'ip' && (w.data as { v4?: boolean }).v4 === true)).length;
}
