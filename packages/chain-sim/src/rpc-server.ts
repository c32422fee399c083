import type { AddressInfo } from 'node:net';
import type { BlockInfo, ChainEvent, ContractFilter, NodeFilter } from '@sc4it/types';
import { Sc4itError, decodeJson, encodeJson } from '@sc4it/types';
import { WebSocketServer, type WebSocket } from 'ws';
import type { BlockMode, Chain } from './chain.ts';
import { bytes, text, u32, u64, u64num } from './decode.ts';
import { chainError, decodeFailure } from './errors.ts';

/** JSON-RPC 2.0 error codes. Chain refusals use {@link RPC_CHAIN_ERROR} with the sc4it error in `data`. */
export const RPC_PARSE_ERROR = -32700;
export const RPC_INVALID_REQUEST = -32600;
export const RPC_METHOD_NOT_FOUND = -32601;
export const RPC_INVALID_PARAMS = -32602;
export const RPC_INTERNAL_ERROR = -32603;
export const RPC_CHAIN_ERROR = -32010;

/** Largest request frame accepted (a `loadState` dump can be big). */
export const RPC_MAX_PAYLOAD = 64 * 1024 * 1024;

type Json = Record<string, unknown>;
type Send = (text: string) => void;

interface Session {
  subs: Map<string, () => void>;
}

const KINDS = ['Created', 'Deployed', 'GracePeriod', 'Deleted'];

function opt<T>(v: unknown, f: (x: unknown) => T): T | undefined {
  return v === undefined || v === null ? undefined : f(v);
}

function params(p: unknown[], max: number): unknown[] {
  if (p.length > max) throw decodeFailure('params', `at most ${max} parameters`);
  return p;
}

function nodeFilter(v: unknown): NodeFilter {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw decodeFailure('filter', 'expected an object');
  const o = v as Json;
  const out: NodeFilter = {};
  for (const k of Object.keys(o)) {
    const val = o[k];
    if (val === undefined || val === null) continue;
    switch (k) {
      case 'farmId':
      case 'freeIps':
        out[k] = u32(val, `filter.${k}`);
        break;
      case 'freeCru':
      case 'freeMru':
      case 'freeSru':
      case 'freeHru':
        out[k] = u64(val, `filter.${k}`);
        break;
      case 'certified':
        if (typeof val !== 'boolean') throw decodeFailure('filter.certified', 'expected a boolean');
        out.certified = val;
        break;
      default:
        throw decodeFailure(`filter.${k}`, 'unknown filter');
    }
  }
  return out;
}

function contractFilter(v: unknown): ContractFilter {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw decodeFailure('filter', 'expected an object');
  const o = v as Json;
  const out: ContractFilter = {};
  for (const k of Object.keys(o)) {
    const val = o[k];
    if (val === undefined || val === null) continue;
    if (k === 'twinId' || k === 'nodeId') out[k] = u32(val, `filter.${k}`);
    else if (k === 'state') {
      if (typeof val !== 'string' || !KINDS.includes(val)) throw decodeFailure('filter.state', 'unknown state');
      out.state = val as ContractFilter['state'] & string;
    } else if (k === 'kind') {
      if (val !== 'node' && val !== 'name' && val !== 'rent') throw decodeFailure('filter.kind', 'unknown kind');
      out.kind = val;
    } else throw decodeFailure(`filter.${k}`, 'unknown filter');
  }
  return out;
}

function pk(v: unknown): Uint8Array {
  return bytes(v, 'publicKey', 32, 32);
}

/**
 * The JSON-RPC 2.0 method table over a {@link Chain}. Method names are those of
 * `DevChainClient` (`getBlock`, `submit`, `mine`, …) plus `unsubscribe`, `setBlockMode`,
 * `getBlockMode`, `dumpState`, `loadState`, `eventsFrom`, `getSolutionProvider`,
 * `listSolutionProviders`, `getTermsAndConditions`. Parameters are positional and use
 * @sc4it/types' JSON tagging for bigint (`{"$bigint":"…"}`) and bytes (`{"$bytes":"…"}`).
 */
export class RpcHandler {
  readonly chain: Chain;
  private subSeq = 0;

  constructor(chain: Chain) {
    this.chain = chain;
  }

  newSession(): Session {
    return { subs: new Map() };
  }

  endSession(session: Session): void {
    for (const u of session.subs.values()) u();
    session.subs.clear();
  }

  /** Handles one frame; replies through `send` (at once, or when a submitted call is mined). Never throws. */
  handle(frame: string, session: Session, send: Send): void {
    let msg: unknown;
    try {
      msg = decodeJson(frame);
    } catch (err) {
      send(errorReply(null, RPC_PARSE_ERROR, 'Parse error', err));
      return;
    }
    if (Array.isArray(msg)) {
      if (msg.length === 0) {
        send(errorReply(null, RPC_INVALID_REQUEST, 'Invalid Request', decodeFailure('request', 'empty batch')));
        return;
      }
      // A batch: collect the replies (some may arrive later) and send them as one array.
      const replies: string[] = [];
      let waiting = msg.length;
      const done = () => {
        if (--waiting === 0 && replies.length > 0) send(`[${replies.join(',')}]`);
      };
      for (const m of msg) {
        let replied = false;
        this.handleOne(m, session, (r) => {
          replied = true;
          replies.push(r);
          done();
        }, true);
        if (!replied && !isRequestWithId(m)) done();
      }
      return;
    }
    this.handleOne(msg, session, send, false);
  }

