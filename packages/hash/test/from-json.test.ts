/**
 * `deploymentHashFromJson`: the hash of zos JSON text as the node reads the text. Expected values:
 * the vectors' hashes (grid_client 2.9.2 / the spec's reference, see vectors.test.ts) and, for the
 * text-level cases, grid_client's hash of the deployment Go's decoder makes of the text (written
 * out by hand below), or the error Go's `encoding/json` gives.
 */
import { type VectorTest, eachTest, loadVectors } from '@sc4it/conformance';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { describe, expect, it } from 'vitest';
import { deploymentHashFromJson } from '../src/index.ts';

interface HashVector extends VectorTest {
  input: string;
  hash?: string;
}

const tests = [...eachTest(loadVectors<HashVector>('hash', 'challenge'))].map(({ test }) => test);
const gc = gridClientOracle();

const disk = (size: string, twin = '1') =>
  `{"version":0,"twin_id":${twin},"contract_id":0,"metadata":"","description":"","expiration":0,` +
  `"signature_requirement":{"requests":[{"twin_id":1,"required":false,"weight":1}],"weight_required":1,"signatures":[],"signature_style":""},` +
  `"workloads":[{"version":0,"name":"d","type":"zmount","data":{"size":${size}},"metadata":"","description":""}]}`;

describe('deploymentHashFromJson', () => {
  it('gives every valid vector its recorded hash, from the text', () => {
    const valid = tests.filter((t) => t.result === 'valid');
    expect(valid.length).toBeGreaterThan(60);
    for (const t of valid) expect(deploymentHashFromJson(t.input), `tcId ${t.tcId}`).toBe(t.hash);
  });

  it('refuses what Go refuses in the text but JSON.parse would erase: 1e3, 1.0, -0 for an integer', () => {
    for (const n of ['1e3', '1.0', '1E3', '-0']) {
      expect(() => deploymentHashFromJson(disk(n)), n).toThrow(expect.objectContaining({ field: 'workloads[0].data.size' }) as Error);
    }
  });

  it('keeps integers above 2^53 exact', () => {
    const big = '18446744073709551615';
    expect(deploymentHashFromJson(disk(big))).toBe(gc.hash(JSON.parse(disk(`"${big}"`))));
  });

  it('decodes duplicate and re-cased keys as Go does: the last match wins', () => {
    const text = disk('1024').replace('"twin_id":1,"contract_id"', '"twin_id":1,"TWIN_ID":7,"contract_id"');
    expect(deploymentHashFromJson(text)).toBe(gc.hash(JSON.parse(disk('1024', '7'))));
  });

  it('malformed text and non-strings are typed errors', () => {
    expect(() => deploymentHashFromJson('{')).toThrow(expect.objectContaining({ code: 'decode.json' }) as Error);
    expect(() => deploymentHashFromJson({} as unknown as string)).toThrow(expect.objectContaining({ code: 'decode.json' }) as Error);
  });
});
