/**
 * The node's deployment challenge (deployment-hash.md §2): Go's `Deployment.Challenge` and every
 * workload type's `Challenge`, as fragments written one after the other into a {@link Sink}. The
 * JSON is decoded by Go's rules (go-json.ts) while it is written; nothing is built in between.
 */
import { DeploymentError } from '@sc4it/types';
import {
  bool,
  cidr,
  fieldPath,
  fields,
  hexBytes,
  ip,
  list,
  str,
  struct,
  timestamp,
  typeError,
  u64,
  uintSmall,
} from './go-json.ts';
import type { Sink } from './sink.ts';

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;

// ---- Go structs (zosbase pkg/gridtypes), JSON names in declaration order ----------------------

const DEPLOYMENT = struct(['version', 'twin_id', 'contract_id', 'metadata', 'description', 'expiration', 'signature_requirement', 'workloads'], (o) => [o.version, o.twin_id, o.contract_id, o.metadata, o.description, o.expiration, o.signature_requirement, o.workloads]);
const REQUIREMENT = struct(['requests', 'weight_required', 'signatures', 'signature_style'], (o) => [o.requests, o.weight_required, o.signatures, o.signature_style]);
const REQUEST = struct(['twin_id', 'required', 'weight'], (o) => [o.twin_id, o.required, o.weight]);
const SIGNATURE = struct(['twin_id', 'signature', 'signature_type'], (o) => [o.twin_id, o.signature, o.signature_type]);
const WORKLOAD = struct(['version', 'name', 'type', 'data', 'metadata', 'description', 'result'], (o) => [o.version, o.name, o.type, o.data, o.metadata, o.description, o.result]);
const RESULT = struct(['created', 'state', 'message', 'data'], (o) => [o.created, o.state, o.message, o.data]);

const SIZE = struct(['size'], (o) => [o.size]); // zmount, volume
const ZDB = struct(['size', 'mode', 'password', 'public'], (o) => [o.size, o.mode, o.password, o.public]);
const PUBLIC_IP = struct(['v4', 'v6'], (o) => [o.v4, o.v6]);
const NETWORK = struct(['ip_range', 'subnet', 'wireguard_private_key', 'wireguard_listen_port', 'peers', 'mycelium'], (o) => [o.ip_range, o.subnet, o.wireguard_private_key, o.wireguard_listen_port, o.peers, o.mycelium]);
const PEER = struct(['subnet', 'wireguard_public_key', 'allowed_ips', 'endpoint'], (o) => [o.subnet, o.wireguard_public_key, o.allowed_ips, o.endpoint]);
const MYCELIUM = struct(['hex_key', 'peers'], (o) => [o.hex_key, o.peers]);
const ZMACHINE = struct(['flist', 'network', 'size', 'compute_capacity', 'mounts', 'entrypoint', 'env', 'corex', 'gpu'], (o) => [o.flist, o.network, o.size, o.compute_capacity, o.mounts, o.entrypoint, o.env, o.corex, o.gpu]);
const MACHINE_NETWORK = struct(['public_ip', 'planetary', 'mycelium', 'interfaces'], (o) => [o.public_ip, o.planetary, o.mycelium, o.interfaces]);
const MACHINE_NETWORK_LIGHT = struct(['mycelium', 'interfaces'], (o) => [o.mycelium, o.interfaces]);
const INTERFACE = struct(['network', 'ip'], (o) => [o.network, o.ip]);
// The Go field `Network` has no JSON tag; `network` matches it case-insensitively.
const MACHINE_MYCELIUM = struct(['network', 'hex_seed'], (o) => [o.network, o.hex_seed]);
const CAPACITY = struct(['cpu', 'memory'], (o) => [o.cpu, o.memory]);
const MOUNT = struct(['name', 'mountpoint'], (o) => [o.name, o.mountpoint]);
const GATEWAY_NAME = struct(['tls_passthrough', 'backends', 'network', 'name'], (o) => [o.tls_passthrough, o.backends, o.network, o.name]);
const GATEWAY_FQDN = struct(['tls_passthrough', 'backends', 'network', 'fqdn'], (o) => [o.tls_passthrough, o.backends, o.network, o.fqdn]);
const QSFS = struct(['cache', 'config'], (o) => [o.cache, o.config]);
const QSFS_CONFIG = struct(['minimal_shards', 'expected_shards', 'redundant_groups', 'redundant_nodes', 'max_zdb_data_dir_size', 'encryption', 'meta', 'groups', 'compression'], (o) => [o.minimal_shards, o.expected_shards, o.redundant_groups, o.redundant_nodes, o.max_zdb_data_dir_size, o.encryption, o.meta, o.groups, o.compression]);
const ENCRYPTION = struct(['algorithm', 'key'], (o) => [o.algorithm, o.key]);
const QSFS_META = struct(['type', 'config'], (o) => [o.type, o.config]);
const QSFS_META_CONFIG = struct(['prefix', 'encryption', 'backends'], (o) => [o.prefix, o.encryption, o.backends]);
const ZDB_BACKEND = struct(['address', 'namespace', 'password'], (o) => [o.address, o.namespace, o.password]);
const ZDB_GROUP = struct(['backends'], (o) => [o.backends]);
const COMPRESSION = struct(['algorithm'], (o) => [o.algorithm]);
const ZLOGS = struct(['zmachine', 'output'], (o) => [o.zmachine, o.output]);

