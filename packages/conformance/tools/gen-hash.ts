/**
 * Generates vectors/hash/challenge_test.json: deployment JSON → the node's challenge text and MD5.
 *
 * Where the expected values come from (recorded per test in `source`):
 * - V1–V3: shared/spec/deployment-hash.md §10, literally (and re-checked here against grid_client).
 * - Deployments the spec says the node and the TS SDK hash alike: `@threefold/grid_client` 2.9.2
 *   (`challenge()` / `challenge_hash()`), the published SDK, run here. Each one is also checked
 *   against the plain reference below, so the reference is itself tested on ~50 deployments.
 * - The documented divergences (§2.5, §9: polka-wallet, network-light without WireGuard, IPv6
 *   spellings, upper-case hex, non-ASCII env keys, legacy ipv4, Go zero values, Go key folding,
 *   RFC 3339 expiration): `referenceChallenge` below, a plain transcription of the spec's rules
 *   that shares no code with @sc4it/hash, fed with the canonical form of the input (the canonical
 *   IP spellings are written by hand in this file); MD5 by node:crypto. What grid_client computes
 *   for the same input is kept in `gridClientHash` to document the divergence. Where a canonical
 *   form exists that grid_client agrees with the node on (IP spellings, upper-case hex, key case,
 *   RFC 3339 expiration), grid_client must hash it to the expected value
 *   (checked here, recorded as `canonical`, re-checked by packages/hash/test/canonical.test.ts).
 * - Invalid inputs: the node's decoding rules (§2.1: Go's net.ParseIP, hex.DecodeString, integer
 *   ranges, unknown types), error codes as sc4it names them.
 *
 * Run: `pnpm exec tsx tools/gen-hash.ts` in packages/conformance. Deterministic (seeded PRNG).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gridClientOracle } from '../src/testing/grid-client.ts';

const SEED = 0x5c41_2025;
const OUT = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'hash', 'challenge_test.json');

// ---- deterministic PRNG (mulberry32) -----------------------------------------------------------

let state = SEED >>> 0;
function rnd(): number {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
const chance = (p: number) => rnd() < p;
const hexOf = (bytes: number) => Array.from({ length: bytes }, () => int(0, 255).toString(16).padStart(2, '0')).join('');
const b64 = (n: number) =>
  Array.from({ length: n }, () => pick([...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'])).join('') + '=';

// ---- the plain reference (spec §2.2–§2.5), for already-canonical input -------------------------

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const num = (v: unknown) => (v === undefined || v === null ? '0' : String(v));
const txt = (v: unknown) => (v === undefined || v === null ? '' : String(v));
const flag = (v: unknown) => (v === true ? 'true' : 'false');
const net = (v: unknown) => (v === undefined || v === null || v === '' ? '<nil>' : String(v)); // canonical already
const hexLower = (v: unknown) => txt(v).toLowerCase();
const arr = (v: unknown): J[] => (Array.isArray(v) ? v : []);

function refPeer(p: J): string {
  return txt(p.wireguard_public_key) + txt(p.endpoint) + net(p.subnet) + arr(p.allowed_ips).map(net).join('');
}
function refMycelium(m: J | undefined): string {
  return hexLower(m?.hex_key) + arr(m?.peers).map(txt).join('');
}
function refMachine(d: J, light: boolean): string {
  const n: J = d.network ?? {};
  let s = txt(d.flist);
  if (!light) s += txt(n.public_ip) + flag(n.planetary);
  for (const i of arr(n.interfaces)) s += txt(i.network) + net(i.ip);
  if (n.mycelium) s += txt(n.mycelium.network) + hexLower(n.mycelium.hex_seed);
  s += num(d.size) + num(d.compute_capacity?.cpu) + num(d.compute_capacity?.memory);
  for (const m of arr(d.mounts)) s += txt(m.name) + txt(m.mountpoint);
  s += txt(d.entrypoint);
  const env: J = d.env ?? {};
  const keys = Object.keys(env).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  for (const k of keys) s += `${k}=${txt(env[k])}`;
  for (const g of arr(d.gpu)) s += txt(g);
  return s; // corex is not hashed
}
function refBackends(bs: unknown): string {
  return arr(bs).map((b) => txt(b.address) + txt(b.namespace) + txt(b.password)).join('');
}
function refData(type: string, d: J): string {
  switch (type) {
    case 'zmount':
    case 'volume':
      return num(d.size);
    case 'zdb':
      return num(d.size) + txt(d.mode) + txt(d.password) + flag(d.public);
    case 'ipv4':
      return '';
    case 'ip':
      return flag(d.v4) + flag(d.v6);
    case 'network':
    case 'network-light': {
      let s = net(d.ip_range) + net(d.subnet) + txt(d.wireguard_private_key) + num(d.wireguard_listen_port);
      for (const p of arr(d.peers)) s += refPeer(p);
      if (type === 'network-light' || (d.mycelium !== undefined && d.mycelium !== null)) s += refMycelium(d.mycelium);
      return s;
    }
    case 'zmachine':
      return refMachine(d, false);
    case 'zmachine-light':
      return refMachine(d, true);
    case 'gateway-name-proxy':
    case 'gateway-fqdn-proxy':
      return (
        txt(type === 'gateway-name-proxy' ? d.name : d.fqdn) +
        flag(d.tls_passthrough) +
        arr(d.backends).map(txt).join('') +
        txt(d.network)
      );
    case 'qsfs': {
      const c: J = d.config ?? {};
      let s = num(d.cache);
      s += num(c.minimal_shards) + num(c.expected_shards) + num(c.redundant_groups) + num(c.redundant_nodes);
      s += num(c.max_zdb_data_dir_size);
      s += txt(c.encryption?.algorithm) + hexLower(c.encryption?.key);
      s += txt(c.meta?.type) + txt(c.meta?.config?.prefix);
      s += txt(c.meta?.config?.encryption?.algorithm) + hexLower(c.meta?.config?.encryption?.key);
      s += refBackends(c.meta?.config?.backends);
      for (const g of arr(c.groups)) s += refBackends(g.backends);
      return s + txt(c.compression?.algorithm);
    }
    case 'zlogs':
      return txt(d.zmachine) + txt(d.output);
    default:
      throw new Error(`reference: unknown type ${type}`);
  }
}
export function referenceChallenge(dep: J): string {
  let s = num(dep.version) + num(dep.twin_id) + txt(dep.metadata) + txt(dep.description) + num(dep.expiration);
  for (const w of arr(dep.workloads)) {
    s += num(w.version) + txt(w.name) + txt(w.type) + txt(w.metadata) + txt(w.description) + refData(w.type, w.data);
  }
  const r: J = dep.signature_requirement ?? {};
  for (const q of arr(r.requests)) s += num(q.twin_id) + flag(q.required) + num(q.weight);
  return s + num(r.weight_required) + txt(r.signature_style);
}

const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

// ---- random deployments inside the grid_client-agreeing subset (§9) ----------------------------

// Canonical IPv6 texts (RFC 5952) with hand-written non-canonical spellings of the same address.
const V6: readonly { canonical: string; spellings: string[] }[] = [
  { canonical: '2a02:1802:5e::2', spellings: ['2a02:1802:005e:0000::0002', '2A02:1802:5E::2', '2a02:1802:5e:0:0:0:0:2'] },
  { canonical: 'fd00:1:2::5', spellings: ['fd00:0001:0002:0000:0000:0000:0000:0005', 'FD00:1:2:0::5'] },
  { canonical: '2001:db8::1:0:0:1', spellings: ['2001:db8:0:0:1:0:0:1', '2001:0DB8::1:0:0:1'] },
  { canonical: '300:1234:5678::1', spellings: ['0300:1234:5678:0000::0001', '300:1234:5678:0:0:0:0:1'] },
  { canonical: '2a10:b600:1::cc', spellings: ['2a10:b600:0001::00cc', '2A10:B600:1:0:0:0:0:CC'] },
];
const V6_CIDR: readonly { canonical: string; spellings: string[] }[] = [
  { canonical: '2a02:1802:5e::/64', spellings: ['2a02:1802:005e:0000:0000:0000:0000:0000/64', '2A02:1802:5E::/64'] },
  { canonical: 'fd00:1:2::5/48', spellings: ['fd00:0001:0002::0005/48', 'FD00:1:2:0:0:0:0:5/48'] },
  { canonical: '2001:db8::/32', spellings: ['2001:0db8:0000::/32', '2001:DB8:0:0:0:0:0:0/32'] },
];

const v4 = () => `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}`;
const v4cidr = () => (chance(0.5) ? `10.${int(0, 255)}.${int(0, 255)}.0/24` : `10.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}/${int(8, 32)}`);
const anyIp = () => (chance(0.7) ? v4() : pick(V6).canonical);
const anyCidr = () => (chance(0.7) ? v4cidr() : pick(V6_CIDR).canonical);
const TEXTS = ['', 'x', 'my vm', 'pa$$w0rd', 'quote "q" \\ back', 'héllo wörld', 'emoji 🚀', '{"version":3,"type":"vm","name":"vm1"}', 'tab\there'];
const text = () => pick(TEXTS);
const wname = (i: number) => `${pick(['net', 'vm', 'disk', 'gw', 'db', 'logs', 'qs', 'ip', 'vol'])}_${i}`;
const size = () => pick([1, 1024, 268435456, 1073741824, 10737418240, 2 ** 50, Number.MAX_SAFE_INTEGER]);

function peer(): J {
  return {
    subnet: v4cidr(),
    wireguard_public_key: b64(43),
    allowed_ips: Array.from({ length: int(1, 3) }, anyCidr),
    endpoint: chance(0.7) ? `185.${int(0, 255)}.${int(0, 255)}.${int(1, 254)}:${int(1, 65535)}` : `[${pick(V6).canonical}]:${int(1, 65535)}`,
  };
}
const mycelium = (): J => ({ hex_key: hexOf(32), peers: [] });
const machineMycelium = (network: string): J => ({ network, hex_seed: hexOf(6) });

function machine(light: boolean): J {
  const env: J = {};
  for (let i = int(0, 4); i > 0; i--) env[pick(['SSH_KEY', 'A_VAR', 'PATH', 'a', 'Z', '_x', 'key1', 'KEY_2'])] = text();
  const network: J = { interfaces: [{ network: `net_${int(0, 9)}`, ip: anyIp() }] };
  if (!light) {
    network.public_ip = chance(0.3) ? `ip_${int(0, 9)}` : '';
    network.planetary = chance(0.5);
  }
  if (chance(0.5)) network.mycelium = machineMycelium(`net_${int(0, 9)}`);
  const data: J = {
    flist: pick(['https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist', 'https://hub.grid.tf/tf-official-apps/base:latest.flist']),
    network,
    size: pick([0, 2147483648, 10737418240]),
    compute_capacity: { cpu: int(1, 255), memory: pick([268435456, 2147483648, 4294967296]) },
    mounts: Array.from({ length: int(0, 2) }, (_, i) => ({ name: `disk_${i}`, mountpoint: `/mnt/${i}` })),
    entrypoint: pick(['', '/sbin/zinit init', '/init.sh']),
    env,
    corex: chance(0.5),
  };
  if (chance(0.6)) data.gpu = Array.from({ length: int(0, 2) }, () => `0000:${int(10, 99)}:00.0/1002/731f`);
  return data;
}

function qsfsBackend(): J {
  return { address: `[${pick(V6).canonical}]:${int(1000, 9999)}`, namespace: `ns${int(1, 99)}`, password: text() };
}
function qsfs(): J {
  const enc = () => ({ algorithm: 'AES', key: hexOf(32) });
  return {
    cache: size(),
    config: {
      minimal_shards: int(1, 4),
      expected_shards: int(4, 8),
      redundant_groups: int(0, 2),
      redundant_nodes: int(0, 2),
      max_zdb_data_dir_size: int(1, 64),
      encryption: enc(),
      meta: { type: 'zdb', config: { prefix: `p${int(0, 99)}`, encryption: enc(), backends: Array.from({ length: int(1, 2) }, qsfsBackend) } },
      groups: Array.from({ length: int(1, 2) }, () => ({ backends: Array.from({ length: int(1, 3) }, qsfsBackend) })),
      compression: { algorithm: 'snappy' },
    },
  };
}

const AGREEING_TYPES = [
  'zmount', 'volume', 'zdb', 'ip', 'network', 'network-light', 'zmachine', 'zmachine-light',
  'gateway-name-proxy', 'gateway-fqdn-proxy', 'qsfs', 'zlogs',
] as const;

function workloadData(type: string): J {
  switch (type) {
    case 'zmount':
    case 'volume':
      return { size: size() };
    case 'zdb':
      return { size: size(), mode: pick(['user', 'seq']), password: text(), public: chance(0.5) };
    case 'ip':
      return { v4: chance(0.5), v6: chance(0.5) };
    case 'network': {
      const d: J = {
        ip_range: `10.${int(0, 255)}.0.0/16`,
        subnet: v4cidr(),
        wireguard_private_key: b64(43),
        wireguard_listen_port: int(0, 65535),
        peers: Array.from({ length: int(0, 3) }, peer),
      };
      if (chance(0.5)) d.mycelium = mycelium();
      return d;
    }
    case 'network-light': // with WireGuard and a non-zero port: the form both agree on (V3)
      return {
        subnet: v4cidr(),
        ip_range: `10.${int(0, 255)}.0.0/16`,
        wireguard_private_key: b64(43),
        wireguard_listen_port: int(1, 65535),
        peers: Array.from({ length: int(0, 2) }, peer),
        mycelium: mycelium(),
      };
    case 'zmachine':
      return machine(false);
    case 'zmachine-light':
      return machine(true);
    case 'gateway-name-proxy':
    case 'gateway-fqdn-proxy': {
      const tls = chance(0.5);
      const d: J = {
        tls_passthrough: tls,
        backends: Array.from({ length: int(1, 3) }, () => (tls ? `${v4()}:${int(1, 65535)}` : `http://${v4()}:${int(1, 65535)}`)),
      };
      if (type === 'gateway-name-proxy') d.name = `site${int(0, 999)}`;
      else d.fqdn = `app${int(0, 99)}.example.com`;
      if (chance(0.5)) d.network = `net_${int(0, 9)}`;
      return d;
    }
    case 'qsfs':
      return qsfs();
    case 'zlogs':
      return { zmachine: `vm_${int(0, 9)}`, output: pick(['ws://10.20.2.3:8080/logs', 'redis://10.1.1.1:6379', 'wss://logs.example.com/x']) };
    default:
      throw new Error(type);
  }
}

function deployment(workloadCount: number): J {
  const version = int(0, 5);
  const twin = pick([1, 7, 42, int(1, 4294967295)]);
  const requests = [{ twin_id: twin, required: chance(0.5), weight: int(1, 5) }];
  for (let i = int(0, 2); i > 0; i--) requests.push({ twin_id: int(1, 100000), required: chance(0.5), weight: int(1, 5) });
  return {
    version,
    twin_id: twin,
    contract_id: pick([0, int(1, 1_000_000)]),
    metadata: text(),
    description: text(),
    expiration: pick([0, 0, int(1, 2_000_000_000)]),
    signature_requirement: {
      requests,
      weight_required: int(1, 10),
      signatures: [],
      signature_style: '',
    },
    workloads: Array.from({ length: workloadCount }, (_, i) => {
      const type = pick(AGREEING_TYPES);
      return { version: int(0, version), name: wname(i), type, data: workloadData(type), metadata: text(), description: text() };
    }),
  };
}

// ---- vector assembly ---------------------------------------------------------------------------

interface HashTest {
  tcId: number;
  comment: string;
  flags: string[];
  source: string;
  result: 'valid' | 'invalid' | 'acceptable';
  /** The deployment exactly as sent (JSON text). */
  input: string;
  challenge?: string;
  hash?: string;
  error?: string;
  field?: string;
  /** What @threefold/grid_client 2.9.2 computes for the same input where it differs from the node. */
  gridClientHash?: string;
  /** A divergence's canonical form (JSON text): the node hashes it like `input`, grid_client agrees on it. */
  canonical?: string;
  signature?: string;
}

