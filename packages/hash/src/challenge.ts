/**
 * The node's deployment challenge (deployment-hash.md §2): Go's `Deployment.Challenge` and every
 * workload type's `Challenge`. The JSON is decoded by Go's rules (go-json.ts) while the text is
 * built; each writer returns its part of the text (V8 joins the parts as ropes, no copying), and
 * the deployment hands the text to an {@link Out} every few KiB, where it is UTF-8 encoded in one
 * native call and hashed.
 *
 * Speed notes (see README, Benchmark): each struct is read by exact property names when its keys
 * are exactly field names (`exact`), and decoded key by key with Go's case folding only
 * otherwise; field paths for errors are only built when an error passes (`Fail`, `at`).
 */
import { DeploymentError } from '@sc4it/types';
import {
  Fail,
  type Rec,
  at,
  bool,
  cidr,
  exact,
  has,
  hexBytes,
  ip,
  list,
  obj,
  rawStr,
  setCareful,
  str,
  struct,
  timestamp,
  typeFail,
  u64,
  uintSmall,
  wellFormed,
  hasSurrogate,
} from './go-json.ts';

const U8 = 0xff;
const U16 = 0xffff;
const U32 = 0xffff_ffff;

const SURROGATE = /[\ud800-\udfff]/;

/** Characters gathered before the text goes to the {@link Out}. */
const FLUSH = 4096;

/** Where the challenge text goes (the hashing sink, or a string for the challenge itself). */
export interface Out {
  /** Takes the next piece of text; returns true when it holds any UTF-16 surrogate code unit. */
  write(text: string): boolean;
  /** Forgets everything written so far. */
  reset(): void;
}

/** Collects the challenge as a string. */
export class TextOut implements Out {
  text = '';

  write(text: string): boolean {
    this.text += text;
    return SURROGATE.test(text);
  }

  reset(): void {
    this.text = '';
  }
}

// ---- Go structs (zosbase pkg/gridtypes), JSON names in declaration order ----------------------

const DEPLOYMENT = struct(['version', 'twin_id', 'contract_id', 'metadata', 'description', 'expiration', 'signature_requirement', 'workloads']);
const REQUIREMENT = struct(['requests', 'weight_required', 'signatures', 'signature_style']);
const REQUEST = struct(['twin_id', 'required', 'weight']);
const SIGNATURE = struct(['twin_id', 'signature', 'signature_type']);
const WORKLOAD = struct(['version', 'name', 'type', 'data', 'metadata', 'description', 'result']);
const RESULT = struct(['created', 'state', 'message', 'data']);

const SIZE = struct(['size']); // zmount, volume
const ZDB = struct(['size', 'mode', 'password', 'public']);
const PUBLIC_IP = struct(['v4', 'v6']);
const NETWORK = struct(['ip_range', 'subnet', 'wireguard_private_key', 'wireguard_listen_port', 'peers', 'mycelium']);
const PEER = struct(['subnet', 'wireguard_public_key', 'allowed_ips', 'endpoint']);
const MYCELIUM = struct(['hex_key', 'peers']);
const ZMACHINE = struct(['flist', 'network', 'size', 'compute_capacity', 'mounts', 'entrypoint', 'env', 'corex', 'gpu']);
const MACHINE_NETWORK = struct(['public_ip', 'planetary', 'mycelium', 'interfaces']);
const MACHINE_NETWORK_LIGHT = struct(['mycelium', 'interfaces']);
const INTERFACE = struct(['network', 'ip']);
// The Go field `Network` has no JSON tag; `network` matches it case-insensitively.
const MACHINE_MYCELIUM = struct(['network', 'hex_seed']);
const CAPACITY = struct(['cpu', 'memory']);
const MOUNT = struct(['name', 'mountpoint']);
const GATEWAY_NAME = struct(['tls_passthrough', 'backends', 'network', 'name']);
const GATEWAY_FQDN = struct(['tls_passthrough', 'backends', 'network', 'fqdn']);
const QSFS = struct(['cache', 'config']);
const QSFS_CONFIG = struct(['minimal_shards', 'expected_shards', 'redundant_groups', 'redundant_nodes', 'max_zdb_data_dir_size', 'encryption', 'meta', 'groups', 'compression']);
const ENCRYPTION = struct(['algorithm', 'key']);
const QSFS_META = struct(['type', 'config']);
const QSFS_META_CONFIG = struct(['prefix', 'encryption', 'backends']);
const ZDB_BACKEND = struct(['address', 'namespace', 'password']);
const ZDB_GROUP = struct(['backends']);
const COMPRESSION = struct(['algorithm']);
const ZLOGS = struct(['zmachine', 'output']);

