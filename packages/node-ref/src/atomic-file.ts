import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeJson, encodeJson } from '@sc4it/types';

let tmpCounter = 0;
const knownDirs = new Set<string>();

async function ensureDir(dir: string): Promise<void> {
  if (knownDirs.has(dir)) return;
  await mkdir(dir, { recursive: true });
  knownDirs.add(dir);
}

/**
 * Replaces `path` with `text` atomically: write a temp file in the same directory, fsync it,
 * rename it over the target, fsync the directory. A crash leaves either the old or the new file,
 * never a torn one. With `sync: false` the fsyncs are skipped (tests, benches).
 */
export async function writeFileAtomic(path: string, text: string, sync = true): Promise<void> {
  const dir = path.slice(0, path.lastIndexOf('/')) || '.';
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`;
  await ensureDir(dir);
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(text, 'utf8');
    if (sync) await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  if (sync) await syncDir(dir);
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, 'r');
  try {
    await dh.sync();
  } catch {
    // some filesystems refuse fsync on directories; the rename is still atomic
  } finally {
    await dh.close();
  }
}

export async function writeJsonAtomic(path: string, value: unknown, sync = true): Promise<void> {
  await writeFileAtomic(path, encodeJson(value), sync);
}

/** Reads a JSON file written by {@link writeJsonAtomic}; `undefined` when it does not exist. */
export async function readJsonFile(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  return decodeJson(text);
}

/** Lists `*.json` files of a directory (creating it), ignoring leftover temp files. */
export async function listJsonFiles(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const names = await readdir(dir);
  const out: string[] = [];
  for (const n of names) {
    if (n.endsWith('.tmp')) {
      await rm(join(dir, n), { force: true });
      continue;
    }
    if (n.endsWith('.json')) out.push(n);
  }
  return out.sort();
}

export async function removeFile(path: string, sync = true): Promise<void> {
  await rm(path, { force: true });
  if (sync) await syncDir(path.slice(0, path.lastIndexOf('/')) || '.');
}
