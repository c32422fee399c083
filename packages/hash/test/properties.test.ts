import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deploymentChallenge, deploymentHash } from '../src/index.ts';

// Properties from deployment-hash.md §2: the challenge depends on the decoded values only (not on
// key order, whitespace or unknown keys), on every hashed field, and on nothing else
// (contract_id, signatures, results and corex are outside it).

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const IPS = ['10.20.2.2', '192.168.1.7', '2a02:1802:5e::2', 'fd00:1:2::5', '100.64.20.3'];
const CIDRS = ['10.20.0.0/16', '10.20.2.5/24', '2a02:1802:5e::/64', '100.64.20.3/32', 'fd00::/8'];

const str = fc.string({ maxLength: 12 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.oneof(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
const hex = (bytes: number) => fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((b) => Buffer.from(b).toString('hex'));
const ip = fc.constantFrom(...IPS);
const cidr = fc.constantFrom(...CIDRS);
const list = <T>(a: fc.Arbitrary<T>, max = 3) => fc.array(a, { maxLength: max });

const peer = fc.record({ subnet: cidr, wireguard_public_key: str, allowed_ips: list(cidr), endpoint: str });
const mycelium = fc.record({ hex_key: hex(32), peers: list(str, 2) });
const networkData = fc.record(
  {
    ip_range: cidr,
    subnet: cidr,
    wireguard_private_key: str,
    wireguard_listen_port: fc.integer({ min: 0, max: 65535 }),
    peers: list(peer),
    mycelium,
  },
  { requiredKeys: ['ip_range', 'subnet', 'wireguard_private_key', 'wireguard_listen_port', 'peers'] },
);
const machineData = (light: boolean) =>
  fc.record(
    {
      flist: str,
      network: fc.record(
        {
          ...(light ? {} : { public_ip: str, planetary: fc.boolean() }),
          interfaces: list(fc.record({ network: str, ip }), 2),
          mycelium: fc.record({ network: str, hex_seed: hex(6) }),
        },
        { requiredKeys: light ? ['interfaces'] : ['interfaces', 'public_ip', 'planetary'] },
      ),
      size: u64,
      compute_capacity: fc.record({ cpu: fc.integer({ min: 0, max: 255 }), memory: u64 }),
      mounts: list(fc.record({ name: str, mountpoint: str })),
      entrypoint: str,
      env: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }), str, { maxKeys: 4 }),
      corex: fc.boolean(),
      gpu: list(str, 2),
    },
    { requiredKeys: ['flist', 'network', 'size', 'compute_capacity', 'mounts', 'entrypoint', 'env', 'corex'] },
  );
const gateway = (label: 'name' | 'fqdn') =>
  fc.record(
    { [label]: str, tls_passthrough: fc.boolean(), backends: list(str), network: str },
    { requiredKeys: [label, 'tls_passthrough', 'backends'] },
  );
const backend = fc.record({ address: str, namespace: str, password: str });
const encryption = fc.record({ algorithm: str, key: hex(32) });
const qsfsData = fc.record({
  cache: u64,
  config: fc.record({
    minimal_shards: u32,
    expected_shards: u32,
    redundant_groups: u32,
    redundant_nodes: u32,
    max_zdb_data_dir_size: u32,
    encryption,
    meta: fc.record({ type: str, config: fc.record({ prefix: str, encryption, backends: list(backend) }) }),
    groups: list(fc.record({ backends: list(backend) }), 2),
    compression: fc.record({ algorithm: str }),
  }),
});

const DATA: Record<string, fc.Arbitrary<J>> = {
  zmount: fc.record({ size: u64 }),
  volume: fc.record({ size: u64 }),
  zdb: fc.record({ size: u64, mode: str, password: str, public: fc.boolean() }),
  ipv4: fc.constant({}),
  ip: fc.record({ v4: fc.boolean(), v6: fc.boolean() }),
  network: networkData,
  'network-light': networkData.map((d) => ({ ...d, mycelium: d.mycelium ?? { hex_key: '', peers: [] } })),
  zmachine: machineData(false),
  'zmachine-light': machineData(true),
  'gateway-name-proxy': gateway('name'),
  'gateway-fqdn-proxy': gateway('fqdn'),
  qsfs: qsfsData,
  zlogs: fc.record({ zmachine: str, output: str }),
};

const workload = fc.constantFrom(...Object.keys(DATA)).chain((type) =>
  fc.record({
    version: u32,
    name: str,
    type: fc.constant(type),
    metadata: str,
    description: str,
    data: DATA[type]!,
  }),
);

const deployment = fc.record({
  version: u32,
  twin_id: u32,
  contract_id: u64,
  metadata: str,
  description: str,
  expiration: fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  signature_requirement: fc.record({
    requests: list(fc.record({ twin_id: u32, required: fc.boolean(), weight: u64 })),
    weight_required: u64,
    signatures: fc.constant([]),
    signature_style: fc.constantFrom('', 'polka-wallet'),
  }),
  workloads: list(workload, 4),
}) as fc.Arbitrary<J>;

// ---- helpers --------------------------------------------------------------------------------------