const gc = gridClientOracle();
const valid: HashTest[] = [];
const invalid: HashTest[] = [];
let nextId = 1;

function gcHashOrError(input: string): string {
  try {
    return gc.hash(JSON.parse(input));
  } catch (err) {
    return `error: ${(err as Error).message.split('\n')[0]}`;
  }
}

/** A deployment where the node and grid_client agree: expected values from grid_client. */
function agreeing(comment: string, model: J, flags: string[] = [], input = JSON.stringify(model)): void {
  const challenge = gc.challenge(model);
  const hash = gc.hash(model);
  const ref = referenceChallenge(model);
  if (ref !== challenge) throw new Error(`reference disagrees with grid_client on: ${comment}\n${ref}\n${challenge}`);
  if (gc.challenge(JSON.parse(input)) !== challenge) throw new Error(`grid_client reads the input form differently: ${comment}`);
  if (md5(challenge) !== hash) throw new Error(`md5 mismatch on ${comment}`);
  valid.push({
    tcId: nextId++, comment, flags: ['GridClientAgrees', ...flags], result: 'valid', input, challenge, hash,
    source: '@threefold/grid_client@2.9.2 challenge()/challenge_hash(); plain reference agrees',
  });
}

/**
 * A documented divergence: expected values from the plain reference over the canonical model.
 * `gcCanonical`, where one exists, is a deployment the node hashes like `input` and on which
 * grid_client agrees with the node (canonical IP spellings, lower-case hex, exact key names, unix
 * seconds): grid_client must compute the same challenge and hash from it,
 * so the expected value no longer rests on the reference alone. It is recorded as `canonical`.
 * Divergences without such a form (polka-wallet, network-light without WireGuard, non-ASCII env
 * order, an unset IP or CIDR written `<nil>`, a zdb without mode) rest on the reference and the spec's rule.
 */
