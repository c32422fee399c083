import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileNonceStore } from '../src/cli/nonce-file.ts';

describe("fileNonceStore (the `twin serve` record of received commands)", () => {
  const dir = mkdtempSync(join(tmpdir(), 'sc4it-nonces-'));

  it('starts empty without a file, and a new store reads what the last one saved', async () => {
    const path = join(dir, 'sub', 'twin-7-nonces.json');
    const first = fileNonceStore(path);
    expect(await first.load()).toEqual({});
    await first.save({ '9:abc': 1_700_000_000, '9:def': 1_700_000_001 });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ '9:abc': 1_700_000_000, '9:def': 1_700_000_001 });
    expect(await fileNonceStore(path).load()).toEqual({ '9:abc': 1_700_000_000, '9:def': 1_700_000_001 });
  });

  it('refuses an unreadable record before the twin starts (config.bad_state), rather than forgetting it', () => {
    for (const text of ['{not json', '[]', 'null', '{"9:abc":"yesterday"}']) {
      const path = join(dir, `bad-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(path, text);
      expect(() => fileNonceStore(path)).toThrow(expect.objectContaining({ code: 'config.bad_state' }));
    }
  });
});
