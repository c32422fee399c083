import { createHash } from 'node:crypto';
import { DecodeError, DeploymentError, type Sc4itError } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { deploymentChallenge, deploymentHash } from '../src/index.ts';

// Expected challenges below are written by hand from the rules of deployment-hash.md §2
// (Go fmt verbs, zero values, net.IP rendering, field order per type), not computed by the code.

const HEAD = '010'; // version 0, twin 1, metadata "", description "", expiration 0
const TAIL = '1false11'; // request {1,false,1}, weight_required 1, signature_style ""

function dep(workloads: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 0,
    twin_id: 1,
    metadata: '',
    description: '',
    expiration: 0,
    workloads,
    signature_requirement: { requests: [{ twin_id: 1, required: false, weight: 1 }], weight_required: 1, signatures: [] },
    ...extra,
  };
}
const wl = (type: string, data: unknown, name = 'w') => ({ version: 0, name, type, metadata: '', description: '', data });
const challengeOf = (workloads: unknown[]) => deploymentChallenge(dep(workloads));

function errorOf(f: () => unknown): Sc4itError {
  try {
    f();
  } catch (err) {
    return err as Sc4itError;
  }
  throw new Error('expected an error');
}

describe('Go zero values (§2.1, §2.5)', () => {
  it('an empty object is the zero deployment', () => {
    expect(deploymentChallenge({})).toBe('0' + '0' + '' + '' + '0' + '0' + '');
  });

  it('absent fields of every type are written as Go zero values', () => {
    expect(challengeOf([wl('zmount', {})])).toBe(`${HEAD}0wzmount0${TAIL}`);
    expect(challengeOf([wl('volume', {})])).toBe(`${HEAD}0wvolume0${TAIL}`);
    expect(challengeOf([wl('zdb', {})])).toBe(`${HEAD}0wzdb0false${TAIL}`);
    expect(challengeOf([wl('ip', {})])).toBe(`${HEAD}0wipfalsefalse${TAIL}`);
    expect(challengeOf([wl('ipv4', {})])).toBe(`${HEAD}0wipv4${TAIL}`);
    expect(challengeOf([wl('network', {})])).toBe(`${HEAD}0wnetwork<nil><nil>0${TAIL}`);
    // network-light: mycelium is a plain struct, always written (empty key -> "")
    expect(challengeOf([wl('network-light', {})])).toBe(`${HEAD}0wnetwork-light<nil><nil>0${TAIL}`);
    expect(challengeOf([wl('zmachine', {})])).toBe(`${HEAD}0wzmachinefalse000${TAIL}`);
    expect(challengeOf([wl('zmachine-light', {})])).toBe(`${HEAD}0wzmachine-light000${TAIL}`);
    expect(challengeOf([wl('gateway-name-proxy', {})])).toBe(`${HEAD}0wgateway-name-proxyfalse${TAIL}`);
    expect(challengeOf([wl('gateway-fqdn-proxy', {})])).toBe(`${HEAD}0wgateway-fqdn-proxyfalse${TAIL}`);
    expect(challengeOf([wl('qsfs', {})])).toBe(`${HEAD}0wqsfs000000${TAIL}`);
    expect(challengeOf([wl('zlogs', {})])).toBe(`${HEAD}0wzlogs${TAIL}`);
  });

  it('null is the zero value too', () => {
    const d = dep([wl('zmachine', { flist: null, size: null, network: null, env: null, gpu: null, mounts: null })], {
      metadata: null,
      expiration: null,
    });
    expect(deploymentChallenge(d)).toBe(`${HEAD}0wzmachinefalse000${TAIL}`);
  });

  it('an interface without ip renders <nil>, an empty CIDR <nil>', () => {
    const vm = wl('zmachine-light', { network: { interfaces: [{ network: 'n' }, { network: 'm', ip: '' }] } });
    expect(challengeOf([vm])).toBe(`${HEAD}0wzmachine-lightn<nil>m<nil>000${TAIL}`);
    const net = wl('network', { ip_range: '', subnet: '10.1.0.0/24', peers: [{ allowed_ips: ['', null] }] });
    expect(challengeOf([net])).toBe(`${HEAD}0wnetwork<nil>10.1.0.0/240<nil><nil><nil>${TAIL}`);
  });

  it('network-light without WireGuard writes "" and 0 for key and port (§9.2)', () => {
    const light = wl('network-light', { subnet: '10.30.2.0/24', mycelium: { hex_key: 'AB', peers: [] } });
    expect(challengeOf([light])).toBe(`${HEAD}0wnetwork-light<nil>10.30.2.0/240ab${TAIL}`);
  });
});

