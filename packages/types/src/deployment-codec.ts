/**
 * The zos-JSON codec: `parseDeployment` reads a deployment as the node does (Go
 * `encoding/json` into zosbase's structs) and applies every rule of `Deployment.Valid()`
 * (shared/spec/deployment-hash.md §6.2 step 1; zosbase v1.0.10 pkg/gridtypes/deployment.go,
 * id.go, workload.go and pkg/gridtypes/zos/*.go), returning typed data or throwing a
 * `DeploymentError` whose `upstream` is the node's error text. `formatDeployment` writes zos JSON.
 *
 * Typed data (the `Deployment` interface of deployment.ts):
 * - every 64-bit integer (`contract_id`, `expiration`, sizes, `memory`, `cache`, `weight`,
 *   `weight_required`, `result.created`) is a `bigint`; 8/16/32-bit integers are `number`;
 * - absent fields hold Go's zero value (`0`, `0n`, `""`, `false`, `[]`, `{}`), except the fields
 *   that are Go pointers, which stay absent: network `mycelium`, machine `network.mycelium`,
 *   gateway `network`, workload `result`;
 * - IPs, CIDRs and hex stay as written (validated; the hash canonicalises them);
 * - unknown keys are dropped; `result.data` is plain JSON (big integers as bigint).
 */
import { DecodeError, DeploymentError, Sc4itError } from './errors.ts';
import type { Deployment, Workload, WorkloadType } from './deployment.ts';
import { WORKLOAD_TYPES } from './deployment.ts';
import {
  decodeStruct,
  hardError,
  hexLength,
  rootCtx,
  type Kind,
  type StructSchema,
} from './go-json-decode.ts';
import { DATA_SCHEMAS, DEPLOYMENT } from './deployment-schema.ts';
import { jsonTreeFromValue, jsonTreeToValue, parseJsonTree, stringifyJsonValue, type JsonTree } from './json-tree.ts';
import { parseGoIP } from './go-net.ts';
import { goSplitHostPort, goUrlHostname, parseGoUrl } from './go-url.ts';

const MIB = 1024n * 1024n;
const GIB = 1024n * MIB;
const U64 = (1n << 64n) - 1n;
const NAME_RE = /^[a-zA-Z0-9_]+$/;
const GW_NAME_RE = /^[a-zA-Z0-9\-_]+$/;
const FQDN_RE = /^([a-zA-Z0-9\-_]+\.)+[a-zA-Z0-9\-_]{2,}$/;
const RESERVED_NAMES = new Set(['ygg']);
const RESERVED_NETWORKS = new Set(['ygg', 'pub', 'mycelium']);
const LOG_SCHEMES = new Set(['redis', 'ws', 'wss']);

/** Go type names used in `failed to load data into object of type '%T'` (a pointer). */
const GO_DATA_TYPE: Record<WorkloadType, string> = {
  zmount: '*zos.ZMount',
  volume: '*zos.Volume',
  zdb: '*zos.ZDB',
  ipv4: '*zos.PublicIP4',
  ip: '*zos.PublicIP',
  network: '*zos.Network',
  'network-light': '*zos.NetworkLight',
  zmachine: '*zos.ZMachine',
  'zmachine-light': '*zos.ZMachineLight',
  'gateway-name-proxy': '*zos.GatewayNameProxy',
  'gateway-fqdn-proxy': '*zos.GatewayFQDNProxy',
  qsfs: '*zos.QuantumSafeFS',
  zlogs: '*zos.ZLogs',
};

type Obj = Record<string, unknown>;
interface RawWorkload {
  version: number;
  name: string;
  type: string;
  data?: JsonTree;
  metadata: string;
  description: string;
  result?: Obj;
}

function rule(code: `deployment.${string}`, upstream: string, field: string): never {
  throw new DeploymentError(code, `invalid deployment: ${upstream}`, { field, upstream });
}

/** zosbase id.go `IsValidName`: [code, reason] or null. */
function nameProblem(n: string): [`deployment.${string}`, string] | null {
  if (n.length === 0) return ['deployment.name_empty', 'name cannot be empty'];
  if (new TextEncoder().encode(n).length > 36) return ['deployment.name_too_long', 'name cannot exceed 36 characters'];
  if (!NAME_RE.test(n)) return ['deployment.name_unsupported_character', 'unsupported character in workload name'];
  if (RESERVED_NAMES.has(n)) return ['deployment.name_reserved', `invalid name '${n}' is reserved`];
  return null;
}

