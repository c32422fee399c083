/**
 * IP and CIDR parsing and rendering exactly as Go's `net` package does it (Go ≥ 1.22, where
 * `net.ParseIP` / `net.ParseCIDR` are built on `net/netip`). The node (zos, Go 1.25) decodes
 * `net.IP` and `gridtypes.IPNet` fields with these functions and re-renders them with
 * `IP.String()` / `IPNet.String()` inside the deployment challenge, so a port must reproduce both
 * the accepted grammar and the canonical text (shared/spec/deployment-hash.md §2.1).
 *
 * Grammar accepted (Go `netip.ParseAddr` without zones):
 * - IPv4: exactly four decimal fields 0..255 separated by `.`, no leading zeros (`010.1.1.1`
 *   is rejected), nothing else (no spaces, no `0x`, no shortened forms).
 * - IPv6: up to eight groups of 1..4 hex digits (either case), at most one `::` that stands for at
 *   least one zero group, an optional embedded IPv4 (same rules) in the last 32 bits. A zone
 *   (`%eth0`) makes `net.ParseIP` fail.
 *
 * Rendering (Go `net.IP.String`): dotted quad for IPv4 and IPv4-mapped IPv6 (`::ffff:1.2.3.4`
 * renders `1.2.3.4`); otherwise RFC 5952: lower-case hex, no leading zeros, the first longest run
 * of two or more zero groups replaced by `::`.
 */

/** A CIDR as Go's `net.ParseCIDR` sees it, with the host part kept unmasked (`gridtypes.IPNet`). */
export interface GoCidr {
  /** The address as written: 4 bytes for an IPv4 literal, 16 bytes for an IPv6 literal. */
  ip: Uint8Array;
  /** The prefix length as written (0..bits). */
  prefix: number;
  /** 32 for an IPv4 literal, 128 for an IPv6 literal (also for `::ffff:a.b.c.d`), as netip's BitLen. */
  bits: 32 | 128;
}

const C_0 = 48;
const C_9 = 57;
const C_DOT = 46;
const C_COLON = 58;
const C_PERCENT = 37;

/** Parses `s[start..end)` as a Go IPv4 literal into `out[at..at+4)`; false when Go rejects it. */
function parseIPv4Into(s: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let val = 0;
  let pos = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      if (digits === 1 && val === 0) return false; // leading zero
      val = val * 10 + (c - C_0);
      digits++;
      if (val > 255) return false;
    } else if (c === C_DOT) {
      if (digits === 0 || i === end - 1) return false; // empty field
      if (pos === 3) return false; // too many fields
      out[at + pos] = val;
      pos++;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  if (pos < 3 || digits === 0) return false;
  out[at + 3] = val;
  return true;
}

function hexVal(c: number): number {
  if (c >= C_0 && c <= C_9) return c - C_0;
  if (c >= 97 && c <= 102) return c - 87; // a-f
  if (c >= 65 && c <= 70) return c - 55; // A-F
  return -1;
}

