// Generates vectors/deployment/valid_test.json: what the node accepts and refuses when it reads a
// deployment (Go encoding/json into zosbase's structs) and runs `Deployment.Valid()`
// (shared/spec/deployment-hash.md §6.2 step 1).
//
// - Base documents: spec vectors V1, V2, V3 (deployment-hash.md §10), verbatim.
// - Each case is a base plus one change. The expected result, sc4it error code and zos error text
//   are written BY HAND below, from the zosbase v1.0.10 sources named in `source`
//   (pkg/gridtypes/deployment.go `Valid`, id.go `IsValidName`, workload.go, pkg/gridtypes/zos/*.go)
//   and from Go's encoding/json error format. Nothing here runs the parser under test.
// - Texts flagged GoJsonErrorText are rebuilt from Go's encoding/json sources (UnmarshalTypeError:
//   "json: cannot unmarshal <value> into Go struct field <Struct>.<path> of type <type>"), not
//   captured from a running node.
//
//   pnpm exec tsx packages/conformance/tools/gen-deployment-valid.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const OUT = join(HERE, '..', 'vectors', 'deployment', 'valid_test.json');

// deployment-hash.md §10, verbatim.
const V1 =
  '{"version":0,"twin_id":42,"contract_id":0,"metadata":"{\\"version\\":3,\\"type\\":\\"vm\\",\\"name\\":\\"vm1\\",\\"projectName\\":\\"vm/vm1\\"}","description":"test vector 1","expiration":0,"signature_requirement":{"requests":[{"twin_id":42,"required":false,"weight":1}],"weight_required":1,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"net1","type":"network","data":{"ip_range":"10.20.0.0/16","subnet":"10.20.2.0/24","wireguard_private_key":"GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=","wireguard_listen_port":6065,"peers":[{"subnet":"10.20.3.0/24","wireguard_public_key":"4KTvZS2KPWYfMr+GbiUUly0ANVg8jBC7xP9Bl79Z8zM=","allowed_ips":["10.20.3.0/24","100.64.20.3/32"],"endpoint":"185.206.122.31:5566"}],"mycelium":{"hex_key":"3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a","peers":[]}},"metadata":"","description":""},{"version":0,"name":"disk1","type":"zmount","data":{"size":10737418240},"metadata":"","description":""},{"version":0,"name":"vm1","type":"zmachine","data":{"flist":"https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist","network":{"public_ip":"","planetary":true,"interfaces":[{"network":"net1","ip":"10.20.2.2"}],"mycelium":{"network":"net1","hex_seed":"0a1b2c3d4e5f"}},"size":0,"compute_capacity":{"cpu":2,"memory":4294967296},"mounts":[{"name":"disk1","mountpoint":"/data"}],"entrypoint":"/sbin/zinit init","env":{"SSH_KEY":"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDYNeJXJV2FNEwuQz6e0jkKeqRbKWwftBKq+sjSTqa2x user@host","A_VAR":"x"},"corex":false,"gpu":[]},"metadata":"","description":"my vm"},{"version":0,"name":"logs1","type":"zlogs","data":{"zmachine":"vm1","output":"ws://10.20.2.3:8080/logs"},"metadata":"","description":""}]}';
const V2 =
  '{"version":1,"twin_id":7,"contract_id":1234,"metadata":"","description":"multisig gw","expiration":0,"signature_requirement":{"requests":[{"twin_id":7,"required":true,"weight":1},{"twin_id":8,"required":false,"weight":1},{"twin_id":9,"required":false,"weight":2}],"weight_required":3,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"pubip","type":"ip","data":{"v4":true,"v6":false},"metadata":"","description":""},{"version":1,"name":"gwname","type":"gateway-name-proxy","data":{"name":"mysite","tls_passthrough":false,"backends":["http://10.20.2.2:8080"],"network":"net1"},"metadata":"","description":"name gw"},{"version":0,"name":"gwfqdn","type":"gateway-fqdn-proxy","data":{"fqdn":"app.example.com","tls_passthrough":true,"backends":["1.2.3.4:443"]},"metadata":"","description":""},{"version":1,"name":"db1","type":"zdb","data":{"size":1073741824,"mode":"user","password":"pa$$w0rd","public":true},"metadata":"m","description":""},{"version":0,"name":"vol1","type":"volume","data":{"size":2147483648},"metadata":"","description":""}]}';
const V3 =
  '{"version":0,"twin_id":11,"contract_id":0,"metadata":"{\\"type\\":\\"vm\\"}","description":"","expiration":0,"signature_requirement":{"requests":[{"twin_id":11,"required":false,"weight":1}],"weight_required":1,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"lnet","type":"network-light","data":{"subnet":"10.30.2.0/24","ip_range":"10.30.0.0/16","wireguard_private_key":"GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=","wireguard_listen_port":3011,"peers":[],"mycelium":{"hex_key":"5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b5b","peers":[]}},"metadata":"","description":""},{"version":0,"name":"lvm","type":"zmachine-light","data":{"flist":"https://hub.grid.tf/tf-official-apps/base:latest.flist","network":{"interfaces":[{"network":"lnet","ip":"10.30.2.2"}],"mycelium":{"network":"lnet","hex_seed":"a1b2c3d4e5f6"}},"size":2147483648,"compute_capacity":{"cpu":1,"memory":2147483648},"mounts":[],"entrypoint":"","env":{},"corex":true,"gpu":["0000:28:00.0/1002/731f"]},"metadata":"","description":""},{"version":0,"name":"qs","type":"qsfs","data":{"cache":268435456,"config":{"minimal_shards":2,"expected_shards":4,"redundant_groups":0,"redundant_nodes":0,"max_zdb_data_dir_size":32,"encryption":{"algorithm":"AES","key":"c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"},"meta":{"type":"zdb","config":{"prefix":"someprefix","encryption":{"algorithm":"AES","key":"c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0c0"},"backends":[{"address":"[2a02:1802:5e::223]:9900","namespace":"ns1","password":"p1"}]}},"groups":[{"backends":[{"address":"[2a02:1802:5e::224]:9900","namespace":"ns2","password":"p2"}]}],"compression":{"algorithm":"snappy"}}},"metadata":"","description":""}]}';

