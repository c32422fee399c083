import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DecodeError } from '@sc4it/types';
import { type VectorFile, type VectorTest, lintVectorFile } from './vector-file.ts';

/** Absolute path of the `vectors/` folder shipped with this package. */
export const VECTORS_DIR: string = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors');

/**
 * Loads `vectors/<suite>/<topic>_test.json` and checks its structure.
 * @throws {DecodeError} `decode.vectors` when the file is missing or unsound.
 */
export function loadVectors<T extends VectorTest = VectorTest>(suite: string, topic: string): VectorFile<T> {
  const path = join(VECTORS_DIR, suite, `${topic}_test.json`);
  let file: VectorFile<T>;
  try {
    file = JSON.parse(readFileSync(path, 'utf8')) as VectorFile<T>;
  } catch (cause) {
    throw new DecodeError('decode.vectors', `cannot read vector file ${suite}/${topic}`, { cause });
  }
  const problems = lintVectorFile(file);
  if (problems.length > 0) {
    throw new DecodeError('decode.vectors', `unsound vector file ${suite}/${topic}`, { details: problems.join('; ') });
  }
  return file;
}

/** Every vector file as `{ suite, topic }`. */
export function listVectorFiles(): { suite: string; topic: string }[] {
  const out: { suite: string; topic: string }[] = [];
  for (const suite of readdirSync(VECTORS_DIR, { withFileTypes: true })) {
    if (!suite.isDirectory() || suite.name === 'schemas') continue;
    for (const f of readdirSync(join(VECTORS_DIR, suite.name))) {
      const m = /^(.+)_test\.json$/.exec(f);
      if (m) out.push({ suite: suite.name, topic: m[1]! });
    }
  }
  return out.sort((a, b) => `${a.suite}/${a.topic}`.localeCompare(`${b.suite}/${b.topic}`));
}