function isWorkloadType(t: string): t is WorkloadType {
  return (WORKLOAD_TYPES as readonly string[]).includes(t);
}

/** Go `net.IP.IsLoopback`. */
function isLoopback(ip: Uint8Array): boolean {
  if (ip.length === 4) return ip[0] === 127;
  const mapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
  if (mapped) return ip[12] === 127;
  return ip.slice(0, 15).every((b) => b === 0) && ip[15] === 1;
}

/** zos gw.go `Backend.Valid`: the error text, or null. */
function backendProblem(b: string, tls: boolean): string | null {
  if (tls) {
    const hp = goSplitHostPort(b);
    if ('error' in hp) return `failed to parse backend ${b} with error: failed to parse backend ${b} with error: ${hp.error}`;
    if (parseGoIP(hp.host) === null) return `failed to parse backend ${b} with error: invalid ip`;
    if (!/^[0-9]+$/.test(hp.port) || BigInt(hp.port) > U64) {
      return `failed to parse backend ${b} with error: invalid port in backend: ${hp.port}`;
    }
    if (BigInt(hp.port) > 65535n) return `failed to parse backend ${b} with error: port '${hp.port}' must be <= 65535`;
    return null;
  }
  const u = parseGoUrl(b);
  if ('error' in u) return `failed to parse backend with error: ${u.error}`;
  if (u.scheme !== 'http') return 'scheme expected to be http';
  const host = goUrlHostname(u);
  const ip = parseGoIP(host);
  if (ip === null || isLoopback(ip)) return `invalid ip address in backend: ${host}`;
  return null;
}

class Getter {
  private readonly workloads: RawWorkload[];
  constructor(workloads: RawWorkload[]) {
    this.workloads = workloads;
  }

  /** Deployment.Get: validates the name, then the first workload with it. */
  get(name: string): RawWorkload | null {
    if (nameProblem(name) !== null) return null;
    return this.workloads.find((w) => w.name === name) ?? null;
  }

  /** Deployment.ByType: workloads of `type` whose names are valid. */
  byType(type: string): RawWorkload[] {
    return this.workloads.filter((w) => w.type === type && nameProblem(w.name) === null);
  }
}

function decodeData(wl: RawWorkload, type: WorkloadType, path: string, prefix: string): Obj {
  const ctx = rootCtx(path, prefix);
  if (wl.data === undefined) {
    return hardError(ctx, 'deployment.missing_data', `workload '${wl.name}' has no data`, 'unexpected end of JSON input');
  }
  if (wl.data.kind === 'null') {
    // the node decodes `null` into a nil interface and fails; there is no error text to copy
    return hardError(ctx, 'deployment.missing_data', `workload '${wl.name}' has null data`, undefined);
  }
  return decodeStruct(wl.data, DATA_SCHEMAS[type], ctx);
}