// ---- deployment -------------------------------------------------------------------------------

/** Thrown (internally) when the text holds surrogates: the deployment is then read again. */
const RESTART = Symbol('restart');

/**
 * Writes the challenge of `deployment` to `out` and returns its `signature_style` (needed for
 * the signing message). Throws a typed error for input the node cannot decode.
 *
 * Text with UTF-16 surrogates (rare: astral characters, or lone halves) is written a second time
 * with every JSON string made well-formed on its own, so that halves from two strings never pair
 * up in the joined text (Go turns each lone half into U+FFFD).
 */
export function writeDeployment(out: Out, deployment: unknown): string {
  try {
    try {
      return writeAll(out, deployment, false);
    } catch (e) {
      if (e !== RESTART) throw e;
    }
    out.reset();
    setCareful(true);
    try {
      return writeAll(out, deployment, true);
    } finally {
      setCareful(false);
    }
  } catch (e) {
    throw e instanceof Fail ? e.toError() : e;
  }
}

function flush(out: Out, text: string, careful: boolean): void {
  if (out.write(text) && !careful) throw RESTART;
}

function writeAll(out: Out, deployment: unknown, careful: boolean): string {
  if (typeof deployment !== 'object' || deployment === null || Array.isArray(deployment)) {
    throw typeFail('', 'a deployment object', deployment);
  }
  let o = deployment as Rec;
  o = exact(o, has(o.version) + has(o.twin_id) + has(o.contract_id) + has(o.metadata) + has(o.description) + has(o.expiration) + has(o.signature_requirement) + has(o.workloads), DEPLOYMENT);
  let text = uintSmall(o.version, U32, 'version') + uintSmall(o.twin_id, U32, 'twin_id');
  u64(o.contract_id, 'contract_id'); // decoded (and checked) by the node, never hashed
  text += str(o.metadata, 'metadata') + str(o.description, 'description') + timestamp(o.expiration, 'expiration');
  const wls = list(o.workloads, 'workloads');
  for (let i = 0; i < wls.length; i++) {
    try {
      text += writeWorkload(wls[i]);
    } catch (e) {
      throw at(e, 'workloads', i);
    }
    if (text.length > FLUSH) {
      flush(out, text, careful);
      text = '';
    }
  }
  let r: Rec;
  try {
    r = obj(o.signature_requirement);
    r = exact(r, has(r.requests) + has(r.weight_required) + has(r.signatures) + has(r.signature_style), REQUIREMENT);
    text += writeRequirement(r);
  } catch (e) {
    throw at(e, 'signature_requirement');
  }
  const style = str(r.signature_style, 'signature_style');
  flush(out, text + style, careful);
  return style;
}

function writeRequirement(o: Rec): string {
  let text = '';
  const reqs = list(o.requests, 'requests');
  for (let i = 0; i < reqs.length; i++) {
    try {
      let q = obj(reqs[i]);
      q = exact(q, has(q.twin_id) + has(q.required) + has(q.weight), REQUEST);
      text += uintSmall(q.twin_id, U32, 'twin_id') + bool(q.required, 'required') + u64(q.weight, 'weight');
    } catch (e) {
      throw at(e, 'requests', i);
    }
  }
  text += u64(o.weight_required, 'weight_required');
  // Signatures are not hashed, but the node must be able to decode them.
  const sigs = list(o.signatures, 'signatures');
  for (let i = 0; i < sigs.length; i++) {
    try {
      let s = obj(sigs[i]);
      s = exact(s, has(s.twin_id) + has(s.signature) + has(s.signature_type), SIGNATURE);
      uintSmall(s.twin_id, U32, 'twin_id');
      rawStr(s.signature, 'signature');
      rawStr(s.signature_type, 'signature_type');
    } catch (e) {
      throw at(e, 'signatures', i);
    }
  }
  // signature_style is appended by the caller (it is also returned).
  str(o.signature_style, 'signature_style');
  return text;
}

