// Every vector file validates against the JSON Schema its `schema` field names
// (vectors/schemas/*.json, hand-written), and the validator refuses what it should.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCHEMAS_DIR, listVectorFiles, loadVectors, validateAgainstSchema, validateVectorFile } from '../src/index.ts';

describe('vector files against their schemas', () => {
  const files = listVectorFiles().map(({ suite, topic }) => ({ suite, topic, file: loadVectors(suite, topic) }));

  it('every schema a file names exists, and every schema file is used (or is the common one)', () => {
    const named = new Set(files.map((f) => `${f.file.schema}.json`));
    const present = new Set(readdirSync(SCHEMAS_DIR).filter((f) => f.endsWith('.json')));
    for (const n of named) expect(present.has(n), n).toBe(true);
    for (const p of present) expect(named.has(p) || p === 'vector_file_common.json', p).toBe(true);
  });

  for (const { suite, topic, file } of files) {
    it(`${suite}/${topic} validates against ${file.schema}`, () => {
      expect(validateVectorFile(file)).toEqual([]);
    });
  }

  it('the schemas catch what the structural linter does not', () => {
    const hash = structuredClone(loadVectors('hash', 'challenge')) as unknown as { schema: string; testGroups: { tests: Record<string, unknown>[] }[] };
    const t = hash.testGroups[0]!.tests[0]!;
    t.hash = '5B68E6AC3CA8E3CD71E33419CDEF977B'; // upper-case hex
    t.surprise = 1; // unknown field
    delete t.input;
    const problems = validateVectorFile(hash);
    expect(problems).toContain('$.testGroups[0].tests[0].hash: does not match ^[0-9a-f]{32}$');
    expect(problems).toContain('$.testGroups[0].tests[0]: unexpected property surprise');
    expect(problems).toContain('$.testGroups[0].tests[0]: missing input');
    const cost = structuredClone(loadVectors('billing', 'cost')) as unknown as { schema: string; testGroups: { type: string; tests: Record<string, unknown>[] }[] };
    cost.testGroups[0]!.type = 'Nope';
    const inv = cost.testGroups.find((g) => g.type === 'InvalidCostInput')!.tests[0]!;
    delete inv.error;
    inv.unitsUsd = 12;
    const p2 = validateVectorFile(cost);
    expect(p2.some((p) => p.startsWith('$.testGroups[0].type: "Nope" not one of'))).toBe(true);
    expect(p2).toContain(`$.testGroups[${cost.testGroups.findIndex((g) => g.type === 'InvalidCostInput')}].tests[0]: missing error`);
    expect(p2.some((p) => p.endsWith('.unitsUsd: expected string, got integer'))).toBe(true);
    expect(validateAgainstSchema(cost, 'billing_units_schema_v1')).toContain('$.schema: expected "billing_units_schema_v1"');
  });

  it('unknown schemas and unsupported keywords are errors, never a silent pass', () => {
    expect(() => validateAgainstSchema({}, 'no_such_schema_v1')).toThrow(/cannot read schema/);
    expect(() => validateAgainstSchema({}, '../package')).toThrow(/bad schema name/);
  });
});