function validateMachine(d: Obj, light: boolean, getter: Getter, self: RawWorkload, p: string): void {
  const net = d['network'] as Obj;
  const ifaces = net['interfaces'] as Obj[];
  if (ifaces.length !== 1) rule('deployment.zmachine_interfaces', 'only one network private network is supported at the moment', `${p}.network.interfaces`);
  for (const [i, inf] of ifaces.entries()) {
    if (inf['ip'] === '') rule('deployment.zmachine_invalid_ip', 'invalid IP', `${p}.network.interfaces[${i}].ip`);
  }
  const cap = d['compute_capacity'] as Obj;
  const cpu = cap['cpu'] as number;
  const memory = cap['memory'] as bigint;
  if (cpu === 0) rule('deployment.zmachine_cpu_zero', "cpu capacity can't be 0", `${p}.compute_capacity.cpu`);
  if (memory < 250n * MIB) rule('deployment.zmachine_memory_too_small', "mem capacity can't be less that 250M", `${p}.compute_capacity.memory`);
  // Go: Unit(cpu) * memory wraps at 2^64 before the division
  const cu = ((BigInt(cpu) * memory) & U64) / (8n * GIB);
  const minRoot = cu === 0n ? 500n * MIB : 2n * GIB;
  const size = d['size'] as bigint;
  if (size !== 0n && size < minRoot) {
    rule('deployment.zmachine_disk_too_small', `disk size can't be less that ${minRoot}. Set to 0 for minimum`, `${p}.size`);
  }
  if (!light) {
    const publicIp = net['public_ip'] as string;
    if (publicIp !== '') {
      const wl = getter.get(publicIp);
      if (wl === null) rule('deployment.zmachine_public_ip_not_found', 'public ip is not found', `${p}.network.public_ip`);
      // zos quirk: for a workload of another type it returns errors.Wrapf(nil, …) == nil, which
      // ends Valid() early with success (zosbase zmachine.go). Reproduced on purpose.
      if (wl.type !== 'ipv4' && wl.type !== 'ip') return;
      let count = 0;
      for (const vm of getter.byType('zmachine')) {
        let other: Obj;
        if (vm === self) other = d;
        else if (vm.data === undefined) {
          return rule('deployment.missing_data', 'unexpected end of JSON input', `${p}.network.public_ip`);
        } else {
          other = decodeStruct(vm.data, DATA_SCHEMAS.zmachine, rootCtx(`${p}.network.public_ip`));
        }
        if ((other['network'] as Obj)['public_ip'] === publicIp) count++;
      }
      if (count > 1) rule('deployment.zmachine_public_ip_shared', 'public ip is assigned to multiple vms', `${p}.network.public_ip`);
    }
  }
  for (const [i, inf] of ifaces.entries()) {
    const n = inf['network'] as string;
    if (RESERVED_NETWORKS.has(n)) rule('deployment.zmachine_reserved_network', `'${n}' is reserved network name`, `${p}.network.interfaces[${i}].network`);
  }
  const my = net['mycelium'] as Obj | undefined;
  if (my !== undefined && hexLength(my['hex_seed'] as string) !== 6) {
    rule('deployment.zmachine_mycelium_seed_length', 'invalid mycelium seed length expected 6 bytes', `${p}.network.mycelium.hex_seed`);
  }
}

function validateMycelium(m: Obj, p: string): void {
  if (hexLength(m['hex_key'] as string) !== 32) rule('deployment.mycelium_key_length', 'invalid mycelium key length, expected 32', `${p}.hex_key`);
  if ((m['peers'] as unknown[]).length !== 0) rule('deployment.mycelium_peers_unsupported', 'user defined peers list is not supported right now', `${p}.peers`);
}

function validateGateway(d: Obj, p: string): void {
  const backends = d['backends'] as string[];
  if (backends.length === 0) rule('deployment.gateway_no_backends', 'backends list can not be empty', `${p}.backends`);
  for (const [i, b] of backends.entries()) {
    const problem = backendProblem(b, d['tls_passthrough'] as boolean);
    if (problem !== null) rule('deployment.gateway_invalid_backend', `failed to validate backend '${b}': ${problem}`, `${p}.backends[${i}]`);
  }
}

