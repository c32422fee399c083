import { DecodeError, type Deployment } from '@sc4it/types';

const MARK = '\u0000bigint:';

/**
 * A deployment as the JSON text the node decodes: 64-bit fields as bare numbers (also beyond
 * 2^53, from bigints), nothing else changed. Go's decoder rejects numbers written as strings.
 */
export function deploymentToWire(deployment: Deployment | Record<string, unknown>): string {
  const text = JSON.stringify(deployment, (_k, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v.toString()}` : v));
  return text.replace(/"\\u0000bigint:(-?\d+)"/g, '$1');
}

/** Reads a deployment document (zos JSON text or value) without validating it. */
export function deploymentFromJson(value: string | unknown): Deployment {
  let v: unknown = value;
  if (typeof value === 'string') {
    try {
      v = JSON.parse(value);
    } catch (cause) {
      throw new DecodeError('decode.json', 'the deployment is not valid JSON', { cause });
    }
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v) || !Array.isArray((v as { workloads?: unknown }).workloads)) {
    throw new DecodeError('decode.deployment', 'not a zos deployment (an object with a workloads list)');
  }
  return v as Deployment;
}

/** A copy without node results and without signatures: the document as the owner wrote it. */
export function stripResults(deployment: Deployment): Deployment {
  const copy = structuredClone(deployment);
  for (const w of copy.workloads) delete (w as { result?: unknown }).result;
  return copy;
}
