import { Redis } from 'ioredis';
import { TransportError } from '@sc4it/types';
import { nowSeconds } from '../envelope.ts';
import { type QueueLimits, type QueuedMessage, type RelayQueue, queueLimits } from './queue.ts';

export interface RedisQueueOptions extends QueueLimits {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Key prefix (default `rmb:`); relays sharing a domain must use the same. */
  prefix?: string;
}

/**
 * Durable queue shared by every relay process of a domain: one Redis stream per session
 * (`<prefix>stream:<twin>[:<sid>]`, field `d` = envelope bytes, `x` = deadline), trimmed to
 * `~cap` entries and expiring with its newest entry, like rmb-rs (rmb.md §5.3). A push is
 * announced on the `<prefix>pushed` channel so the process holding the session delivers it.
 */
export async function redisQueue(options: RedisQueueOptions): Promise<RelayQueue> {
  const { cap, maxTtl } = queueLimits(options);
  const prefix = options.prefix ?? 'rmb:';
  const channel = `${prefix}pushed`;
  const redisOpts = { lazyConnect: true, maxRetriesPerRequest: 3, enableOfflineQueue: true };
  const client = new Redis(options.url, redisOpts);
  let sub: Redis | undefined;
  client.on('error', () => {
    // ioredis reconnects by itself; failed commands reject and the relay reports them.
  });
  try {
    await client.connect();
  } catch (cause) {
    client.disconnect();
    throw new TransportError('transport.redis_unavailable', 'cannot connect to redis', { cause });
  }
  const streamKey = (key: string): string => `${prefix}stream:${key}`;
  return {
    shared: true,
    async push(key, bytes, deadline) {
      const now = nowSeconds();
      const until = Math.min(deadline, now + maxTtl);
      const ttl = Math.max(1, until - now);
      const k = streamKey(key);
      await client
        .multi()
        .xadd(k, 'MAXLEN', '~', cap, '*', 'd', Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), 'x', String(until))
        .call('EXPIRE', k, ttl, 'NX')
        .call('EXPIRE', k, ttl, 'GT')
        .publish(channel, key)
        .exec();
    },
    async peek(key, max) {
      const k = streamKey(key);
      const rows = (await client.xrangeBuffer(k, '-', '+', 'COUNT', max)) as [Buffer, Buffer[]][];
      const now = nowSeconds();
      const out: QueuedMessage[] = [];
      const expired: string[] = [];
      for (const [rawId, fields] of rows) {
        const id = rawId.toString();
        let bytes: Uint8Array | undefined;
        let deadline = 0;
        for (let i = 0; i + 1 < fields.length; i += 2) {
          const name = fields[i]!.toString();
          if (name === 'd') bytes = new Uint8Array(fields[i + 1]!);
          else if (name === 'x') deadline = Number(fields[i + 1]!.toString());
        }
        if (bytes === undefined || !(deadline > now)) expired.push(id);
        else out.push({ id, bytes, deadline });
      }
      if (expired.length > 0) await client.xdel(k, ...expired);
      return out;
    },
    async ack(key, ids) {
      if (ids.length > 0) await client.xdel(streamKey(key), ...ids);
    },
    async subscribe(listener) {
      if (sub === undefined) {
        sub = new Redis(options.url, redisOpts);
        sub.on('error', () => {});
        await sub.connect();
        await sub.subscribe(channel);
      }
      sub.on('message', (ch: string, key: string) => {
        if (ch === channel) listener(key);
      });
    },
    async close() {
      sub?.disconnect();
      await client.quit().catch(() => client.disconnect());
    },
  };
}