  private handleOne(msg: unknown, session: Session, send: Send, inBatch: boolean): void {
    if (msg === null || typeof msg !== 'object' || Array.isArray(msg)) {
      send(errorReply(null, RPC_INVALID_REQUEST, 'Invalid Request', decodeFailure('request', 'expected an object')));
      return;
    }
    const m = msg as Json;
    const id = m['id'];
    const validId = id === undefined || id === null || typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id));
    if (m['jsonrpc'] !== '2.0' || typeof m['method'] !== 'string' || !validId) {
      send(errorReply(validId ? (id ?? null) : null, RPC_INVALID_REQUEST, 'Invalid Request', decodeFailure('request', 'not a JSON-RPC 2.0 request')));
      return;
    }
    const p = m['params'] ?? [];
    if (!Array.isArray(p)) {
      send(errorReply(id ?? null, RPC_INVALID_PARAMS, 'Invalid params', decodeFailure('params', 'params must be an array')));
      return;
    }
    const notification = id === undefined;
    const reply = (text: string) => {
      if (!notification) send(text);
    };
    void inBatch;
    let result: unknown;
    try {
      result = this.call(m['method'] as string, p, session, send);
    } catch (err) {
      reply(errorFor(id ?? null, err));
      return;
    }
    if (result instanceof Promise) {
      result.then(
        (r) => reply(encodeJson({ jsonrpc: '2.0', id, result: r ?? null })),
        (err) => reply(errorFor(id ?? null, err)),
      );
    } else if (result instanceof Subscribed) {
      reply(encodeJson({ jsonrpc: '2.0', id, result: result.id }));
      result.start();
    } else {
      reply(encodeJson({ jsonrpc: '2.0', id, result: result ?? null }));
    }
  }

  private call(method: string, p: unknown[], session: Session, send: Send): unknown {
    const c = this.chain;
    switch (method) {
      case 'chainId':
        params(p, 0);
        return c.chainId;
      case 'getBlock':
        params(p, 0);
        return c.head();
      case 'getAccount':
        params(p, 1);
        return c.getAccount(pk(p[0]));
      case 'getTwin':
        params(p, 1);
        return c.getTwin(u32(p[0], 'id'));
      case 'getTwinByAccount':
        params(p, 1);
        return c.getTwinByAccount(pk(p[0]));
      case 'getFarm':
        params(p, 1);
        return c.getFarm(u32(p[0], 'id'));
      case 'listFarms':
        params(p, 0);
        return c.listFarms();
      case 'getNode':
        params(p, 1);
        return c.getNode(u32(p[0], 'id'));
      case 'getNodeByTwin':
        params(p, 1);
        return c.getNodeByTwin(u32(p[0], 'twinId'));
      case 'listNodes':
        params(p, 1);
        return c.listNodes(nodeFilter(p[0]));
      case 'getContract':
        params(p, 1);
        return c.getContract(u64(p[0], 'id'));
      case 'getContractByHash':
        params(p, 2);
        return c.getContractByHash(u32(p[0], 'nodeId'), text(p[1], 'deploymentHash', 64));
      case 'listContracts':
        params(p, 1);
        return c.listContracts(contractFilter(p[0]));
      case 'getBills':
        params(p, 1);
        return c.getBills(u64(p[0], 'contractId'));
      case 'getPricingPolicy':
        params(p, 1);
        return c.getPricingPolicy(opt(p[0], (v) => u32(v, 'id')) ?? 1);
      case 'getTftPrice':
        params(p, 0);
        return c.getTftPrice();
      case 'submit':
        params(p, 1);
        return c.submit(p[0]);
      case 'getSolutionProvider':
        params(p, 1);
        return c.getSolutionProvider(u64(p[0], 'id'));
      case 'listSolutionProviders':
        params(p, 0);
        return c.listSolutionProviders();
      case 'getTermsAndConditions':
        params(p, 1);
        return c.getTermsAndConditions(pk(p[0]));
      case 'subscribeEvents': {
        params(p, 1);
        const o = p[0];
        if (o !== undefined && o !== null && (typeof o !== 'object' || Array.isArray(o))) {
          throw decodeFailure('options', 'expected an object');
        }
        const fromBlock = opt((o as Json | undefined)?.['fromBlock'], (v) => u64num(v, 'options.fromBlock'));
        const id = `e${++this.subSeq}`;
        return new Subscribed(id, () => {
          const unsub = c.subscribeEvents(
            (e: ChainEvent) => send(encodeJson({ jsonrpc: '2.0', method: 'subscription', params: { subscription: id, result: e } })),
            fromBlock === undefined ? {} : { fromBlock },
          );
          session.subs.set(id, unsub);
        });
      }
      case 'subscribeBlocks': {
        params(p, 0);
        const id = `b${++this.subSeq}`;
        return new Subscribed(id, () => {
          const unsub = c.subscribeBlocks((b: BlockInfo) =>
            send(encodeJson({ jsonrpc: '2.0', method: 'subscription', params: { subscription: id, result: b } })),
          );
          session.subs.set(id, unsub);
        });
      }
      case 'unsubscribe': {
        params(p, 1);
        const id = text(p[0], 'subscription', 64);
        const u = session.subs.get(id);
        if (u) {
          u();
          session.subs.delete(id);
        }
        return u !== undefined;
      }
      case 'mine':
        params(p, 1);
        return c.mine(opt(p[0], (v) => u32(v, 'n')) ?? 1);
      case 'warp':
        params(p, 1);
        return c.warp(u32(p[0], 'seconds'));
      case 'snapshot':
        params(p, 0);
        return c.snapshot();
      case 'revert':
        params(p, 1);
        c.revert(text(p[0], 'id', 64));
        return null;
      case 'setBlockMode': {
        params(p, 2);
        const mode = text(p[0], 'mode', 16);
        if (mode !== 'instant' && mode !== 'interval' && mode !== 'manual') throw decodeFailure('mode', 'unknown block mode');
        c.setMode(mode as BlockMode, opt(p[1], (v) => u32(v, 'blockIntervalMs')));
        return null;
      }
      case 'getBlockMode':
        params(p, 0);
        return c.getMode();
      case 'dumpState':
        params(p, 0);
        return c.dumpState();
      case 'loadState':
        params(p, 1);
        if (typeof p[0] !== 'string') throw decodeFailure('state', 'expected the JSON text of a dump');
        c.loadState(p[0]);
        return null;
      case 'eventsFrom':
        params(p, 2);
        return c.eventsFrom(u64num(p[0], 'fromBlock'), opt(p[1], (v) => u32(v, 'limit')) ?? 10_000);
      default:
        throw new MethodNotFound(method);
    }
  }
}

