import { Redis, type RedisOptions } from 'ioredis';
import { TransportError } from '@sc4it/types';

/**
 * A connected ioredis client, or `transport.redis_unavailable`. Errors after the connect are
 * swallowed on the client: ioredis reconnects by itself, and failed commands reject to the caller
 * (relay or peer), which reports them.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3, ...options });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (cause) {
    client.disconnect();
    throw new TransportError('transport.redis_unavailable', 'cannot connect to redis', { cause });
  }
  return client;
}
