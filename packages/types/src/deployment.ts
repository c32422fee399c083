/**
 * The zos deployment document as JSON (snake_case field names, as the node and the SDKs write it).
 * Spec: shared/spec/deployment-hash.md §1; upstream zosbase pkg/gridtypes.
 *
 * 64-bit fields are `Uint64`: a JS number is exact only up to 2^53, so decoders accept decimal
 * strings and bigints too, and {@link parseDeployment} returns them as `bigint`.
 */
export type Uint64 = number | bigint | string;

export type WorkloadType =
  | 'zmount'
  | 'network'
  | 'network-light'
  | 'zdb'
  | 'zmachine'
  | 'zmachine-light'
  | 'volume'
  | 'ipv4'
  | 'ip'
  | 'gateway-name-proxy'
  | 'gateway-fqdn-proxy'
  | 'qsfs'
  | 'zlogs';

export const WORKLOAD_TYPES: readonly WorkloadType[] = [
  'zmount',
  'network',
  'network-light',
  'zdb',
  'zmachine',
  'zmachine-light',
  'volume',
  'ipv4',
  'ip',
  'gateway-name-proxy',
  'gateway-fqdn-proxy',
  'qsfs',
  'zlogs',
];

export type SignatureType = 'ed25519' | 'sr25519';
export type SignatureStyle = '' | 'polka-wallet';

export interface SignatureRequest {
  twin_id: number;
  required: boolean;
  /** Go `uint` (64-bit); `parseDeployment` returns a bigint. */
  weight: number | bigint;
}

export interface Signature {
  twin_id: number;
  /** Lower-case hex of the 64 signature bytes. */
  signature: string;
  signature_type: SignatureType | string;
}

export interface SignatureRequirement {
  requests: SignatureRequest[];
  /** Go `uint` (64-bit); `parseDeployment` returns a bigint. */
  weight_required: number | bigint;
  signatures: Signature[];
  signature_style?: SignatureStyle | string;
}

export type WorkloadState = 'init' | 'ok' | 'error' | 'deleted' | 'paused' | 'unchanged';

export interface WorkloadResult {
  /** Unix seconds (Go int64); `parseDeployment` returns a bigint. */
  created: number | bigint;
  state: WorkloadState;
  message: string;
  data: unknown;
}

// ---- per-type data (deployment-hash.md §2.4) -------------------------------------------------

export interface ZmountData {
  size: Uint64;
}
export type VolumeData = ZmountData;

export interface ZdbData {
  size: Uint64;
  mode: 'user' | 'seq' | string;
  password: string;
  public: boolean;
}

export interface PublicIpData {
  v4: boolean;
  v6: boolean;
}

export interface WireguardPeer {
  subnet: string;
  wireguard_public_key: string;
  allowed_ips: string[];
  endpoint: string;
}

export interface Mycelium {
  /** Hex of 32 bytes. */
  hex_key: string;
  peers: string[];
}

export interface NetworkData {
  ip_range: string;
  subnet: string;
  wireguard_private_key: string;
  wireguard_listen_port: number;
  peers: WireguardPeer[];
  mycelium?: Mycelium | null;
}

export interface NetworkLightData {
  subnet: string;
  ip_range?: string;
  wireguard_private_key?: string;
  wireguard_listen_port?: number;
  peers?: WireguardPeer[];
  mycelium: Mycelium;
}

export interface MachineInterface {
  network: string;
  ip: string;
}

export interface MachineMycelium {
  network: string;
  /** Hex of 6 bytes. */
  hex_seed: string;
}

export interface MachineNetwork {
  public_ip?: string;
  planetary?: boolean;
  interfaces: MachineInterface[];
  mycelium?: MachineMycelium | null;
}

export interface MachineCapacity {
  cpu: number;
  memory: Uint64;
}

export interface MachineMount {
  name: string;
  mountpoint: string;
}

export interface ZmachineData {
  flist: string;
  network: MachineNetwork;
  size: Uint64;
  compute_capacity: MachineCapacity;
  mounts: MachineMount[];
  entrypoint: string;
  env: Record<string, string>;
  corex: boolean;
  gpu?: string[];
}

export interface ZmachineLightData extends Omit<ZmachineData, 'network'> {
  network: { interfaces: MachineInterface[]; mycelium?: MachineMycelium | null };
}

export interface GatewayNameProxyData {
  name: string;
  tls_passthrough: boolean;
  backends: string[];
  network?: string | null;
}

export interface GatewayFqdnProxyData {
  fqdn: string;
  tls_passthrough: boolean;
  backends: string[];
  network?: string | null;
}

export interface QsfsEncryption {
  algorithm: string;
  /** Hex. */
  key: string;
}

export interface QsfsBackend {
  address: string;
  namespace: string;
  password: string;
}

export interface QsfsData {
  cache: Uint64;
  config: {
    minimal_shards: number;
    expected_shards: number;
    redundant_groups: number;
    redundant_nodes: number;
    max_zdb_data_dir_size: number;
    encryption: QsfsEncryption;
    meta: { type: string; config: { prefix: string; encryption: QsfsEncryption; backends: QsfsBackend[] } };
    groups: { backends: QsfsBackend[] }[];
    compression: { algorithm: string };
  };
}

export interface ZlogsData {
  zmachine: string;
  output: string;
}

export interface WorkloadDataByType {
  zmount: ZmountData;
  volume: VolumeData;
  zdb: ZdbData;
  ipv4: Record<string, never>;
  ip: PublicIpData;
  network: NetworkData;
  'network-light': NetworkLightData;
  zmachine: ZmachineData;
  'zmachine-light': ZmachineLightData;
  'gateway-name-proxy': GatewayNameProxyData;
  'gateway-fqdn-proxy': GatewayFqdnProxyData;
  qsfs: QsfsData;
  zlogs: ZlogsData;
}

export interface WorkloadOf<T extends WorkloadType> {
  version: number;
  name: string;
  type: T;
  metadata: string;
  description: string;
  data: WorkloadDataByType[T];
  result?: WorkloadResult;
}

/** A workload: a discriminated union on `type`. */
export type Workload = { [T in WorkloadType]: WorkloadOf<T> }[WorkloadType];

export interface Deployment {
  version: number;
  twin_id: number;
  contract_id: Uint64;
  metadata: string;
  description: string;
  /** Unix seconds (deprecated upstream, still hashed). */
  expiration: Uint64;
  signature_requirement: SignatureRequirement;
  workloads: Workload[];
}
