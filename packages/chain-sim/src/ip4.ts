/**
 * IPv4 checks of `add_farm_ip` / `create_farm` (spec §4, tfchain `support/src/types.rs` IP4):
 * the IP is a CIDR, the gateway a plain address inside it, both public unicast, and the
 * gateway is not the network address.
 */
const OCTET = /^(0|[1-9]\d{0,2})$/;

export function parseIp4(text: string): number | null {
  const parts = text.split('.');
  if (parts.length !== 4) return null;
  let v = 0;
  for (const p of parts) {
    if (!OCTET.test(p)) return null;
    const n = Number(p);
    if (n > 255) return null;
    v = v * 256 + n;
  }
  return v;
}

export function parseCidr4(text: string): { addr: number; prefix: number } | null {
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = parseIp4(text.slice(0, slash));
  const p = text.slice(slash + 1);
  if (addr === null || !/^(0|[1-9]\d?)$/.test(p)) return null;
  const prefix = Number(p);
  if (prefix > 32) return null;
  return { addr, prefix };
}

/** Ranges that are not public (RFC 6890 special-purpose blocks). */
const NON_PUBLIC: [number, number][] = [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['240.0.0.0', 4],
].map(([a, p]) => [parseIp4(a as string)!, p as number]);

function inRange(addr: number, base: number, prefix: number): boolean {
  if (prefix === 0) return true;
  const size = 2 ** (32 - prefix);
  return Math.floor(addr / size) === Math.floor(base / size);
}

export function isPublicUnicast(addr: number): boolean {
  if (inRange(addr, 0xe0000000, 4)) return false; // multicast
  if (addr === 0xffffffff) return false; // broadcast
  return !NON_PUBLIC.some(([b, p]) => inRange(addr, b, p));
}

/** True when `ip` (CIDR) and `gw` form a valid public IPv4 config. */
export function isValidPublicIp4(ip: string, gw: string): boolean {
  const g = parseIp4(gw);
  const c = parseCidr4(ip);
  if (g === null || c === null) return false;
  const size = 2 ** (32 - c.prefix);
  const network = Math.floor(c.addr / size) * size;
  if (network === g) return false;
  if (!isPublicUnicast(g) || !isPublicUnicast(c.addr)) return false;
  return inRange(g, c.addr, c.prefix);
}