// ---- workloads --------------------------------------------------------------------------------

function writeWorkload(v: unknown): string {
  let o = obj(v);
  o = exact(o, has(o.version) + has(o.name) + has(o.type) + has(o.data) + has(o.metadata) + has(o.description) + has(o.result), WORKLOAD);
  const t = rawStr(o.type, 'type');
  if (!WORKLOAD_TYPES.has(t)) {
    throw new Fail(
      (field) =>
        new DeploymentError('deployment.unknown_type', `unknown workload type '${t}'`, {
          field,
          upstream: `invalid reservation type '${t}'`,
        }),
      'type',
    );
  }
  // `data` is a json.RawMessage decoded into the type's struct: absent or null fails in Go.
  const data = o.data;
  if (data === undefined || data === null) {
    throw new Fail(
      (field) =>
        new DeploymentError('deployment.missing_data', `workload has no data`, {
          field,
          ...(data === undefined ? { upstream: 'unexpected end of JSON input' } : {}),
        }),
      'data',
    );
  }
  if (typeof data !== 'object' || Array.isArray(data)) throw typeFail('data', `the ${t} data object`, data);
  const result = o.result;
  if (result !== null && result !== undefined) {
    try {
      checkResult(result);
    } catch (e) {
      throw at(e, 'result');
    }
  }
  const head = uintSmall(o.version, U32, 'version') + str(o.name, 'name') + t + str(o.metadata, 'metadata') + str(o.description, 'description');
  try {
    return head + writeData(t, data as Rec);
  } catch (e) {
    throw at(e, 'data');
  }
}

/** The node's `Result` is decoded (never hashed): check its field types. */
function checkResult(v: unknown): void {
  let o = obj(v);
  o = exact(o, has(o.created) + has(o.state) + has(o.message) + has(o.data), RESULT);
  timestamp(o.created, 'created');
  rawStr(o.state, 'state');
  rawStr(o.message, 'message');
}

function writeSize(o: Rec): string {
  o = exact(o, has(o.size), SIZE);
  return u64(o.size, 'size');
}

function writeZdb(o: Rec): string {
  o = exact(o, has(o.size) + has(o.mode) + has(o.password) + has(o.public), ZDB);
  return u64(o.size, 'size') + str(o.mode, 'mode') + str(o.password, 'password') + bool(o.public, 'public');
}

function writePublicIp(o: Rec): string {
  o = exact(o, has(o.v4) + has(o.v6), PUBLIC_IP);
  return bool(o.v4, 'v4') + bool(o.v6, 'v6');
}

function writePeer(v: unknown): string {
  let o = obj(v);
  o = exact(o, has(o.subnet) + has(o.wireguard_public_key) + has(o.allowed_ips) + has(o.endpoint), PEER);
  let text = cidr(o.subnet, 'subnet');
  text = str(o.wireguard_public_key, 'wireguard_public_key') + str(o.endpoint, 'endpoint') + text;
  const ips = list(o.allowed_ips, 'allowed_ips');
  for (let i = 0; i < ips.length; i++) text += cidr(ips[i], 'allowed_ips', i);
  return text;
}

function writeMycelium(v: unknown): string {
  let o = obj(v);
  o = exact(o, has(o.hex_key) + has(o.peers), MYCELIUM);
  let text = hexBytes(o.hex_key, 'hex_key');
  const ps = list(o.peers, 'peers');
  for (let i = 0; i < ps.length; i++) text += str(ps[i], 'peers', i);
  return text;
}