function divergent(
  comment: string, canonical: J, input: string, flags: string[], rule: string, result: 'valid' | 'acceptable' = 'valid',
  gcCanonical: J | null = null,
): void {
  const challenge = referenceChallenge(canonical);
  const hash = md5(challenge);
  const sdk = gcHashOrError(input);
  if (gcCanonical !== null) {
    if (referenceChallenge(gcCanonical) !== challenge) throw new Error(`reference reads the canonical form differently: ${comment}`);
    if (gc.challenge(gcCanonical) !== challenge || gc.hash(gcCanonical) !== hash) {
      throw new Error(`grid_client disagrees on the canonical form of: ${comment}\n${gc.challenge(gcCanonical)}\n${challenge}`);
    }
  }
  const checked = gcCanonical === null ? '' : '; grid_client 2.9.2 hashes the canonical form (`canonical`) to the same value';
  valid.push({
    tcId: nextId++, comment, flags, result, input, challenge, hash,
    source: `reference (spec ${rule}) over the canonical form; MD5 by node:crypto${sdk === hash ? '; grid_client 2.9.2 agrees here' : ''}${checked}`,
    ...(sdk === hash ? {} : { gridClientHash: sdk }),
    ...(gcCanonical === null ? {} : { canonical: JSON.stringify(gcCanonical) }),
  });
}

