import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  DeploymentError,
  decodeDeployment,
  deploymentFromProto,
  deploymentToProto,
  encodeDeployment,
  formatDeployment,
  parseDeployment,
  type Deployment,
} from './index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(
  readFileSync(join(HERE, '..', '..', 'conformance', 'vectors', 'deployment', 'valid_test.json'), 'utf8'),
) as { testGroups: { tests: { comment: string; deployment: string }[] }[] };
/** V1–V3 exactly as printed in deployment-hash.md §10 (carried verbatim by the vector file). */
const spec = (n: 1 | 2 | 3): string =>
  vectors.testGroups.flatMap((g) => g.tests).find((t) => t.comment.startsWith(`spec vector V${n}`))!.deployment;

type J = Record<string, unknown>;
const data = (d: Deployment, i: number): J => d.workloads[i]!.data as unknown as J;

describe('parseDeployment / formatDeployment', () => {
  it('reads the spec vectors and writes back the same documents (key order aside)', () => {
    for (const n of [1, 2, 3] as const) {
      const text = spec(n);
      const out = formatDeployment(parseDeployment(text));
      // V1–V3 spell out every field, so the written document equals the input as JSON values
      expect(JSON.parse(out)).toEqual(JSON.parse(text));
    }
  });

  it('returns 64-bit integers as bigint and smaller ones as number', () => {
    const d = parseDeployment(spec(1));
    expect(d.contract_id).toBe(0n);
    expect(d.expiration).toBe(0n);
    expect(d.signature_requirement.weight_required).toBe(1n);
    expect(d.signature_requirement.requests[0]!.weight).toBe(1n);
    expect(d.twin_id).toBe(42);
    expect(data(d, 1)['size']).toBe(10737418240n);
    expect((data(d, 2)['compute_capacity'] as J)['cpu']).toBe(2);
    expect((data(d, 2)['compute_capacity'] as J)['memory']).toBe(4294967296n);
    expect(data(d, 0)['wireguard_listen_port']).toBe(6065);
  });

  it('keeps integers beyond 2^53 exact from text, bigint and decimal strings', () => {
    const max = '18446744073709551615';
    const fromText = parseDeployment(spec(1).replace('"size":10737418240', `"size":${max}`));
    expect(data(fromText, 1)['size']).toBe(2n ** 64n - 1n);
    expect(formatDeployment(fromText)).toContain(`"size":${max}`);
    const obj = JSON.parse(spec(1)) as J;
    ((obj['workloads'] as J[])[1]!['data'] as J)['size'] = 2n ** 64n - 1n;
    expect(parseDeployment(obj)).toEqual(fromText);
    ((obj['workloads'] as J[])[1]!['data'] as J)['size'] = max;
    expect(parseDeployment(obj)).toEqual(fromText);
    // 2^53 + 1 is not representable as a JS number; JSON.parse would round it
    const odd = parseDeployment(spec(1).replace('"size":10737418240', '"size":9007199254740993'));
    expect(data(odd, 1)['size']).toBe(9007199254740993n);
  });

  it('fills Go zero values and keeps Go pointers absent', () => {
    const text = JSON.stringify({
      workloads: [
        { name: 'n', type: 'network-light', data: { subnet: '10.1.2.0/24', mycelium: { hex_key: 'ab'.repeat(32) } } },
        { name: 'g', type: 'gateway-name-proxy', data: { name: 'x', backends: ['http://10.1.2.3'] } },
      ],
    });
    const d = parseDeployment(text);
    expect(d).toEqual({
      version: 0,
      twin_id: 0,
      contract_id: 0n,
      metadata: '',
      description: '',
      expiration: 0n,
      signature_requirement: { requests: [], weight_required: 0n, signatures: [], signature_style: '' },
      workloads: [
        {
          version: 0,
          name: 'n',
          type: 'network-light',
          metadata: '',
          description: '',
          data: {
            subnet: '10.1.2.0/24',
            mycelium: { hex_key: 'ab'.repeat(32), peers: [] },
            ip_range: '',
            wireguard_private_key: '',
            wireguard_listen_port: 0,
            peers: [],
          },
        },
        {
          version: 0,
          name: 'g',
          type: 'gateway-name-proxy',
          metadata: '',
          description: '',
          data: { name: 'x', tls_passthrough: false, backends: ['http://10.1.2.3'] },
        },
      ],
    });
    expect('network' in data(d, 1)).toBe(false);
    expect(formatDeployment(d)).not.toContain('"network"');
  });

  it('reads keys and nulls the way Go encoding/json does', () => {
    const base = spec(2);
    // case-insensitive match, Kelvin sign folding to k, last duplicate wins, null keeps zero
    const d = parseDeployment(base.replace('"mode":"user"', '"MODE":"seq","mode":"user","Mode":"seq"'));
    expect(data(d, 3)['mode']).toBe('seq');
    const k = parseDeployment(base.replace('"fqdn":"app.example.com"', '"\u212aey":1,"fqdn":"app.example.com"'));
    expect(data(k, 2)['fqdn']).toBe('app.example.com');
    const n = parseDeployment(base.replace('"password":"pa$$w0rd"', '"password":null'));
    expect(data(n, 3)['password']).toBe('');
    // a repeated struct key merges into the same struct, as Go decodes into the existing value …
    const m = parseDeployment(spec(1).replace('"compute_capacity":{"cpu":2,"memory":4294967296}', '"compute_capacity":{"cpu":3},"compute_capacity":{"memory":4294967296}'));
    expect(data(m, 2)['compute_capacity']).toEqual({ cpu: 3, memory: 4294967296n });
    // … but workload `data` is a json.RawMessage: the last one replaces the first
    const r = parseDeployment(base.replace('"data":{"v4":true,"v6":false}', '"data":{"v4":true},"data":{"v6":true}'));
    expect(data(r, 0)).toEqual({ v4: false, v6: true });
  });

  it('turns lone surrogate escapes into U+FFFD like Go, and refuses absurd nesting', () => {
    const d = parseDeployment(spec(1).replace('"description":"test vector 1"', '"description":"a\\ud800b\\udc00c\\ud83d\\ude00"'));
    expect(d.description).toBe('a\ufffdb\ufffdc\u{1f600}');
    const deep = '['.repeat(100_000) + ']'.repeat(100_000);
    expect(() => parseDeployment(deep)).toThrow(DecodeError);
  });

  it('names the field in errors', () => {
    try {
      parseDeployment(spec(1).replace('"cpu":2', '"cpu":0'));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DeploymentError);
      expect((e as DeploymentError).field).toBe('workloads[2].data.compute_capacity.cpu');
      expect((e as DeploymentError).code).toBe('deployment.zmachine_cpu_zero');
    }
  });

  it('skips the Valid() rules on request, not the decoding', () => {
    const bad = spec(1).replace('"cpu":2', '"cpu":0');
    expect(data(parseDeployment(bad, { validate: false }), 2)['compute_capacity']).toEqual({ cpu: 0, memory: 4294967296n });
    expect(() => parseDeployment(bad.replace('"cpu":0', '"cpu":-1'), { validate: false })).toThrow(DeploymentError);
  });
});

