/**
 * Go struct layouts of the zos deployment (zosbase v1.0.10 pkg/gridtypes and pkg/gridtypes/zos;
 * shared/spec/deployment-hash.md §1, §2.4), as {@link StructSchema}s for the Go-compatible
 * decoder. Field order is Go's declaration order (what `json.Marshal` on the node writes), except
 * that promoted gateway fields follow the gateway's own `name` / `fqdn`.
 */
import type { Kind, StructSchema } from './go-json-decode.ts';
import type { WorkloadType } from './deployment.ts';

const u8: Kind = { k: 'uint', bits: 8, go: 'uint8' };
const u16: Kind = { k: 'uint', bits: 16, go: 'uint16' };
const u32: Kind = { k: 'uint', bits: 32, go: 'uint32' };
const unit: Kind = { k: 'u64', go: 'gridtypes.Unit' };
const str = (go = 'string'): Kind => ({ k: 'str', go });
const name: Kind = str('gridtypes.Name');
const bool: Kind = { k: 'bool' };
const cidr: Kind = { k: 'cidr' };
const arr = (of: Kind, go: string): Kind => ({ k: 'array', of, go });
const struct = (s: StructSchema): Kind => ({ k: 'struct', s });
const ptr = (s: StructSchema): Kind => ({ k: 'ptr', s });
const f = (json: string, kind: Kind, prop = json): { json: string; prop: string; kind: Kind } => ({ json, prop, kind });

// ---- deployment-level (gridtypes) --------------------------------------------------------------

export const SIGNATURE_REQUEST: StructSchema = {
  go: 'gridtypes.SignatureRequest',
  fields: [f('twin_id', u32), f('required', bool), f('weight', { k: 'u64', go: 'uint' })],
};

export const SIGNATURE: StructSchema = {
  go: 'gridtypes.Signature',
  fields: [f('twin_id', u32), f('signature', str()), f('signature_type', str())],
};

export const SIGNATURE_REQUIREMENT: StructSchema = {
  go: 'gridtypes.SignatureRequirement',
  fields: [
    f('requests', arr(struct(SIGNATURE_REQUEST), '[]gridtypes.SignatureRequest')),
    f('weight_required', { k: 'u64', go: 'uint' }),
    f('signatures', arr(struct(SIGNATURE), '[]gridtypes.Signature')),
    f('signature_style', str('gridtypes.SignatureStyle')),
  ],
};

export const RESULT: StructSchema = {
  go: 'gridtypes.Result',
  fields: [f('created', { k: 'ts' }), f('state', str('gridtypes.ResultState')), f('message', str()), f('data', { k: 'raw' })],
};

/** `data` stays raw here (Go json.RawMessage); it is decoded per type during validation. */
export const WORKLOAD: StructSchema = {
  go: 'gridtypes.Workload',
  fields: [
    f('version', u32),
    f('name', name),
    f('type', str('gridtypes.WorkloadType')),
    f('data', { k: 'raw' }),
    f('metadata', str()),
    f('description', str()),
    f('result', ptr(RESULT)),
  ],
};

export const DEPLOYMENT: StructSchema = {
  go: 'gridtypes.Deployment',
  fields: [
    f('version', u32),
    f('twin_id', u32),
    f('contract_id', { k: 'u64', go: 'uint64' }),
    f('metadata', str()),
    f('description', str()),
    f('expiration', { k: 'ts' }),
    f('signature_requirement', struct(SIGNATURE_REQUIREMENT)),
    f('workloads', arr(struct(WORKLOAD), '[]gridtypes.Workload')),
  ],
};

// ---- workload data (zos) -----------------------------------------------------------------------

const ZMOUNT: StructSchema = { go: 'zos.ZMount', fields: [f('size', unit)] };
const VOLUME: StructSchema = { go: 'zos.Volume', fields: [f('size', unit)] };
const ZDB: StructSchema = {
  go: 'zos.ZDB',
  fields: [f('size', unit), f('mode', str('zos.ZDBMode')), f('password', str()), f('public', bool)],
};
const PUBLIC_IP4: StructSchema = { go: 'zos.PublicIP4', fields: [] };
const PUBLIC_IP: StructSchema = { go: 'zos.PublicIP', fields: [f('v4', bool), f('v6', bool)] };

const MYCELIUM: StructSchema = {
  go: 'zos.Mycelium',
  fields: [f('hex_key', { k: 'hex', go: 'zos.Bytes' }), f('peers', arr(str('zos.MyceliumPeer'), '[]zos.MyceliumPeer'))],
};
const PEER: StructSchema = {
  go: 'zos.Peer',
  fields: [
    f('subnet', cidr),
    f('wireguard_public_key', str()),
    f('allowed_ips', arr(cidr, '[]gridtypes.IPNet')),
    f('endpoint', str()),
  ],
};
const NETWORK: StructSchema = {
  go: 'zos.Network',
  fields: [
    f('ip_range', cidr),
    f('subnet', cidr),
    f('wireguard_private_key', str()),
    f('wireguard_listen_port', u16),
    f('peers', arr(struct(PEER), '[]zos.Peer')),
    f('mycelium', ptr(MYCELIUM)),
  ],
};
const NETWORK_LIGHT: StructSchema = {
  go: 'zos.NetworkLight',
  fields: [
    f('subnet', cidr),
    f('mycelium', struct(MYCELIUM)),
    f('ip_range', cidr),
    f('wireguard_private_key', str()),
    f('wireguard_listen_port', u16),
    f('peers', arr(struct(PEER), '[]zos.Peer')),
  ],
};