function bad(comment: string, input: string, error: string, field: string, rule: string, flags: string[] = []): void {
  invalid.push({ tcId: nextId++, comment, flags: ['GoRejects', ...flags], result: 'invalid', input, error, field, source: `rule: ${rule}` });
}

// V1–V3, literally from the spec (§10).
const SPEC: readonly { name: string; input: string; challenge: string; hash: string; signature: string }[] = [
  {
    name: 'V1: full VM on zos (network + zmount + zmachine + zlogs)',
    input: String.raw`{"version":0,"twin_id":42,"contract_id":0,"metadata":"{\"version\":3,\"type\":\"vm\",\"name\":\"vm1\",\"projectName\":\"vm/vm1\"}","description":"test vector 1","expiration":0,"signature_requirement":{"requests":[{"twin_id":42,"required":false,"weight":1}],"weight_required":1,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"net1","type":"network","data":{"ip_range":"10.20.0.0/16","subnet":"10.20.2.0/24","wireguard_private_key":"GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=","wireguard_listen_port":6065,"peers":[{"subnet":"10.20.3.0/24","wireguard_public_key":"4KTvZS2KPWYfMr+GbiUUly0ANVg8jBC7xP9Bl79Z8zM=","allowed_ips":["10.20.3.0/24","100.64.20.3/32"],"endpoint":"185.206.122.31:5566"}],"mycelium":{"hex_key":"3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a","peers":[]}},"metadata":"","description":""},{"version":0,"name":"disk1","type":"zmount","data":{"size":10737418240},"metadata":"","description":""},{"version":0,"name":"vm1","type":"zmachine","data":{"flist":"https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist","network":{"public_ip":"","planetary":true,"interfaces":[{"network":"net1","ip":"10.20.2.2"}],"mycelium":{"network":"net1","hex_seed":"0a1b2c3d4e5f"}},"size":0,"compute_capacity":{"cpu":2,"memory":4294967296},"mounts":[{"name":"disk1","mountpoint":"/data"}],"entrypoint":"/sbin/zinit init","env":{"SSH_KEY":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYNeJXJV2FNEwuQz6e0jkKeqRbKWwftBKq+sjSTqa2x user@host","A_VAR":"x"},"corex":false,"gpu":[]},"metadata":"","description":"my vm"},{"version":0,"name":"logs1","type":"zlogs","data":{"zmachine":"vm1","output":"ws://10.20.2.3:8080/logs"},"metadata":"","description":""}]}`,
    challenge: String.raw`042{"version":3,"type":"vm","name":"vm1","projectName":"vm/vm1"}test vector 100net1network10.20.0.0/1610.20.2.0/24GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=60654KTvZS2KPWYfMr+GbiUUly0ANVg8jBC7xP9Bl79Z8zM=185.206.122.31:556610.20.3.0/2410.20.3.0/24100.64.20.3/323a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a0disk1zmount107374182400vm1zmachinemy vmhttps://hub.grid.tf/tf-official-vms/ubuntu-22.04.flisttruenet110.20.2.2net10a1b2c3d4e5f024294967296disk1/data/sbin/zinit initA_VAR=xSSH_KEY=ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYNeJXJV2FNEwuQz6e0jkKeqRbKWwftBKq+sjSTqa2x user@host0logs1zlogsvm1ws://10.20.2.3:8080/logs42false11`,
    hash: '5b68e6ac3ca8e3cd71e33419cdef977b',
    signature: '3226480bcdd994b09dc99a680ed9a0ec2c15263ee12198db6edf99d0c4c4c7436419d0b7b10fe4a4f37e63683f371986a05c57bdfbbbd0fae9b68f24f8a6c90b',
  },
  {
    name: 'V2: update (version 1), multisig with 3 twins, ip + gateways + zdb + volume',
    input: String.raw`{"version":1,"twin_id":7,"contract_id":1234,"metadata":"","description":"multisig gw","expiration":0,"signature_requirement":{"requests":[{"twin_id":7,"required":true,"weight":1},{"twin_id":8,"required":false,"weight":1},{"twin_id":9,"required":false,"weight":2}],"weight_required":3,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"pubip","type":"ip","data":{"v4":true,"v6":false},"metadata":"","description":""},{"version":1,"name":"gwname","type":"gateway-name-proxy","data":{"name":"mysite","tls_passthrough":false,"backends":["http://10.20.2.2:8080"],"network":"net1"},"metadata":"","description":"name gw"},{"version":0,"name":"gwfqdn","type":"gateway-fqdn-proxy","data":{"fqdn":"app.example.com","tls_passthrough":true,"backends":["1.2.3.4:443"]},"metadata":"","description":""},{"version":1,"name":"db1","type":"zdb","data":{"size":1073741824,"mode":"user","password":"pa$$w0rd","public":true},"metadata":"m","description":""},{"version":0,"name":"vol1","type":"volume","data":{"size":2147483648},"metadata":"","description":""}]}`,
    challenge: String.raw`17multisig gw00pubipiptruefalse1gwnamegateway-name-proxyname gwmysitefalsehttp://10.20.2.2:8080net10gwfqdngateway-fqdn-proxyapp.example.comtrue1.2.3.4:4431db1zdbm1073741824userpa$$w0rdtrue0vol1volume21474836487true18false19false23`,
    hash: 'c4c4b11751d7be8dd2453862cdfe3ca2',
    signature: '6cb44a62ff3eab4927d3eabbc81eac1df63ec07e0217f74d677188a52058ba4e1be7467a0c683882fa01673d9189dd81e1a348912285b94e9053ae909fbef202',
  },
  {
    name: 'V3: zos-light (network-light with WireGuard + zmachine-light with GPU + qsfs)',
    input: String.raw`{"version":0,"twin_id":11,"contract_id":0,"metadata":"{\"type\":\"vm\"}","description":"","expiration":0,"signature_requirement":{"requests":[{"twin_id":11,"required":false,"weight":1}],"weight_required":1,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"lnet","type":"network-light","data":{"subnet":"10.30.2.0/24","ip_range":"10.30.0.0/16","wireguard_private_key":"GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=","wireguard_listen_port":3011,"peers":[],"mycelium":{"hex_key":"5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b","peers":[]}},"metadata":"","description":""},{"version":0,"name":"lvm","type":"zmachine-light","data":{"flist":"https://hub.grid.tf/tf-official-apps/base:latest.flist","network":{"interfaces":[{"network":"lnet","ip":"10.30.2.2"}],"mycelium":{"network":"lnet","hex_seed":"a1b2c3d4e5f6"}},"size":2147483648,"compute_capacity":{"cpu":1,"memory":2147483648},"mounts":[],"entrypoint":"","env":{},"corex":true,"gpu":["0000:28:00.0/1002/731f"]},"metadata":"","description":""},{"version":0,"name":"qs","type":"qsfs","data":{"cache":268435456,"config":{"minimal_shards":2,"expected_shards":4,"redundant_groups":0,"redundant_nodes":0,"max_zdb_data_dir_size":32,"encryption":{"algorithm":"AES","key":"c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"},"meta":{"type":"zdb","config":{"prefix":"someprefix","encryption":{"algorithm":"AES","key":"c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"},"backends":[{"address":"[2a02:1802:5e::223]:9900","namespace":"ns1","password":"p1"}]}},"groups":[{"backends":[{"address":"[2a02:1802:5e::224]:9900","namespace":"ns2","password":"p2"}]}],"compression":{"algorithm":"snappy"}}},"metadata":"","description":""}]}`,
    challenge: String.raw`011{"type":"vm"}00lnetnetwork-light10.30.0.0/1610.30.2.0/24GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=30115b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b0lvmzmachine-lighthttps://hub.grid.tf/tf-official-apps/base:latest.flistlnet10.30.2.2lneta1b2c3d4e5f62147483648121474836480000:28:00.0/1002/731f0qsqsfs268435456240032AESc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0zdbsomeprefixAESc0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0[2a02:1802:5e::223]:9900ns1p1[2a02:1802:5e::224]:9900ns2p2snappy11false11`,
    hash: '3c91a62661cea0f4c16ad4ce203a5f68',
    signature: '9409da26e827e7fd2449293d87297490ec76406a83a1dda072adf2bec5d9846249f368465e6e2283ddf45d1b466301b60c2e67dee302abbde128ba86b085b009',
  },
];