describe('per-type rules', () => {
  it('network mycelium only when present; network-light always', () => {
    const net = (m: unknown) => wl('network', { ip_range: '10.0.0.0/16', subnet: '10.0.1.0/24', wireguard_listen_port: 1, mycelium: m });
    expect(challengeOf([net(undefined)])).toBe(`${HEAD}0wnetwork10.0.0.0/1610.0.1.0/241${TAIL}`);
    expect(challengeOf([net(null)])).toBe(`${HEAD}0wnetwork10.0.0.0/1610.0.1.0/241${TAIL}`);
    expect(challengeOf([net({ hex_key: '0A0b', peers: ['p1', 'p2'] })])).toBe(
      `${HEAD}0wnetwork10.0.0.0/1610.0.1.0/2410a0bp1p2${TAIL}`,
    );
  });

  it('peers: key, endpoint, subnet, then each allowed ip', () => {
    const net = wl('network', {
      peers: [{ subnet: '10.1.0.5/24', wireguard_public_key: 'K', allowed_ips: ['10.1.0.0/24', '2001:DB8::0001/64'], endpoint: 'e:1' }],
    });
    expect(challengeOf([net])).toBe(`${HEAD}0wnetwork<nil><nil>0Ke:110.1.0.5/2410.1.0.0/242001:db8::1/64${TAIL}`);
  });

  it('IPs and CIDRs are canonicalised as Go net does; strings holding addresses are not', () => {
    const vm = wl('zmachine', {
      network: { public_ip: '', planetary: false, interfaces: [{ network: 'n', ip: '2a02:1802:005e:0000::0002' }] },
    });
    expect(challengeOf([vm])).toBe(`${HEAD}0wzmachinefalsen2a02:1802:5e::2000${TAIL}`);
    const mapped = wl('zmachine-light', { network: { interfaces: [{ network: 'n', ip: '::ffff:10.0.0.1' }] } });
    expect(challengeOf([mapped])).toBe(`${HEAD}0wzmachine-lightn10.0.0.1000${TAIL}`);
    const gw = wl('gateway-fqdn-proxy', { fqdn: 'a.b', backends: ['[2A02:1802:005E::0001]:80'] });
    expect(challengeOf([gw])).toBe(`${HEAD}0wgateway-fqdn-proxya.bfalse[2A02:1802:005E::0001]:80${TAIL}`);
  });

  it('hex fields are lower-cased (hex_seed, hex_key, qsfs key)', () => {
    const vm = wl('zmachine-light', { network: { interfaces: [], mycelium: { network: 'n', hex_seed: 'A1B2C3D4E5F6' } } });
    expect(challengeOf([vm])).toBe(`${HEAD}0wzmachine-lightna1b2c3d4e5f6000${TAIL}`);
    const qsfs = wl('qsfs', { cache: 1, config: { encryption: { algorithm: 'AES', key: 'C0FFEE' } } });
    expect(challengeOf([qsfs])).toBe(`${HEAD}0wqsfs100000AESc0ffee${TAIL}`);
  });

  it('env sorted by UTF-8 byte order, k=v, then gpu ids after env; corex not hashed', () => {
    const env = { b: '2', A: '1', a: '0', '\u{1F600}': 'astral', '\uFF5E': 'bmp' };
    const vm = wl('zmachine-light', { env, gpu: ['g1', 'g2'], corex: true });
    // Byte order: "A" < "a" < "b" < U+FF5E (ef bd 9e) < U+1F600 (f0 9f 98 80). JS's default
    // UTF-16 sort would put the astral key first (surrogates 0xD83D < 0xFF5E).
    expect(challengeOf([vm])).toBe(`${HEAD}0wzmachine-light000A=1a=0b=2\uFF5E=bmp\u{1F600}=astralg1g2${TAIL}`);
    const noEnv = wl('zmachine-light', { gpu: ['g1'], corex: false });
    expect(challengeOf([noEnv])).toBe(`${HEAD}0wzmachine-light000g1${TAIL}`);
  });

  it('gateway network only when present; tls flag and backends', () => {
    const gw = (network: unknown) => wl('gateway-name-proxy', { name: 'n', tls_passthrough: true, backends: ['b1', 'b2'], network });
    expect(challengeOf([gw(undefined)])).toBe(`${HEAD}0wgateway-name-proxyntrueb1b2${TAIL}`);
    expect(challengeOf([gw('net1')])).toBe(`${HEAD}0wgateway-name-proxyntrueb1b2net1${TAIL}`);
  });

  it('sizes up to 2^64-1 as bigint or decimal string', () => {
    expect(challengeOf([wl('zmount', { size: 18446744073709551615n })])).toBe(`${HEAD}0wzmount18446744073709551615${TAIL}`);
    expect(challengeOf([wl('volume', { size: '18446744073709551615' })])).toBe(`${HEAD}0wvolume18446744073709551615${TAIL}`);
  });

  it('expiration: negative int64 and RFC 3339 dates (Go Timestamp.UnmarshalJSON)', () => {
    expect(deploymentChallenge(dep([], { expiration: -5 }))).toBe(`01-5${TAIL}`);
    expect(deploymentChallenge(dep([], { expiration: '2024-02-29T12:00:00Z' }))).toBe(`011709208000${TAIL}`);
    expect(deploymentChallenge(dep([], { expiration: '2024-02-29T13:30:00.5+01:30' }))).toBe(`011709208000${TAIL}`);
    expect(deploymentChallenge(dep([], { expiration: '1969-12-31T23:59:59Z' }))).toBe(`01-1${TAIL}`);
  });

  it('signature_style is appended; contract_id, signatures and results are not hashed', () => {
    const a = dep([wl('zmount', { size: 1 })]);
    const b = dep([{ ...wl('zmount', { size: 1 }), result: { created: 5, state: 'ok', message: 'm', data: { x: 1 } } }], {
      contract_id: 99,
      signature_requirement: {
        requests: [{ twin_id: 1, required: false, weight: 1 }],
        weight_required: 1,
        signatures: [{ twin_id: 1, signature: 'ab', signature_type: 'ed25519' }],
      },
    });
    expect(deploymentHash(a)).toBe(deploymentHash(b));
    const polka = dep([], { signature_requirement: { requests: [], weight_required: 2, signature_style: 'polka-wallet' } });
    expect(deploymentChallenge(polka)).toBe('0102polka-wallet');
  });
});

