import type {
  Account,
  BillRecord,
  BlockInfo,
  ChainEvent,
  Contract,
  ContractFilter,
  DevChainClient,
  ErrorCode,
  Farm,
  NodeFilter,
  NodeWithUsage,
  PricingPolicy,
  SignedTransaction,
  SolutionProvider,
  TermsAndConditions,
  Twin,
  TxReceipt,
  Unsubscribe,
} from '@sc4it/types';
import { ChainError, DecodeError, Sc4itError, TransportError, decodeJson, encodeJson } from '@sc4it/types';
import WebSocket from 'ws';
import type { BlockMode } from './chain.ts';

interface Waiting {
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
  /** For subscribe calls: registered synchronously when the result arrives. */
  onSubscribed?: (id: string) => void;
}

/** Rebuilds the sc4it error a server sent in a JSON-RPC error's `data`. */
function rebuildError(error: { code?: unknown; message?: unknown; data?: unknown }): Error {
  const data = (error.data ?? {}) as { name?: string; code?: string; message?: string; upstream?: string; field?: string };
  const code = (typeof data.code === 'string' && /^[a-z]+\.[a-z0-9_.]+$/.test(data.code) ? data.code : 'rpc.error') as ErrorCode;
  const msg = typeof data.message === 'string' ? data.message : String(error.message ?? 'RPC error');
  const opts = {
    ...(typeof data.upstream === 'string' ? { upstream: data.upstream } : {}),
    ...(typeof data.field === 'string' ? { field: data.field } : {}),
  };
  if (data.name === 'ChainError' || code.startsWith('chain.')) return new ChainError(code, msg, opts);
  if (data.name === 'DecodeError' || code.startsWith('decode.')) return new DecodeError(code, msg, opts);
  return new Sc4itError(code, msg, opts);
}

/**
 * `DevChainClient` over JSON-RPC 2.0 / WebSocket, talking to `serveChain` (or the
 * `sc4it-chain` CLI). Refused calls reject with the server's `ChainError` (same `code` and
 * `upstream`); a lost connection rejects pending calls with `TransportError`.
 */
