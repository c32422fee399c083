import { TransportError, isSc4itError, type BlockInfo, type ChainClient, type ChainEvent, type Unsubscribe } from '@sc4it/types';

/**
 * A `ChainClient` that survives lost connections: `connect` opens a fresh client whenever the
 * previous one failed with a transport error. Event subscriptions are carried over to each new
 * connection from the last block seen, and already-delivered events are skipped, so no event is
 * lost or repeated across a reconnect. Calls are never retried here: a call that failed on a
 * dead connection rejects (the node's own retry logic decides), the next call reconnects.
 */
export function reconnectingChain(connect: () => Promise<ChainClient>): ChainClient {
  let current: Promise<ChainClient> | null = null;
  let closed = false;
  interface EventSub {
    handler: (e: ChainEvent) => void;
    last: { block: number; index: number } | null;
    fromBlock: number | undefined;
    inner: Unsubscribe | null;
  }
  interface BlockSub {
    handler: (b: BlockInfo) => void;
    inner: Unsubscribe | null;
  }
  const eventSubs = new Set<EventSub>();
  const blockSubs = new Set<BlockSub>();

  const attach = async (c: ChainClient): Promise<void> => {
    for (const s of eventSubs) {
      const from = s.last === null ? s.fromBlock : s.last.block;
      s.inner = await c.subscribeEvents(
        (e) => {
          if (s.last !== null && (e.block < s.last.block || (e.block === s.last.block && e.index <= s.last.index))) return;
          s.last = { block: e.block, index: e.index };
          s.handler(e);
        },
        from === undefined ? {} : { fromBlock: from },
      );
    }
    for (const s of blockSubs) s.inner = await c.subscribeBlocks(s.handler);
  };

  const get = (): Promise<ChainClient> => {
    if (closed) return Promise.reject(new TransportError('transport.closed', 'chain client closed'));
    if (current === null) {
      const p = connect().then(async (c) => {
        await attach(c);
        return c;
      });
      current = p;
      p.catch(() => {
        if (current === p) current = null;
      });
    }
    return current;
  };

  const drop = (p: Promise<ChainClient>): void => {
    if (current !== p) return;
    current = null;
    for (const s of eventSubs) s.inner = null;
    for (const s of blockSubs) s.inner = null;
    void p.then((c) => c.close()).catch(() => undefined);
  };

  const lost = (err: unknown): boolean => !isSc4itError(err) || err.code.startsWith('transport.');

  async function call<T>(fn: (c: ChainClient) => Promise<T>): Promise<T> {
    const p = get();
    const c = await p;
    try {
      return await fn(c);
    } catch (err) {
      if (lost(err)) drop(p);
      throw err;
    }
  }

  return {
    chainId: () => call((c) => c.chainId()),
    getBlock: () => call((c) => c.getBlock()),
    getAccount: (k) => call((c) => c.getAccount(k)),
    getTwin: (id) => call((c) => c.getTwin(id)),
    getTwinByAccount: (k) => call((c) => c.getTwinByAccount(k)),
    getFarm: (id) => call((c) => c.getFarm(id)),
    listFarms: () => call((c) => c.listFarms()),
    getNode: (id) => call((c) => c.getNode(id)),
    getNodeByTwin: (id) => call((c) => c.getNodeByTwin(id)),
    listNodes: (f) => call((c) => c.listNodes(f)),
    getContract: (id) => call((c) => c.getContract(id)),
    getContractByHash: (n, h) => call((c) => c.getContractByHash(n, h)),
    listContracts: (f) => call((c) => c.listContracts(f)),
    getBills: (id) => call((c) => c.getBills(id)),
    getPricingPolicy: (id) => call((c) => c.getPricingPolicy(id)),
    getTftPrice: () => call((c) => c.getTftPrice()),
    submit: (tx) => call((c) => c.submit(tx)),
    async subscribeEvents(handler, options = {}) {
      const s: EventSub = { handler, last: null, fromBlock: options.fromBlock, inner: null };
      eventSubs.add(s);
      try {
        const p = get();
        const c = await p;
        if (s.inner === null) {
          // attach() ran before this subscription existed: subscribe on the live connection
          s.inner = await c.subscribeEvents(
            (e) => {
              if (s.last !== null && (e.block < s.last.block || (e.block === s.last.block && e.index <= s.last.index))) return;
              s.last = { block: e.block, index: e.index };
              s.handler(e);
            },
            options,
          );
        }
      } catch {
        // not connected now: the subscription is made on the next successful connection
      }
      return async () => {
        eventSubs.delete(s);
        await s.inner?.();
      };
    },
    async subscribeBlocks(handler) {
      const s: BlockSub = { handler, inner: null };
      blockSubs.add(s);
      try {
        const c = await get();
        if (s.inner === null) s.inner = await c.subscribeBlocks(handler);
      } catch {
        // subscribed on the next connection
      }
      return async () => {
        blockSubs.delete(s);
        await s.inner?.();
      };
    },
    async close() {
      closed = true;
      const p = current;
      current = null;
      if (p !== null) await (await p.catch(() => null))?.close();
    },
  };
}
