// Divergence vectors with a canonical form (vectors/hash/challenge_test.json, `canonical`): the node
// hashes that form like the vector's input (IPs re-rendered, hex lower-cased, keys matched case-
// insensitively, an RFC 3339 expiration read as unix seconds), and @threefold/grid_client 2.9.2
// agrees with the node on it. So the expected challenge and hash are checked against the real SDK,
// not only against the generator's plain reference (tools/gen-hash.ts `referenceChallenge`).
import { type VectorTest, eachTest, loadVectors } from '@sc4it/conformance';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { describe, expect, it } from 'vitest';
import { deploymentChallenge, deploymentHash } from '../src/index.ts';

interface HashVector extends VectorTest {
  input: string;
  challenge?: string;
  hash?: string;
  gridClientHash?: string;
  canonical?: string;
}

const all = [...eachTest(loadVectors<HashVector>('hash', 'challenge'))].map(({ test }) => test);
const withCanonical = all.filter((t) => t.canonical !== undefined);
const gc = gridClientOracle();

describe('divergences with a canonical form: grid_client 2.9.2 confirms the expected hash', () => {
  it('every divergence that has one carries it (IPv6/IPv4-mapped spellings, upper-case hex, key case, date expiration)', () => {
    const flags = new Set(withCanonical.flatMap((t) => t.flags));
    for (const f of ['NonCanonicalIp', 'UpperCaseHex', 'GoJsonCaseFold', 'TimestampString']) expect(flags.has(f), f).toBe(true);
    for (const t of all.filter((x) => x.flags.some((f) => ['NonCanonicalIp', 'UpperCaseHex', 'GoJsonCaseFold', 'TimestampString'].includes(f)))) {
      expect(t.canonical, `tcId ${t.tcId}`).toBeDefined();
    }
    expect(withCanonical.length).toBeGreaterThanOrEqual(10);
  });

  for (const t of withCanonical) {
    it(`tcId ${t.tcId}: ${t.comment}`, () => {
      const canonical = JSON.parse(t.canonical!) as object;
      expect(gc.challenge(canonical)).toBe(t.challenge);
      expect(gc.hash(canonical)).toBe(t.hash);
      // the node reads both forms alike, and so does @sc4it/hash
      expect(deploymentChallenge(canonical)).toBe(t.challenge);
      expect(deploymentHash(JSON.parse(t.input) as object)).toBe(deploymentHash(canonical));
      // …while grid_client, given the non-canonical input, still diverges
      expect(t.gridClientHash).toBeDefined();
      expect(t.gridClientHash).not.toBe(t.hash);
    });
  }

  it('u64 sizes as decimal strings: grid_client writes the digits as the node does', () => {
    const u64 = all.filter((t) => t.flags.includes('U64AsString'));
    expect(u64.length).toBeGreaterThanOrEqual(1);
    for (const t of u64) {
      const input = JSON.parse(t.input) as object;
      expect(gc.challenge(input), `tcId ${t.tcId}`).toBe(t.challenge);
      expect(gc.hash(input), `tcId ${t.tcId}`).toBe(t.hash);
    }
  });
});
