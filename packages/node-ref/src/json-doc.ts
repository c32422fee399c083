import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { readJsonFile, writeJsonAtomic } from './atomic-file.ts';

/**
 * One small JSON document on disk, replaced atomically on save. Saves are coalesced: while a
 * write runs, later saves collapse into one more write of the latest value.
 */
export class JsonDoc<T> {
  readonly #path: string;
  readonly #sync: boolean;
  value: T;
  #running: Promise<void> | null = null;
  #queued: Promise<void> | null = null;

  constructor(path: string, initial: T, options: { sync?: boolean } = {}) {
    this.#path = path;
    this.value = initial;
    this.#sync = options.sync ?? true;
  }

  async load(): Promise<void> {
    await mkdir(dirname(this.#path), { recursive: true });
    const v = await readJsonFile(this.#path);
    if (v !== undefined) this.value = v as T;
  }

  save(): Promise<void> {
    if (this.#running === null) {
      const run = writeJsonAtomic(this.#path, this.value, this.#sync).finally(() => {
        this.#running = null;
      });
      this.#running = run;
      return run;
    }
    if (this.#queued === null) {
      const after = this.#running.catch(() => undefined);
      this.#queued = after.then(() => {
        this.#queued = null;
        return this.save();
      });
    }
    return this.#queued;
  }

  async flush(): Promise<void> {
    while (this.#running !== null || this.#queued !== null) {
      await Promise.allSettled([this.#running, this.#queued]);
    }
  }
}