/** The per-type `Valid(getter)` of zos (pkg/gridtypes/zos/*.go). */
function validateData(type: WorkloadType, d: Obj, getter: Getter, self: RawWorkload, p: string): void {
  switch (type) {
    case 'zmount':
    case 'volume':
      if (d['size'] === 0n) rule('deployment.invalid_size', 'invalid size', `${p}.size`);
      return;
    case 'zdb':
      if (d['size'] === 0n) rule('deployment.invalid_size', 'invalid size', `${p}.size`);
      if (d['mode'] !== 'user' && d['mode'] !== 'seq') rule('deployment.zdb_invalid_mode', 'invalid mode', `${p}.mode`);
      return;
    case 'ipv4':
      return;
    case 'ip':
      if (d['v4'] !== true && d['v6'] !== true) rule('deployment.ip_no_selection', 'public ip workload with no selections', p);
      return;
    case 'network': {
      if (d['ip_range'] === '') rule('deployment.network_ip_range_empty', 'network IP range cannot be empty', `${p}.ip_range`);
      if (d['subnet'] === '') rule('deployment.network_subnet_empty', 'network resource subnet cannot empty', `${p}.subnet`);
      if (d['wireguard_private_key'] === '') {
        rule('deployment.network_wireguard_key_empty', 'network resource wireguard private key cannot empty', `${p}.wireguard_private_key`);
      }
      for (const [i, peer] of (d['peers'] as Obj[]).entries()) {
        const pp = `${p}.peers[${i}]`;
        if (peer['subnet'] === '') rule('deployment.peer_subnet_empty', 'peer wireguard subnet cannot empty', `${pp}.subnet`);
        if ((peer['allowed_ips'] as unknown[]).length === 0) rule('deployment.peer_allowed_ips_empty', 'peer wireguard allowedIPs cannot empty', `${pp}.allowed_ips`);
        if (peer['wireguard_public_key'] === '') rule('deployment.peer_public_key_empty', 'peer wireguard public key cannot empty', `${pp}.wireguard_public_key`);
      }
      if (d['mycelium'] !== undefined) validateMycelium(d['mycelium'] as Obj, `${p}.mycelium`);
      return;
    }
    case 'network-light':
      if (d['subnet'] === '') rule('deployment.network_subnet_empty', 'network resource subnet cannot empty', `${p}.subnet`);
      validateMycelium(d['mycelium'] as Obj, `${p}.mycelium`);
      return;
    case 'zmachine':
      return validateMachine(d, false, getter, self, p);
    case 'zmachine-light':
      return validateMachine(d, true, getter, self, p);
    case 'gateway-name-proxy':
      if (!GW_NAME_RE.test(d['name'] as string)) rule('deployment.gateway_invalid_name', `name ${d['name'] as string} is invalid`, `${p}.name`);
      return validateGateway(d, p);
    case 'gateway-fqdn-proxy':
      if (!FQDN_RE.test(d['fqdn'] as string)) rule('deployment.gateway_invalid_fqdn', `fqdn ${d['fqdn'] as string} is invalid`, `${p}.fqdn`);
      return validateGateway(d, p);
    case 'qsfs': {
      const c = d['config'] as Obj;
      if ((c['minimal_shards'] as number) > (c['expected_shards'] as number)) {
        rule('deployment.qsfs_shards', "minimal shards can't be greater than expected shards", `${p}.config.minimal_shards`);
      }
      return;
    }
    case 'zlogs': {
      const target = getter.get(d['zmachine'] as string);
      if (target === null || target.type !== 'zmachine') {
        rule('deployment.zlogs_no_zmachine', `no zmachine with name '${d['zmachine'] as string}' found`, `${p}.zmachine`);
      }
      const u = parseGoUrl(d['output'] as string);
      if ('error' in u) rule('deployment.zlogs_invalid_url', `invalid url supplied in output: ${u.error}`, `${p}.output`);
      if (!LOG_SCHEMES.has(u.scheme)) rule('deployment.zlogs_invalid_scheme', `invalid output schema '${u.scheme}' not supported`, `${p}.output`);
      return;
    }
  }
}

/** Options of {@link parseDeployment}. */
export interface ParseDeploymentOptions {
  /**
   * Run the node's `Valid()` rules (default true). With `false` only the decoding (types, ranges,
   * IP / CIDR / hex syntax, known types) is checked.
   */
  validate?: boolean;
}

/**
 * Reads a zos deployment. `json` is JSON text (parsed losslessly: integers beyond 2^53 stay
 * exact) or a JS value (from `JSON.parse`, or built in code with bigint / decimal strings for
 * 64-bit fields). Returns the typed, normalised deployment.
 *
 * Throws `DecodeError` `decode.json` for malformed JSON, and `DeploymentError` for everything the
 * node would refuse, with `field` (e.g. `workloads[2].data.compute_capacity.cpu`) and `upstream`
 * (the node's error text; see the README's table of codes).
 */
export function parseDeployment(json: string | unknown, options: ParseDeploymentOptions = {}): Deployment {
  const tree = typeof json === 'string' ? parseJsonTree(json) : jsonTreeFromValue(json);
  const d = decodeStruct(tree, DEPLOYMENT, rootCtx('')) as Obj & { workloads: Obj[] };
  const raws = d.workloads as unknown as RawWorkload[];
  const getter = new Getter(raws);
  const names = new Set<string>();
  const version = d['version'] as number;
  const validate = options.validate ?? true;
  const out: Workload[] = [];
  for (const [i, wl] of raws.entries()) {
    const p = `workloads[${i}]`;
    if (validate) {
      if (wl.version > version) {
        rule(
          'deployment.workload_version',
          `workload '${wl.name}' version '${wl.version}' cannot be higher than deployment version '${version}'`,
          `${p}.version`,
        );
      }
      const bad = nameProblem(wl.name);
      if (bad !== null) rule(bad[0], `name '${wl.name}' is invalid: ${bad[1]}`, `${p}.name`);
      if (names.has(wl.name)) rule('deployment.duplicate_name', `multiple workloads with the same name '${wl.name}'`, `${p}.name`);
      names.add(wl.name);
    }
    if (!isWorkloadType(wl.type)) rule('deployment.unknown_type', `invalid reservation type '${wl.type}'`, `${p}.type`);
    const data = decodeData(wl, wl.type, `${p}.data`, `failed to load data into object of type '${GO_DATA_TYPE[wl.type]}': `);
    if (validate) validateData(wl.type, data, getter, wl, `${p}.data`);
    const typed: Obj = {
      version: wl.version,
      name: wl.name,
      type: wl.type,
      data,
      metadata: wl.metadata,
      description: wl.description,
    };
    if (wl.result !== undefined) {
      const r = { ...wl.result };
      if (r['data'] === undefined) delete r['data'];
      else r['data'] = jsonTreeToValue(r['data'] as JsonTree);
      typed['result'] = r;
    }
    out.push(typed as unknown as Workload);
  }
  return { ...(d as unknown as Deployment), workloads: out };
}

