/**
 * Wycheproof-style vector files (C2SP/wycheproof doc/formats.md, adapted):
 *
 * ```json
 * { "schema": "hash_test_schema_v1", "suite": "hash", "version": "1",
 *   "generator": { "tool": "tools/gen-hash.ts", "seed": 1 },
 *   "header": ["..."], "notes": { "FLAG": { "bugType": "...", "description": "..." } },
 *   "numberOfTests": 2,
 *   "testGroups": [ { "type": "...", "tests": [
 *     { "tcId": 1, "comment": "...", "flags": ["FLAG"], "source": "spec V1", "result": "valid", ... },
 *     { "tcId": 2, "comment": "...", "flags": [], "source": "...", "result": "invalid", "error": "deployment.name_duplicate" } ] } ] }
 * ```
 *
 * Every test records in `source` where its expected value came from (a spec vector, a real
 * ThreeFold or polkadot library, a reference written for the test, a rule of the spec).
 * Hex is lower-case without `0x`; integers beyond 2^53 are decimal strings.
 */
export type VectorResult = 'valid' | 'invalid' | 'acceptable';

export interface VectorNote {
  bugType: string;
  description: string;
}

export interface VectorTest {
  tcId: number;
  comment: string;
  flags: string[];
  /** Where the expected value came from. */
  source: string;
  result: VectorResult;
  /** For `invalid` results: the sc4it error code expected. */
  error?: string;
  [field: string]: unknown;
}

export interface VectorGroup<T extends VectorTest = VectorTest> {
  type: string;
  tests: T[];
  [param: string]: unknown;
}

export interface VectorFile<T extends VectorTest = VectorTest> {
  schema: string;
  suite: string;
  version: string;
  generator?: { tool: string; [k: string]: unknown };
  header: string[];
  notes: Record<string, VectorNote>;
  numberOfTests: number;
  testGroups: VectorGroup<T>[];
}

const RESULTS: ReadonlySet<string> = new Set(['valid', 'invalid', 'acceptable']);

/**
 * Checks a vector file's structure: known `result` values, unique `tcId`s, accurate
 * `numberOfTests`, every flag defined in `notes`, a `source` on every test, and an `error`
 * on every invalid test. Returns the list of problems (empty when the file is sound).
 */
export function lintVectorFile(file: VectorFile): string[] {
  const problems: string[] = [];
  for (const key of ['schema', 'suite', 'version'] as const) {
    if (typeof file[key] !== 'string' || file[key] === '') problems.push(`missing ${key}`);
  }
  if (!Array.isArray(file.header)) problems.push('header must be an array');
  if (!Array.isArray(file.testGroups)) return [...problems, 'testGroups must be an array'];
  const ids = new Set<number>();
  let count = 0;
  for (const group of file.testGroups) {
    if (typeof group.type !== 'string') problems.push('group without type');
    for (const t of group.tests) {
      count++;
      const where = `tcId ${t.tcId}`;
      if (!Number.isInteger(t.tcId)) problems.push(`${where}: tcId must be an integer`);
      if (ids.has(t.tcId)) problems.push(`${where}: duplicate tcId`);
      ids.add(t.tcId);
      if (!RESULTS.has(t.result)) problems.push(`${where}: unknown result ${String(t.result)}`);
      if (typeof t.comment !== 'string') problems.push(`${where}: missing comment`);
      if (typeof t.source !== 'string' || t.source === '') problems.push(`${where}: missing source`);
      if (t.result === 'invalid' && (typeof t.error !== 'string' || t.error === '')) {
        problems.push(`${where}: invalid test without error code`);
      }
      if (!Array.isArray(t.flags)) problems.push(`${where}: flags must be an array`);
      else for (const f of t.flags) if (!(f in (file.notes ?? {}))) problems.push(`${where}: undefined flag ${f}`);
    }
  }
  if (file.numberOfTests !== count) problems.push(`numberOfTests is ${file.numberOfTests}, counted ${count}`);
  return problems;
}

/** Iterates over every test with its group, for table-driven test suites. */
export function* eachTest<T extends VectorTest>(file: VectorFile<T>): Generator<{ group: VectorGroup<T>; test: T }> {
  for (const group of file.testGroups) for (const test of group.tests) yield { group, test };
}
