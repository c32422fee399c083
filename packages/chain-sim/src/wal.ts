import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeJson, encodeJson } from '@sc4it/types';
import { chainError } from './errors.ts';

/**
 * Embedded persistence: `state.json` (a checkpoint: the full state and the name of the current
 * log) and `wal-<seq>.jsonl`, an append-only log of committed blocks, one JSON line each, written
 * with `fsync` before the block is acknowledged. A line torn by a crash (`kill -9` during the
 * write) is cut off on open; every complete line is a committed block.
 *
 * A checkpoint writes `state.json.tmp`, starts an empty log, renames the temp file over
 * `state.json` (atomic) and only then deletes the old log, so a crash at any point leaves either
 * the old checkpoint with its complete log or the new one.
 */
export interface WalRecordBlock {
  /** Block number. */
  b: number;
  ts: number;
  /** The transactions (as signed) that the block applied. */
  txs: unknown[];
}

export interface WalRecordMine {
  /** Number of empty blocks mined. */
  m: number;
  /** Unix seconds of the last of them (a warp's last block may be shorter than 6 s). */
  ts: number;
  /** Number of the first of them (a consistency check on replay). */
  from: number;
}

export type WalRecord = WalRecordBlock | WalRecordMine;

interface Checkpoint {
  wal: string;
  state: unknown;
}

export class Wal {
  readonly dir: string;
  private readonly sync: boolean;
  private fd: number | null = null;
  private walName = '';
  /** Records appended since the last checkpoint. */
  recordsSinceCheckpoint = 0;

  constructor(dir: string, sync = true) {
    this.dir = dir;
    this.sync = sync;
  }

  /** Reads the checkpoint and the log after it (null when the directory holds no chain yet). */
  open(): { state: unknown; records: WalRecord[] } | null {
    fs.mkdirSync(this.dir, { recursive: true });
    const cpPath = path.join(this.dir, 'state.json');
    if (!fs.existsSync(cpPath)) return null;
    const cp = decodeJson(fs.readFileSync(cpPath, 'utf8')) as Checkpoint;
    if (!cp || typeof cp.wal !== 'string' || !/^wal-\d+\.jsonl$/.test(cp.wal)) {
      throw chainError('CorruptState', 'state.json is not a chain-sim checkpoint');
    }
    this.walName = cp.wal;
    const walPath = path.join(this.dir, cp.wal);
    const records: WalRecord[] = [];
    if (fs.existsSync(walPath)) {
      const buf = fs.readFileSync(walPath);
      let start = 0;
      let good = 0;
      while (start < buf.length) {
        const nl = buf.indexOf(0x0a, start);
        if (nl < 0) break; // torn tail: no newline yet
        const line = buf.subarray(start, nl).toString('utf8');
        let rec: WalRecord;
        try {
          rec = decodeJson(line) as WalRecord;
        } catch {
          // A complete line that does not parse is only acceptable as the very last one.
          if (buf.indexOf(0x0a, nl + 1) >= 0) throw chainError('CorruptState', `${cp.wal}: bad record at byte ${start}`);
          break;
        }
        records.push(rec);
        start = nl + 1;
        good = start;
      }
      if (good < buf.length) fs.truncateSync(walPath, good);
    }
    this.cleanup();
    this.fd = fs.openSync(walPath, 'a');
    this.recordsSinceCheckpoint = records.length;
    return { state: cp.state, records };
  }

  append(rec: WalRecord): void {
    if (this.fd === null) throw chainError('StateClosed', 'the state log is not open');
    fs.writeSync(this.fd, encodeJson(rec) + '\n');
    if (this.sync) fs.fdatasyncSync(this.fd);
    this.recordsSinceCheckpoint++;
  }

  /** Writes a full checkpoint and starts a new, empty log. */
  checkpoint(state: unknown): void {
    fs.mkdirSync(this.dir, { recursive: true });
    const seq = this.walName === '' ? 0 : Number(/\d+/.exec(this.walName)![0]) + 1;
    const next = `wal-${seq}.jsonl`;
    const nextPath = path.join(this.dir, next);
    const fd = fs.openSync(nextPath, 'w');
    fs.fsyncSync(fd);
    const tmp = path.join(this.dir, 'state.json.tmp');
    const tfd = fs.openSync(tmp, 'w');
    fs.writeSync(tfd, encodeJson({ wal: next, state }));
    fs.fsyncSync(tfd);
    fs.closeSync(tfd);
    fs.renameSync(tmp, path.join(this.dir, 'state.json'));
    syncDir(this.dir);
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = fd;
    this.walName = next;
    this.recordsSinceCheckpoint = 0;
    this.cleanup();
  }

  close(): void {
    if (this.fd !== null) fs.closeSync(this.fd);
    this.fd = null;
  }

  /** Removes logs other than the current one (left by a crash between rename and delete). */
  private cleanup(): void {
    for (const f of fs.readdirSync(this.dir)) {
      if (/^wal-\d+\.jsonl$/.test(f) && f !== this.walName) fs.rmSync(path.join(this.dir, f), { force: true });
    }
  }
}

function syncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic.
  }
}
