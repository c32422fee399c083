/**
 * The parts of Go's `net/url.Parse` and `net.SplitHostPort` that zos uses to validate gateway
 * backends and zlogs outputs (zosbase pkg/gridtypes/zos/gw.go, zlogs.go), with Go's error texts
 * so `DeploymentError.upstream` can carry what the node would answer.
 *
 * Covered: control characters, scheme syntax, opaque URLs, authority / userinfo / host / port
 * syntax, `%` escapes in host, path and fragment. Not covered (accepted here, also by the node in
 * practice): Go's later IPv6-literal and userinfo unescaping subtleties.
 */

export interface GoUrl {
  /** lower-cased, as Go stores it */
  scheme: string;
  opaque: string;
  /** `host[:port]` from the authority, unescaped */
  host: string;
}

/** Go `%q` for the ASCII-printable common case; other characters escaped like Go's strconv. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c === 0x07) out += '\\a';
    else if (c === 0x08) out += '\\b';
    else if (c === 0x0c) out += '\\f';
    else if (c === 0x0a) out += '\\n';
    else if (c === 0x0d) out += '\\r';
    else if (c === 0x09) out += '\\t';
    else if (c === 0x0b) out += '\\v';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else if (c >= 0x80 && c < 0xa0) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

class UrlError extends Error {}

function isHex(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
}

function hexVal(c: number): number {
  if (c <= 0x39) return c - 0x30;
  if (c <= 0x46) return c - 0x37;
  return c - 0x57;
}

/** Go url.shouldEscape for host mode, ASCII only. */
function hostCharNeedsEscape(c: number): boolean {
  if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) return false;
  // sub-delims and the characters Go allows in hosts
  if ('!$&\'()*+,;=:[]<>"-_.~'.includes(String.fromCharCode(c))) return false;
  return true;
}

type Mode = 'host' | 'path' | 'fragment';

/** Go url.unescape validation (the decoded value is not needed here). */
function checkEscapes(s: string, mode: Mode): string {
  // Work on UTF-8 bytes as Go does.
  const b = new TextEncoder().encode(s);
  for (let i = 0; i < b.length; ) {
    const c = b[i]!;
    if (c === 0x25) {
      if (i + 2 >= b.length || !isHex(b[i + 1]!) || !isHex(b[i + 2]!)) {
        let bad = new TextDecoder().decode(b.subarray(i));
        if (bad.length > 3) bad = bad.slice(0, 3);
        throw new UrlError(`invalid URL escape ${goQuote(bad)}`);
      }
      if (mode === 'host' && hexVal(b[i + 1]!) < 8 && !(b[i + 1] === 0x32 && b[i + 2] === 0x35)) {
        throw new UrlError(`invalid URL escape ${goQuote(new TextDecoder().decode(b.subarray(i, i + 3)))}`);
      }
      i += 3;
      continue;
    }
    if (mode === 'host' && c < 0x80 && hostCharNeedsEscape(c)) {
      throw new UrlError(`invalid character ${goQuote(String.fromCharCode(c))} in host name`);
    }
    i++;
  }
  return s;
}

function validOptionalPort(port: string): boolean {
  if (port === '') return true;
  if (port[0] !== ':') return false;
  for (let i = 1; i < port.length; i++) {
    const c = port.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

function parseHost(host: string): string {
  if (host.startsWith('[')) {
    const i = host.lastIndexOf(']');
    if (i < 0) throw new UrlError("missing ']' in host");
    const colonPort = host.slice(i + 1);
    if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
  } else {
    const i = host.lastIndexOf(':');
    if (i !== -1) {
      const colonPort = host.slice(i);
      if (!validOptionalPort(colonPort)) throw new UrlError(`invalid port ${goQuote(colonPort)} after host`);
    }
  }
  return checkEscapes(host, 'host');
}

function validUserinfo(s: string): boolean {
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || (c >= 0x30 && c <= 0x39)) continue;
    if ("-._:~!$&'()*+,;=%@".includes(ch)) continue;
    return false;
  }
  return true;
}

