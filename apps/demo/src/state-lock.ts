/**
 * One demo per state folder: each run resets its folder, so a second run on the same folder would
 * delete the chain of the first one under its feet. The lock is a file next to the folder
 * (`<dir>.lock`, holding the owner's pid); a lock left by a process that is gone is taken over.
 */
import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock of `stateDir` for this process; returns the function that releases it. */
export function lockStateDir(stateDir: string): () => void {
  const path = `${stateDir}.lock`;
  mkdirSync(dirname(path), { recursive: true });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      let released = false;
      const release = (): void => {
        if (released) return;
        released = true;
        process.off('exit', release);
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let owner = NaN;
      try {
        owner = Number(readFileSync(path, 'utf8').trim());
      } catch {
        // removed meanwhile: try again
      }
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(`another demo (pid ${owner}) is running on the state folder ${stateDir}; stop it first or pick another folder with --state <dir>`);
      }
      try {
        unlinkSync(path); // stale: its process is gone
      } catch {
        // someone else took it over: the next attempt tells
      }
    }
  }
  throw new Error(`cannot lock the state folder ${stateDir} (${path})`);
}