/** `network` and `network-light` share the layout; only `network`'s mycelium is optional. */
function writeNetwork(o: Rec, myceliumAlways: boolean): string {
  o = exact(o, has(o.ip_range) + has(o.subnet) + has(o.wireguard_private_key) + has(o.wireguard_listen_port) + has(o.peers) + has(o.mycelium), NETWORK);
  let text =
    cidr(o.ip_range, 'ip_range') +
    cidr(o.subnet, 'subnet') +
    str(o.wireguard_private_key, 'wireguard_private_key') +
    uintSmall(o.wireguard_listen_port, U16, 'wireguard_listen_port');
  const ps = list(o.peers, 'peers');
  for (let i = 0; i < ps.length; i++) {
    try {
      text += writePeer(ps[i]);
    } catch (e) {
      throw at(e, 'peers', i);
    }
  }
  // network: `*Mycelium` (nil when absent or null); network-light: a plain struct.
  const mycelium = o.mycelium;
  if (myceliumAlways || (mycelium !== null && mycelium !== undefined)) {
    try {
      text += writeMycelium(mycelium);
    } catch (e) {
      throw at(e, 'mycelium');
    }
  }
  return text;
}

function writeInterfaces(v: unknown): string {
  let text = '';
  const ifs = list(v, '');
  for (let i = 0; i < ifs.length; i++) {
    try {
      let o = obj(ifs[i]);
      o = exact(o, has(o.network) + has(o.ip), INTERFACE);
      text += str(o.network, 'network') + ip(o.ip, 'ip');
    } catch (e) {
      throw at(e, '', i);
    }
  }
  return text;
}

function writeMachineMycelium(v: unknown): string {
  if (v === null || v === undefined) return ''; // *MyceliumIP: nil
  let o = obj(v);
  o = exact(o, has(o.network) + has(o.hex_seed), MACHINE_MYCELIUM);
  return str(o.network, 'network') + hexBytes(o.hex_seed, 'hex_seed');
}

/** The VM's network: `public_ip`, `planetary`, interfaces, mycelium (the light VM: the last two). */
function writeMachineNetwork(v: unknown, light: boolean): string {
  let o = obj(v);
  let text = '';
  if (light) {
    o = exact(o, has(o.mycelium) + has(o.interfaces), MACHINE_NETWORK_LIGHT);
  } else {
    o = exact(o, has(o.public_ip) + has(o.planetary) + has(o.mycelium) + has(o.interfaces), MACHINE_NETWORK);
    text = str(o.public_ip, 'public_ip') + bool(o.planetary, 'planetary');
  }
  try {
    text += writeInterfaces(o.interfaces);
  } catch (e) {
    throw at(e, 'interfaces');
  }
  try {
    return text + writeMachineMycelium(o.mycelium);
  } catch (e) {
    throw at(e, 'mycelium');
  }
}

/** Env pairs sorted by key in byte order (Go `sort.Strings`), written `k=v` (§2.5). */
function writeEnv(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object' || Array.isArray(v)) throw typeFail('', 'an object of strings', v);
  const env = v as Rec;
  let keys = Object.keys(env);
  const n = keys.length;
  let surrogates = false;
  let sorted = true;
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    const val = env[k];
    if (typeof val !== 'string' && val !== null && val !== undefined) throw typeFail(k, 'a string', val);
    if (i > 0 && keys[i - 1]! > k) sorted = false;
    if (!surrogates && hasSurrogate(k)) surrogates = true;
  }
  let text = '';
  if (surrogates) {
    // Go decodes a lone surrogate to U+FFFD, so such keys can collide (later one wins), and the
    // byte order of astral characters differs from JS's UTF-16 code-unit order.
    const values = new Map<string, string>();
    for (const k of keys) values.set(wellFormed(k), str(env[k], k));
    keys = [...values.keys()].sort(compareCodePoints);
    for (const k of keys) text += k + '=' + values.get(k)!;
    return text;
  }
  // Without surrogates, UTF-16 code-unit order is code-point order, which is UTF-8 byte order.
  if (!sorted) {
    if (n > 16) keys.sort();
    else insertionSort(keys); // a native sort call costs more than sorting a few keys here
  }
  for (let i = 0; i < n; i++) {
    const k = keys[i]!;
    text += k + '=' + str(env[k], k);
  }
  return text;
}