/** Go netip's IPv6 grammar (no zone allowed). Returns 16 bytes or null. */
function parseIPv6(s: string): Uint8Array | null {
  const ip = new Uint8Array(16);
  const end = s.length;
  let p = 0;
  let ellipsis = -1;
  if (end >= 2 && s.charCodeAt(0) === C_COLON && s.charCodeAt(1) === C_COLON) {
    ellipsis = 0;
    p = 2;
    if (p === end) return ip;
  }
  let i = 0;
  while (i < 16) {
    let off = 0;
    let acc = 0;
    while (p + off < end) {
      const h = hexVal(s.charCodeAt(p + off));
      if (h < 0) break;
      if (off > 3) return null; // more than 4 hex digits
      acc = (acc << 4) + h;
      off++;
    }
    if (off === 0) return null;
    if (p + off < end && s.charCodeAt(p + off) === C_DOT) {
      // Embedded IPv4: must fill the last 32 bits (or follow a `::`).
      if (ellipsis < 0 && i !== 12) return null;
      if (i + 4 > 16) return null;
      if (!parseIPv4Into(s, p, end, ip, i)) return null;
      p = end;
      i += 4;
      break;
    }
    ip[i] = acc >> 8;
    ip[i + 1] = acc & 0xff;
    i += 2;
    p += off;
    if (p === end) break;
    if (s.charCodeAt(p) !== C_COLON || p + 1 === end) return null;
    p++;
    if (s.charCodeAt(p) === C_COLON) {
      if (ellipsis >= 0) return null; // second `::`
      ellipsis = i;
      p++;
      if (p === end) break;
    }
  }
  if (p !== end) return null;
  if (i < 16) {
    if (ellipsis < 0) return null;
    const n = 16 - i;
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!;
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0;
  } else if (ellipsis >= 0) {
    return null; // `::` must stand for at least one zero group
  }
  return ip;
}

/**
 * Go `net.ParseIP`: the address bytes, or `null` where Go returns nil. IPv4 literals give 4 bytes
 * (Go keeps them as 16-byte IPv4-mapped; both render the same); IPv6 literals give 16 bytes.
 */
export function parseGoIP(text: string): Uint8Array | null {
  if (typeof text !== 'string') return null;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === C_DOT) {
      const out = new Uint8Array(4);
      return parseIPv4Into(text, 0, text.length, out, 0) ? out : null;
    }
    if (c === C_COLON) {
      // A zone makes net.ParseIP fail, whatever follows.
      return text.includes('%') ? null : parseIPv6(text);
    }
    if (c === C_PERCENT) return null;
  }
  return null;
}

function isV4Mapped(ip: Uint8Array): boolean {
  if (ip.length !== 16) return false;
  for (let i = 0; i < 10; i++) if (ip[i] !== 0) return false;
  return ip[10] === 0xff && ip[11] === 0xff;
}

function dotted(ip: Uint8Array, at: number): string {
  return `${ip[at]}.${ip[at + 1]}.${ip[at + 2]}.${ip[at + 3]}`;
}

/**
 * Go `net.IP.String`: `<nil>` for an empty address, dotted quad for IPv4 and IPv4-mapped IPv6,
 * RFC 5952 text for other IPv6, `?` + hex for any other length.
 */
export function formatGoIP(ip: Uint8Array): string {
  if (ip.length === 0) return '<nil>';
  if (ip.length === 4) return dotted(ip, 0);
  if (ip.length !== 16) {
    let h = '?';
    for (const b of ip) h += b.toString(16).padStart(2, '0');
    return h;
  }
  if (isV4Mapped(ip)) return dotted(ip, 12);
  // First longest run of >= 2 zero groups.
  let zs = -1;
  let ze = -1;
  for (let g = 0; g < 8; g++) {
    let j = g;
    while (j < 8 && ip[2 * j] === 0 && ip[2 * j + 1] === 0) j++;
    if (j - g >= 2 && j - g > ze - zs) {
      zs = g;
      ze = j;
    }
  }
  let out = '';
  for (let g = 0; g < 8; g++) {
    if (g === zs) {
      out += '::';
      g = ze - 1;
      continue;
    }
    if (g > 0 && g !== ze) out += ':';
    out += ((ip[2 * g]! << 8) | ip[2 * g + 1]!).toString(16);
  }
  return out;
}

/**
 * Go `net.ParseCIDR` as used by `gridtypes.ParseIPNet`: the address part follows
 * {@link parseGoIP}'s grammar, the prefix is decimal digits only (leading zeros allowed, as Go's
 * `dtoi`), at most 32 for an IPv4 literal and 128 for an IPv6 literal. The host bits are kept.
 * Returns `null` where Go returns an error.
 */