describe('UTF-8 of each JSON string on its own (Go decodes string by string)', () => {
  const md5 = (text: string) => createHash('md5').update(text, 'utf8').digest('hex');

  it('lone surrogate halves in two adjacent strings become two U+FFFD, never one pair', () => {
    // metadata ends with a high surrogate, description starts with the matching low one.
    const d = dep([], { metadata: 'a\ud83d', description: '\ude00b' });
    const want = `01a\ufffd\ufffdb0${TAIL}`;
    expect(deploymentChallenge(d)).toBe(want);
    expect(deploymentHash(d)).toBe(md5(want));
    // A whole pair inside one string stays the astral character.
    const ok = dep([], { metadata: '\ud83d\ude00', description: 'x' });
    expect(deploymentChallenge(ok)).toBe(`01\u{1F600}x0${TAIL}`);
    expect(deploymentHash(ok)).toBe(md5(`01\u{1F600}x0${TAIL}`));
  });

  it('also when the surrogates come after several KiB of text were already hashed', () => {
    const desc = 'd'.repeat(150);
    const workloads = Array.from({ length: 60 }, (_, i) => ({ ...wl('zmount', { size: i }, `w${i}`), description: desc }));
    workloads.push({ ...wl('zmount', { size: 7 }, 'last'), metadata: 'm\ud83d', description: '\ude00' });
    const want = HEAD + workloads.slice(0, 60).map((_, i) => `0w${i}zmount${desc}${i}`).join('') + `0lastzmountm\ufffd\ufffd7` + TAIL;
    expect(want.length).toBeGreaterThan(9000);
    expect(deploymentChallenge(dep(workloads))).toBe(want);
    expect(deploymentHash(dep(workloads))).toBe(md5(want));
  });
});