type J = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const BASES = { V1, V2, V3 } as const;
type Base = keyof typeof BASES;

/** A base document changed by `edit` (on the parsed object), written back as JSON text. */
function mutate(base: Base, edit: (d: J) => void): string {
  const d = JSON.parse(BASES[base]) as J;
  edit(d);
  return JSON.stringify(d);
}
/** A base document with a textual replacement (for what JSON.stringify cannot write). */
function replace(base: Base, from: string, to: string): string {
  const text = BASES[base];
  if (!text.includes(from)) throw new Error(`fragment not found in ${base}: ${from}`);
  return text.replace(from, to);
}
const wl = (d: J, name: string): J => {
  const w = (d['workloads'] as J[]).find((x) => x['name'] === name);
  if (!w) throw new Error(`no workload ${name}`);
  return w;
};
const data = (d: J, name: string): J => wl(d, name)['data'] as J;

interface Case {
  comment: string;
  deployment: string;
  result: 'valid' | 'invalid' | 'acceptable';
  error?: string;
  upstream?: string;
  flags?: string[];
  source: string;
}

const SPEC = 'deployment-hash.md §6.2 step 1';
const Z = 'zosbase v1.0.10';
const GOJSON = 'Go encoding/json UnmarshalTypeError format';
const load = (t: string): string => `failed to load data into object of type '${t}': `;

const decode: Case[] = [
  { comment: 'not JSON', deployment: '{"version":0,', result: 'invalid', error: 'decode.json', source: 'RFC 8259' },
  { comment: 'document is an array', deployment: '[]', result: 'invalid', error: 'deployment.wrong_type', upstream: 'json: cannot unmarshal array into Go value of type gridtypes.Deployment', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'version is a string', deployment: replace('V1', '{"version":0,', '{"version":"0",'), result: 'invalid', error: 'deployment.wrong_type', upstream: 'json: cannot unmarshal string into Go struct field Deployment.version of type uint32', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'twin_id negative', deployment: replace('V1', '"twin_id":42', '"twin_id":-1'), result: 'invalid', error: 'deployment.out_of_range', upstream: 'json: cannot unmarshal number -1 into Go struct field Deployment.twin_id of type uint32', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'twin_id above u32', deployment: replace('V1', '"twin_id":42', '"twin_id":4294967296'), result: 'invalid', error: 'deployment.out_of_range', upstream: 'json: cannot unmarshal number 4294967296 into Go struct field Deployment.twin_id of type uint32', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'contract_id above u64', deployment: replace('V2', '"contract_id":1234', '"contract_id":18446744073709551616'), result: 'invalid', error: 'deployment.out_of_range', upstream: 'json: cannot unmarshal number 18446744073709551616 into Go struct field Deployment.contract_id of type uint64', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'workloads is an object', deployment: mutate('V1', (d) => { d['workloads'] = {}; }), result: 'invalid', error: 'deployment.wrong_type', upstream: 'json: cannot unmarshal object into Go struct field Deployment.workloads of type []gridtypes.Workload', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'expiration is free text', deployment: mutate('V1', (d) => { d['expiration'] = 'yesterday'; }), result: 'invalid', error: 'deployment.invalid_timestamp', upstream: 'unknown timestamp format, expecting a timestamp or an ISO-8601 date', source: `${Z} pkg/gridtypes/common.go Timestamp.UnmarshalJSON` },
  { comment: 'expiration is a fraction', deployment: replace('V1', '"expiration":0', '"expiration":1.5'), result: 'invalid', error: 'deployment.invalid_timestamp', upstream: 'unknown timestamp format, expecting a timestamp or an ISO-8601 date', source: `${Z} pkg/gridtypes/common.go Timestamp.UnmarshalJSON` },
  { comment: 'workload version is a fraction', deployment: replace('V1', '{"version":0,"name":"disk1"', '{"version":1.5,"name":"disk1"'), result: 'invalid', error: 'deployment.out_of_range', upstream: 'json: cannot unmarshal number 1.5 into Go struct field Workload.workloads.version of type uint32', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'request weight negative', deployment: replace('V1', '"weight":1}', '"weight":-1}'), result: 'invalid', error: 'deployment.out_of_range', upstream: 'json: cannot unmarshal number -1 into Go struct field SignatureRequest.signature_requirement.requests.weight of type uint', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'request required is a string', deployment: replace('V1', '"required":false', '"required":"no"'), result: 'invalid', error: 'deployment.wrong_type', upstream: 'json: cannot unmarshal string into Go struct field SignatureRequest.signature_requirement.requests.required of type bool', flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'workload name is a number', deployment: replace('V1', '"name":"disk1"', '"name":1'), result: 'invalid', error: 'deployment.wrong_type', upstream: 'json: cannot unmarshal number into Go struct field Workload.workloads.name of type gridtypes.Name', flags: ['GoJsonErrorText'], source: GOJSON },
];