for (const v of SPEC) {
  const model = JSON.parse(v.input) as J;
  if (gc.challenge(model) !== v.challenge || referenceChallenge(model) !== v.challenge || md5(v.challenge) !== v.hash) {
    throw new Error(`spec vector ${v.name} not reproduced`);
  }
  valid.push({
    tcId: nextId++, comment: v.name, flags: ['SpecVector', 'GridClientAgrees'], result: 'valid', input: v.input,
    challenge: v.challenge, hash: v.hash, signature: v.signature,
    source: 'shared/spec/deployment-hash.md §10 (zosbase v1.0.10 and grid_client 2.9.2 agree); ed25519 signature with the spec seed 0x01..0x20',
  });
}

// Random deployments in the agreeing subset: every workload type except legacy ipv4.
for (let i = 0; i < 44; i++) agreeing(`random deployment #${i + 1}`, deployment(int(1, 6)));
for (let i = 0; i < 3; i++) agreeing(`random deployment with ${20 + i * 15} workloads`, deployment(20 + i * 15), ['Large']);
for (const type of AGREEING_TYPES) {
  const d = deployment(0);
  d.workloads = [{ version: 0, name: 'only', type, data: workloadData(type), metadata: '', description: '' }];
  agreeing(`single ${type} workload`, d);
}

// Formatting: key order, whitespace and unknown keys never matter (§2).
function shuffleKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(shuffleKeys);
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as J);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = int(0, i);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries.map(([k, x]) => [k, shuffleKeys(x)]));
}
function addUnknownKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(addUnknownKeys);
  if (v === null || typeof v !== 'object') return v;
  const out: J = {};
  // `env` is a Go map, not a struct: every key in it is data.
  for (const [k, x] of Object.entries(v as J)) out[k] = k === 'env' ? x : addUnknownKeys(x);
  out[pick(['__type', 'node_id', 'extra', 'x_unknown'])] = pick([1, 'zz', null, { nested: [1, 2] }, [true]]);
  return out;
}
for (let i = 0; i < 3; i++) {
  const m = deployment(int(2, 5));
  agreeing(`keys shuffled at every level #${i + 1}`, m, ['KeyOrder'], JSON.stringify(shuffleKeys(m)));
}
{
  const m = deployment(4);
  agreeing('pretty-printed with tabs and newlines', m, ['Whitespace'], JSON.stringify(m, null, '\t').replace(/\n/g, '\r\n'));
}
for (let i = 0; i < 2; i++) {
  const m = deployment(int(2, 5));
  agreeing(`unknown keys everywhere (e.g. the SDK's __type, node_id) #${i + 1}`, m, ['UnknownKeys'], JSON.stringify(addUnknownKeys(m)));
}

// ---- documented divergences ----------------------------------------------------------------------

// polka-wallet (§2.5, §9.1)
for (let i = 0; i < 3; i++) {
  const m = deployment(int(1, 4));
  m.signature_requirement.signature_style = 'polka-wallet';
  divergent(`signature_style polka-wallet is appended to the challenge #${i + 1}`, m, JSON.stringify(m), ['PolkaWallet'], '§2.5 polka-wallet, §9.1');
}

