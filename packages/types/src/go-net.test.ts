import { isIP, isIPv6 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canonicalGoCIDR,
  canonicalGoIP,
  formatGoCIDR,
  formatGoIP,
  parseGoCIDR,
  parseGoIP,
} from './index.ts';

// Expected values: Go's documented behaviour (net.ParseIP / IP.String / ParseCIDR docs and the
// cases of Go's own src/net/ip_test.go, src/net/netip/netip_test.go), RFC 5952 §4 examples, and
// the spec's example (deployment-hash.md §2.1). Node's net.isIP and the WHATWG URL host
// serializer serve as independent cross-checks where their grammar agrees with Go's.

const v4 = (a: number, b: number, c: number, d: number) => Uint8Array.of(a, b, c, d);
const v6 = (...bytes: number[]) => Uint8Array.from(bytes);
const mapped = (a: number, b: number, c: number, d: number) =>
  Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, a, b, c, d);

describe('parseGoIP (Go net.ParseIP)', () => {
  it.each([
    ['127.1.2.3', v4(127, 1, 2, 3)],
    ['0.0.0.0', v4(0, 0, 0, 0)],
    ['255.255.255.255', v4(255, 255, 255, 255)],
    ['192.0.2.1', v4(192, 0, 2, 1)],
    ['::ffff:127.1.2.3', mapped(127, 1, 2, 3)],
    ['::ffff:7f01:0203', mapped(127, 1, 2, 3)],
    ['0:0:0:0:0000:ffff:127.1.2.3', mapped(127, 1, 2, 3)],
    ['0:0:0:0::ffff:127.1.2.3', mapped(127, 1, 2, 3)],
    ['2001:4860:0:2001::68', v6(0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x68)],
    ['2001:4860:0000:2001:0000:0000:0000:0068', v6(0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0, 0x68)],
    ['::', new Uint8Array(16)],
    ['::1', v6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)],
    ['1::', v6(0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)],
    ['1:2:3:4:5:6:7::', v6(0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 0)],
    ['::2:3:4:5:6:7:8', v6(0, 0, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8)],
    ['ABCD:EF01::1', v6(0xab, 0xcd, 0xef, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)],
    ['::1.2.3.4', v6(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4)],
  ])('accepts %s', (text, bytes) => {
    expect(parseGoIP(text)).toEqual(bytes);
  });

  it.each([
    '',
    'abc',
    '123:',
    '-0.0.0.0',
    '0.-1.0.0',
    '0.0.-2.0',
    '0.0.0.-3',
    '127.0.0.256',
    '127.001.2.3', // leading zeros rejected since Go 1.17
    '010.20.2.2', // the spec's example
    '127.0.0.1.',
    '.127.0.0.1',
    '127..0.1',
    '1.2.3',
    '1.2.3.4.5',
    '0x7f.0.0.1',
    ' 1.2.3.4',
    '1.2.3.4 ',
    '1.2.3.4/32',
    'fe80::1%lo0', // zones make net.ParseIP fail
    'fe80::1%911',
    'fe80::1%',
    '%eth0',
    'a1:a2:a3:a4::b1:b2:b3:b4', // :: must stand for at least one group
    '0:0:0:0:000000:ffff:127.1.2.3', // more than 4 hex digits
    '12345::',
    '1::2::3',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7:8:',
    ':1::',
    '1:2:3:4:5:6:1.2.3.4:5',
    '1:2:3:4:5:6:7:1.2.3.4', // embedded IPv4 does not fit
    '1:2:3:1.2.3.4', // embedded IPv4 not in the last 32 bits, no ::
    '::ffff:1.2.3.04', // leading zero in embedded IPv4
    '::g',
    '[::1]',
    '１.2.3.4', // full-width digit
  ])('rejects %j', (text) => {
    expect(parseGoIP(text)).toBeNull();
  });

  it('never accepts what node:net rejects, and accepts all node-valid zone-free addresses', () => {
    // node's isIP grammar: no leading zeros in IPv4, zones allowed in IPv6. Where zones are
    // absent, the two grammars agree.
    const candidates = fc.oneof(
      fc.ipV4(),
      fc.ipV6(),
      fc.ipV4Extended(),
      fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF.:%'.split('')), maxLength: 45 }),
    );
    fc.assert(
      fc.property(candidates, (text) => {
        const go = parseGoIP(text) !== null;
        const node = isIP(text) !== 0 && !text.includes('%');
        expect(go).toBe(node);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('formatGoIP (Go net.IP.String)', () => {
  it.each([
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0x1, 0x23, 0, 0x12, 0, 0x1), '2001:db8::123:12:1'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1), '2001:db8::1'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1), '2001:db8:0:1:0:1:0:1'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0), '2001:db8:1:0:1:0:1:0'],
    [v6(0x20, 0x1, 0, 0, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1), '2001::1:0:0:1'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0), '2001:db8:0:0:1::'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1), '2001:db8::1:0:0:1'],
    [v6(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0xa, 0, 0xb, 0, 0xc, 0, 0xd), '2001:db8::a:b:c:d'],
    [v4(192, 168, 0, 1), '192.168.0.1'],
    [mapped(192, 168, 0, 1), '192.168.0.1'],
    [new Uint8Array(16), '::'],
    [new Uint8Array(0), '<nil>'],
    [v6(192, 168, 0, 1, 0), '?c0a8000100'],
  ])('renders %s as %s', (bytes, text) => {
    expect(formatGoIP(bytes)).toBe(text);
  });

  it.each([
    // RFC 5952 §4 examples (input -> recommended text)
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8::0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0db8::1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:db8:0:0:1::1', '2001:db8::1:0:0:1'],
    ['2001:DB8:0:0:1::1', '2001:db8::1:0:0:1'],
    ['2001:db8:aaaa:bbbb:cccc:dddd:eeee:0001', '2001:db8:aaaa:bbbb:cccc:dddd:eeee:1'],
    ['2001:db8::0:1', '2001:db8::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:0:0::1', '2001:db8::1'],
    ['2001:db8::aaaa:0:0:1', '2001:db8::aaaa:0:0:1'],
    ['2001:db8:0:0:aaaa::1', '2001:db8::aaaa:0:0:1'],
    // the spec's example
    ['2a02:1802:005e:0000::0002', '2a02:1802:5e::2'],
    ['::ffff:1.2.3.4', '1.2.3.4'],
    ['::FFFF:0102:0304', '1.2.3.4'],
    ['::1.2.3.4', '::102:304'],
  ])('canonicalGoIP(%s) = %s', (input, out) => {
    expect(canonicalGoIP(input)).toBe(out);
  });

  it('agrees with the WHATWG URL IPv6 serializer for every non-mapped address', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.array(fc.integer({ min: 0, max: 7 }), { maxLength: 8 }),
        (raw, zeroGroups) => {
          const ip = Uint8Array.from(raw);
          for (const g of zeroGroups) ip[2 * g] = ip[2 * g + 1] = 0;
          const isMapped = ip.slice(0, 10).every((b) => b === 0) && ip[10] === 0xff && ip[11] === 0xff;
          fc.pre(!isMapped);
          const text = formatGoIP(ip);
          expect(isIPv6(text)).toBe(true);
          expect(new URL(`http://[${text}]/`).hostname).toBe(`[${text}]`);
          expect(parseGoIP(text)).toEqual(ip);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('round-trips every IPv4 address through dotted text', () => {
    fc.assert(
      fc.property(fc.ipV4(), (text) => {
        expect(canonicalGoIP(text)).toBe(text);
      }),
    );
  });
});

describe('parseGoCIDR / formatGoCIDR (Go net.ParseCIDR, gridtypes.IPNet)', () => {
  it.each([
    ['135.104.0.0/32', '135.104.0.0/32'],
    ['0.0.0.0/24', '0.0.0.0/24'],
    ['135.104.0.1/32', '135.104.0.1/32'],
    ['135.104.0.1/24', '135.104.0.1/24'], // host part kept (gridtypes sets IPNet.IP = ip)
    ['10.20.2.5/24', '10.20.2.5/24'],
    ['10.20.2.5/024', '10.20.2.5/24'], // Go's dtoi accepts leading zeros in the prefix
    ['::1/128', '::1/128'],
    ['abcd:2345::/127', 'abcd:2345::/127'],
    ['abcd:2345::/65', 'abcd:2345::/65'],
    ['abcd:2345::/24', 'abcd:2345::/24'],
    ['2001:DB8::/48', '2001:db8::/48'],
    ['2001:DB8::1/48', '2001:db8::1/48'],
    ['2a02:1802:005e:0000::0002/64', '2a02:1802:5e::2/64'],
    ['::ffff:10.0.0.1/104', '10.0.0.1/8'], // 16-byte mask sliced to its last 4 bytes
    ['::ffff:10.0.0.1/128', '10.0.0.1/32'],
    ['::ffff:10.0.0.1/96', '10.0.0.1/0'],
    ['::ffff:10.0.0.1/64', '10.0.0.1/0'],
    ['0.0.0.0/0', '0.0.0.0/0'],
  ])('canonicalGoCIDR(%s) = %s', (input, out) => {
    expect(canonicalGoCIDR(input)).toBe(out);
  });

  it('keeps the parts as written', () => {
    expect(parseGoCIDR('10.20.2.5/24')).toEqual({ ip: v4(10, 20, 2, 5), prefix: 24, bits: 32 });
    expect(parseGoCIDR('::ffff:10.0.0.1/104')).toEqual({ ip: mapped(10, 0, 0, 1), prefix: 104, bits: 128 });
  });

  it.each([
    '',
    '10.0.0.1',
    '192.168.1.1/255.255.255.0',
    '192.168.1.1/35',
    '2001:db8::1/129',
    '2001:db8::1/-1',
    '2001:db8::1/-0',
    '2001:db8::1/+1',
    '-0.0.0.0/32',
    '0.-1.0.0/32',
    '0.0.0.0/-0',
    '127.000.000.001/32',
    '10.0.0.1/',
    '10.0.0.1/24/1',
    '10.0.0.1/ 24',
    '10.0.0.1 /24',
    'fe80::1%eth0/64',
    '/24',
    '10.0.0.1/99999999999',
  ])('rejects %j', (text) => {
    expect(parseGoCIDR(text)).toBeNull();
    expect(canonicalGoCIDR(text)).toBeNull();
  });

  it('canonical* fast paths agree with parse + format', () => {
    const octet = fc.oneof(fc.integer({ min: 0, max: 300 }).map(String), fc.constantFrom('00', '01', '010', '', '-1'));
    const prefix = fc.oneof(fc.integer({ min: 0, max: 140 }).map(String), fc.constantFrom('00', '08', '032', '', 'x', '3 '));
    const v4text = fc.tuple(octet, octet, octet, octet).map((o) => o.join('.'));
    const text = fc.oneof(v4text, fc.ipV6(), fc.ipV4(), fc.ipV4Extended());
    fc.assert(
      fc.property(text, prefix, (t, p) => {
        const c = parseGoCIDR(`${t}/${p}`);
        expect(canonicalGoCIDR(`${t}/${p}`)).toBe(c === null ? null : formatGoCIDR(c));
        const ip = parseGoIP(t);
        expect(canonicalGoIP(t)).toBe(ip === null ? null : formatGoIP(ip));
      }),
      { numRuns: 3000 },
    );
  });

  it('renders an empty IPNet as <nil>', () => {
    expect(formatGoCIDR(null)).toBe('<nil>');
    expect(formatGoCIDR(undefined)).toBe('<nil>');
  });
});