// ---- deployment -------------------------------------------------------------------------------

/**
 * Writes the challenge of `deployment` into `out` and returns its `signature_style` (needed for
 * the signing message). Throws a typed error for input the node cannot decode.
 */
export function writeDeployment(out: Sink, deployment: unknown): string {
  if (typeof deployment !== 'object' || deployment === null || Array.isArray(deployment)) {
    throw typeError('', 'a deployment object', deployment);
  }
  const [version, twin, contractId, metadata, description, expiration, requirement, workloads] = fields(
    deployment,
    DEPLOYMENT,
    '',
  );
  out.str(uintSmall(version, U32, '', 'version'));
  out.str(uintSmall(twin, U32, '', 'twin_id'));
  u64(contractId, '', 'contract_id'); // decoded (and checked) by the node, never hashed
  out.str(str(metadata, '', 'metadata'));
  out.str(str(description, '', 'description'));
  out.str(timestamp(expiration, '', 'expiration'));
  const wls = list(workloads, '', 'workloads');
  for (let i = 0; i < wls.length; i++) writeWorkload(out, wls[i], `workloads[${i}]`);
  return writeRequirement(out, requirement, 'signature_requirement');
}

function writeRequirement(out: Sink, v: unknown, path: string): string {
  const [requests, weightRequired, signatures, style] = fields(v, REQUIREMENT, path);
  const reqs = list(requests, path, 'requests');
  for (let i = 0; i < reqs.length; i++) {
    const p = `${path}.requests[${i}]`;
    const [twin, required, weight] = fields(reqs[i], REQUEST, p);
    out.str(uintSmall(twin, U32, p, 'twin_id'));
    out.str(bool(required, p, 'required'));
    out.str(u64(weight, p, 'weight'));
  }
  out.str(u64(weightRequired, path, 'weight_required'));
  // Signatures are not hashed, but the node must be able to decode them.
  const sigs = list(signatures, path, 'signatures');
  for (let i = 0; i < sigs.length; i++) {
    const p = `${path}.signatures[${i}]`;
    const [twin, signature, type] = fields(sigs[i], SIGNATURE, p);
    uintSmall(twin, U32, p, 'twin_id');
    str(signature, p, 'signature');
    str(type, p, 'signature_type');
  }
  const s = str(style, path, 'signature_style');
  out.str(s);
  return s;
}

// ---- workloads --------------------------------------------------------------------------------

type DataWriter = (out: Sink, data: unknown, path: string) => void;