// IPv6 spellings and IPv4-mapped addresses (§2.1, §2.5, §9.3)
for (let i = 0; i < 4; i++) {
  const canonical = deployment(0);
  const input = structuredClone(canonical);
  const addr = V6[i % V6.length]!;
  const cidr = V6_CIDR[i % V6_CIDR.length]!;
  const spelling = addr.spellings[i % addr.spellings.length]!;
  const cidrSpelling = cidr.spellings[i % cidr.spellings.length]!;
  const vm = machine(i % 2 === 1);
  vm.network.interfaces = [{ network: 'net_0', ip: addr.canonical }];
  const netData = workloadData('network');
  netData.peers = [{ ...peer(), allowed_ips: [cidr.canonical, v4cidr()] }];
  canonical.workloads = [
    { version: 0, name: 'net_0', type: 'network', data: netData, metadata: '', description: '' },
    { version: 0, name: 'vm_0', type: i % 2 === 1 ? 'zmachine-light' : 'zmachine', data: vm, metadata: '', description: '' },
  ];
  const inNet = structuredClone(netData);
  inNet.peers[0].allowed_ips[0] = cidrSpelling;
  const inVm = structuredClone(vm);
  inVm.network.interfaces[0].ip = spelling;
  input.workloads = [
    { ...canonical.workloads[0], data: inNet },
    { ...canonical.workloads[1], data: inVm },
  ];
  divergent(`non-canonical IPv6 spellings: interface ${spelling}, allowed ip ${cidrSpelling}`, canonical, JSON.stringify(input), ['NonCanonicalIp'], '§2.1 net.IP rendering, §2.5 IPv6 inputs, §9.3', 'valid', canonical);
}
{
  const canonical = deployment(0);
  const vm = machine(true);
  vm.network.interfaces = [{ network: 'net_0', ip: '10.20.2.2' }];
  const net0 = workloadData('network');
  net0.subnet = '10.20.2.0/24';
  canonical.workloads = [
    { version: 0, name: 'net_0', type: 'network', data: net0, metadata: '', description: '' },
    { version: 0, name: 'vm_0', type: 'zmachine-light', data: vm, metadata: '', description: '' },
  ];
  const input = structuredClone(canonical);
  input.workloads[1].data.network.interfaces[0].ip = '::ffff:10.20.2.2';
  input.workloads[0].data.subnet = '::ffff:10.20.2.0/120'; // a 16-byte mask sliced to its last 4 bytes: /24
  divergent('IPv4-mapped IPv6 renders as dotted IPv4 (::ffff:10.20.2.2, ::ffff:10.20.2.0/120 → 10.20.2.0/24)', canonical, JSON.stringify(input), ['NonCanonicalIp'], '§2.1 (Go IP.String / IPNet.String)', 'valid', canonical);
}

// upper-case hex (§2.5, §9.3)
{
  const canonical = deployment(0);
  const vm = machine(false);
  vm.network.mycelium = { network: 'net_0', hex_seed: 'a1b2c3d4e5f6' };
  canonical.workloads = [{ version: 0, name: 'vm_0', type: 'zmachine', data: vm, metadata: '', description: '' }];
  const input = structuredClone(canonical);
  input.workloads[0].data.network.mycelium.hex_seed = 'A1B2C3D4E5F6';
  divergent('upper-case mycelium hex_seed is hashed lower-case', canonical, JSON.stringify(input), ['UpperCaseHex'], '§2.1 hex fields, §2.5', 'valid', canonical);
}
{
  const canonical = deployment(0);
  const n = workloadData('network');
  n.mycelium = { hex_key: 'ab'.repeat(32), peers: [] };
  const l = workloadData('network-light');
  l.mycelium = { hex_key: 'cd'.repeat(32), peers: [] };
  canonical.workloads = [
    { version: 0, name: 'net_0', type: 'network', data: n, metadata: '', description: '' },
    { version: 0, name: 'net_1', type: 'network-light', data: l, metadata: '', description: '' },
  ];
  const input = structuredClone(canonical);
  input.workloads[0].data.mycelium.hex_key = 'AB'.repeat(32);
  input.workloads[1].data.mycelium.hex_key = 'Cd'.repeat(32);
  divergent('upper/mixed-case mycelium hex_key (network, network-light)', canonical, JSON.stringify(input), ['UpperCaseHex'], '§2.1 hex fields, §2.5', 'valid', canonical);
}
{
  const canonical = deployment(0);
  const q = qsfs();
  q.config.encryption.key = 'c0ffee'.repeat(5) + 'c0';
  q.config.meta.config.encryption.key = 'deadbeef'.repeat(4);
  canonical.workloads = [{ version: 0, name: 'qs_0', type: 'qsfs', data: q, metadata: '', description: '' }];
  const input = structuredClone(canonical);
  input.workloads[0].data.config.encryption.key = ('c0ffee'.repeat(5) + 'c0').toUpperCase();
  input.workloads[0].data.config.meta.config.encryption.key = 'DEADBEEF'.repeat(4);
  divergent('upper-case qsfs encryption keys', canonical, JSON.stringify(input), ['UpperCaseHex'], '§2.1 hex fields, §2.5', 'valid', canonical);
}

// network-light without WireGuard (§2.5, §9.2)
for (let i = 0; i < 3; i++) {
  const m = deployment(0);
  const data: J = { subnet: v4cidr(), mycelium: mycelium() };
  if (i !== 2) data.ip_range = `10.${int(0, 255)}.0.0/16`; // #3: ip_range absent too (<nil>)
  const vm = machine(true);
  m.workloads = [
    { version: 0, name: 'lnet', type: 'network-light', data, metadata: '', description: '' },
    { version: 0, name: 'lvm', type: 'zmachine-light', data: vm, metadata: '', description: '' },
  ];
  divergent(`network-light without WireGuard fields: key "", port 0${i === 2 ? ', no ip_range: <nil>' : ''}`, m, JSON.stringify(m), ['NetworkLightNoWireguard'], '§2.5 network-light without WireGuard, §9.2');
}

// env keys: byte order, not UTF-16 order (§2.5, §9.6)
{
  const m = deployment(0);
  const vm = machine(true);
  vm.env = { '\u{1F600}': 'astral', '\uFF5E': 'fullwidth tilde', b: '2', A: '1', é: 'e-acute' };
  vm.gpu = ['0000:28:00.0/1002/731f', '0000:29:00.0/10de/1eb8'];
  m.workloads = [{ version: 0, name: 'vm_0', type: 'zmachine-light', data: vm, metadata: '', description: '' }];
  divergent('non-ASCII env keys sorted by UTF-8 bytes (U+FF5E before U+1F600), gpu after env', m, JSON.stringify(m), ['NonAsciiEnv'], '§2.5 env and gpu, §9.6');
}
{
  const m = deployment(0);
  const vm = machine(false);
  vm.env = { 'ключ': 'кириллица', key: 'v', KEY: 'V', 'ﬀ': 'ligature', '𝒜': 'math' };
  m.workloads = [{ version: 0, name: 'vm_0', type: 'zmachine', data: vm, metadata: '', description: '' }];
  divergent('env keys in Cyrillic, ligature and astral math letters (byte order)', m, JSON.stringify(m), ['NonAsciiEnv'], '§2.5 env and gpu, §9.6');
}

