import type { BillRecord } from '@sc4it/types';
import { type IdKey, type Journal, idKey } from './journal.ts';

/** The parts of a bill that repeat from one cycle to the next; consecutive equal ones are shared. */
interface Shape {
  unitsUsd: bigint;
  breakdown: Record<string, bigint>;
  discountLevel: BillRecord['discountLevel'];
  amountBilled: bigint;
  amountDue: bigint;
}

class Log {
  start = 0;
  block: number[] = [];
  timestamp: number[] = [];
  seconds: number[] = [];
  shape: Shape[] = [];

  copy(): Log {
    const l = new Log();
    l.block = this.block.slice(this.start);
    l.timestamp = this.timestamp.slice(this.start);
    l.seconds = this.seconds.slice(this.start);
    l.shape = this.shape.slice(this.start);
    return l;
  }
}

/**
 * Bill history per contract, columnar: numbers in packed arrays and a shared record for what did
 * not change since the previous bill, so a billing cycle over 100 000 contracts adds little more
 * than 100 000 array slots. Journaled like the rest of the state; keeps the newest `limit` bills.
 */
export class BillLogs {
  private map = new Map<IdKey, Log>();
  private readonly j: Journal;
  constructor(j: Journal) {
    this.j = j;
  }

  push(contractId: bigint, bill: BillRecord, limit: number): void {
    const key = idKey(contractId);
    let log = this.map.get(key);
    if (!log) {
      log = new Log();
      this.map.set(key, log);
      const m = this.map;
      this.j.record(() => m.delete(key));
    }
    const n = log.shape.length;
    const last = n > log.start ? log.shape[n - 1]! : undefined;
    const shape: Shape =
      last !== undefined &&
      last.unitsUsd === bill.unitsUsd &&
      last.breakdown === bill.breakdown &&
      last.discountLevel === bill.discountLevel &&
      last.amountBilled === bill.amountBilled &&
      last.amountDue === bill.amountDue
        ? last
        : { unitsUsd: bill.unitsUsd, breakdown: bill.breakdown, discountLevel: bill.discountLevel, amountBilled: bill.amountBilled, amountDue: bill.amountDue };
    const l = log;
    const start = l.start;
    l.block.push(bill.block);
    l.timestamp.push(bill.timestamp);
    l.seconds.push(bill.seconds);
    l.shape.push(shape);
    if (l.shape.length - l.start > limit) l.start++;
    if (l.start >= 1024 && l.start * 2 >= l.shape.length) {
      // compact now and then, so dropping the oldest bill stays O(1) amortised
      const [b, t, s, sh] = [l.block, l.timestamp, l.seconds, l.shape];
      l.block = b.slice(l.start);
      l.timestamp = t.slice(l.start);
      l.seconds = s.slice(l.start);
      l.shape = sh.slice(l.start);
      l.start = 0;
      this.j.record(() => {
        [l.block, l.timestamp, l.seconds, l.shape] = [b, t, s, sh];
        l.block.pop();
        l.timestamp.pop();
        l.seconds.pop();
        l.shape.pop();
        l.start = start;
      });
      return;
    }
    this.j.record(() => {
      l.block.pop();
      l.timestamp.pop();
      l.seconds.pop();
      l.shape.pop();
      l.start = start;
    });
  }

  get(contractId: bigint): BillRecord[] {
    const log = this.map.get(idKey(contractId));
    if (!log) return [];
    const out: BillRecord[] = [];
    for (let i = log.start; i < log.shape.length; i++) {
      const sh = log.shape[i]!;
      out.push({
        contractId,
        block: log.block[i]!,
        timestamp: log.timestamp[i]!,
        seconds: log.seconds[i]!,
        unitsUsd: sh.unitsUsd,
        breakdown: sh.breakdown,
        discountLevel: sh.discountLevel,
        amountBilled: sh.amountBilled,
        amountDue: sh.amountDue,
      });
    }
    return out;
  }

  setList(contractId: bigint, bills: BillRecord[]): void {
    this.map.delete(idKey(contractId));
    for (const b of bills) this.push(contractId, b, Number.MAX_SAFE_INTEGER);
  }

  entries(): [bigint, BillRecord[]][] {
    return [...this.map.keys()].map((k) => {
      const id = BigInt(k);
      return [id, this.get(id)];
    });
  }

  snapshot(): Map<IdKey, Log> {
    const out = new Map<IdKey, Log>();
    for (const [k, l] of this.map) out.set(k, l.copy());
    return out;
  }

  restore(from: Map<IdKey, Log>): void {
    this.map = new Map();
    for (const [k, l] of from) this.map.set(k, l.copy());
  }
}