// ---- generators for property tests -------------------------------------------------------------

const u64 = fc.bigInt({ min: 1n, max: 2n ** 64n - 1n });
const text = fc.string({ maxLength: 12 });
const wname = fc.stringMatching(/^[a-zA-Z0-9_]{1,8}$/);
const cidr4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(32)).map(([a, b, p]) => `10.${a}.${b}.0/${p}`);
const ip = fc.oneof(
  fc.tuple(fc.nat(255), fc.nat(255)).map(([a, b]) => `10.20.${a}.${b}`),
  fc.constantFrom('2a02:1802:5e::2', '2a02:1802:005e:0000::0002', 'fe80::1', '::ffff:1.2.3.4'),
);
const hexOf = (n: number): fc.Arbitrary<string> =>
  fc.uint8Array({ minLength: n, maxLength: n }).chain((b) =>
    fc.boolean().map((upper) => {
      const h = Buffer.from(b).toString('hex');
      return upper ? h.toUpperCase() : h;
    }),
  );
const mycelium = fc.record({ hex_key: hexOf(32), peers: fc.constant([]) });
const peer = fc.record({ subnet: cidr4, wireguard_public_key: fc.string({ minLength: 1, maxLength: 8 }), allowed_ips: fc.array(cidr4, { minLength: 1, maxLength: 2 }), endpoint: text });
const machineNet = fc.record({ network: wname.filter((n) => !['ygg', 'pub', 'mycelium'].includes(n)), ip });
const machine = (light: boolean): fc.Arbitrary<J> =>
  fc.record(
    {
      flist: text,
      network: light
        ? fc.record({ interfaces: machineNet.map((x) => [x]), mycelium: fc.record({ network: wname, hex_seed: hexOf(6) }) }, { requiredKeys: ['interfaces'] })
        : fc.record(
            { public_ip: fc.constant(''), planetary: fc.boolean(), interfaces: machineNet.map((x) => [x]), mycelium: fc.record({ network: wname, hex_seed: hexOf(6) }) },
            { requiredKeys: ['interfaces'] },
          ),
      size: fc.oneof(fc.constant(0n), fc.bigInt({ min: 2n ** 31n, max: 2n ** 64n - 1n })),
      compute_capacity: fc.record({ cpu: fc.integer({ min: 1, max: 255 }), memory: fc.bigInt({ min: 262144000n, max: 2n ** 64n - 1n }) }),
      mounts: fc.array(fc.record({ name: wname, mountpoint: text }), { maxLength: 2 }),
      entrypoint: text,
      env: fc.dictionary(fc.string({ minLength: 1, maxLength: 6 }).filter((k) => k !== '__proto__'), text, { maxKeys: 3 }),
      corex: fc.boolean(),
      gpu: fc.array(text, { maxLength: 2 }),
    },
    { requiredKeys: ['network', 'compute_capacity'] },
  );