function writeWorkload(out: Sink, v: unknown, path: string): void {
  const [version, name, type, data, metadata, description, result] = fields(v, WORKLOAD, path);
  const t = str(type, path, 'type');
  const writer = Object.hasOwn(DATA_WRITERS, t) ? DATA_WRITERS[t] : undefined;
  if (writer === undefined) {
    throw new DeploymentError('deployment.unknown_type', `unknown workload type '${t}'`, {
      field: `${path}.type`,
      upstream: `invalid reservation type '${t}'`,
    });
  }
  // `data` is a json.RawMessage decoded into the type's struct: absent or null fails in Go.
  if (data === undefined || data === null) {
    throw new DeploymentError('deployment.missing_data', `workload has no data`, {
      field: `${path}.data`,
      ...(data === undefined ? { upstream: 'unexpected end of JSON input' } : {}),
    });
  }
  if (typeof data !== 'object' || Array.isArray(data)) throw typeError(`${path}.data`, `the ${t} data object`, data);
  if (result !== null && result !== undefined) checkResult(result, `${path}.result`);
  out.str(uintSmall(version, U32, path, 'version'));
  out.str(str(name, path, 'name'));
  out.str(t);
  out.str(str(metadata, path, 'metadata'));
  out.str(str(description, path, 'description'));
  writer(out, data, `${path}.data`);
}

/** The node's `Result` is decoded (never hashed): check its field types. */
function checkResult(v: unknown, path: string): void {
  if (v === undefined || v === null) return;
  const [created, state, message] = fields(v, RESULT, path);
  timestamp(created, path, 'created');
  str(state, path, 'state');
  str(message, path, 'message');
}

const writeSize: DataWriter = (out, data, path) => {
  const [size] = fields(data, SIZE, path);
  out.str(u64(size, path, 'size'));
};

const writeZdb: DataWriter = (out, data, path) => {
  const [size, mode, password, pub] = fields(data, ZDB, path);
  out.str(u64(size, path, 'size'));
  out.str(str(mode, path, 'mode'));
  out.str(str(password, path, 'password'));
  out.str(bool(pub, path, 'public'));
};

const writeIpv4: DataWriter = () => {
  // Legacy `ipv4`: an empty Go struct, nothing hashed (§2.5).
};

const writePublicIp: DataWriter = (out, data, path) => {
  const [v4, v6] = fields(data, PUBLIC_IP, path);
  out.str(bool(v4, path, 'v4'));
  out.str(bool(v6, path, 'v6'));
};

function writePeer(out: Sink, v: unknown, path: string): void {
  const [subnet, key, allowed, endpoint] = fields(v, PEER, path);
  const s = cidr(subnet, path, 'subnet');
  out.str(str(key, path, 'wireguard_public_key'));
  out.str(str(endpoint, path, 'endpoint'));
  out.str(s);
  const ips = list(allowed, path, 'allowed_ips');
  for (let i = 0; i < ips.length; i++) out.str(cidr(ips[i], path, 'allowed_ips', i));
}

function writeMycelium(out: Sink, v: unknown, path: string): void {
  const [key, peers] = fields(v, MYCELIUM, path);
  out.str(hexBytes(key, path, 'hex_key'));
  const ps = list(peers, path, 'peers');
  for (let i = 0; i < ps.length; i++) out.str(str(ps[i], path, 'peers', i));
}

/** `network` and `network-light` share the layout; only `network`'s mycelium is optional. */
function networkWriter(myceliumAlways: boolean): DataWriter {
  return (out, data, path) => {
    const [ipRange, subnet, key, port, peers, mycelium] = fields(data, NETWORK, path);
    out.str(cidr(ipRange, path, 'ip_range'));
    out.str(cidr(subnet, path, 'subnet'));
    out.str(str(key, path, 'wireguard_private_key'));
    out.str(uintSmall(port, U16, path, 'wireguard_listen_port'));
    const ps = list(peers, path, 'peers');
    for (let i = 0; i < ps.length; i++) writePeer(out, ps[i], `${path}.peers[${i}]`);
    // network: `*Mycelium` (nil when absent or null); network-light: a plain struct.
    if (myceliumAlways || (mycelium !== null && mycelium !== undefined)) {
      writeMycelium(out, mycelium, `${path}.mycelium`);
    }
  };
}