class Subscribed {
  readonly id: string;
  readonly start: () => void;
  constructor(id: string, start: () => void) {
    this.id = id;
    this.start = start;
  }
}

class MethodNotFound extends Error {
  constructor(method: string) {
    super(`unknown method ${method.slice(0, 64)}`);
  }
}

function isRequestWithId(m: unknown): boolean {
  return m !== null && typeof m === 'object' && !Array.isArray(m) && (m as Json)['id'] !== undefined;
}

function errorReply(id: unknown, code: number, message: string, err: unknown): string {
  const data = err instanceof Sc4itError ? err.toJSON() : { name: 'Error', code: 'internal.error', message: 'internal error' };
  return encodeJson({ jsonrpc: '2.0', id, error: { code, message, data } });
}

function errorFor(id: unknown, err: unknown): string {
  if (err instanceof MethodNotFound) {
    return errorReply(id, RPC_METHOD_NOT_FOUND, 'Method not found', chainError('MethodNotFound', err.message));
  }
  if (err instanceof Sc4itError) {
    const decode = err.upstream === 'CouldNotDecode';
    return errorReply(id, decode ? RPC_INVALID_PARAMS : RPC_CHAIN_ERROR, decode ? 'Invalid params' : err.shortMessage, err);
  }
  return errorReply(id, RPC_INTERNAL_ERROR, 'Internal error', err);
}

export interface ChainServer {
  /** `ws://host:port` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves a chain over JSON-RPC 2.0 on WebSocket. Resolves once listening. */
export function serveChain(chain: Chain, options: { host?: string; port?: number } = {}): Promise<ChainServer> {
  const handler = new RpcHandler(chain);
  const wss = new WebSocketServer({ host: options.host ?? '127.0.0.1', port: options.port ?? 0, maxPayload: RPC_MAX_PAYLOAD });
  wss.on('connection', (ws: WebSocket) => {
    const session = handler.newSession();
    const send = (t: string) => {
      if (ws.readyState === ws.OPEN) ws.send(t);
    };
    ws.on('message', (data, isBinary) => {
      const frame = isBinary ? Buffer.from(data as Buffer).toString('utf8') : data.toString();
      handler.handle(frame, session, send);
    });
    ws.on('close', () => handler.endSession(session));
    ws.on('error', () => handler.endSession(session));
  });
  return new Promise((resolve, reject) => {
    wss.once('error', reject);
    wss.once('listening', () => {
      const addr = wss.address() as AddressInfo;
      const host = options.host ?? '127.0.0.1';
      resolve({
        url: `ws://${host}:${addr.port}`,
        port: addr.port,
        close: () =>
          new Promise<void>((res) => {
            for (const c of wss.clients) c.terminate();
            wss.close(() => res());
          }),
      });
    });
  });
}