/** A small seeded PRNG so reshuffles are reproducible from the fast-check seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Shuffles keys, adds unknown keys to structs (never to the `env` map). */
function disguise(v: unknown, rnd: () => number, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => disguise(x, rnd));
  if (v === null || typeof v !== 'object') return v;
  const entries = Object.entries(v as J).map(([k, x]) => [k, key === 'env' ? x : disguise(x, rnd, k)] as [string, unknown]);
  if (key !== 'env' && rnd() < 0.7) entries.push([rnd() < 0.5 ? '__type' : 'zz_unknown', { n: rnd(), list: [1, 'x'] }]);
  for (let i = entries.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return Object.fromEntries(entries);
}

const toText = (v: unknown, rnd: () => number) =>
  JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}` : x), rnd() < 0.5 ? undefined : rnd() < 0.5 ? 2 : '\t');
// bigints travel as decimal strings (the package's documented input form for 64-bit values)

interface Leaf {
  parent: J | unknown[];
  key: string | number;
  path: string;
}

const NOT_HASHED = /(^contract_id$|^signature_requirement\.signatures|\.result(\.|$)|\.data\.corex$)/;

/** Every scalar leaf of the deployment that the spec hashes (all generated fields but the excluded). */
function hashedLeaves(d: J): Leaf[] {
  const out: Leaf[] = [];
  const walk = (v: unknown, path: string) => {
    if (Array.isArray(v)) v.forEach((x, i) => (x !== null && typeof x === 'object' ? walk(x, `${path}[${i}]`) : out.push({ parent: v, key: i, path: `${path}[${i}]` })));
    else if (v !== null && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as J)) {
        const p = path === '' ? k : `${path}.${k}`;
        if (x !== null && typeof x === 'object') walk(x, p);
        else out.push({ parent: v as J, key: k, path: p });
      }
    }
  };
  walk(d, '');
  return out.filter((l) => !NOT_HASHED.test(l.path) && !/^workloads\[\d+\]\.type$/.test(l.path));
}

/** A different value of the same kind whose rendering differs. */
function mutate(leaf: Leaf): void {
  const p = leaf.parent as J;
  const v = p[leaf.key];
  const name = String(leaf.key);
  const inList = typeof leaf.key === 'number';
  const field = inList ? /\.(\w+)\[\d+\]$/.exec(leaf.path)?.[1] ?? '' : name;
  if (typeof v === 'boolean') p[leaf.key] = !v;
  else if (typeof v === 'bigint') p[leaf.key] = v === 0n ? 1n : v - 1n;
  else if (typeof v === 'number') p[leaf.key] = v === 0 ? 1 : v - 1;
  else if (typeof v === 'string') {
    if (field === 'ip') p[leaf.key] = IPS[(IPS.indexOf(v) + 1) % IPS.length];
    else if (['ip_range', 'subnet', 'allowed_ips'].includes(field)) p[leaf.key] = CIDRS[(CIDRS.indexOf(v) + 1) % CIDRS.length];
    else if (['hex_key', 'hex_seed', 'key'].includes(field)) p[leaf.key] = v === '' ? '00' : (v[0] === '0' ? '1' : '0') + v.slice(1);
    else p[leaf.key] = `${v}x`;
  } else throw new Error(`unexpected leaf ${leaf.path}`);
}

// ---- properties -----------------------------------------------------------------------------------

describe('properties (fast-check)', () => {
  it('ignores key order, whitespace and unknown keys', () => {
    fc.assert(
      fc.property(deployment, fc.integer(), (d, seed) => {
        const rnd = prng(seed);
        const plain = JSON.parse(toText(d, rnd)) as J;
        const disguised = JSON.parse(toText(disguise(d, rnd), rnd)) as J;
        expect(deploymentChallenge(disguised)).toBe(deploymentChallenge(plain));
        expect(deploymentHash(disguised)).toBe(deploymentHash(plain));
        expect(deploymentHash(d)).toBe(deploymentHash(plain)); // bigint and decimal string agree
      }),
      { numRuns: 150 },
    );
  });

  it('changes when any hashed field changes', () => {
    fc.assert(
      fc.property(deployment, fc.nat(), (d, choice) => {
        const leaves = hashedLeaves(d);
        fc.pre(leaves.length > 0);
        const before = deploymentHash(d);
        const leaf = leaves[choice % leaves.length]!;
        mutate(leaf);
        expect(deploymentHash(d), leaf.path).not.toBe(before);
      }),
      { numRuns: 400 },
    );
  });

  it('changes when a list gains an element (requests, workloads, peers, mounts, gpu, env)', () => {
    fc.assert(
      fc.property(deployment, (d) => {
        const before = deploymentHash(d);
        const copy = structuredClone(d);
        copy.signature_requirement.requests.push({ twin_id: 1, required: false, weight: 1 });
        expect(deploymentHash(copy)).not.toBe(before);
        const more = structuredClone(d);
        more.workloads.push({ version: 0, name: 'extra', type: 'ipv4', metadata: '', description: '', data: {} });
        expect(deploymentHash(more)).not.toBe(before);
      }),
      { numRuns: 100 },
    );
  });

  it('does not change when contract_id, signatures, results or corex change', () => {
    fc.assert(
      fc.property(deployment, u64, fc.array(fc.record({ twin_id: u32, signature: hex(64), signature_type: fc.constantFrom('ed25519', 'sr25519') }), { maxLength: 3 }), (d, contractId, signatures) => {
        const before = deploymentHash(d);
        const other = structuredClone(d);
        other.contract_id = contractId;
        other.signature_requirement.signatures = signatures;
        for (const w of other.workloads) {
          w.result = { created: 1700000000, state: 'ok', message: 'done', data: { id: 'x', ip: '10.0.0.1' } };
          if ('corex' in w.data) w.data.corex = !w.data.corex;
        }
        expect(deploymentHash(other)).toBe(before);
      }),
      { numRuns: 150 },
    );
  });

  it('never throws anything but a typed error on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.jsonValue(), (top, data) => {
        for (const input of [top, { workloads: [{ type: 'zmachine', data }] }, { signature_requirement: data }]) {
          try {
            deploymentHash(input as object);
          } catch (err) {
            expect((err as { code?: unknown }).code).toMatch(/^(deployment|decode)\.[a-z_]+$/);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

// ---- fast path (exact field names) against Go's key-by-key matching ------------------------------
// Objects whose keys are all exact field names are read directly; any other key sends the object
// through Go's case-insensitive matching. Both must decode the same logical deployment alike.

/** `key` in another letter case (never itself), sometimes with Go's extra folds K (U+212A) and ſ (U+017F). */
function recase(key: string, rnd: () => number): string {
  for (;;) {
    let out = '';
    for (const c of key) {
      const r = rnd();
      if (c === 'k' && r < 0.15) out += '\u212a';
      else if (c === 's' && r < 0.15) out += '\u017f';
      else out += r < 0.5 ? c.toUpperCase() : c;
    }
    if (out !== key) return out;
  }
}

/** Re-cases the keys of every struct (never the keys of the `env` map, which are data). */
function recaseAll(v: unknown, rnd: () => number, key = ''): unknown {
  if (Array.isArray(v)) return v.map((x) => recaseAll(x, rnd));
  if (v === null || typeof v !== 'object') return v;
  if (key === 'env') return v;
  return Object.fromEntries(Object.entries(v as J).map(([k, x]) => [rnd() < 0.6 ? recase(k, rnd) : k, recaseAll(x, rnd, k)]));
}

/** Rebuilds the object holding `leaf` with an extra key `alias` → `value`, first or last. */
function withAlias(leaf: Leaf, alias: string, value: unknown, first: boolean): void {
  const parent = leaf.parent as J;
  const entries = Object.entries(parent);
  for (const k of Object.keys(parent)) delete parent[k];
  if (first) parent[alias] = value;
  for (const [k, x] of entries) parent[k] = x;
  if (!first) parent[alias] = value;
}

describe('fast path and Go key matching agree (fast-check)', () => {
  it('keys in any letter case (and with K / ſ) decode like the exact names', () => {
    fc.assert(
      fc.property(deployment, fc.integer(), (d, seed) => {
        const rnd = prng(seed);
        const plain = JSON.parse(toText(d, rnd)) as J;
        const recased = JSON.parse(toText(recaseAll(plain, rnd), rnd)) as J;
        expect(deploymentChallenge(recased)).toBe(deploymentChallenge(plain));
        expect(deploymentHash(recased)).toBe(deploymentHash(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('a case-insensitive alias of a field wins when it comes last, and loses when it comes first', () => {
    fc.assert(
      fc.property(deployment, fc.nat(), fc.integer(), (d, choice, seed) => {
        const rnd = prng(seed);
        const plain = structuredClone(d); // keeps bigints, so every leaf mutates to a valid value
        const leaves = hashedLeaves(plain).filter((l) => typeof l.key === 'string' && !/\.env\./.test(l.path));
        fc.pre(leaves.length > 0);
        const pick = choice % leaves.length;
        // Expected values come from objects with exact names only (the fast path).
        const original = deploymentChallenge(plain);
        const changed = structuredClone(plain);
        const changedLeaf = hashedLeaves(changed).filter((l) => typeof l.key === 'string' && !/\.env\./.test(l.path))[pick]!;
        mutate(changedLeaf);
        const newValue = (changedLeaf.parent as J)[changedLeaf.key];
        const expectedChanged = deploymentChallenge(changed);
        expect(expectedChanged).not.toBe(original);

        for (const first of [true, false]) {
          const aliased = structuredClone(plain);
          const leaf = hashedLeaves(aliased).filter((l) => typeof l.key === 'string' && !/\.env\./.test(l.path))[pick]!;
          withAlias(leaf, recase(String(leaf.key), rnd), newValue, first);
          expect(deploymentChallenge(aliased), `${leaf.path} alias ${first ? 'first' : 'last'}`).toBe(first ? original : expectedChanged);
        }
      }),
      { numRuns: 300 },
    );
  });
});
