import { createHash } from 'node:crypto';
import { md5 } from '@noble/hashes/legacy.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Sink } from '../src/sink.ts';

// The incremental sink (UTF-8 encoder + unrolled MD5) against node:crypto's MD5 and
// @noble/hashes' MD5 over the same bytes (TextEncoder per fragment: Go decodes every JSON string
// on its own, so a lone surrogate is U+FFFD even next to its partner in the next fragment).

const enc = new TextEncoder();
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

function expected(parts: string[]): { node: string; noble: string; bytes: Uint8Array } {
  const chunks = parts.map((p) => enc.encode(p));
  const total = chunks.reduce((n, c) => n + c.length, 0);
  const bytes = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    bytes.set(c, off);
    off += c.length;
  }
  return { node: createHash('md5').update(bytes).digest('hex'), noble: hex(md5(bytes)), bytes };
}

const codeUnit = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 0x20, max: 0x7e }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0x7ff }) },
  { weight: 1, arbitrary: fc.integer({ min: 0x800, max: 0xffff }) }, // includes lone surrogates
  { weight: 1, arbitrary: fc.constantFrom(0xd83d, 0xde00) }, // halves of U+1F600
);
const fragment = fc.oneof(
  { weight: 8, arbitrary: fc.array(codeUnit, { maxLength: 40 }).map((u) => String.fromCharCode(...u)) },
  { weight: 1, arbitrary: fc.array(codeUnit, { minLength: 2000, maxLength: 9000 }).map((u) => String.fromCharCode(...u)) },
);

describe('Sink (incremental MD5)', () => {
  it('RFC 1321 test suite', () => {
    const suite: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
      ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
      ['1234567890'.repeat(8), '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [text, digest] of suite) {
      const s = new Sink('hash');
      s.write(text);
      expect(hex(s.digest())).toBe(digest);
    }
  });

  it('every length around the 64-byte padding boundaries', () => {
    for (let n = 0; n < 200; n++) {
      const s = new Sink('hash');
      const text = 'x'.repeat(n);
      s.write(text);
      expect(hex(s.digest())).toBe(expected([text]).node);
    }
  });

  it('matches node:crypto and noble for any fragments, in hash and collect mode', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 30 }), (parts) => {
        const want = expected(parts);
        expect(want.noble).toBe(want.node);
        const h = new Sink('hash');
        const c = new Sink('collect');
        for (const p of parts) {
          h.write(p);
          c.write(p);
        }
        expect(hex(h.digest())).toBe(want.node);
        expect(c.bytes()).toEqual(want.bytes);
      }),
      { numRuns: 150 },
    );
  });

  it('hashes past the internal chunk size (several flushes)', () => {
    const parts = Array.from({ length: 300 }, (_, i) => `${i}:${'é'.repeat(i % 50)}${'\u{1F600}'.repeat(i % 7)}`);
    parts.push('z'.repeat(100_000));
    const s = new Sink('hash');
    for (const p of parts) s.write(p);
    expect(hex(s.digest())).toBe(expected(parts).node);
  });
});