export function parseGoCIDR(text: string): GoCidr | null {
  if (typeof text !== 'string') return null;
  const slash = text.indexOf('/');
  if (slash < 0) return null;
  const addr = text.slice(0, slash);
  let ip: Uint8Array | null = null;
  let bits: 32 | 128 = 32;
  for (let i = 0; i < addr.length; i++) {
    const c = addr.charCodeAt(i);
    if (c === C_DOT) {
      const out = new Uint8Array(4);
      ip = parseIPv4Into(addr, 0, addr.length, out, 0) ? out : null;
      break;
    }
    if (c === C_COLON) {
      ip = addr.includes('%') ? null : parseIPv6(addr);
      bits = 128;
      break;
    }
    if (c === C_PERCENT) break;
  }
  if (ip === null) return null;
  const end = text.length;
  if (slash + 1 === end) return null;
  let n = 0;
  for (let i = slash + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c < C_0 || c > C_9) return null;
    n = n * 10 + (c - C_0);
    if (n >= 0xffffff) return null; // Go dtoi overflow guard
  }
  if (n > bits) return null;
  return { ip, prefix: n, bits };
}

/**
 * Go `net.IPNet.String` for a {@link GoCidr} (gridtypes.IPNet keeps the unmasked host):
 * `<ip>/<prefix>`, or `<nil>` for an absent value. An IPv4-mapped IPv6 literal renders as IPv4
 * with the prefix reduced by 96 (Go slices the 16-byte mask to its last 4 bytes), floored at 0.
 */
export function formatGoCIDR(cidr: GoCidr | null | undefined): string {
  if (cidr === null || cidr === undefined || cidr.ip.length === 0) return '<nil>';
  const { ip, prefix, bits } = cidr;
  if (ip.length === 4 || isV4Mapped(ip)) {
    const p = bits === 128 ? Math.max(0, prefix - 96) : prefix;
    return `${ip.length === 4 ? dotted(ip, 0) : dotted(ip, 12)}/${p}`;
  }
  return `${formatGoIP(ip)}/${prefix}`;
}

/** True when `s[start..end)` is a Go-valid IPv4 literal (then it is already canonical). */
function isIPv4(s: string, start: number, end: number): boolean {
  let val = 0;
  let fields = 0;
  let digits = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= C_0 && c <= C_9) {
      if (digits === 1 && val === 0) return false;
      val = val * 10 + (c - C_0);
      digits++;
      if (val > 255) return false;
    } else if (c === C_DOT) {
      if (digits === 0 || ++fields > 3) return false;
      val = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return fields === 3 && digits > 0;
}

/** `formatGoIP(parseGoIP(text))`, or `null` when Go rejects `text`. */
export function canonicalGoIP(text: string): string | null {
  // A valid IPv4 literal has no leading zeros, so it is its own canonical form.
  if (typeof text === 'string' && isIPv4(text, 0, text.length)) return text;
  const ip = parseGoIP(text);
  return ip === null ? null : formatGoIP(ip);
}

/** `formatGoCIDR(parseGoCIDR(text))`, or `null` when Go rejects `text`. */
export function canonicalGoCIDR(text: string): string | null {
  if (typeof text === 'string') {
    // Fast path: IPv4 with a prefix 0..32 written without leading zeros is already canonical.
    const slash = text.indexOf('/');
    const plen = text.length - slash - 1;
    if (slash > 0 && (plen === 1 || plen === 2) && isIPv4(text, 0, slash)) {
      const d0 = text.charCodeAt(slash + 1) - C_0;
      const d1 = plen === 2 ? text.charCodeAt(slash + 2) - C_0 : 0;
      if (d0 >= 0 && d0 <= 9 && d1 >= 0 && d1 <= 9 && (plen === 1 || (d0 !== 0 && d0 * 10 + d1 <= 32))) return text;
    }
  }
  const c = parseGoCIDR(text);
  return c === null ? null : formatGoCIDR(c);
}