function writeInterfaces(out: Sink, v: unknown, path: string): void {
  const ifs = list(v, path, '');
  for (let i = 0; i < ifs.length; i++) {
    const p = `${path}[${i}]`;
    const [network, addr] = fields(ifs[i], INTERFACE, p);
    out.str(str(network, p, 'network'));
    out.str(ip(addr, p, 'ip'));
  }
}

function writeMachineMycelium(out: Sink, v: unknown, path: string): void {
  if (v === null || v === undefined) return; // *MyceliumIP: nil
  const [network, seed] = fields(v, MACHINE_MYCELIUM, path);
  out.str(str(network, path, 'network'));
  out.str(hexBytes(seed, path, 'hex_seed'));
}

/** Env pairs sorted by key in byte order (Go `sort.Strings`), written `k=v` (§2.5). */
function writeEnv(out: Sink, v: unknown, path: string): void {
  if (v === null || v === undefined) return;
  if (typeof v !== 'object' || Array.isArray(v)) throw typeError(path, 'an object of strings', v);
  const env = v as Record<string, unknown>;
  let keys = Object.keys(env);
  let values: Map<string, string> | null = null;
  for (const k of keys) {
    const val = env[k];
    if (typeof val !== 'string' && val !== null && val !== undefined) throw typeError(fieldPath(path, k), 'a string', val);
  }
  if (keys.some(hasSurrogate)) {
    // Go decodes a lone surrogate to U+FFFD, so such keys can collide (later one wins), and the
    // byte order of astral characters differs from JS's UTF-16 code-unit order.
    values = new Map();
    for (const k of keys) values.set(toWellFormed(k), str(env[k], path, k));
    keys = [...values.keys()].sort(compareCodePoints);
  } else {
    keys.sort();
  }
  for (const k of keys) {
    out.str(k);
    out.str('=');
    out.str(values === null ? str(env[k], path, k) : values.get(k)!);
  }
}

function hasSurrogate(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdfff) return true;
  }
  return false;
}

function toWellFormed(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
        continue;
      }
      out += '\ufffd';
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      out += '\ufffd';
    } else {
      out += s[i]!;
    }
  }
  return out;
}

/** Code-point order, which is UTF-8 byte order. */
function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; ) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x - y;
    i += x > 0xffff ? 2 : 1;
  }
  return a.length - b.length;
}

function machineWriter(light: boolean): DataWriter {
  return (out, data, path) => {
    const [flist, network, size, capacity, mounts, entrypoint, env, corex, gpu] = fields(data, ZMACHINE, path);
    out.str(str(flist, path, 'flist'));
    const np = `${path}.network`;
    if (light) {
      const [mycelium, interfaces] = fields(network, MACHINE_NETWORK_LIGHT, np);
      writeInterfaces(out, interfaces, `${np}.interfaces`);
      writeMachineMycelium(out, mycelium, `${np}.mycelium`);
    } else {
      const [publicIp, planetary, mycelium, interfaces] = fields(network, MACHINE_NETWORK, np);
      out.str(str(publicIp, np, 'public_ip'));
      out.str(bool(planetary, np, 'planetary'));
      writeInterfaces(out, interfaces, `${np}.interfaces`);
      writeMachineMycelium(out, mycelium, `${np}.mycelium`);
    }
    out.str(u64(size, path, 'size'));
    const cp = `${path}.compute_capacity`;
    const [cpu, memory] = fields(capacity, CAPACITY, cp);
    out.str(uintSmall(cpu, U8, cp, 'cpu'));
    out.str(u64(memory, cp, 'memory'));
    const ms = list(mounts, path, 'mounts');
    for (let i = 0; i < ms.length; i++) {
      const p = `${path}.mounts[${i}]`;
      const [name, mountpoint] = fields(ms[i], MOUNT, p);
      out.str(str(name, p, 'name'));
      out.str(str(mountpoint, p, 'mountpoint'));
    }
    out.str(str(entrypoint, path, 'entrypoint'));
    writeEnv(out, env, `${path}.env`);
    bool(corex, path, 'corex'); // decoded, not hashed
    const gpus = list(gpu, path, 'gpu');
    for (let i = 0; i < gpus.length; i++) out.str(str(gpus[i], path, 'gpu', i));
  };
}