const backend = fc.tuple(fc.nat(255), fc.integer({ min: 1, max: 65535 })).map(([a, p]) => `http://10.0.${a}.1:${p}`);
const qsfsBackend = fc.record({ address: text, namespace: text, password: text });
const workloadData: fc.Arbitrary<[string, J]> = fc.oneof(
  fc.record({ size: u64 }).map((d) => ['zmount', d] as [string, J]),
  fc.record({ size: u64 }).map((d) => ['volume', d] as [string, J]),
  fc.record({ size: u64, mode: fc.constantFrom('user', 'seq'), password: text, public: fc.boolean() }).map((d) => ['zdb', d] as [string, J]),
  fc.constant(['ipv4', {}] as [string, J]),
  fc.record({ v4: fc.boolean(), v6: fc.boolean() }).filter((d) => d.v4 || d.v6).map((d) => ['ip', d] as [string, J]),
  fc
    .record(
      { ip_range: cidr4, subnet: cidr4, wireguard_private_key: fc.string({ minLength: 1, maxLength: 8 }), wireguard_listen_port: fc.integer({ min: 0, max: 65535 }), peers: fc.array(peer, { maxLength: 2 }), mycelium },
      { requiredKeys: ['ip_range', 'subnet', 'wireguard_private_key'] },
    )
    .map((d) => ['network', d] as [string, J]),
  fc
    .record(
      { subnet: cidr4, mycelium, ip_range: cidr4, wireguard_private_key: text, wireguard_listen_port: fc.integer({ min: 0, max: 65535 }), peers: fc.array(peer, { maxLength: 1 }) },
      { requiredKeys: ['subnet', 'mycelium'] },
    )
    .map((d) => ['network-light', d] as [string, J]),
  machine(false).map((d) => ['zmachine', d] as [string, J]),
  machine(true).map((d) => ['zmachine-light', d] as [string, J]),
  fc
    .record({ name: fc.stringMatching(/^[a-zA-Z0-9_-]{1,8}$/), tls_passthrough: fc.constant(false), backends: fc.array(backend, { minLength: 1, maxLength: 2 }), network: wname }, { requiredKeys: ['name', 'backends'] })
    .map((d) => ['gateway-name-proxy', d] as [string, J]),
  fc
    .record({ fqdn: fc.constantFrom('a.example.com', 'x_y.io'), tls_passthrough: fc.constant(true), backends: fc.constant(['1.2.3.4:443', '[2a02::1]:8443']), network: wname }, { requiredKeys: ['fqdn', 'tls_passthrough', 'backends'] })
    .map((d) => ['gateway-fqdn-proxy', d] as [string, J]),
  fc
    .tuple(u64, fc.nat(10), fc.nat(10), hexOf(32), fc.array(qsfsBackend, { maxLength: 2 }))
    .map(([cache, a, b, key, backends]) => [
      'qsfs',
      {
        cache,
        config: {
          minimal_shards: Math.min(a, b),
          expected_shards: Math.max(a, b),
          redundant_groups: a,
          redundant_nodes: b,
          max_zdb_data_dir_size: 32,
          encryption: { algorithm: 'AES', key },
          meta: { type: 'zdb', config: { prefix: 'p', encryption: { algorithm: 'AES', key }, backends } },
          groups: [{ backends }],
          compression: { algorithm: 'snappy' },
        },
      },
    ] as [string, J]),
);
const deployment: fc.Arbitrary<J> = fc
  .record({
    version: fc.nat(5),
    twin_id: fc.integer({ min: 0, max: 0xffff_ffff }),
    contract_id: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    metadata: text,
    description: text,
    expiration: fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }),
    signature_requirement: fc.record({
      requests: fc.array(fc.record({ twin_id: fc.nat(), required: fc.boolean(), weight: u64 }), { maxLength: 2 }),
      weight_required: u64,
      signatures: fc.array(fc.record({ twin_id: fc.nat(), signature: hexOf(64), signature_type: fc.constantFrom('ed25519', 'sr25519') }), { maxLength: 1 }),
      signature_style: fc.constantFrom('', 'polka-wallet'),
    }),
    workloads: fc.array(fc.tuple(workloadData, text, fc.boolean()), { maxLength: 5 }),
  })
  .map((d) => ({
    ...d,
    workloads: d.workloads.map(([[type, wdata], meta, withResult], i) => ({
      version: i % (d.version + 1),
      name: `w${i}`,
      type,
      data: wdata,
      metadata: meta,
      description: '',
      ...(withResult ? { result: { created: 1_700_000_000n, state: 'ok', message: '', data: { id: `x${i}`, big: 2n ** 60n } } } : {}),
    })),
  }));

