import { connectRedis } from '../redis-connect.ts';
import type { DedupEntry, DedupStore } from './dedup.ts';

export interface RedisDedupStoreOptions {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Key prefix (default `rmb:dedup:`); one per receiving identity if several share a Redis. */
  prefix?: string;
}

/**
 * A {@link DedupStore} in Redis, so a receiver that restarts within the TTL still runs each
 * request's handler once: `SET NX` with the entry's remaining lifetime claims a key (atomic across
 * processes), the encoded reply replaces the empty marker when the handler finishes. A request
 * whose handler was cut short by the restart stays claimed without a reply: it is not run again
 * (at most once) and its retries get no answer until the entry expires, so the caller times out.
 * Node only (ioredis).
 */
export async function redisDedupStore(options: RedisDedupStoreOptions): Promise<DedupStore & { close(): Promise<void> }> {
  const prefix = options.prefix ?? 'rmb:dedup:';
  const client = await connectRedis(options.url);
  return {
    async claim(key, deadline, now): Promise<DedupEntry | undefined> {
      const ttl = Math.max(1, deadline - now);
      const k = prefix + key;
      if ((await client.set(k, '', 'EX', ttl, 'NX')) === 'OK') return undefined;
      // A duplicate: the peer reads only the stored reply (`until` is informative here).
      const value = await client.getBuffer(k);
      // Expired between the two calls: claim again.
      if (value === null) return (await client.set(k, '', 'EX', ttl, 'NX')) === 'OK' ? undefined : { until: deadline };
      return value.length === 0 ? { until: deadline } : { until: deadline, reply: new Uint8Array(value) };
    },
    async settle(key, reply) {
      await client.set(prefix + key, Buffer.from(reply.buffer, reply.byteOffset, reply.byteLength), 'KEEPTTL', 'XX');
    },
    async close() {
      await client.quit().catch(() => client.disconnect());
    },
  };
}