/** Sorts a short array of distinct strings by UTF-16 code units (what `sort()` does). */
function insertionSort(a: string[]): void {
  for (let i = 1; i < a.length; i++) {
    const x = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > x) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = x;
  }
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

function writeMachine(o: Rec, light: boolean): string {
  o = exact(o, has(o.flist) + has(o.network) + has(o.size) + has(o.compute_capacity) + has(o.mounts) + has(o.entrypoint) + has(o.env) + has(o.corex) + has(o.gpu), ZMACHINE);
  let text = str(o.flist, 'flist');
  try {
    text += writeMachineNetwork(o.network, light);
  } catch (e) {
    throw at(e, 'network');
  }
  text += u64(o.size, 'size');
  try {
    let c = obj(o.compute_capacity);
    c = exact(c, has(c.cpu) + has(c.memory), CAPACITY);
    text += uintSmall(c.cpu, U8, 'cpu') + u64(c.memory, 'memory');
  } catch (e) {
    throw at(e, 'compute_capacity');
  }
  const ms = list(o.mounts, 'mounts');
  for (let i = 0; i < ms.length; i++) {
    try {
      let m = obj(ms[i]);
      m = exact(m, has(m.name) + has(m.mountpoint), MOUNT);
      text += str(m.name, 'name') + str(m.mountpoint, 'mountpoint');
    } catch (e) {
      throw at(e, 'mounts', i);
    }
  }
  text += str(o.entrypoint, 'entrypoint');
  try {
    text += writeEnv(o.env);
  } catch (e) {
    throw at(e, 'env');
  }
  bool(o.corex, 'corex'); // decoded, not hashed
  const gpus = list(o.gpu, 'gpu');
  for (let i = 0; i < gpus.length; i++) text += str(gpus[i], 'gpu', i);
  return text;
}

function writeGateway(o: Rec, fqdn: boolean): string {
  let name: string;
  if (fqdn) {
    o = exact(o, has(o.tls_passthrough) + has(o.backends) + has(o.network) + has(o.fqdn), GATEWAY_FQDN);
    name = str(o.fqdn, 'fqdn');
  } else {
    o = exact(o, has(o.tls_passthrough) + has(o.backends) + has(o.network) + has(o.name), GATEWAY_NAME);
    name = str(o.name, 'name');
  }
  let text = name + bool(o.tls_passthrough, 'tls_passthrough');
  const bs = list(o.backends, 'backends');
  for (let i = 0; i < bs.length; i++) text += str(bs[i], 'backends', i);
  // `*gridtypes.Name`: written only when present; an empty string writes nothing either way.
  return text + str(o.network, 'network');
}

function writeEncryption(v: unknown): string {
  let o = obj(v);
  o = exact(o, has(o.algorithm) + has(o.key), ENCRYPTION);
  return str(o.algorithm, 'algorithm') + hexBytes(o.key, 'key');
}

function writeBackends(v: unknown): string {
  let text = '';
  const bs = list(v, '');
  for (let i = 0; i < bs.length; i++) {
    try {
      let o = obj(bs[i]);
      o = exact(o, has(o.address) + has(o.namespace) + has(o.password), ZDB_BACKEND);
      text += str(o.address, 'address') + str(o.namespace, 'namespace') + str(o.password, 'password');
    } catch (e) {
      throw at(e, '', i);
    }
  }
  return text;
}