const MACHINE_INTERFACE: StructSchema = {
  go: 'zos.MachineInterface',
  fields: [f('network', name), f('ip', { k: 'ip' })],
};
/** Go field `Network` has no JSON tag, so its key is `Network`, matched case-insensitively. */
const MYCELIUM_IP: StructSchema = {
  go: 'zos.MyceliumIP',
  fields: [f('Network', name, 'network'), f('hex_seed', { k: 'hex', go: 'zos.Bytes' })],
};
const MACHINE_NETWORK: StructSchema = {
  go: 'zos.MachineNetwork',
  fields: [
    f('public_ip', name),
    f('planetary', bool),
    f('mycelium', ptr(MYCELIUM_IP)),
    f('interfaces', arr(struct(MACHINE_INTERFACE), '[]zos.MachineInterface')),
  ],
};
const MACHINE_NETWORK_LIGHT: StructSchema = {
  go: 'zos.MachineNetworkLight',
  fields: [f('mycelium', ptr(MYCELIUM_IP)), f('interfaces', arr(struct(MACHINE_INTERFACE), '[]zos.MachineInterface'))],
};
const MACHINE_CAPACITY: StructSchema = { go: 'zos.MachineCapacity', fields: [f('cpu', u8), f('memory', unit)] };
const MACHINE_MOUNT: StructSchema = { go: 'zos.MachineMount', fields: [f('name', name), f('mountpoint', str())] };

const machine = (go: string, network: StructSchema): StructSchema => ({
  go,
  fields: [
    f('flist', str()),
    f('network', struct(network)),
    f('size', unit),
    f('compute_capacity', struct(MACHINE_CAPACITY)),
    f('mounts', arr(struct(MACHINE_MOUNT), '[]zos.MachineMount')),
    f('entrypoint', str()),
    f('env', { k: 'map' }),
    f('corex', bool),
    f('gpu', arr(str('zos.GPU'), '[]zos.GPU')),
  ],
});
const ZMACHINE = machine('zos.ZMachine', MACHINE_NETWORK);
const ZMACHINE_LIGHT = machine('zos.ZMachineLight', MACHINE_NETWORK_LIGHT);

const gatewayBase = [
  f('tls_passthrough', bool),
  f('backends', arr(str('zos.Backend'), '[]zos.Backend')),
  f('network', { k: 'optstr', go: 'gridtypes.Name' }),
];
const GW_NAME: StructSchema = { go: 'zos.GatewayNameProxy', fields: [f('name', str()), ...gatewayBase] };
const GW_FQDN: StructSchema = { go: 'zos.GatewayFQDNProxy', fields: [f('fqdn', str()), ...gatewayBase] };

const QSFS_ENCRYPTION: StructSchema = {
  go: 'zos.Encryption',
  fields: [f('algorithm', str('zos.EncryptionAlgorithm')), f('key', { k: 'hex', go: 'zos.EncryptionKey' })],
};
const QSFS_BACKEND: StructSchema = {
  go: 'zos.ZdbBackend',
  fields: [f('address', str()), f('namespace', str()), f('password', str())],
};
const QSFS_META_CONFIG: StructSchema = {
  go: 'zos.QuantumSafeConfig',
  fields: [f('prefix', str()), f('encryption', struct(QSFS_ENCRYPTION)), f('backends', arr(struct(QSFS_BACKEND), '[]zos.ZdbBackend'))],
};
const QSFS_META: StructSchema = { go: 'zos.QuantumSafeMeta', fields: [f('type', str()), f('config', struct(QSFS_META_CONFIG))] };
const QSFS_GROUP: StructSchema = { go: 'zos.ZdbGroup', fields: [f('backends', arr(struct(QSFS_BACKEND), '[]zos.ZdbBackend'))] };
const QSFS_CONFIG: StructSchema = {
  go: 'zos.QuantumSafeFSConfig',
  fields: [
    f('minimal_shards', u32),
    f('expected_shards', u32),
    f('redundant_groups', u32),
    f('redundant_nodes', u32),
    f('max_zdb_data_dir_size', u32),
    f('encryption', struct(QSFS_ENCRYPTION)),
    f('meta', struct(QSFS_META)),
    f('groups', arr(struct(QSFS_GROUP), '[]zos.ZdbGroup')),
    f('compression', struct({ go: 'zos.QuantumCompression', fields: [f('algorithm', str())] })),
  ],
};
const QSFS: StructSchema = { go: 'zos.QuantumSafeFS', fields: [f('cache', unit), f('config', struct(QSFS_CONFIG))] };
const ZLOGS: StructSchema = { go: 'zos.ZLogs', fields: [f('zmachine', name), f('output', str())] };

/** Go data struct per workload type (zosbase pkg/gridtypes/zos/types.go `init`). */
export const DATA_SCHEMAS: Record<WorkloadType, StructSchema> = {
  zmount: ZMOUNT,
  volume: VOLUME,
  zdb: ZDB,
  ipv4: PUBLIC_IP4,
  ip: PUBLIC_IP,
  network: NETWORK,
  'network-light': NETWORK_LIGHT,
  zmachine: ZMACHINE,
  'zmachine-light': ZMACHINE_LIGHT,
  'gateway-name-proxy': GW_NAME,
  'gateway-fqdn-proxy': GW_FQDN,
  qsfs: QSFS,
  zlogs: ZLOGS,
};