// legacy ipv4 (§1.6, §2.5)
for (let i = 0; i < 2; i++) {
  const m = deployment(int(0, 2));
  m.workloads.push({ version: 0, name: `legacy_${i}`, type: 'ipv4', data: {}, metadata: i === 0 ? '' : 'old', description: i === 0 ? '' : 'v4 ip' });
  divergent(`legacy ipv4 workload contributes only its header #${i + 1}`, m, JSON.stringify(m), ['LegacyIpv4'], '§2.5 legacy ipv4');
}

// Go zero values for absent fields (§2.1, §2.5)
{
  const m: J = { twin_id: 5, workloads: [
    { name: 'd', type: 'zmount', data: {} },
    { name: 'g', type: 'gateway-name-proxy', data: { name: 'n', backends: ['http://1.1.1.1'] } },
    { name: 'v', type: 'zmachine', data: { flist: 'f', network: { interfaces: [{ network: 'n' }] }, compute_capacity: { cpu: 1 } } },
    { name: 'n', type: 'network', data: { subnet: '10.1.0.0/24' } },
  ], signature_requirement: { requests: [{ twin_id: 5 }] } };
  divergent('absent fields are Go zero values: 0, false, "", <nil> for an unset IP and CIDR', m, JSON.stringify(m), ['GoZeroValues'], '§2.1 absent JSON field, §2.5 zero values');
}
{
  const m: J = { version: 0, twin_id: 9, metadata: null, description: null, expiration: null, workloads: [
    { version: 0, name: 'z', type: 'zdb', data: { size: null, mode: null, password: null, public: null } },
    { version: 0, name: 'q', type: 'qsfs', data: { cache: 1 } },
  ], signature_requirement: null };
  // No grid_client-agreeing form: it cannot hash a zdb whose mode is "" (Zdb.challenge reads
  // this.mode.toString() of undefined), and the node reads "" as the zero value.
  divergent('JSON null leaves the Go zero value everywhere', m, JSON.stringify(m), ['GoZeroValues'], '§2.1 absent JSON field');
}

// Go's case-insensitive key matching (§2.4)
{
  const canonical = deployment(2);
  const input = JSON.stringify(canonical).replace(/"twin_id":/g, '"Twin_ID":').replace(/"version":/g, '"VERSION":').replace(/"name":/g, '"Name":');
  divergent('object keys in other letter cases match the Go fields', canonical, input, ['GoJsonCaseFold'], '§2.4 (Go encoding/json folds key case)', 'valid', canonical);
}

// expiration as an RFC 3339 date (§1.1: Timestamp.UnmarshalJSON)
{
  const canonical = deployment(1);
  const date = '2030-01-02T03:04:05Z';
  canonical.expiration = Date.parse(date) / 1000;
  const input = JSON.stringify({ ...canonical, expiration: date });
  divergent(`expiration given as the date ${date} is hashed as unix seconds`, canonical, input, ['TimestampString'], '§1.1 expiration (Go Timestamp accepts ISO-8601)', 'valid', canonical);
}

// 64-bit sizes above 2^53 as decimal strings (sc4it input convention; the node reads numbers)
{
  const canonical = deployment(0);
  canonical.workloads = [
    { version: 0, name: 'big', type: 'zmount', data: { size: '18446744073709551615' }, metadata: '', description: '' },
    { version: 0, name: 'db', type: 'zdb', data: { size: '9007199254740993', mode: 'seq', password: '', public: false }, metadata: '', description: '' },
  ];
  const challenge = gc.challenge(canonical); // the SDK writes the digits verbatim, as Go's %d does
  if (challenge !== referenceChallenge(canonical)) throw new Error('u64 string vector');
  valid.push({
    tcId: nextId++, comment: 'sizes 2^64-1 and 2^53+1 as decimal strings (JSON numbers on the wire)', flags: ['U64AsString'],
    result: 'acceptable', input: JSON.stringify(canonical), challenge, hash: md5(challenge),
    source: '@threefold/grid_client@2.9.2 challenge() (digits verbatim) = reference; the node hashes the same digits sent as a JSON number',
  });
}

// ---- invalid inputs: the node cannot decode them (§2.1) ------------------------------------------

