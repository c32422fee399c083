import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Sc4itError } from '@sc4it/types';
import type { NonceStore } from '../twin-agent.ts';

/**
 * The nonces a digital twin has accepted, in a JSON file (`{"<issuer>:<nonce>": unix second}`),
 * so that `sc4it twin serve` refuses a replayed command after a restart too. Read once at start
 * (a missing file is an empty record; an unreadable one is an error before the twin starts);
 * every save replaces the file atomically (temporary file + rename).
 */
export function fileNonceStore(path: string): NonceStore {
  let text: string | null = null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as { code?: string }).code !== 'ENOENT') throw new Sc4itError('config.bad_state', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
  let kept: Record<string, number> = {};
  if (text !== null) {
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch (cause) {
      throw new Sc4itError('config.bad_state', `${path} is not valid JSON (the digital twin's record of received commands)`, { cause });
    }
    if (v === null || typeof v !== 'object' || Array.isArray(v) || !Object.values(v).every((t) => typeof t === 'number' && Number.isFinite(t))) {
      throw new Sc4itError('config.bad_state', `${path} is not a record of received commands ({"twin:nonce": seconds})`);
    }
    kept = v as Record<string, number>;
  }
  return {
    load: () => ({ ...kept }),
    save(nonces) {
      mkdirSync(dirname(path), { recursive: true });
      const tmp = `${path}.${process.pid}.tmp`;
      writeFileSync(tmp, `${JSON.stringify(nonces)}\n`, { mode: 0o600 });
      renameSync(tmp, path);
    },
  };
}
