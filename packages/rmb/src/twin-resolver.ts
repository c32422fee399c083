import { type ChainClient, type ChainEvent, DecodeError, type KeyType, type Twin, bytesToHex, hexToBytes } from '@sc4it/types';

/**
 * Where relays and peers learn a twin's account key, relay domains and encryption key
 * (rmb.md §5.7). A static list for tests and fixed setups, or the chain behind a cache.
 */
export interface TwinResolver {
  /** The twin, or null when it does not exist. Throws when the source is unreachable. */
  getTwin(id: number): Promise<Twin | null>;
  /** Forgets a cached entry (after a relay or pk change). */
  invalidate?(id?: number): void;
  close?(): Promise<void> | void;
}

/** One entry of `twins.json` (the relay CLI's `--twins` file). Hex is lower-case, no `0x`. */
export interface TwinsFileEntry {
  id: number;
  /** Hex of the 32-byte account public key. */
  account: string;
  key_type: KeyType;
  /** Relay domains joined by `_`. */
  relay: string;
  /** Hex of the 33-byte compressed secp256k1 key, or `""` for none. */
  pk: string;
}

function bad(details: string, field: string): DecodeError {
  return new DecodeError('decode.twins', 'invalid twins list', { details, field });
}

/** Validates `twins.json` entries and turns them into {@link Twin}s. */
export function parseTwinsList(value: unknown): Twin[] {
  if (!Array.isArray(value)) throw bad('expected a JSON array', '$');
  const seen = new Set<number>();
  return value.map((raw: unknown, i): Twin => {
    const at = `[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw bad('expected an object', at);
    const e = raw as Partial<Record<keyof TwinsFileEntry, unknown>>;
    if (typeof e.id !== 'number' || !Number.isInteger(e.id) || e.id <= 0 || e.id > 0xffff_ffff) throw bad('id must be a positive u32', `${at}.id`);
    if (seen.has(e.id)) throw bad(`duplicate id ${e.id}`, `${at}.id`);
    seen.add(e.id);
    if (e.key_type !== 'sr25519' && e.key_type !== 'ed25519') throw bad('key_type must be sr25519 or ed25519', `${at}.key_type`);
    if (typeof e.account !== 'string') throw bad('account must be hex', `${at}.account`);
    const account = hexToBytes(e.account, `${at}.account`);
    if (account.length !== 32) throw bad('account must be 32 bytes', `${at}.account`);
    if (e.relay !== undefined && e.relay !== null && typeof e.relay !== 'string') throw bad('relay must be a string', `${at}.relay`);
    if (e.pk !== undefined && e.pk !== null && typeof e.pk !== 'string') throw bad('pk must be hex or ""', `${at}.pk`);
    const pk = typeof e.pk === 'string' && e.pk !== '' ? hexToBytes(e.pk, `${at}.pk`) : null;
    if (pk !== null && pk.length !== 33) throw bad('pk must be a 33-byte compressed key', `${at}.pk`);
    const relay = typeof e.relay === 'string' && e.relay !== '' ? e.relay : null;
    return { id: e.id, account, keyType: e.key_type, relay, pk };
  });
}

/** The inverse of {@link parseTwinsList}, for writing `twins.json` in tests and tools. */
export function toTwinsFileEntry(twin: Twin): TwinsFileEntry {
  return {
    id: twin.id,
    account: bytesToHex(twin.account),
    key_type: twin.keyType,
    relay: twin.relay ?? '',
    pk: twin.pk === null ? '' : bytesToHex(twin.pk),
  };
}

/** A resolver over a fixed list; `set` / `remove` change it at run time (tests, dev setups). */
export interface StaticTwinResolver extends TwinResolver {
  set(twin: Twin): void;
  remove(id: number): void;
  list(): Twin[];
}

export function staticTwinResolver(twins: Iterable<Twin> | TwinsFileEntry[] = []): StaticTwinResolver {
  const map = new Map<number, Twin>();
  const arr = [...twins] as unknown[];
  const parsed = arr.length > 0 && typeof (arr[0] as { account?: unknown }).account === 'string' ? parseTwinsList(arr) : (arr as Twin[]);
  for (const t of parsed) map.set(t.id, t);
  return {
    getTwin: (id) => Promise.resolve(map.get(id) ?? null),
    set: (twin) => void map.set(twin.id, twin),
    remove: (id) => void map.delete(id),
    list: () => [...map.values()],
  };
}

export interface CacheOptions {
  /** How long an entry (also a miss) stays fresh, ms (default 60 000). */
  ttlMs?: number;
  /** Most entries kept (default 10 000); the oldest go first. */
  maxEntries?: number;
}

/**
 * Puts a TTL cache with single-flight in front of another resolver: concurrent lookups of one
 * twin share a request; failures are not cached.
 */
export function cachedTwinResolver(inner: TwinResolver, options: CacheOptions = {}): TwinResolver {
  const ttl = options.ttlMs ?? 60_000;
  const max = options.maxEntries ?? 10_000;
  const cache = new Map<number, { twin: Twin | null; until: number }>();
  const inflight = new Map<number, Promise<Twin | null>>();
  return {
    async getTwin(id) {
      const hit = cache.get(id);
      if (hit !== undefined && hit.until > Date.now()) return hit.twin;
      const pending = inflight.get(id);
      if (pending !== undefined) return pending;
      const p = inner
        .getTwin(id)
        .then((twin) => {
          cache.delete(id);
          cache.set(id, { twin, until: Date.now() + ttl });
          if (cache.size > max) cache.delete(cache.keys().next().value as number);
          return twin;
        })
        .finally(() => inflight.delete(id));
      inflight.set(id, p);
      return p;
    },
    invalidate(id) {
      if (id === undefined) cache.clear();
      else cache.delete(id);
      inner.invalidate?.(id);
    },
    close: () => inner.close?.(),
  };
}

export interface ChainTwinResolverOptions extends CacheOptions {
  /**
   * Drop cached twins when the chain reports twin changes (`TwinStored`, `TwinUpdated`, …;
   * default true). Mirrors rmb-rs's event-driven cache (rmb.md §5.7).
   */
  watchEvents?: boolean;
}

function eventTwinId(event: ChainEvent): number | undefined {
  for (const k of ['twinId', 'twin_id', 'id']) {
    const v = event.data[k];
    if (typeof v === 'number') return v;
  }
  const twin = event.data.twin as { id?: unknown } | undefined;
  return typeof twin?.id === 'number' ? twin.id : undefined;
}

/** Twins from a {@link ChainClient}, cached, invalidated by twin events. */
export function chainTwinResolver(chain: ChainClient, options: ChainTwinResolverOptions = {}): TwinResolver {
  const cached = cachedTwinResolver({ getTwin: (id) => chain.getTwin(id) }, options);
  let unsubscribe: (() => Promise<void> | void) | undefined;
  let closed = false;
  if (options.watchEvents !== false) {
    chain
      .subscribeEvents((event) => {
        if (!/^Twin/.test(event.name)) return;
        cached.invalidate?.(eventTwinId(event));
      })
      .then((u) => {
        if (closed) void u();
        else unsubscribe = u;
      })
      .catch(() => {
        // No event stream: the TTL alone keeps the cache fresh.
      });
  }
  return {
    getTwin: (id) => cached.getTwin(id),
    invalidate: (id) => cached.invalidate?.(id),
    async close() {
      closed = true;
      await unsubscribe?.();
    },
  };
}

/** The relay domains of a twin: its `relay` field split on `_` (rmb.md §5.1). */
export function relayDomains(twin: Pick<Twin, 'relay'>): string[] {
  if (twin.relay === null || twin.relay === '') return [];
  return twin.relay.split('_').filter((d) => d !== '');
}
