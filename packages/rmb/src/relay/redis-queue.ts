import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { connectRedis } from '../redis-connect.ts';
import { nowSeconds } from '../envelope.ts';
import { type QueueLimits, type QueuedMessage, type RelayQueue, queueLimits } from './queue.ts';

export interface RedisQueueOptions extends QueueLimits {
  /** `redis://host:port[/db]`. */
  url: string;
  /** Key prefix (default `rmb:`); relays sharing a domain must use the same. */
  prefix?: string;
}

const GROUP = 'relays';
/** Idle time that marks a released entry: above any lease, so the next claim takes it. */
const RELEASED_IDLE_MS = 365 * 86_400_000;
/** KEYS[1] stream; ARGV group, consumer, idle ms, ids…: sets the idle time of ids the consumer holds. */
const SET_IDLE = `
local n = 0
for i = 4, #ARGV do
  local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
  if p[1] ~= nil and p[1][2] == ARGV[2] then
    redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, ARGV[i], 'IDLE', ARGV[3], 'JUSTID')
    n = n + 1
  end
end
return n`;

function parseEntry(rawId: Buffer, fields: Buffer[] | null): QueuedMessage | undefined {
  if (fields === null) return undefined;
  let bytes: Uint8Array | undefined;
  let deadline = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const name = fields[i]!.toString();
    if (name === 'd') bytes = new Uint8Array(fields[i + 1]!);
    else if (name === 'x') deadline = Number(fields[i + 1]!.toString());
  }
  return bytes === undefined ? undefined : { id: rawId.toString(), bytes, deadline };
}

/**
 * Durable queue shared by every relay process of a domain: one Redis stream per session
 * (`<prefix>stream:<twin>[:<sid>]`, field `d` = envelope bytes, `x` = deadline), trimmed to
 * `~cap` entries and expiring with its newest entry, like rmb-rs (rmb.md §5.3). A push is
 * announced on the `<prefix>pushed` channel so the process holding the session delivers it.
 *
 * {@link RelayQueue.claim} (the federation outbox) reads through the consumer group `relays` of
 * the stream, like rmb-rs's `federation` group (rmb.md §5.4): `XREADGROUP` hands each new entry to
 * one process, `XAUTOCLAIM` takes over entries whose holder stayed silent for the lease (a crashed
 * relay, or one that released them after a failed attempt). Renew and release only touch entries
 * the calling process still holds (a small Lua script checks `XPENDING` first).
 */
export async function redisQueue(options: RedisQueueOptions): Promise<RelayQueue> {
  const { cap, maxTtl } = queueLimits(options);
  const prefix = options.prefix ?? 'rmb:';
  const channel = `${prefix}pushed`;
  const client = await connectRedis(options.url);
  let sub: Redis | undefined;
  const streamKey = (key: string): string => `${prefix}stream:${key}`;
  const consumer = `relay-${process.pid}-${randomBytes(6).toString('hex')}`;
  /** Keys this process claimed from: their acks also leave the group's pending list. */
  const claimedKeys = new Set<string>();
  /** `XAUTOCLAIM` cursor per key, so a long pending list is scanned round by round. */
  const cursors = new Map<string, string>();

  /** Reads new entries for the group and takes over idle ones; creates the group on first use. */
  async function claimRaw(k: string, max: number, leaseMs: number): Promise<[Buffer, Buffer[] | null][]> {
    const out: [Buffer, Buffer[] | null][] = [];
    const auto = (await client.callBuffer('XAUTOCLAIM', k, GROUP, consumer, String(leaseMs), cursors.get(k) ?? '0-0', 'COUNT', String(max))) as [
      Buffer,
      [Buffer, Buffer[] | null][],
      Buffer[]?,
    ];
    cursors.set(k, auto[0].toString());
    out.push(...auto[1]);
    if (out.length < max) {
      const fresh = (await client.callBuffer('XREADGROUP', 'GROUP', GROUP, consumer, 'COUNT', String(max - out.length), 'STREAMS', k, '>')) as
        | [Buffer, [Buffer, Buffer[] | null][]][]
        | null;
      if (fresh !== null && fresh[0] !== undefined) out.push(...fresh[0][1]);
    }
    return out;
  }

  /** Sets the idle time of entries this consumer holds (0 = renew, very large = release). */
  async function setIdle(key: string, ids: string[], idleMs: number): Promise<void> {
    if (ids.length === 0) return;
    try {
      await client.eval(SET_IDLE, 1, streamKey(key), GROUP, consumer, String(idleMs), ...ids);
    } catch (err) {
      if (!String(err).includes('NOGROUP')) throw err;
    }
  }

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
        const m = parseEntry(rawId, fields);
        if (m === undefined || !(m.deadline > now)) expired.push(rawId.toString());
        else out.push(m);
      }
      if (expired.length > 0) await client.xdel(k, ...expired);
      return out;
    },
    async ack(key, ids) {
      if (ids.length === 0) return;
      const k = streamKey(key);
      if (!claimedKeys.has(key)) {
        await client.xdel(k, ...ids);
        return;
      }
      // A missing group (the stream expired meanwhile) fails XACK alone; XDEL still runs.
      await client.multi().xack(k, GROUP, ...ids).xdel(k, ...ids).exec();
    },
    async claim(key, max, leaseMs) {
      const k = streamKey(key);
      claimedKeys.add(key);
      let rows: [Buffer, Buffer[] | null][];
      try {
        rows = await claimRaw(k, max, leaseMs);
      } catch (err) {
        if (!String(err).includes('NOGROUP')) throw err;
        try {
          // From id 0: whatever is in the stream is new to the group.
          await client.xgroup('CREATE', k, GROUP, '0');
        } catch (e) {
          const text = String(e);
          if (text.includes('requires the key to exist')) return [];
          if (!text.includes('BUSYGROUP')) throw e;
        }
        rows = await claimRaw(k, max, leaseMs);
      }
      const now = nowSeconds();
      const out: QueuedMessage[] = [];
      const dead: string[] = [];
      for (const [rawId, fields] of rows) {
        const m = parseEntry(rawId, fields);
        if (m === undefined || !(m.deadline > now)) dead.push(rawId.toString());
        else out.push(m);
      }
      if (dead.length > 0) await client.multi().xack(k, GROUP, ...dead).xdel(k, ...dead).exec();
      return out;
    },
    renew(key, ids) {
      return setIdle(key, ids, 0);
    },
    release(key, ids) {
      return setIdle(key, ids, RELEASED_IDLE_MS);
    },
    async subscribe(listener) {
      if (sub === undefined) {
        sub = await connectRedis(options.url);
        await sub.subscribe(channel);
      }
      sub.on('message', (ch: string, key: string) => {
        if (ch === channel) listener(key);
      });
    },
    async close() {
      sub?.disconnect();
      // Leave no idle consumer behind in the group, unless it still holds entries (they stay
      // claimable by the others through XAUTOCLAIM either way).
      for (const key of claimedKeys) {
        const k = streamKey(key);
        const held = (await client.xpending(k, GROUP, '-', '+', 1, consumer).catch(() => [1])) as unknown[];
        if (held.length === 0) await client.xgroup('DELCONSUMER', k, GROUP, consumer).catch(() => undefined);
      }
      await client.quit().catch(() => client.disconnect());
    },
  };
}
