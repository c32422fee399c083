import { type ChainClient, type ChainEvent, TransportError, isSc4itError } from '@sc4it/types';
import { type ChainTwinResolverOptions, type TwinResolver, chainTwinResolver } from './twin-resolver.ts';

/** The two `ChainClient` methods a twin resolver needs. */
type TwinSource = Pick<ChainClient, 'getTwin' | 'subscribeEvents'>;

function isTransportFailure(err: unknown): boolean {
  return isSc4itError(err) && err.code.startsWith('transport.');
}

/**
 * A chain twin resolver for a long-running relay: when the chain connection is lost (chain
 * restarted, socket dropped), the next lookup opens a new one through `connect`, subscribes to
 * twin events again and clears the cache (events may have been missed meanwhile). A lookup that
 * fails on a dead connection is tried once more on a fresh one; while the chain is unreachable
 * lookups fail (the relay answers 500 `failed to get twin`) and reconnects are attempted at most
 * every `retryMs`.
 */
export function reconnectingChainTwinResolver(
  connect: () => Promise<ChainClient>,
  first: ChainClient,
  options: ChainTwinResolverOptions & { retryMs?: number; timeoutMs?: number } = {},
): TwinResolver {
  const retryMs = options.retryMs ?? 1_000;
  const timeoutMs = options.timeoutMs ?? 5_000;
  /** A chain that accepts the connection but never answers must not hold handshakes forever. */
  const bounded = <T>(p: Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const t = setTimeout(() => reject(new TransportError('transport.timeout', `no answer from the chain in ${timeoutMs} ms`)), timeoutMs);
      p.then(
        (v) => {
          clearTimeout(t);
          resolve(v);
        },
        (e: unknown) => {
          clearTimeout(t);
          reject(e);
        },
      );
    });
  let current: ChainClient | null = first;
  let connecting: Promise<ChainClient> | null = null;
  let lastAttempt = 0;
  let closed = false;
  const handlers = new Set<(e: ChainEvent) => void>();
  const dispatch = (e: ChainEvent): void => {
    for (const h of handlers) h(e);
  };
  let unsubscribeInner: (() => Promise<void> | void) | undefined;

  const reconnect = (): Promise<ChainClient> => {
    if (connecting !== null) return connecting;
    if (closed) return Promise.reject(new TransportError('transport.closed', 'chain resolver closed'));
    const wait = lastAttempt + retryMs - Date.now();
    if (wait > 0) return Promise.reject(new TransportError('transport.closed', 'chain unreachable (reconnecting)'));
    lastAttempt = Date.now();
    const p = connect().then(async (c) => {
      if (closed) {
        await (c as { close?: () => Promise<void> }).close?.();
        throw new TransportError('transport.closed', 'chain resolver closed');
      }
      current = c;
      resolver.invalidate?.();
      if (handlers.size > 0) unsubscribeInner = await c.subscribeEvents(dispatch).catch(() => undefined);
      return c;
    });
    connecting = p;
    void p.then(
      () => (connecting = null),
      () => (connecting = null),
    );
    return p;
  };

  const drop = (dead: ChainClient): void => {
    if (current !== dead) return;
    current = null;
    unsubscribeInner = undefined;
    void (dead as { close?: () => Promise<void> }).close?.()?.catch?.(() => {});
  };

  const source: TwinSource = {
    async getTwin(id) {
      const c = current ?? (await bounded(reconnect()));
      try {
        return await bounded(c.getTwin(id));
      } catch (err) {
        if (!isTransportFailure(err)) throw err;
        // A slow chain is not a dead one: keep the connection, fail this lookup only.
        if ((err as { code?: string }).code === 'transport.timeout') throw err;
        drop(c);
        return bounded((await bounded(reconnect())).getTwin(id));
      }
    },
    async subscribeEvents(handler) {
      handlers.add(handler as (e: ChainEvent) => void);
      if (handlers.size === 1 && current !== null) unsubscribeInner = await current.subscribeEvents(dispatch);
      return async () => {
        handlers.delete(handler as (e: ChainEvent) => void);
        if (handlers.size === 0) await unsubscribeInner?.();
      };
    },
  };
  const resolver = chainTwinResolver(source as ChainClient, options);
  return {
    getTwin: (id) => resolver.getTwin(id),
    invalidate: (id) => resolver.invalidate?.(id),
    async close() {
      closed = true;
      await resolver.close?.();
      const c = current;
      current = null;
      await (c as { close?: () => Promise<void> } | null)?.close?.();
    },
  };
}