describe('Go encoding/json key matching', () => {
  it('matches keys case-insensitively, ignores unknown ones; the last match wins', () => {
    const d = { VERSION: 3, Twin_ID: 4, metadata: 'm', Description: 'd', extra: { deep: 1 }, workloads: [wl('ip', { V4: true, v6: true, __type: 'ip' })] };
    expect(deploymentChallenge(d)).toBe('34md00wiptruetrue0');
    expect(deploymentChallenge({ version: 1, Version: 2 })).toBe('2000');
    // Go also folds the Kelvin sign (U+212A) to k and long s (U+017F) to s.
    expect(deploymentChallenge({ ['ſignature_requirement']: { weight_required: 7 }, twin_id: 9 })).toBe('0907');
  });

  it('the VM mycelium key `network` matches the untagged Go field Network', () => {
    const vm = wl('zmachine-light', { network: { mycelium: { NETWORK: 'x', hex_seed: '00' } } });
    expect(challengeOf([vm])).toBe(`${HEAD}0wzmachine-lightx00000${TAIL}`);
  });
});

describe('bad input: typed errors naming the field', () => {
  it.each<[string, () => unknown, string, string]>([
    ['not an object', () => deploymentChallenge(null as never), 'deployment.wrong_type', ''],
    ['array', () => deploymentChallenge([] as never), 'deployment.wrong_type', ''],
    ['string version', () => deploymentChallenge({ version: '1' }), 'deployment.wrong_type', 'version'],
    ['negative twin', () => deploymentChallenge({ twin_id: -1 }), 'deployment.out_of_range', 'twin_id'],
    ['twin above u32', () => deploymentChallenge({ twin_id: 2 ** 32 }), 'deployment.out_of_range', 'twin_id'],
    ['fractional version', () => deploymentChallenge({ version: 1.5 }), 'deployment.out_of_range', 'version'],
    ['-0', () => deploymentChallenge({ version: -0 }), 'deployment.out_of_range', 'version'],
    ['unsafe number', () => challengeOf([wl('zmount', { size: 2 ** 60 })]), 'decode.unsafe_integer', 'workloads[0].data.size'],
    ['u64 overflow string', () => challengeOf([wl('zmount', { size: '18446744073709551616' })]), 'deployment.out_of_range', 'workloads[0].data.size'],
    ['u64 overflow bigint', () => challengeOf([wl('zmount', { size: 2n ** 64n })]), 'deployment.out_of_range', 'workloads[0].data.size'],
    ['size as hex string', () => challengeOf([wl('zmount', { size: '0x10' })]), 'deployment.out_of_range', 'workloads[0].data.size'],
    ['cpu above u8', () => challengeOf([wl('zmachine', { compute_capacity: { cpu: 256 } })]), 'deployment.out_of_range', 'workloads[0].data.compute_capacity.cpu'],
    ['port above u16', () => challengeOf([wl('network', { wireguard_listen_port: 65536 })]), 'deployment.out_of_range', 'workloads[0].data.wireguard_listen_port'],
    ['bool as string', () => challengeOf([wl('ip', { v4: 'true' })]), 'deployment.wrong_type', 'workloads[0].data.v4'],
    ['bad IP', () => challengeOf([wl('zmachine-light', { network: { interfaces: [{ ip: '010.20.2.2' }] } })]), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip'],
    ['IP with zone', () => challengeOf([wl('zmachine-light', { network: { interfaces: [{ ip: 'fe80::1%eth0' }] } })]), 'deployment.invalid_ip', 'workloads[0].data.network.interfaces[0].ip'],
    ['bad CIDR', () => challengeOf([wl('network', { peers: [{ allowed_ips: ['10.0.0.0/33'] }] })]), 'deployment.invalid_cidr', 'workloads[0].data.peers[0].allowed_ips[0]'],
    ['CIDR without prefix', () => challengeOf([wl('network', { subnet: '10.0.0.1' })]), 'deployment.invalid_cidr', 'workloads[0].data.subnet'],
    ['odd hex', () => challengeOf([wl('network', { mycelium: { hex_key: 'abc' } })]), 'deployment.invalid_hex', 'workloads[0].data.mycelium.hex_key'],
    ['bad hex', () => challengeOf([wl('qsfs', { config: { meta: { config: { encryption: { key: 'zz' } } } } })]), 'deployment.invalid_hex', 'workloads[0].data.config.meta.config.encryption.key'],
    ['env value not a string', () => challengeOf([wl('zmachine', { env: { A: 1 } })]), 'deployment.wrong_type', 'workloads[0].data.env.A'],
    ['gpu not an array', () => challengeOf([wl('zmachine', { gpu: 'g' })]), 'deployment.wrong_type', 'workloads[0].data.gpu'],
    ['missing data', () => challengeOf([{ name: 'w', type: 'zmount' }]), 'deployment.missing_data', 'workloads[0].data'],
    ['null data', () => challengeOf([wl('ipv4', null)]), 'deployment.missing_data', 'workloads[0].data'],
    ['array data', () => challengeOf([wl('ipv4', [])]), 'deployment.wrong_type', 'workloads[0].data'],
    ['workloads not an array', () => deploymentChallenge({ workloads: {} }), 'deployment.wrong_type', 'workloads'],
    ['bad timestamp', () => deploymentChallenge({ expiration: 'tomorrow' }), 'deployment.invalid_timestamp', 'expiration'],
    ['timestamp day 30 Feb', () => deploymentChallenge({ expiration: '2023-02-29T00:00:00Z' }), 'deployment.invalid_timestamp', 'expiration'],
    ['bad contract_id', () => deploymentChallenge({ contract_id: true }), 'deployment.wrong_type', 'contract_id'],
    ['bad signature entry', () => deploymentChallenge({ signature_requirement: { signatures: [{ signature: 5 }] } }), 'deployment.wrong_type', 'signature_requirement.signatures[0].signature'],
    ['bad result', () => challengeOf([{ ...wl('zmount', {}), result: { state: 1 } }]), 'deployment.wrong_type', 'workloads[0].result.state'],
    ['weight as bool', () => deploymentChallenge({ signature_requirement: { requests: [{ weight: true }] } }), 'deployment.wrong_type', 'signature_requirement.requests[0].weight'],
  ])('%s', (_, f, code, field) => {
    const err = errorOf(f);
    expect(err).toBeInstanceOf(code.startsWith('decode.') ? DecodeError : DeploymentError);
    expect(err.code).toBe(code);
    expect(err.field).toBe(field === '' ? '' : field);
  });

  it('unknown workload type is a DeploymentError with the zos text', () => {
    for (const t of ['vm', 'ZMOUNT', '', 'constructor', '__proto__']) {
      const err = errorOf(() => challengeOf([wl(t, {})]));
      expect(err).toBeInstanceOf(DeploymentError);
      expect(err.code).toBe('deployment.unknown_type');
      expect(err.field).toBe('workloads[0].type');
      expect(err.upstream).toBe(`invalid reservation type '${t}'`);
    }
  });

  it('a workload without type is an unknown type', () => {
    expect(errorOf(() => challengeOf([{ name: 'w', data: {} }])).code).toBe('deployment.unknown_type');
  });

  it('never leaks a partial hash: the same input keeps failing, and good input still hashes', () => {
    const bad = dep([wl('zmount', { size: -1 })]);
    expect(() => deploymentHash(bad)).toThrow(DeploymentError);
    expect(() => deploymentHash(bad)).toThrow(DeploymentError);
    expect(deploymentChallenge(dep([wl('zmount', { size: 1 })]))).toBe(`${HEAD}0wzmount1${TAIL}`);
  });
});