/** Shuffles object keys at every level and re-serialises with whitespace; bigint as bare numbers. */
function reshuffle(v: unknown, rnd: () => number): string {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return `[ ${v.map((x) => reshuffle(x, rnd)).join(' , ')} ]`;
  if (v !== null && typeof v === 'object') {
    const entries = Object.entries(v);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return `{\n ${entries.map(([k, x]) => `${JSON.stringify(k)} : ${reshuffle(x, rnd)}`).join(',\n ')} }`;
  }
  return JSON.stringify(v);
}

describe('codec properties (fast-check)', () => {
  it('generated deployments are valid, and parse ∘ format is the identity on parsed data', () => {
    fc.assert(
      fc.property(deployment, (obj) => {
        const d = parseDeployment(obj);
        const text = formatDeployment(d);
        expect(parseDeployment(text)).toEqual(d);
        expect(formatDeployment(text)).toBe(text);
      }),
      { numRuns: 150 },
    );
  });

  it('ignores key order, whitespace and unknown keys', () => {
    fc.assert(
      fc.property(deployment, fc.integer(), (obj, seed) => {
        let s = seed >>> 0;
        const rnd = (): number => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
        const d = parseDeployment(obj);
        const withUnknown = { ...obj, unknown_key: [1, { x: null }], __type: 'x' };
        expect(parseDeployment(reshuffle(withUnknown, rnd))).toEqual(d);
      }),
      { numRuns: 100 },
    );
  });

  it('protobuf round trip is lossless (bytes and message)', () => {
    fc.assert(
      fc.property(deployment, (obj) => {
        const d = parseDeployment(obj);
        expect(decodeDeployment(encodeDeployment(d))).toEqual(d);
        expect(deploymentFromProto(deploymentToProto(d))).toEqual(d);
        expect(formatDeployment(decodeDeployment(encodeDeployment(d)))).toBe(formatDeployment(d));
      }),
      { numRuns: 150 },
    );
  });
});