const data_: Case[] = [
  { comment: 'data absent', deployment: mutate('V1', (d) => { delete wl(d, 'disk1')['data']; }), result: 'invalid', error: 'deployment.missing_data', upstream: `${load('*zos.ZMount')}unexpected end of JSON input`, source: `${Z} pkg/gridtypes/workload.go WorkloadData` },
  { comment: 'data is a string', deployment: mutate('V1', (d) => { wl(d, 'disk1')['data'] = 'x'; }), result: 'invalid', error: 'deployment.wrong_type', upstream: `${load('*zos.ZMount')}json: cannot unmarshal string into Go value of type zos.ZMount`, flags: ['GoJsonErrorText'], source: `${Z} workload.go WorkloadData; ${GOJSON}` },
  { comment: 'size is text that is not a number', deployment: mutate('V1', (d) => { data(d, 'disk1')['size'] = '12a'; }), result: 'invalid', error: 'deployment.wrong_type', upstream: `${load('*zos.ZMount')}json: cannot unmarshal string into Go struct field ZMount.size of type gridtypes.Unit`, flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'size in exponent form', deployment: replace('V1', '"size":10737418240', '"size":1e3'), result: 'invalid', error: 'deployment.out_of_range', upstream: `${load('*zos.ZMount')}json: cannot unmarshal number 1e3 into Go struct field ZMount.size of type gridtypes.Unit`, flags: ['GoJsonErrorText'], source: `${GOJSON} (strconv.ParseUint refuses exponents)` },
  { comment: 'size 2^64', deployment: replace('V1', '"size":10737418240', '"size":18446744073709551616'), result: 'invalid', error: 'deployment.out_of_range', upstream: `${load('*zos.ZMount')}json: cannot unmarshal number 18446744073709551616 into Go struct field ZMount.size of type gridtypes.Unit`, flags: ['GoJsonErrorText'], source: GOJSON },
  { comment: 'cpu 256 does not fit uint8', deployment: replace('V1', '"cpu":2', '"cpu":256'), result: 'invalid', error: 'deployment.out_of_range', upstream: `${load('*zos.ZMachine')}json: cannot unmarshal number 256 into Go struct field MachineCapacity.compute_capacity.cpu of type uint8`, flags: ['GoJsonErrorText'], source: `${GOJSON}; zmachine_utils.go MachineCapacity.CPU uint8` },
  { comment: 'wireguard_listen_port 65536 does not fit uint16', deployment: replace('V1', '"wireguard_listen_port":6065', '"wireguard_listen_port":65536'), result: 'invalid', error: 'deployment.out_of_range', upstream: `${load('*zos.Network')}json: cannot unmarshal number 65536 into Go struct field Network.wireguard_listen_port of type uint16`, flags: ['GoJsonErrorText'], source: `${GOJSON}; network.go WGListenPort uint16` },
  { comment: 'env value is a number', deployment: replace('V1', '"A_VAR":"x"', '"A_VAR":1'), result: 'invalid', error: 'deployment.wrong_type', source: `${GOJSON}; zmachine.go Env map[string]string` },
  { comment: 'interface IP with a leading zero (Go net.ParseIP refuses it)', deployment: replace('V1', '"ip":"10.20.2.2"', '"ip":"010.20.2.2"'), result: 'invalid', error: 'deployment.invalid_ip', upstream: `${load('*zos.ZMachine')}invalid IP address: 010.20.2.2`, source: `deployment-hash.md §2.1; Go net.IP.UnmarshalText` },
  { comment: 'interface IP with a zone', deployment: replace('V1', '"ip":"10.20.2.2"', '"ip":"fe80::1%eth0"'), result: 'invalid', error: 'deployment.invalid_ip', upstream: `${load('*zos.ZMachine')}invalid IP address: fe80::1%eth0`, source: 'Go net.ParseIP (no zones)' },
  { comment: 'ip_range without prefix length', deployment: replace('V1', '"ip_range":"10.20.0.0/16"', '"ip_range":"10.20.0.0"'), result: 'invalid', error: 'deployment.invalid_cidr', upstream: `${load('*zos.Network')}invalid CIDR address: 10.20.0.0`, source: `${Z} pkg/gridtypes/common.go ParseIPNet; Go net.ParseCIDR` },
  { comment: 'allowed_ips prefix 33 on IPv4', deployment: replace('V1', '"100.64.20.3/32"', '"100.64.20.3/33"'), result: 'invalid', error: 'deployment.invalid_cidr', upstream: `${load('*zos.Network')}invalid CIDR address: 100.64.20.3/33`, source: 'Go net.ParseCIDR' },
  { comment: 'mycelium hex_key with a non-hex character', deployment: replace('V1', '"hex_key":"3a3a', '"hex_key":"zz3a'), result: 'invalid', error: 'deployment.invalid_hex', upstream: `${load('*zos.Network')}encoding/hex: invalid byte: U+007A 'z'`, source: `${Z} zos/types.go Bytes.UnmarshalText; Go hex.DecodeString` },
  { comment: 'mycelium hex_seed of odd length', deployment: replace('V1', '"hex_seed":"0a1b2c3d4e5f"', '"hex_seed":"0a1b2c3d4e5"'), result: 'invalid', error: 'deployment.invalid_hex', upstream: `${load('*zos.ZMachine')}encoding/hex: odd length hex string`, source: 'Go hex.DecodeString' },
  { comment: 'qsfs encryption key not hex', deployment: mutate('V3', (d) => { (data(d, 'qs')['config'] as J)['encryption']['key'] = 'c0g0'; }), result: 'invalid', error: 'deployment.invalid_hex', upstream: `${load('*zos.QuantumSafeFS')}encoding/hex: invalid byte: U+0067 'g'`, source: `${Z} zos/qsfs.go EncryptionKey.UnmarshalText` },
];

