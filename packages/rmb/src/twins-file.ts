import { readFileSync } from 'node:fs';
import { DecodeError, type Twin } from '@sc4it/types';
import { parseTwinsList } from './twin-resolver.ts';

/** Reads and validates a `twins.json` file. */
export function loadTwinsFile(path: string): Twin[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (cause) {
    throw new DecodeError('decode.twins', 'cannot read twins file', { cause });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DecodeError('decode.twins', 'twins file is not JSON', { cause });
  }
  return parseTwinsList(value);
}
