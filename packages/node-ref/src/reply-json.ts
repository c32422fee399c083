/**
 * JSON for bus replies as Go's encoding/json writes it for zos: 64-bit integers (bigint here) as
 * bare numbers, exact beyond 2^53; `undefined` fields left out.
 */
export function replyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (typeof value) {
    case 'bigint':
      return value.toString();
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return `[${value.map(replyJson).join(',')}]`;
      const parts: string[] = [];
      for (const [k, v] of Object.entries(value)) {
        if (v === undefined || typeof v === 'function') continue;
        parts.push(`${JSON.stringify(k)}:${replyJson(v)}`);
      }
      return `{${parts.join(',')}}`;
    }
    default:
      return 'null';
  }
}

/** {@link replyJson} as UTF-8 bytes, ready to be a bus reply payload. */
export function replyBytes(value: unknown): Uint8Array {
  return new TextEncoder().encode(replyJson(value));
}