const rules: Case[] = [
  { comment: 'workload version above the deployment version', deployment: mutate('V1', (d) => { wl(d, 'net1')['version'] = 1; }), result: 'invalid', error: 'deployment.workload_version', upstream: "workload 'net1' version '1' cannot be higher than deployment version '0'", source: `${SPEC}; ${Z} deployment.go Valid` },
  { comment: 'empty name', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = ''; }), result: 'invalid', error: 'deployment.name_empty', upstream: "name '' is invalid: name cannot be empty", source: `${Z} id.go IsValidName` },
  { comment: 'name of 37 characters', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'a'.repeat(37); }), result: 'invalid', error: 'deployment.name_too_long', upstream: `name '${'a'.repeat(37)}' is invalid: name cannot exceed 36 characters`, source: `${Z} id.go IsValidName` },
  { comment: 'name with a dash', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'my-logs'; }), result: 'invalid', error: 'deployment.name_unsupported_character', upstream: "name 'my-logs' is invalid: unsupported character in workload name", source: `${Z} id.go IsValidName (^[a-zA-Z0-9_]+$)` },
  { comment: 'name with a non-ASCII letter', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'lögs'; }), result: 'invalid', error: 'deployment.name_unsupported_character', upstream: "name 'lögs' is invalid: unsupported character in workload name", source: `${Z} id.go IsValidName` },
  { comment: 'reserved name ygg', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'ygg'; }), result: 'invalid', error: 'deployment.name_reserved', upstream: "name 'ygg' is invalid: invalid name 'ygg' is reserved", source: `${Z} id.go IsValidName` },
  { comment: 'two workloads with the same name', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'disk1'; }), result: 'invalid', error: 'deployment.duplicate_name', upstream: "multiple workloads with the same name 'disk1'", source: `${SPEC}; ${Z} deployment.go Valid` },
  { comment: 'unknown workload type', deployment: mutate('V1', (d) => { wl(d, 'disk1')['type'] = 'container'; }), result: 'invalid', error: 'deployment.unknown_type', upstream: "invalid reservation type 'container'", source: `${Z} workload.go WorkloadType.Valid` },
  { comment: 'zmount size 0', deployment: replace('V1', '"size":10737418240', '"size":0'), result: 'invalid', error: 'deployment.invalid_size', upstream: 'invalid size', source: `${SPEC}; ${Z} zos/zmount.go` },
  { comment: 'zmount size null reads as 0', deployment: replace('V1', '"size":10737418240', '"size":null'), result: 'invalid', error: 'deployment.invalid_size', upstream: 'invalid size', flags: ['GoJsonNull'], source: `${Z} zos/zmount.go; Go encoding/json (null leaves the zero value)` },
  { comment: 'volume size 0', deployment: replace('V2', '"size":2147483648', '"size":0'), result: 'invalid', error: 'deployment.invalid_size', upstream: 'invalid size', source: `${Z} zos/volume.go` },
  { comment: 'zdb size 0', deployment: replace('V2', '"size":1073741824', '"size":0'), result: 'invalid', error: 'deployment.invalid_size', upstream: 'invalid size', source: `${Z} zos/zdb.go` },
  { comment: 'zdb mode neither user nor seq', deployment: replace('V2', '"mode":"user"', '"mode":"fast"'), result: 'invalid', error: 'deployment.zdb_invalid_mode', upstream: 'invalid mode', source: `${Z} zos/zdb.go` },
  { comment: 'ip with neither v4 nor v6', deployment: replace('V2', '"v4":true', '"v4":false'), result: 'invalid', error: 'deployment.ip_no_selection', upstream: 'public ip workload with no selections', source: `${Z} zos/ipv4.go PublicIP.Valid` },
  { comment: 'network without ip_range', deployment: mutate('V1', (d) => { delete data(d, 'net1')['ip_range']; }), result: 'invalid', error: 'deployment.network_ip_range_empty', upstream: 'network IP range cannot be empty', source: `${Z} zos/network.go Network.Valid` },
  { comment: 'network with empty subnet', deployment: mutate('V1', (d) => { data(d, 'net1')['subnet'] = ''; }), result: 'invalid', error: 'deployment.network_subnet_empty', upstream: 'network resource subnet cannot empty', source: `${Z} zos/network.go Network.Valid` },
  { comment: 'network without wireguard private key', deployment: mutate('V1', (d) => { data(d, 'net1')['wireguard_private_key'] = ''; }), result: 'invalid', error: 'deployment.network_wireguard_key_empty', upstream: 'network resource wireguard private key cannot empty', source: `${Z} zos/network.go Network.Valid` },
  { comment: 'peer without subnet', deployment: mutate('V1', (d) => { (data(d, 'net1')['peers'] as J[])[0]!['subnet'] = ''; }), result: 'invalid', error: 'deployment.peer_subnet_empty', upstream: 'peer wireguard subnet cannot empty', source: `${Z} zos/network.go Peer.Valid` },
  { comment: 'peer without allowed_ips', deployment: mutate('V1', (d) => { (data(d, 'net1')['peers'] as J[])[0]!['allowed_ips'] = []; }), result: 'invalid', error: 'deployment.peer_allowed_ips_empty', upstream: 'peer wireguard allowedIPs cannot empty', source: `${Z} zos/network.go Peer.Valid` },
  { comment: 'peer without public key', deployment: mutate('V1', (d) => { (data(d, 'net1')['peers'] as J[])[0]!['wireguard_public_key'] = ''; }), result: 'invalid', error: 'deployment.peer_public_key_empty', upstream: 'peer wireguard public key cannot empty', source: `${Z} zos/network.go Peer.Valid` },
  { comment: 'network mycelium key of 31 bytes', deployment: mutate('V1', (d) => { (data(d, 'net1')['mycelium'] as J)['hex_key'] = '3a'.repeat(31); }), result: 'invalid', error: 'deployment.mycelium_key_length', upstream: 'invalid mycelium key length, expected 32', source: `${SPEC}; ${Z} zos/network.go Mycelium.Valid` },
  { comment: 'network mycelium with custom peers', deployment: mutate('V1', (d) => { (data(d, 'net1')['mycelium'] as J)['peers'] = ['tcp://1.2.3.4:9651']; }), result: 'invalid', error: 'deployment.mycelium_peers_unsupported', upstream: 'user defined peers list is not supported right now', source: `${SPEC}; ${Z} zos/network.go Mycelium.Valid` },
  { comment: 'network-light without subnet', deployment: mutate('V3', (d) => { delete data(d, 'lnet')['subnet']; }), result: 'invalid', error: 'deployment.network_subnet_empty', upstream: 'network resource subnet cannot empty', source: `${Z} zos/network_light.go` },
  { comment: 'network-light without mycelium (not a pointer: key length 0)', deployment: mutate('V3', (d) => { delete data(d, 'lnet')['mycelium']; }), result: 'invalid', error: 'deployment.mycelium_key_length', upstream: 'invalid mycelium key length, expected 32', source: `${Z} zos/network_light.go` },
  { comment: 'zmachine with two interfaces', deployment: mutate('V1', (d) => { const n = data(d, 'vm1')['network'] as J; n['interfaces'] = [...(n['interfaces'] as J[]), { network: 'net1', ip: '10.20.2.3' }]; }), result: 'invalid', error: 'deployment.zmachine_interfaces', upstream: 'only one network private network is supported at the moment', source: `${SPEC}; ${Z} zos/zmachine.go` },
  { comment: 'zmachine without interfaces', deployment: mutate('V1', (d) => { (data(d, 'vm1')['network'] as J)['interfaces'] = []; }), result: 'invalid', error: 'deployment.zmachine_interfaces', upstream: 'only one network private network is supported at the moment', source: `${Z} zos/zmachine.go` },
  { comment: 'zmachine interface without IP', deployment: replace('V1', '"ip":"10.20.2.2"', '"ip":""'), result: 'invalid', error: 'deployment.zmachine_invalid_ip', upstream: 'invalid IP', source: `${Z} zos/zmachine.go` },
  { comment: 'zmachine cpu 0', deployment: replace('V1', '"cpu":2', '"cpu":0'), result: 'invalid', error: 'deployment.zmachine_cpu_zero', upstream: "cpu capacity can't be 0", source: `${SPEC}; ${Z} zos/zmachine.go` },
  { comment: 'zmachine memory one byte under 250 MiB', deployment: replace('V1', '"memory":4294967296', '"memory":262143999'), result: 'invalid', error: 'deployment.zmachine_memory_too_small', upstream: "mem capacity can't be less that 250M", source: `${SPEC}; ${Z} zos/zmachine.go` },
  { comment: 'zmachine disk under the 2 GiB minimum (cpu*memory >= 8 GiB)', deployment: replace('V1', '"size":0,"compute_capacity"', '"size":2147483647,"compute_capacity"'), result: 'invalid', error: 'deployment.zmachine_disk_too_small', upstream: "disk size can't be less that 2147483648. Set to 0 for minimum", source: `${SPEC}; ${Z} zos/zmachine.go MinRootSize` },
  { comment: 'zmachine-light disk under the 500 MiB minimum (cpu*memory < 8 GiB)', deployment: replace('V3', '"size":2147483648,"compute_capacity"', '"size":524287999,"compute_capacity"'), result: 'invalid', error: 'deployment.zmachine_disk_too_small', upstream: "disk size can't be less that 524288000. Set to 0 for minimum", source: `${Z} zos/zmachine_light.go MinRootSize` },
  { comment: 'zmachine public_ip names no workload', deployment: replace('V1', '"public_ip":""', '"public_ip":"pip"'), result: 'invalid', error: 'deployment.zmachine_public_ip_not_found', upstream: 'public ip is not found', source: `${SPEC}; ${Z} zos/zmachine.go` },
  {
    comment: 'one public ip used by two VMs',
    deployment: mutate('V1', (d) => {
      const ws = d['workloads'] as J[];
      ws.push({ version: 0, name: 'pip', type: 'ip', data: { v4: true, v6: false }, metadata: '', description: '' });
      (data(d, 'vm1')['network'] as J)['public_ip'] = 'pip';
      const vm2 = JSON.parse(JSON.stringify(wl(d, 'vm1'))) as J;
      vm2['name'] = 'vm2';
      ws.push(vm2);
    }),
    result: 'invalid', error: 'deployment.zmachine_public_ip_shared', upstream: 'public ip is assigned to multiple vms', source: `${SPEC}; ${Z} zos/zmachine.go`,
  },
  { comment: 'zmachine interface on reserved network ygg', deployment: mutate('V1', (d) => { ((data(d, 'vm1')['network'] as J)['interfaces'] as J[])[0]!['network'] = 'ygg'; }), result: 'invalid', error: 'deployment.zmachine_reserved_network', upstream: "'ygg' is reserved network name", source: `${SPEC}; ${Z} zos/zmachine.go` },
  { comment: 'zmachine interface on reserved network pub', deployment: mutate('V1', (d) => { ((data(d, 'vm1')['network'] as J)['interfaces'] as J[])[0]!['network'] = 'pub'; }), result: 'invalid', error: 'deployment.zmachine_reserved_network', upstream: "'pub' is reserved network name", source: `${Z} zos/zmachine.go` },
  { comment: 'zmachine-light interface on reserved network mycelium', deployment: mutate('V3', (d) => { ((data(d, 'lvm')['network'] as J)['interfaces'] as J[])[0]!['network'] = 'mycelium'; }), result: 'invalid', error: 'deployment.zmachine_reserved_network', upstream: "'mycelium' is reserved network name", source: `${Z} zos/zmachine_light.go` },
  { comment: 'zmachine mycelium seed of 5 bytes', deployment: replace('V1', '"hex_seed":"0a1b2c3d4e5f"', '"hex_seed":"0a1b2c3d4e"'), result: 'invalid', error: 'deployment.zmachine_mycelium_seed_length', upstream: 'invalid mycelium seed length expected 6 bytes', source: `${SPEC}; ${Z} zos/zmachine.go` },
  { comment: 'zmachine-light mycelium seed of 7 bytes', deployment: replace('V3', '"hex_seed":"a1b2c3d4e5f6"', '"hex_seed":"a1b2c3d4e5f6a7"'), result: 'invalid', error: 'deployment.zmachine_mycelium_seed_length', upstream: 'invalid mycelium seed length expected 6 bytes', source: `${Z} zos/zmachine_light.go` },
  { comment: 'name gateway with a dot in its name', deployment: replace('V2', '"name":"mysite"', '"name":"my.site"'), result: 'invalid', error: 'deployment.gateway_invalid_name', upstream: 'name my.site is invalid', source: `${SPEC}; ${Z} zos/gw_name.go` },
  { comment: 'fqdn gateway with a single label', deployment: replace('V2', '"fqdn":"app.example.com"', '"fqdn":"example"'), result: 'invalid', error: 'deployment.gateway_invalid_fqdn', upstream: 'fqdn example is invalid', source: `${SPEC}; ${Z} zos/gw_fqdn.go` },
  { comment: 'fqdn gateway with a one-letter top label', deployment: replace('V2', '"fqdn":"app.example.com"', '"fqdn":"app.example.c"'), result: 'invalid', error: 'deployment.gateway_invalid_fqdn', upstream: 'fqdn app.example.c is invalid', source: `${Z} zos/gw_fqdn.go` },
  { comment: 'gateway without backends', deployment: replace('V2', '"backends":["http://10.20.2.2:8080"]', '"backends":[]'), result: 'invalid', error: 'deployment.gateway_no_backends', upstream: 'backends list can not be empty', source: `${SPEC}; ${Z} zos/gw.go GatewayBase.Valid` },
  { comment: 'backend with https scheme', deployment: replace('V2', '"http://10.20.2.2:8080"', '"https://10.20.2.2:8080"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'https://10.20.2.2:8080': scheme expected to be http", source: `${SPEC}; ${Z} zos/gw.go Backend.Valid` },
  { comment: 'backend on loopback', deployment: replace('V2', '"http://10.20.2.2:8080"', '"http://127.0.0.1:8080"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'http://127.0.0.1:8080': invalid ip address in backend: 127.0.0.1", source: `${SPEC}; ${Z} zos/gw.go Backend.Valid` },
  { comment: 'backend on IPv6 loopback', deployment: replace('V2', '"http://10.20.2.2:8080"', '"http://[::1]:8080"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'http://[::1]:8080': invalid ip address in backend: ::1", source: `${Z} zos/gw.go Backend.Valid` },
  { comment: 'backend with a host name', deployment: replace('V2', '"http://10.20.2.2:8080"', '"http://example.com:8080"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'http://example.com:8080': invalid ip address in backend: example.com", source: `${Z} zos/gw.go Backend.Valid` },
  { comment: 'backend URL with a bad port', deployment: replace('V2', '"http://10.20.2.2:8080"', '"http://10.20.2.2:80x"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'http://10.20.2.2:80x': failed to parse backend with error: parse \"http://10.20.2.2:80x\": invalid port \":80x\" after host", source: `${Z} zos/gw.go; Go net/url.Parse` },
  { comment: 'tls backend without port', deployment: replace('V2', '"1.2.3.4:443"', '"1.2.3.4"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend '1.2.3.4': failed to parse backend 1.2.3.4 with error: failed to parse backend 1.2.3.4 with error: address 1.2.3.4: missing port in address", source: `${SPEC}; ${Z} zos/gw.go asIpPort; Go net.SplitHostPort` },
  { comment: 'tls backend with a host name', deployment: replace('V2', '"1.2.3.4:443"', '"example.com:443"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend 'example.com:443': failed to parse backend example.com:443 with error: invalid ip", source: `${Z} zos/gw.go asIpPort` },
  { comment: 'tls backend port above 65535', deployment: replace('V2', '"1.2.3.4:443"', '"1.2.3.4:70000"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend '1.2.3.4:70000': failed to parse backend 1.2.3.4:70000 with error: port '70000' must be <= 65535", source: `${Z} zos/gw.go asIpPort` },
  { comment: 'tls backend port not a number', deployment: replace('V2', '"1.2.3.4:443"', '"1.2.3.4:https"'), result: 'invalid', error: 'deployment.gateway_invalid_backend', upstream: "failed to validate backend '1.2.3.4:https': failed to parse backend 1.2.3.4:https with error: invalid port in backend: https", source: `${Z} zos/gw.go asIpPort` },
  { comment: 'zlogs target does not exist', deployment: replace('V1', '"zmachine":"vm1"', '"zmachine":"vm9"'), result: 'invalid', error: 'deployment.zlogs_no_zmachine', upstream: "no zmachine with name 'vm9' found", source: `${SPEC}; ${Z} zos/zlogs.go` },
  { comment: 'zlogs target is not a zmachine', deployment: replace('V1', '"zmachine":"vm1"', '"zmachine":"disk1"'), result: 'invalid', error: 'deployment.zlogs_no_zmachine', upstream: "no zmachine with name 'disk1' found", source: `${SPEC}; ${Z} zos/zlogs.go` },
  { comment: 'zlogs output over http', deployment: replace('V1', '"ws://10.20.2.3:8080/logs"', '"http://10.20.2.3:8080/logs"'), result: 'invalid', error: 'deployment.zlogs_invalid_scheme', upstream: "invalid output schema 'http' not supported", source: `${SPEC}; ${Z} zos/zlogs.go` },
  { comment: 'zlogs output without scheme', deployment: replace('V1', '"ws://10.20.2.3:8080/logs"', '"10.20.2.3/logs"'), result: 'invalid', error: 'deployment.zlogs_invalid_scheme', upstream: "invalid output schema '' not supported", source: `${Z} zos/zlogs.go; Go net/url.Parse` },
  { comment: 'zlogs output URL with a bad port', deployment: replace('V1', '"ws://10.20.2.3:8080/logs"', '"ws://10.20.2.3:x/logs"'), result: 'invalid', error: 'deployment.zlogs_invalid_url', upstream: 'invalid url supplied in output: parse "ws://10.20.2.3:x/logs": invalid port ":x" after host', source: `${Z} zos/zlogs.go; Go net/url.Parse` },
  { comment: 'qsfs minimal shards above expected shards', deployment: replace('V3', '"minimal_shards":2', '"minimal_shards":5'), result: 'invalid', error: 'deployment.qsfs_shards', upstream: "minimal shards can't be greater than expected shards", source: `${SPEC}; ${Z} zos/qsfs.go` },
];

const accepted: Case[] = [
  { comment: 'spec vector V1', deployment: V1, result: 'valid', source: 'deployment-hash.md §10 V1' },
  { comment: 'spec vector V2 (workload versions below the deployment version)', deployment: V2, result: 'valid', source: 'deployment-hash.md §10 V2' },
  { comment: 'spec vector V3', deployment: V3, result: 'valid', source: 'deployment-hash.md §10 V3' },
  { comment: 'size 2^64-1 as a bare number', deployment: replace('V1', '"size":10737418240', '"size":18446744073709551615'), result: 'valid', source: 'Go gridtypes.Unit is uint64' },
  { comment: 'contract_id 2^64-1', deployment: replace('V2', '"contract_id":1234', '"contract_id":18446744073709551615'), result: 'valid', source: 'Go Deployment.ContractID uint64' },
  { comment: 'negative expiration', deployment: replace('V1', '"expiration":0', '"expiration":-5'), result: 'valid', source: `${Z} common.go Timestamp int64` },
  { comment: 'expiration as an RFC 3339 date', deployment: replace('V1', '"expiration":0', '"expiration":"2024-01-01T00:00:00Z"'), result: 'valid', source: `${Z} common.go Timestamp.UnmarshalJSON (time.Time)` },
  { comment: 'size as a decimal string', deployment: replace('V1', '"size":10737418240', '"size":"10737418240"'), result: 'acceptable', flags: ['Sc4itLeniency'], source: 'sc4it codec leniency for 64-bit fields (the node refuses quoted numbers)' },
  { comment: 'keys in another case (Go matches case-insensitively)', deployment: replace('V1', '"size":10737418240', '"SIZE":10737418240'), result: 'valid', flags: ['GoJsonCaseFold'], source: 'deployment-hash.md §2.4; Go encoding/json field matching' },
  { comment: 'key with long s folds to s', deployment: replace('V1', '"size":10737418240', '"\u017fize":10737418240'), result: 'valid', flags: ['GoJsonCaseFold'], source: 'Go bytes.EqualFold (ſ folds to s)' },
  { comment: 'duplicate key: the last one wins (non-zero)', deployment: replace('V1', '"size":10737418240', '"size":0,"size":10737418240'), result: 'valid', flags: ['GoJsonDuplicateKey'], source: 'Go encoding/json (last value wins)' },
  { comment: 'duplicate key: the last one wins (zero)', deployment: replace('V1', '"size":10737418240', '"size":10737418240,"size":0'), result: 'invalid', error: 'deployment.invalid_size', upstream: 'invalid size', flags: ['GoJsonDuplicateKey'], source: 'Go encoding/json (last value wins); zos/zmount.go' },
  { comment: 'unknown keys as the TS SDK sends them (__type, node_id)', deployment: replace('V1', '"ip_range":"10.20.0.0/16"', '"__type":"Znet","node_id":5,"ip_range":"10.20.0.0/16"'), result: 'valid', source: 'deployment-hash.md §2 (unknown keys ignored)' },
  { comment: 'machine mycelium key written as Go field name Network', deployment: replace('V1', '"mycelium":{"network":"net1"', '"mycelium":{"Network":"net1"'), result: 'valid', source: 'deployment-hash.md §2.4 (MyceliumIP.Network has no JSON tag)' },
  { comment: 'public_ip naming a non-ip workload passes Valid() (zos quirk: errors.Wrapf(nil) is nil)', deployment: replace('V1', '"public_ip":""', '"public_ip":"disk1"'), result: 'valid', flags: ['NodeQuirk'], source: `${Z} zos/zmachine.go (errors.Wrapf(err=nil) returns nil and ends Valid early)` },
  { comment: 'public_ip naming an ip workload', deployment: mutate('V1', (d) => { (d['workloads'] as J[]).unshift({ version: 0, name: 'pip', type: 'ip', data: { v4: true, v6: false }, metadata: '', description: '' }); (data(d, 'vm1')['network'] as J)['public_ip'] = 'pip'; }), result: 'valid', source: `${Z} zos/zmachine.go` },
  { comment: 'legacy ipv4 workload', deployment: mutate('V2', (d) => { (d['workloads'] as J[]).push({ version: 0, name: 'legacy', type: 'ipv4', data: {}, metadata: '', description: '' }); }), result: 'valid', source: 'deployment-hash.md §2.5 (legacy ipv4)' },
  { comment: 'network-light without WireGuard fields', deployment: mutate('V3', (d) => { const n = data(d, 'lnet'); delete n['ip_range']; delete n['wireguard_private_key']; delete n['wireguard_listen_port']; delete n['peers']; }), result: 'valid', source: 'deployment-hash.md §2.5 (network-light without WireGuard)' },
  { comment: 'zmachine without gpu and env', deployment: mutate('V1', (d) => { const v = data(d, 'vm1'); delete v['gpu']; delete v['env']; }), result: 'valid', source: 'Go zero values' },
  { comment: 'IPv6 interface IP with leading zeros in groups', deployment: replace('V1', '"ip":"10.20.2.2"', '"ip":"2a02:1802:005e:0000::0002"'), result: 'valid', source: 'deployment-hash.md §2.1 (Go accepts, canonicalises in the challenge)' },
  { comment: 'upper-case hex seed and key', deployment: replace(
    'V1', '"hex_seed":"0a1b2c3d4e5f"', '"hex_seed":"0A1B2C3D4E5F"'), result: 'valid', source: 'deployment-hash.md §2.5 (upper-case hex)' },
  { comment: 'zlogs to redis', deployment: replace('V1', '"ws://10.20.2.3:8080/logs"', '"redis://10.20.2.3:6379"'), result: 'valid', source: `${Z} zos/zlogs.go` },
  { comment: 'tls backend with bracketed IPv6', deployment: replace('V2', '"1.2.3.4:443"', '"[2a02:1802:5e::2]:443"'), result: 'valid', source: `${Z} zos/gw.go asIpPort` },
  { comment: 'name of 36 characters', deployment: mutate('V1', (d) => { wl(d, 'logs1')['name'] = 'a'.repeat(36); }), result: 'valid', source: `${Z} id.go IsValidName` },
  { comment: 'polka-wallet signature style', deployment: replace('V1', '"signature_style":""', '"signature_style":"polka-wallet"'), result: 'valid', source: 'deployment-hash.md §1.2' },
  { comment: 'zmachine disk exactly at the 2 GiB minimum', deployment: replace('V1', '"size":0,"compute_capacity"', '"size":2147483648,"compute_capacity"'), result: 'valid', source: `${Z} zos/zmachine.go MinRootSize` },
  { comment: 'zmachine memory exactly 250 MiB', deployment: replace('V1', '"memory":4294967296', '"memory":262144000'), result: 'valid', source: `${Z} zos/zmachine.go` },
];

const groups = [
  { type: 'DeploymentDecode', tests: decode },
  { type: 'WorkloadDataDecode', tests: data_ },
  { type: 'DeploymentValid', tests: rules },
  { type: 'Accepted', tests: accepted },
];

let tcId = 0;
const file = {
  schema: 'deployment_valid_schema_v1',
  suite: 'deployment',
  version: '1',
  generator: { tool: 'tools/gen-deployment-valid.ts' },
  header: [
    'Node-side reading and validation of a zos deployment (shared/spec/deployment-hash.md §6.2 step 1).',
    '`deployment` is the JSON text as sent. valid: the node accepts it; invalid: `error` is the sc4it',
    'error code and `upstream` (when present) the error text zos returns. acceptable: sc4it accepts it',
    'though the node would not (documented leniency).',
  ],
  notes: {
    GoJsonErrorText: { bugType: 'EDGE_CASE', description: 'upstream text rebuilt from Go encoding/json sources, not captured from a node' },
    GoJsonNull: { bugType: 'EDGE_CASE', description: 'null leaves the Go zero value' },
    GoJsonCaseFold: { bugType: 'EDGE_CASE', description: 'Go matches object keys case-insensitively' },
    GoJsonDuplicateKey: { bugType: 'EDGE_CASE', description: 'the last of duplicate keys wins' },
    NodeQuirk: { bugType: 'LEGACY', description: 'zos accepts this because of a bug; reproduced on purpose' },
    Sc4itLeniency: { bugType: 'FUNCTIONALITY', description: 'sc4it accepts a form the node refuses; formatDeployment writes the node form' },
  },
  numberOfTests: groups.reduce((n, g) => n + g.tests.length, 0),
  testGroups: groups.map((g) => ({
    type: g.type,
    tests: g.tests.map((c) => ({
      tcId: ++tcId,
      comment: c.comment,
      flags: c.flags ?? [],
      source: c.source,
      deployment: c.deployment,
      result: c.result,
      ...(c.error === undefined ? {} : { error: c.error }),
      ...(c.upstream === undefined ? {} : { upstream: c.upstream }),
    })),
  })),
};

writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
console.log(`wrote ${file.numberOfTests} tests to ${OUT}`);