function withWorkload(type: string, data: J): string {
  const m = deployment(0);
  m.workloads = [{ version: 0, name: 'w', type, data, metadata: '', description: '' }];
  return JSON.stringify(m);
}
const vmWithIp = (ip: string) => withWorkload('zmachine', { ...machine(false), network: { public_ip: '', planetary: false, interfaces: [{ network: 'n', ip }] } });
bad('interface IPv4 with a leading zero (010.20.2.2)', vmWithIp('010.20.2.2'), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip', 'Go net.ParseIP rejects leading zeros (§2.1)');
bad('interface IPv6 with a zone', vmWithIp('fe80::1%eth0'), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip', 'Go net.ParseIP rejects zones');
bad('interface IPv6 group with 5 hex digits', vmWithIp('2a02:01802::1'), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip', 'Go netip: at most 4 hex digits per group');
bad('interface IP with two ::', vmWithIp('1::2::3'), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip', 'Go netip: one :: at most');
bad('subnet prefix above 32', withWorkload('network', { ...workloadData('network'), subnet: '10.0.0.0/33' }), 'deployment.invalid_cidr', 'workloads[0].data.subnet', 'Go net.ParseCIDR');
bad('allowed ip without a prefix', withWorkload('network', { ...workloadData('network'), peers: [{ ...peer(), allowed_ips: ['10.0.0.1'] }] }), 'deployment.invalid_cidr', 'workloads[0].data.peers[0].allowed_ips[0]', 'Go net.ParseCIDR');
bad('mycelium hex_key of odd length', withWorkload('network', { ...workloadData('network'), mycelium: { hex_key: 'abc', peers: [] } }), 'deployment.invalid_hex', 'workloads[0].data.mycelium.hex_key', 'Go hex.DecodeString');
bad('qsfs key with a non-hex character', withWorkload('qsfs', (() => { const q = qsfs(); q.config.encryption.key = 'zz' + hexOf(31); return q; })()), 'deployment.invalid_hex', 'workloads[0].data.config.encryption.key', 'Go hex.DecodeString');
bad('unknown workload type', withWorkload('vm', {}), 'deployment.unknown_type', 'workloads[0].type', "zos: invalid reservation type 'vm'");
bad('workload type in upper case', withWorkload('ZMOUNT', { size: 1 }), 'deployment.unknown_type', 'workloads[0].type', 'zos: workload types match exactly');
bad('workload without data', JSON.stringify({ ...deployment(0), workloads: [{ version: 0, name: 'w', type: 'zmount', metadata: '', description: '' }] }), 'deployment.missing_data', 'workloads[0].data', 'Go: json.Unmarshal of an empty RawMessage fails');
bad('twin_id above u32', JSON.stringify({ ...deployment(0), twin_id: 4294967296 }), 'deployment.out_of_range', 'twin_id', 'Go uint32 range');
bad('negative zmount size', withWorkload('zmount', { size: -1 }), 'deployment.out_of_range', 'workloads[0].data.size', 'Go uint64 range');
bad('cpu above u8', withWorkload('zmachine', { ...machine(false), compute_capacity: { cpu: 256, memory: 1073741824 } }), 'deployment.out_of_range', 'workloads[0].data.compute_capacity.cpu', 'Go uint8 range');
bad('wireguard port above u16', withWorkload('network', { ...workloadData('network'), wireguard_listen_port: 70000 }), 'deployment.out_of_range', 'workloads[0].data.wireguard_listen_port', 'Go uint16 range');
bad('fractional version', JSON.stringify({ ...deployment(0), version: 1.5 }), 'deployment.out_of_range', 'version', 'Go: a float into uint32 fails');
bad('version as a string', JSON.stringify({ ...deployment(0), version: '1' }), 'deployment.wrong_type', 'version', 'Go: a string into uint32 fails');
bad('v4 flag as a string', withWorkload('ip', { v4: 'true', v6: false }), 'deployment.wrong_type', 'workloads[0].data.v4', 'Go: a string into bool fails');
bad('env value not a string', withWorkload('zmachine-light', { ...machine(true), env: { A: 1 } }), 'deployment.wrong_type', 'workloads[0].data.env.A', 'Go: a number into map[string]string fails');
bad('expiration not a date', JSON.stringify({ ...deployment(0), expiration: 'tomorrow' }), 'deployment.invalid_timestamp', 'expiration', 'zos Timestamp.UnmarshalJSON');

// ---- write ------------------------------------------------------------------------------------------

const notes: Record<string, { bugType: string; description: string }> = {
  SpecVector: { bugType: 'BASIC', description: 'vector V1–V3 of shared/spec/deployment-hash.md §10' },
  GridClientAgrees: { bugType: 'BASIC', description: 'expected value computed by @threefold/grid_client 2.9.2, which agrees with the node on this input' },
  Large: { bugType: 'BASIC', description: 'many workloads' },
  KeyOrder: { bugType: 'EDGE_CASE', description: 'object keys in another order; the challenge does not change' },
  Whitespace: { bugType: 'EDGE_CASE', description: 'pretty-printed JSON; the challenge does not change' },
  UnknownKeys: { bugType: 'EDGE_CASE', description: 'unknown keys are ignored, as Go encoding/json does' },
  PolkaWallet: { bugType: 'FUNCTIONALITY', description: 'signature_style polka-wallet is hashed by the node; the TS SDK never appends it (§9.1)' },
  NonCanonicalIp: { bugType: 'FUNCTIONALITY', description: 'the node re-renders IPs and CIDRs (Go net); the TS SDK writes them verbatim (§9.3)' },
  UpperCaseHex: { bugType: 'FUNCTIONALITY', description: 'the node hashes hex fields lower-case; the TS SDK verbatim (§9.3)' },
  NetworkLightNoWireguard: { bugType: 'FUNCTIONALITY', description: 'the node writes "" and 0 for absent WireGuard key and port; gc-2.9.2 writes "" and "" (§9.2)' },
  NonAsciiEnv: { bugType: 'FUNCTIONALITY', description: 'env keys sorted by UTF-8 bytes (Go sort.Strings), not UTF-16 code units (§9.6)' },
  LegacyIpv4: { bugType: 'LEGACY', description: 'deprecated ipv4 type: only the workload header is hashed (the spec notes gc-2.9.2 cannot deserialize it; with its validators off it does)' },
  GoZeroValues: { bugType: 'EDGE_CASE', description: 'absent or null fields are Go zero values; the TS SDK writes "undefined" for some' },
  GoJsonCaseFold: { bugType: 'EDGE_CASE', description: 'Go encoding/json matches keys case-insensitively (§2.4)' },
  TimestampString: { bugType: 'EDGE_CASE', description: 'Go Timestamp accepts an RFC 3339 date and hashes its unix seconds' },
  U64AsString: { bugType: 'FUNCTIONALITY', description: 'sc4it convention: integers above 2^53 as decimal strings (JSON.parse cannot hold them); the node expects JSON numbers with the same digits' },
  GoRejects: { bugType: 'BASIC', description: "the node's JSON decoding rejects the deployment; no hash may be produced" },
};

const tests = [...valid, ...invalid];
const file = {
  schema: 'hash_challenge_schema_v1',
  suite: 'hash',
  version: '1',
  generator: { tool: 'tools/gen-hash.ts', seed: SEED, oracle: '@threefold/grid_client@2.9.2' },
  header: [
    'The zos deployment challenge and its MD5 (shared/spec/deployment-hash.md §2, §3).',
    '`input` is the deployment JSON text as sent. valid: `challenge` is the exact challenge text the node',
    'builds (UTF-8) and `hash` its lower-case hex MD5. acceptable: the same, for an input form sc4it',
    'accepts though the node reads another form (see the flag). invalid: the node cannot decode the',
    'input; `error` is the sc4it error code and `field` the offending path. `gridClientHash` records',
    'what @threefold/grid_client 2.9.2 computes where it diverges from the node; `canonical`, on a divergence',
    'that has one, is a form of the same deployment the node hashes alike and grid_client agrees on',
    '(it computes `challenge` and `hash` from it). `signature` (V1–V3): ed25519 over the 16 digest bytes',
    'with the seed 0x01..0x20.',
  ],
  notes,
  numberOfTests: tests.length,
  testGroups: [
    { type: 'DeploymentChallenge', tests: valid },
    { type: 'DeploymentChallengeInvalid', tests: invalid },
  ],
};
mkdirSync(dirname(OUT), { recursive: true });
writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${tests.length} tests (${valid.length} valid/acceptable, ${invalid.length} invalid) to ${OUT}`);