// ---- writing -----------------------------------------------------------------------------------

function writeValue(v: unknown, kind: Kind): string | undefined {
  switch (kind.k) {
    case 'uint':
    case 'u64':
    case 'ts':
      return (v as bigint | number).toString();
    case 'str':
    case 'ip':
    case 'cidr':
    case 'hex':
      return JSON.stringify(v);
    case 'optstr':
      return v === undefined ? undefined : JSON.stringify(v);
    case 'bool':
      return v ? 'true' : 'false';
    case 'struct':
      return writeStruct(v as Obj, kind.s);
    case 'ptr':
      return v === undefined ? undefined : writeStruct(v as Obj, kind.s);
    case 'array':
      return `[${(v as unknown[]).map((x) => writeValue(x, kind.of)).join(',')}]`;
    case 'map':
      return `{${Object.entries(v as Record<string, string>)
        .map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`)
        .join(',')}}`;
    case 'raw':
      return v === undefined ? undefined : stringifyJsonValue(v);
  }
}

function writeStruct(o: Obj, s: StructSchema): string {
  const parts: string[] = [];
  for (const f of s.fields) {
    const text = writeValue(o[f.prop], f.kind);
    // the machine mycelium's Go field has no tag; write the lower-case key every SDK uses
    if (text !== undefined) parts.push(`${JSON.stringify(f.prop)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/**
 * Writes a deployment as compact zos JSON: fields in the node's order, 64-bit integers as bare
 * JSON numbers (exact beyond 2^53), Go zero values written out, pointer fields only when set.
 * The input is first read with {@link parseDeployment} (same rules, same errors), so the output
 * is always a document the node accepts, and `formatDeployment(parseDeployment(x))` is stable.
 */
export function formatDeployment(d: Deployment | unknown, options: ParseDeploymentOptions = {}): string {
  const p = parseDeployment(d, options);
  const parts: string[] = [];
  for (const f of DEPLOYMENT.fields) {
    if (f.prop === 'workloads') {
      const wls = p.workloads.map((wl) => {
        const w = wl as unknown as Obj;
        const items = [
          `"version":${w['version'] as number}`,
          `"name":${JSON.stringify(w['name'])}`,
          `"type":${JSON.stringify(w['type'])}`,
          `"data":${writeStruct(w['data'] as Obj, DATA_SCHEMAS[w['type'] as WorkloadType])}`,
          `"metadata":${JSON.stringify(w['metadata'])}`,
          `"description":${JSON.stringify(w['description'])}`,
        ];
        if (w['result'] !== undefined) {
          const r = w['result'] as Obj;
          const rp = [`"created":${String(r['created'])}`, `"state":${JSON.stringify(r['state'])}`, `"message":${JSON.stringify(r['message'])}`];
          if (r['data'] !== undefined) rp.push(`"data":${stringifyJsonValue(r['data'])}`);
          items.push(`"result":{${rp.join(',')}}`);
        }
        return `{${items.join(',')}}`;
      });
      parts.push(`"workloads":[${wls.join(',')}]`);
      continue;
    }
    const text = writeValue((p as unknown as Obj)[f.prop], f.kind);
    if (text !== undefined) parts.push(`${JSON.stringify(f.prop)}:${text}`);
  }
  return `{${parts.join(',')}}`;
}

/** True for the errors {@link parseDeployment} throws on bad input. */
export function isDeploymentInputError(e: unknown): e is Sc4itError {
  return e instanceof DeploymentError || (e instanceof DecodeError && e.code === 'decode.json');
}
