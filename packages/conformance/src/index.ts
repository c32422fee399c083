/**
 * @packageDocumentation
 * Wycheproof-style conformance vectors for sc4it and any ThreeFold-compatible implementation,
 * with a small loader, linter and JSON Schema check. The vectors live in
 * `vectors/<suite>/<topic>_test.json`, their schemas in `vectors/schemas/`.
 */
export { lintVectorFile, eachTest } from './vector-file.ts';
export type { VectorFile, VectorGroup, VectorTest, VectorNote, VectorResult } from './vector-file.ts';
export { loadVectors, listVectorFiles, VECTORS_DIR } from './load.ts';
export { validateVectorFile, validateAgainstSchema, SCHEMAS_DIR } from './schema.ts';