function getScheme(raw: string): [string, string] {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if ((c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a)) continue;
    if ((c >= 0x30 && c <= 0x39) || c === 0x2b || c === 0x2d || c === 0x2e) {
      if (i === 0) return ['', raw];
      continue;
    }
    if (c === 0x3a) {
      if (i === 0) throw new UrlError('missing protocol scheme');
      return [raw.slice(0, i), raw.slice(i + 1)];
    }
    return ['', raw];
  }
  return ['', raw];
}

/**
 * Go `url.Parse`. Returns the URL, or an error text exactly as Go's `*url.Error` prints it
 * (`parse "<url>": <reason>`).
 */
export function parseGoUrl(raw: string): GoUrl | { error: string } {
  const hash = raw.indexOf('#');
  const u = hash < 0 ? raw : raw.slice(0, hash);
  const frag = hash < 0 ? '' : raw.slice(hash + 1);
  let url: GoUrl;
  try {
    url = parseNoFragment(u);
  } catch (e) {
    if (e instanceof UrlError) return { error: `parse ${goQuote(u)}: ${e.message}` };
    throw e;
  }
  if (frag !== '') {
    try {
      checkEscapes(frag, 'fragment');
    } catch (e) {
      if (e instanceof UrlError) return { error: `parse ${goQuote(raw)}: ${e.message}` };
      throw e;
    }
  }
  return url;
}

function parseNoFragment(raw: string): GoUrl {
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new UrlError('net/url: invalid control character in URL');
  }
  const url: GoUrl = { scheme: '', opaque: '', host: '' };
  if (raw === '*') return url;
  let [scheme, rest] = getScheme(raw);
  url.scheme = scheme.toLowerCase();
  if (rest.endsWith('?') && rest.indexOf('?') === rest.length - 1) {
    rest = rest.slice(0, -1);
  } else {
    const q = rest.indexOf('?');
    if (q >= 0) rest = rest.slice(0, q);
  }
  if (!rest.startsWith('/')) {
    if (url.scheme !== '') {
      url.opaque = rest;
      return url;
    }
    const slash = rest.indexOf('/');
    const segment = slash < 0 ? rest : rest.slice(0, slash);
    if (segment.includes(':')) throw new UrlError('first path segment in URL cannot contain colon');
  }
  if ((url.scheme !== '' || !rest.startsWith('///')) && rest.startsWith('//')) {
    let authority = rest.slice(2);
    rest = '';
    const i = authority.indexOf('/');
    if (i >= 0) {
      rest = authority.slice(i);
      authority = authority.slice(0, i);
    }
    const at = authority.lastIndexOf('@');
    url.host = parseHost(at < 0 ? authority : authority.slice(at + 1));
    if (at >= 0) {
      const userinfo = authority.slice(0, at);
      if (!validUserinfo(userinfo)) throw new UrlError('net/url: invalid userinfo');
    }
  }
  checkEscapes(rest, 'path');
  return url;
}

/** Go `URL.Hostname()`: host without port and without IPv6 brackets. */
export function goUrlHostname(u: GoUrl): string {
  let host = u.host;
  const colon = host.lastIndexOf(':');
  if (colon !== -1 && validOptionalPort(host.slice(colon))) host = host.slice(0, colon);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  return host;
}

/** Go `net.SplitHostPort`; the error text is Go's `*net.AddrError`. */
export function goSplitHostPort(hostport: string): { host: string; port: string } | { error: string } {
  const err = (why: string): { error: string } => ({ error: hostport === '' ? why : `address ${hostport}: ${why}` });
  const i = hostport.lastIndexOf(':');
  if (i < 0) return err('missing port in address');
  let host: string;
  let j = 0;
  let k = 0;
  if (hostport[0] === '[') {
    const end = hostport.indexOf(']');
    if (end < 0) return err("missing ']' in address");
    if (end + 1 === hostport.length) return err('missing port in address');
    if (end + 1 !== i) {
      return err(hostport[end + 1] === ':' ? 'too many colons in address' : 'missing port in address');
    }
    host = hostport.slice(1, end);
    j = 1;
    k = end + 1;
  } else {
    host = hostport.slice(0, i);
    if (host.includes(':')) return err('too many colons in address');
  }
  if (hostport.slice(j).includes('[')) return err("unexpected '[' in address");
  if (hostport.slice(k).includes(']')) return err("unexpected ']' in address");
  return { host, port: hostport.slice(i + 1) };
}
