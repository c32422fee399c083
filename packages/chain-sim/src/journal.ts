/**
 * Undo journal: every write to chain state goes through a `JMap` / `JSetMap` / `JCell`, which
 * records how to undo it while a transaction is open. A failing call rolls back its writes, so it
 * changes nothing; a successful one simply drops the undo log. Values stored in these containers
 * are treated as immutable (replaced, never mutated), which also makes snapshots a shallow copy.
 */
export class Journal {
  private undo: (() => void)[] | null = null;

  get active(): boolean {
    return this.undo !== null;
  }

  record(fn: () => void): void {
    this.undo?.push(fn);
  }

  /** Sets one field of a mutable record (hot paths), recording how to undo it. */
  setField<T extends object, K extends keyof T>(obj: T, key: K, value: T[K]): void {
    if (this.undo !== null) {
      const old = obj[key];
      this.undo.push(() => {
        obj[key] = old;
      });
    }
    obj[key] = value;
  }

  /** Runs `fn` atomically: if it throws, every journaled write it made is undone. */
  atomic<T>(fn: () => T): T {
    const outer = this.undo;
    const mine: (() => void)[] = [];
    this.undo = mine;
    try {
      const result = fn();
      // Nested transaction: the outer one must still be able to undo what this one did.
      if (outer) outer.push(() => rollback(mine));
      return result;
    } catch (err) {
      rollback(mine);
      throw err;
    } finally {
      this.undo = outer;
    }
  }
}

function rollback(log: (() => void)[]): void {
  for (let i = log.length - 1; i >= 0; i--) log[i]!();
}

export class JMap<K, V> {
  map = new Map<K, V>();
  private readonly j: Journal;
  /** For maps whose records are mutated in place (through `Journal.setField`): copy them in snapshots. */
  private readonly clone: ((v: V) => V) | null;
  constructor(j: Journal, clone: ((v: V) => V) | null = null) {
    this.j = j;
    this.clone = clone;
  }

  get size(): number {
    return this.map.size;
  }
  get(k: K): V | undefined {
    return this.map.get(k);
  }
  has(k: K): boolean {
    return this.map.has(k);
  }
  set(k: K, v: V): void {
    if (this.j.active) {
      const m = this.map;
      if (m.has(k)) {
        const old = m.get(k) as V;
        this.j.record(() => m.set(k, old));
      } else {
        this.j.record(() => m.delete(k));
      }
    }
    this.map.set(k, v);
  }
  delete(k: K): void {
    const m = this.map;
    if (!m.has(k)) return;
    if (this.j.active) {
      const old = m.get(k) as V;
      this.j.record(() => m.set(k, old));
    }
    m.delete(k);
  }
  values(): IterableIterator<V> {
    return this.map.values();
  }
  entries(): IterableIterator<[K, V]> {
    return this.map.entries();
  }
  snapshot(): Map<K, V> {
    const c = this.clone;
    if (c === null) return new Map(this.map);
    const out = new Map<K, V>();
    for (const [k, v] of this.map) out.set(k, c(v));
    return out;
  }
  restore(from: Map<K, V>): void {
    const c = this.clone;
    if (c === null) {
      this.map = new Map(from);
      return;
    }
    this.map = new Map();
    for (const [k, v] of from) this.map.set(k, c(v));
  }
}

/** A map of sets with journaled add / remove (iteration order is not meaningful: sort). */
export class JSetMap<K, V> {
  map = new Map<K, Set<V>>();
  private readonly j: Journal;
  constructor(j: Journal) {
    this.j = j;
  }

  get(k: K): ReadonlySet<V> | undefined {
    return this.map.get(k);
  }
  size(k: K): number {
    return this.map.get(k)?.size ?? 0;
  }
  add(k: K, v: V): void {
    let s = this.map.get(k);
    if (!s) {
      s = new Set();
      this.map.set(k, s);
    }
    if (s.has(v)) return;
    s.add(v);
    const set = s;
    this.j.record(() => set.delete(v));
  }
  remove(k: K, v: V): void {
    const s = this.map.get(k);
    if (!s?.has(v)) return;
    s.delete(v);
    this.j.record(() => s.add(v));
  }
  snapshot(): Map<K, Set<V>> {
    const out = new Map<K, Set<V>>();
    for (const [k, s] of this.map) if (s.size > 0) out.set(k, new Set(s));
    return out;
  }
  restore(from: Map<K, Set<V>>): void {
    this.map = new Map();
    for (const [k, s] of from) this.map.set(k, new Set(s));
  }
}

export class JCell<T> {
  private readonly j: Journal;
  private v: T;
  constructor(j: Journal, v: T) {
    this.j = j;
    this.v = v;
  }
  get(): T {
    return this.v;
  }
  set(v: T): void {
    const old = this.v;
    this.j.record(() => {
      this.v = old;
    });
    this.v = v;
  }
}

/**
 * Map keys for u64 ids: a Map hashes a bigint on every lookup (about 10× slower than a number),
 * and contracts are looked up several times per bill. Exact: ids above 2^53 fall back to strings.
 */
export type IdKey = number | string;
export function idKey(id: bigint): IdKey {
  return id <= 9007199254740991n ? Number(id) : id.toString();
}

/** A journaled map keyed by u64 ids (bigint in the API, numbers inside). */
export class JIdMap<V> {
  readonly inner: JMap<IdKey, V>;
  constructor(j: Journal, clone: ((v: V) => V) | null = null) {
    this.inner = new JMap<IdKey, V>(j, clone);
  }
  get size(): number {
    return this.inner.size;
  }
  get(id: bigint): V | undefined {
    return this.inner.get(idKey(id));
  }
  has(id: bigint): boolean {
    return this.inner.has(idKey(id));
  }
  set(id: bigint, v: V): void {
    this.inner.set(idKey(id), v);
  }
  delete(id: bigint): void {
    this.inner.delete(idKey(id));
  }
  values(): IterableIterator<V> {
    return this.inner.values();
  }
  ids(): bigint[] {
    return [...this.inner.map.keys()].map((k) => BigInt(k));
  }
  snapshot(): Map<IdKey, V> {
    return this.inner.snapshot();
  }
  restore(from: Map<IdKey, V>): void {
    this.inner.restore(from);
  }
}
