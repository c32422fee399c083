/**
 * Vector files against their JSON Schemas (`vectors/schemas/<schema>.json`, draft 2020-12). A
 * small validator for the subset those schemas use: `type`, `properties`, `required`,
 * `additionalProperties`, `items`, `minItems`, `enum`, `const`, `pattern`, `minLength`,
 * `minimum`, `allOf`, `anyOf`, `if`/`then`, and `$ref` to `#/$defs/…` or `<file>.json#/$defs/…`
 * in the same folder. Unknown keywords are an error, so a schema cannot silently ask for more.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DecodeError } from '@sc4it/types';
import { VECTORS_DIR } from './load.ts';

/** Folder of the schemas shipped with this package. */
export const SCHEMAS_DIR: string = join(VECTORS_DIR, 'schemas');

type Schema = Record<string, unknown>;
const KNOWN = new Set([
  '$schema', '$id', '$defs', 'title', 'description', 'type', 'properties', 'required', 'additionalProperties', 'items',
  'minItems', 'enum', 'const', 'pattern', 'minLength', 'minimum', 'allOf', 'anyOf', 'if', 'then', '$ref',
]);

const cache = new Map<string, Schema>();
function schemaFile(name: string): Schema {
  let s = cache.get(name);
  if (s === undefined) {
    if (!/^[a-z0-9_]+(\.json)?$/.test(name)) throw new DecodeError('decode.vectors', `bad schema name ${name}`);
    const file = name.endsWith('.json') ? name : `${name}.json`;
    try {
      s = JSON.parse(readFileSync(join(SCHEMAS_DIR, file), 'utf8')) as Schema;
    } catch (cause) {
      throw new DecodeError('decode.vectors', `cannot read schema ${file}`, { cause });
    }
    cache.set(name, s);
  }
  return s;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}
const typeMatches = (v: unknown, t: string): boolean => {
  const a = typeOf(v);
  return a === t || (t === 'number' && a === 'integer');
};
const deepEqual = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

function resolve(ref: string, root: Schema): { schema: Schema; root: Schema } {
  const [file, pointer = ''] = ref.split('#');
  const base = file === '' || file === undefined ? root : schemaFile(file);
  let s: unknown = base;
  for (const part of pointer.split('/').filter((p) => p !== '')) s = (s as Schema)[part];
  if (s === undefined || s === null || typeof s !== 'object') throw new DecodeError('decode.vectors', `unresolved $ref ${ref}`);
  return { schema: s as Schema, root: base };
}

function check(v: unknown, s: Schema, root: Schema, path: string, out: string[]): void {
  for (const k of Object.keys(s)) if (!KNOWN.has(k)) throw new DecodeError('decode.vectors', `schema keyword ${k} is not supported (at ${path})`);
  if (typeof s.$ref === 'string') {
    const r = resolve(s.$ref, root);
    check(v, r.schema, r.root, path, out);
  }
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type as string];
    if (!types.some((t) => typeMatches(v, t))) {
      out.push(`${path}: expected ${types.join(' or ')}, got ${typeOf(v)}`);
      return;
    }
  }
  if (s.const !== undefined && !deepEqual(v, s.const)) out.push(`${path}: expected ${JSON.stringify(s.const)}`);
  if (Array.isArray(s.enum) && !s.enum.some((e) => deepEqual(e, v))) out.push(`${path}: ${JSON.stringify(v)} not one of ${JSON.stringify(s.enum)}`);
  if (typeof v === 'string') {
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) out.push(`${path}: does not match ${s.pattern}`);
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) out.push(`${path}: shorter than ${s.minLength}`);
  }
  if (typeof v === 'number' && typeof s.minimum === 'number' && v < s.minimum) out.push(`${path}: below ${s.minimum}`);
  if (Array.isArray(v)) {
    if (typeof s.minItems === 'number' && v.length < s.minItems) out.push(`${path}: fewer than ${s.minItems} items`);
    if (s.items !== undefined) v.forEach((x, i) => check(x, s.items as Schema, root, `${path}[${i}]`, out));
  }
  if (typeOf(v) === 'object') {
    const o = v as Record<string, unknown>;
    const props = (s.properties ?? {}) as Record<string, Schema>;
    for (const k of (s.required ?? []) as string[]) if (!(k in o)) out.push(`${path}: missing ${k}`);
    for (const [k, x] of Object.entries(o)) {
      if (k in props) check(x, props[k]!, root, `${path}.${k}`, out);
      else if (s.additionalProperties === false) out.push(`${path}: unexpected property ${k}`);
      else if (typeof s.additionalProperties === 'object') check(x, s.additionalProperties as Schema, root, `${path}.${k}`, out);
    }
  }
  if (Array.isArray(s.allOf)) for (const sub of s.allOf as Schema[]) check(v, sub, root, path, out);
  if (Array.isArray(s.anyOf)) {
    const ok = (s.anyOf as Schema[]).some((sub) => {
      const o: string[] = [];
      check(v, sub, root, path, o);
      return o.length === 0;
    });
    if (!ok) out.push(`${path}: matches none of anyOf`);
  }
  if (s.if !== undefined) {
    const o: string[] = [];
    check(v, s.if as Schema, root, path, o);
    if (o.length === 0 && s.then !== undefined) check(v, s.then as Schema, root, path, out);
  }
}

/** Problems of `value` against the named schema (empty when it validates). */
export function validateAgainstSchema(value: unknown, schemaName: string): string[] {
  const root = schemaFile(schemaName);
  const out: string[] = [];
  check(value, root, root, '$', out);
  return out;
}

/**
 * Problems of a vector file against the schema its `schema` field names (empty when it validates).
 * @throws {DecodeError} `decode.vectors` when that schema does not exist or uses unsupported keywords.
 */
export function validateVectorFile(file: { schema?: unknown }): string[] {
  if (typeof file?.schema !== 'string') return ['$: missing schema'];
  return validateAgainstSchema(file, file.schema);
}
