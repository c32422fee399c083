// Fuzz of the decoders not covered elsewhere (envelope and deployment JSON have their own):
// random and mutated input decodes, or throws a DecodeError with its stable code — nothing else.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  decodeBacklog,
  decodeDeployment,
  decodeJson,
  encodeBacklog,
  encodeDeployment,
  encodeJson,
  hexToBytes,
  parseDeployment,
} from './index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const vectors = JSON.parse(readFileSync(join(HERE, '..', '..', 'conformance', 'vectors', 'deployment', 'valid_test.json'), 'utf8')) as {
  testGroups: { tests: { result: string; deployment: string }[] }[];
};
const validDeployments = vectors.testGroups.flatMap((g) => g.tests).filter((t) => t.result === 'valid').map((t) => parseDeployment(t.deployment));

/** Byte strings: random, or a seed with a few bytes overwritten and cut somewhere. */
function mutatedFrom(seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> {
  const mutated = fc
    .tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }), fc.nat())
    .map(([s, edits, cut]) => {
      const b = new Uint8Array(s);
      for (const [i, v] of edits) if (b.length) b[i % b.length] = v;
      return b.subarray(0, b.length ? cut % (b.length + 1) : 0);
    });
  return fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated);
}

function onlyDecodeError(code: string, run: () => void): void {
  try {
    run();
  } catch (e) {
    if (!(e instanceof DecodeError) || e.code !== code) throw e;
  }
}

describe('fuzz: decoders give a value or a DecodeError', () => {
  it('decodeDeployment (sc4it.v1.Deployment protobuf); what decodes encodes back to the same bytes', () => {
    const seeds = validDeployments.map(encodeDeployment);
    expect(seeds.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(mutatedFrom(seeds), (bytes) =>
        onlyDecodeError('decode.deployment_proto', () => {
          const d = decodeDeployment(bytes);
          expect(decodeDeployment(encodeDeployment(d))).toEqual(d);
        }),
      ),
      { numRuns: 1500 },
    );
  });

  it('decodeBacklog', () => {
    const seeds = [
      encodeBacklog({ uid: 'u', reference: 'r', reply_to: 'msgbus.system.reply', module: 'm', ttl: (1n << 64n) - 1n }),
      encodeBacklog({ uid: 'x', ttl: 5 }),
    ];
    fc.assert(
      fc.property(mutatedFrom(seeds), (bytes) =>
        onlyDecodeError('decode.backlog', () => {
          const b = decodeBacklog(bytes);
          expect(decodeBacklog(encodeBacklog(b))).toEqual(b);
        }),
      ),
      { numRuns: 1500 },
    );
  });

  it('decodeJson (bigint / bytes tagged JSON) and hexToBytes', () => {
    const text = encodeJson({ a: 1n << 70n, b: new Uint8Array([1, 2, 255]), c: ['x', { d: null }] });
    const mutatedText = fc
      .tuple(fc.nat(text.length), fc.nat(text.length), fc.string({ maxLength: 6 }))
      .map(([i, j, s]) => text.slice(0, Math.min(i, j)) + s + text.slice(Math.max(i, j)));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), mutatedText), fc.string({ maxLength: 20 }), (json, hex) => {
        const code = (e: unknown): string => (e instanceof DecodeError ? e.code : `not a DecodeError: ${String(e)}`);
        try {
          decodeJson(json);
        } catch (e) {
          expect(code(e)).toMatch(/^decode\./);
        }
        try {
          const b = hexToBytes(hex);
          expect(b.length * 2).toBe(hex.replace(/^0x/i, '').length);
        } catch (e) {
          expect(code(e)).toMatch(/^decode\./);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