describe('protobuf schema (reflection oracle)', () => {
  it('bytes from the generated code read back through protobufjs reflection of proto/sc4it.proto', () => {
    // protobufjs' full build parses the .proto at run time: an independent path from pbjs output.
    const require = createRequire(import.meta.url);
    const protobuf = require('protobufjs') as typeof import('protobufjs');
    const root = protobuf.loadSync(join(HERE, '..', 'proto', 'sc4it.proto'));
    const T = root.lookupType('sc4it.v1.Deployment');
    const d = parseDeployment(spec(3).replace('"cache":268435456', '"cache":18446744073709551615'));
    const o = T.toObject(T.decode(encodeDeployment(d)), { longs: String, defaults: false, oneofs: true }) as J;
    const wls = o['workloads'] as J[];
    expect(wls.map((w) => w['data'])).toEqual(['networkLight', 'zmachineLight', 'qsfs']);
    expect((wls[2]!['qsfs'] as J)['cache']).toBe('18446744073709551615');
    expect(((wls[1]!['zmachineLight'] as J)['network'] as J)['mycelium']).toEqual({ network: 'lnet', hexSeed: 'a1b2c3d4e5f6' });
    expect((wls[0]!['networkLight'] as J)['wireguardListenPort']).toBe(3011);
    expect(o['twinId']).toBe(11);
  });

  it('rejects garbage and inconsistent messages with DecodeError', () => {
    expect(() => decodeDeployment(new Uint8Array([0x42, 0x05]))).toThrow(DecodeError);
    // workload type says zmount, but no zmount data
    expect(() => deploymentFromProto({ workloads: [{ name: 'a', type: 'zmount' }] })).toThrow(DecodeError);
    expect(() => deploymentFromProto({ workloads: [{ name: 'a', type: 'nope', zmount: { size: 1 as never } }] })).toThrow(DecodeError);
  });
});

describe('fuzz: bad input only ever gives typed errors', () => {
  const typed = (e: unknown): boolean => e instanceof DeploymentError || (e instanceof DecodeError && e.code === 'decode.json');

  it('random JSON values and texts', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.string({ maxLength: 40 }), (v, s) => {
        for (const input of [v, JSON.stringify(v), s, `{"workloads":[${s}]}`]) {
          try {
            parseDeployment(input);
          } catch (e) {
            if (!typed(e)) throw e;
          }
        }
      }),
      { numRuns: 400 },
    );
  });

  it('spec vectors with one subtree replaced by random JSON', () => {
    const bases = [1, 2, 3].map((n) => JSON.parse(spec(n as 1 | 2 | 3)) as unknown);
    const paths = (v: unknown, at: (string | number)[] = []): (string | number)[][] => {
      if (v === null || typeof v !== 'object') return [at];
      const kids = Array.isArray(v) ? v.map((x, i) => paths(x, [...at, i])) : Object.entries(v).map(([k, x]) => paths(x, [...at, k]));
      return [at, ...kids.flat()];
    };
    const all = bases.map((b) => paths(b));
    fc.assert(
      fc.property(fc.nat(2), fc.nat(), fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 2 ** 64, '', 'x', 1.5, null, [], {})), (bi, pi, repl) => {
        const doc = structuredClone(bases[bi]) as J;
        const ps = all[bi]!;
        const path = ps[pi % ps.length]!;
        if (path.length === 0) return;
        let cur: J = doc;
        for (const k of path.slice(0, -1)) cur = cur[k as string] as J;
        cur[path[path.length - 1] as string] = repl;
        try {
          const d = parseDeployment(doc);
          expect(parseDeployment(formatDeployment(d))).toEqual(d);
        } catch (e) {
          if (!typed(e)) throw e;
        }
      }),
      { numRuns: 600 },
    );
  });
});