function writeQsfsMeta(v: unknown): string {
  let o = obj(v);
  o = exact(o, has(o.type) + has(o.config), QSFS_META);
  const text = str(o.type, 'type');
  try {
    let c = obj(o.config);
    c = exact(c, has(c.prefix) + has(c.encryption) + has(c.backends), QSFS_META_CONFIG);
    let t = text + str(c.prefix, 'prefix');
    try {
      t += writeEncryption(c.encryption);
    } catch (e) {
      throw at(e, 'encryption');
    }
    try {
      return t + writeBackends(c.backends);
    } catch (e) {
      throw at(e, 'backends');
    }
  } catch (e) {
    throw at(e, 'config');
  }
}

function writeQsfsConfig(v: unknown): string {
  let o = obj(v);
  o = exact(
    o,
    has(o.minimal_shards) + has(o.expected_shards) + has(o.redundant_groups) + has(o.redundant_nodes) + has(o.max_zdb_data_dir_size) +
      has(o.encryption) + has(o.meta) + has(o.groups) + has(o.compression),
    QSFS_CONFIG,
  );
  let text =
    uintSmall(o.minimal_shards, U32, 'minimal_shards') +
    uintSmall(o.expected_shards, U32, 'expected_shards') +
    uintSmall(o.redundant_groups, U32, 'redundant_groups') +
    uintSmall(o.redundant_nodes, U32, 'redundant_nodes') +
    uintSmall(o.max_zdb_data_dir_size, U32, 'max_zdb_data_dir_size');
  try {
    text += writeEncryption(o.encryption);
  } catch (e) {
    throw at(e, 'encryption');
  }
  try {
    text += writeQsfsMeta(o.meta);
  } catch (e) {
    throw at(e, 'meta');
  }
  const gs = list(o.groups, 'groups');
  for (let i = 0; i < gs.length; i++) {
    try {
      let g = obj(gs[i]);
      g = exact(g, has(g.backends), ZDB_GROUP);
      try {
        text += writeBackends(g.backends);
      } catch (e) {
        throw at(e, 'backends');
      }
    } catch (e) {
      throw at(e, 'groups', i);
    }
  }
  try {
    let c = obj(o.compression);
    c = exact(c, has(c.algorithm), COMPRESSION);
    return text + str(c.algorithm, 'algorithm');
  } catch (e) {
    throw at(e, 'compression');
  }
}

function writeQsfs(o: Rec): string {
  o = exact(o, has(o.cache) + has(o.config), QSFS);
  const text = u64(o.cache, 'cache');
  try {
    return text + writeQsfsConfig(o.config);
  } catch (e) {
    throw at(e, 'config');
  }
}

function writeZlogs(o: Rec): string {
  o = exact(o, has(o.zmachine) + has(o.output), ZLOGS);
  return str(o.zmachine, 'zmachine') + str(o.output, 'output');
}

/** The 13 workload types of zosbase pkg/gridtypes/zos/types.go. */
const WORKLOAD_TYPES: ReadonlySet<string> = new Set([
  'zmount',
  'volume',
  'zdb',
  'ipv4',
  'ip',
  'network',
  'network-light',
  'zmachine',
  'zmachine-light',
  'gateway-name-proxy',
  'gateway-fqdn-proxy',
  'qsfs',
  'zlogs',
]);

/** A workload type's data (`t` is one of {@link WORKLOAD_TYPES}); direct calls, no lookup table. */
function writeData(t: string, o: Rec): string {
  switch (t) {
    case 'zmount':
    case 'volume':
      return writeSize(o);
    case 'zdb':
      return writeZdb(o);
    case 'ipv4':
      return ''; // legacy: an empty Go struct, nothing hashed (§2.5)
    case 'ip':
      return writePublicIp(o);
    case 'network':
      return writeNetwork(o, false);
    case 'network-light':
      return writeNetwork(o, true);
    case 'zmachine':
      return writeMachine(o, false);
    case 'zmachine-light':
      return writeMachine(o, true);
    case 'gateway-name-proxy':
      return writeGateway(o, false);
    case 'gateway-fqdn-proxy':
      return writeGateway(o, true);
    case 'qsfs':
      return writeQsfs(o);
    default:
      return writeZlogs(o);
  }
}