export class RpcChainClient implements DevChainClient {
  private readonly ws: WebSocket;
  private seq = 0;
  private waiting = new Map<number, Waiting>();
  private subs = new Map<string, (v: unknown) => void>();
  private closedErr: Error | null = null;
  private cachedChainId: string | null = null;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => this.onMessage(data.toString()));
    ws.on('close', () => this.fail(new TransportError('transport.closed', 'chain connection closed')));
    ws.on('error', (err) => this.fail(new TransportError('transport.error', 'chain connection failed', { cause: err })));
  }

  static connect(url: string, options: { timeoutMs?: number } = {}): Promise<RpcChainClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { maxPayload: 256 * 1024 * 1024 });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new TransportError('transport.timeout', `no connection to ${url}`));
      }, options.timeoutMs ?? 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new RpcChainClient(ws));
      });
      ws.once('error', (err) => {
        clearTimeout(timer);
        reject(new TransportError('transport.connect_failed', `cannot connect to ${url}`, { cause: err }));
      });
    });
  }

  private fail(err: Error): void {
    if (this.closedErr) return;
    this.closedErr = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.subs.clear();
  }

  private onMessage(text: string): void {
    let msg: { id?: unknown; result?: unknown; error?: { code?: unknown; message?: unknown; data?: unknown }; method?: unknown; params?: unknown };
    try {
      msg = decodeJson(text) as typeof msg;
    } catch {
      return;
    }
    if (Array.isArray(msg)) return;
    if (msg.method === 'subscription') {
      const p = msg.params as { subscription?: string; result?: unknown } | undefined;
      const h = p?.subscription === undefined ? undefined : this.subs.get(p.subscription);
      if (h) {
        try {
          h(p!.result);
        } catch {
          // a handler's bug must not break the connection
        }
      }
      return;
    }
    if (typeof msg.id !== 'number') return;
    const w = this.waiting.get(msg.id);
    if (!w) return;
    this.waiting.delete(msg.id);
    if (msg.error) w.reject(rebuildError(msg.error));
    else {
      if (w.onSubscribed) w.onSubscribed(msg.result as string);
      w.resolve(msg.result);
    }
  }

  /** Sends one JSON-RPC request; resolves with its result. */
  request<T>(method: string, params: unknown[] = [], onSubscribed?: (id: string) => void): Promise<T> {
    if (this.closedErr) return Promise.reject(this.closedErr);
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.waiting.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(onSubscribed ? { onSubscribed } : {}) });
      this.ws.send(encodeJson({ jsonrpc: '2.0', id, method, params }), (err) => {
        if (err && this.waiting.delete(id)) reject(new TransportError('transport.send_failed', 'cannot send to the chain', { cause: err }));
      });
    });
  }

  async chainId(): Promise<string> {
    this.cachedChainId ??= await this.request<string>('chainId');
    return this.cachedChainId;
  }
  getBlock(): Promise<BlockInfo> {
    return this.request('getBlock');
  }
  getAccount(publicKey: Uint8Array): Promise<Account> {
    return this.request('getAccount', [publicKey]);
  }
  getTwin(id: number): Promise<Twin | null> {
    return this.request('getTwin', [id]);
  }
  getTwinByAccount(publicKey: Uint8Array): Promise<Twin | null> {
    return this.request('getTwinByAccount', [publicKey]);
  }
  getFarm(id: number): Promise<Farm | null> {
    return this.request('getFarm', [id]);
  }
  listFarms(): Promise<Farm[]> {
    return this.request('listFarms');
  }
  getNode(id: number): Promise<NodeWithUsage | null> {
    return this.request('getNode', [id]);
  }
  getNodeByTwin(twinId: number): Promise<NodeWithUsage | null> {
    return this.request('getNodeByTwin', [twinId]);
  }
  listNodes(filter?: NodeFilter): Promise<NodeWithUsage[]> {
    return this.request('listNodes', [filter ?? null]);
  }
  getContract(id: bigint): Promise<Contract | null> {
    return this.request('getContract', [id]);
  }
  getContractByHash(nodeId: number, deploymentHash: string): Promise<Contract | null> {
    return this.request('getContractByHash', [nodeId, deploymentHash]);
  }
  listContracts(filter?: ContractFilter): Promise<Contract[]> {
    return this.request('listContracts', [filter ?? null]);
  }
  getBills(contractId: bigint): Promise<BillRecord[]> {
    return this.request('getBills', [contractId]);
  }
  getPricingPolicy(id?: number): Promise<PricingPolicy> {
    return this.request('getPricingPolicy', [id ?? null]);
  }
  getTftPrice(): Promise<number> {
    return this.request('getTftPrice');
  }
  submit(tx: SignedTransaction): Promise<TxReceipt> {
    return this.request('submit', [tx]);
  }
  /** A solution provider, or null. */
  getSolutionProvider(id: bigint): Promise<SolutionProvider | null> {
    return this.request('getSolutionProvider', [id]);
  }
  /** Every solution provider, by id. */
  listSolutionProviders(): Promise<SolutionProvider[]> {
    return this.request('listSolutionProviders');
  }
  /** An account's terms-and-conditions acceptances, oldest first. */
  getTermsAndConditions(account: Uint8Array): Promise<TermsAndConditions[]> {
    return this.request('getTermsAndConditions', [account]);
  }
  async subscribeEvents(handler: (event: ChainEvent) => void, options?: { fromBlock?: number }): Promise<Unsubscribe> {
    let subId = '';
    await this.request<string>('subscribeEvents', [options ?? null], (id) => {
      subId = id;
      this.subs.set(id, handler as (v: unknown) => void);
    });
    return () => this.unsubscribe(subId);
  }
  async subscribeBlocks(handler: (block: BlockInfo) => void): Promise<Unsubscribe> {
    let subId = '';
    await this.request<string>('subscribeBlocks', [], (id) => {
      subId = id;
      this.subs.set(id, handler as (v: unknown) => void);
    });
    return () => this.unsubscribe(subId);
  }
  private async unsubscribe(id: string): Promise<void> {
    this.subs.delete(id);
    if (!this.closedErr) await this.request('unsubscribe', [id]);
  }
  mine(n?: number): Promise<BlockInfo> {
    return this.request('mine', [n ?? 1]);
  }
  warp(seconds: number): Promise<BlockInfo> {
    return this.request('warp', [seconds]);
  }
  snapshot(): Promise<string> {
    return this.request('snapshot');
  }
  async revert(id: string): Promise<void> {
    await this.request('revert', [id]);
  }
  async setBlockMode(mode: BlockMode, blockIntervalMs?: number): Promise<void> {
    await this.request('setBlockMode', [mode, blockIntervalMs ?? null]);
  }
  getBlockMode(): Promise<{ mode: BlockMode; blockIntervalMs: number }> {
    return this.request('getBlockMode');
  }
  /** The chain's whole state as JSON text (see `Chain.dumpState`). */
  dumpState(): Promise<string> {
    return this.request('dumpState');
  }
  async loadState(json: string): Promise<void> {
    await this.request('loadState', [json]);
  }
  eventsFrom(fromBlock: number, limit?: number): Promise<ChainEvent[]> {
    return this.request('eventsFrom', [fromBlock, limit ?? null]);
  }
  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.ws.readyState === WebSocket.CLOSED) return resolve();
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}

/** Connects to a chain-sim JSON-RPC server (`ws://…`). */
export function connectChain(url: string, options?: { timeoutMs?: number }): Promise<RpcChainClient> {
  return RpcChainClient.connect(url, options);
}