function gatewayWriter(spec: typeof GATEWAY_NAME): DataWriter {
  const label = spec.names[3]!;
  return (out, data, path) => {
    const [tls, backends, network, name] = fields(data, spec, path);
    out.str(str(name, path, label));
    out.str(bool(tls, path, 'tls_passthrough'));
    const bs = list(backends, path, 'backends');
    for (let i = 0; i < bs.length; i++) out.str(str(bs[i], path, 'backends', i));
    // `*gridtypes.Name`: written only when present; an empty string writes nothing either way.
    out.str(str(network, path, 'network'));
  };
}

function writeEncryption(out: Sink, v: unknown, path: string): void {
  const [algorithm, key] = fields(v, ENCRYPTION, path);
  out.str(str(algorithm, path, 'algorithm'));
  out.str(hexBytes(key, path, 'key'));
}

function writeBackends(out: Sink, v: unknown, path: string): void {
  const bs = list(v, path, '');
  for (let i = 0; i < bs.length; i++) {
    const p = `${path}[${i}]`;
    const [address, namespace, password] = fields(bs[i], ZDB_BACKEND, p);
    out.str(str(address, p, 'address'));
    out.str(str(namespace, p, 'namespace'));
    out.str(str(password, p, 'password'));
  }
}

const writeQsfs: DataWriter = (out, data, path) => {
  const [cache, config] = fields(data, QSFS, path);
  out.str(u64(cache, path, 'cache'));
  const cp = `${path}.config`;
  const [minimal, expected, groupsR, nodesR, maxDir, encryption, meta, groups, compression] = fields(
    config,
    QSFS_CONFIG,
    cp,
  );
  out.str(uintSmall(minimal, U32, cp, 'minimal_shards'));
  out.str(uintSmall(expected, U32, cp, 'expected_shards'));
  out.str(uintSmall(groupsR, U32, cp, 'redundant_groups'));
  out.str(uintSmall(nodesR, U32, cp, 'redundant_nodes'));
  out.str(uintSmall(maxDir, U32, cp, 'max_zdb_data_dir_size'));
  writeEncryption(out, encryption, `${cp}.encryption`);
  const mp = `${cp}.meta`;
  const [type, metaConfig] = fields(meta, QSFS_META, mp);
  out.str(str(type, mp, 'type'));
  const mcp = `${mp}.config`;
  const [prefix, metaEncryption, metaBackends] = fields(metaConfig, QSFS_META_CONFIG, mcp);
  out.str(str(prefix, mcp, 'prefix'));
  writeEncryption(out, metaEncryption, `${mcp}.encryption`);
  writeBackends(out, metaBackends, `${mcp}.backends`);
  const gs = list(groups, cp, 'groups');
  for (let i = 0; i < gs.length; i++) {
    const gp = `${cp}.groups[${i}]`;
    const [backends] = fields(gs[i], ZDB_GROUP, gp);
    writeBackends(out, backends, `${gp}.backends`);
  }
  const [algorithm] = fields(compression, COMPRESSION, `${cp}.compression`);
  out.str(str(algorithm, cp, 'compression.algorithm'));
};

const writeZlogs: DataWriter = (out, data, path) => {
  const [zmachine, output] = fields(data, ZLOGS, path);
  out.str(str(zmachine, path, 'zmachine'));
  out.str(str(output, path, 'output'));
};

/** The 13 workload types of zosbase pkg/gridtypes/zos/types.go. */
const DATA_WRITERS: Readonly<Record<string, DataWriter>> = {
  zmount: writeSize,
  volume: writeSize,
  zdb: writeZdb,
  ipv4: writeIpv4,
  ip: writePublicIp,
  network: networkWriter(false),
  'network-light': networkWriter(true),
  zmachine: machineWriter(false),
  'zmachine-light': machineWriter(true),
  'gateway-name-proxy': gatewayWriter(GATEWAY_NAME),
  'gateway-fqdn-proxy': gatewayWriter(GATEWAY_FQDN),
  qsfs: writeQsfs,
  zlogs: writeZlogs,
};
