import { Sc4itError, TransportError, type Twin, utf8ToBytes, bytesToUtf8 } from '@sc4it/types';
import type { Identity } from '@sc4it/crypto';
import { decodeRmbEnvelope, encodeRmbEnvelope } from '../codec.ts';
import {
  type RmbAddress,
  type RmbEnvelope,
  SCHEMA_JSON,
  address,
  envelopeDeadline,
  newUid,
  nowSeconds,
  sessionKey,
} from '../envelope.ts';
import { EnvelopeError, type OpenedEnvelope, openEnvelope, sealPayload, signEnvelope } from '../envelope-crypto.ts';
import { createRelayToken } from '../jwt.ts';
import type { TwinResolver } from '../twin-resolver.ts';
import { BusCipherCache } from '../bus-cipher-cache.ts';
import { type DedupStore, DedupWindow } from './dedup.ts';
import { type RmbSocket, type SocketFactory, webSocketFactory } from './socket.ts';

/** What a handler receives for an incoming request. */
export interface RmbIncoming {
  uid: string;
  command: string;
  /** The sender's address (twin and session). */
  source: RmbAddress;
  /** The sender twin as the resolver knows it. */
  sender: Twin;
  /** Decrypted payload bytes. */
  payload: Uint8Array;
  schema: string | undefined;
  /** True when the payload came encrypted. */
  encrypted: boolean;
  /** The payload parsed as JSON. */
  json<T = unknown>(): T;
}

/**
 * A request handler. Its result becomes the reply payload: a `Uint8Array` is sent as is, anything
 * else as JSON (`undefined` → `null`). A thrown error becomes an error reply (code 255, or the
 * error's numeric `rmbCode`).
 */
export type RmbHandler = (request: RmbIncoming) => unknown;

/** A reply to {@link RmbPeer.request}. */
export interface RmbReply {
  uid: string;
  source: RmbAddress;
  payload: Uint8Array;
  schema: string | undefined;
  encrypted: boolean;
  json<T = unknown>(): T;
}

export interface RmbRequestOptions {
  /** Give up after this many ms (default: the TTL). */
  timeout?: number;
  /** Envelope TTL in seconds (default: the peer's `requestTtl`). */
  ttl?: number;
  /** Address one session of the destination twin. */
  session?: string;
  /** `tags` field, e.g. `fail-fast`. */
  tags?: string;
  /** `schema` field (default `application/json`). */
  schema?: string;
}

export interface RmbPeerInit {
  identity: Identity;
  twinId: number;
  /**
   * Relay WebSocket URL(s). With several, a message goes to the first open relay that is not
   * known to be stalled; retries rotate to the next relay, and a relay that answers nothing
   * within `acceptTimeoutMs` of a send is passed over (rmb.md §5.5).
   */
  relays: string | string[];
  /** Looks up destination twins (pk, relays) and senders (account key). */
  resolver: TwinResolver;
  /** Session id (JWT `sid`); absent = the twin's main session, which requests are addressed to. */
  session?: string;
  socketFactory?: SocketFactory;
  /** Relay token lifetime, s (default 60). */
  tokenTtl?: number;
  /** Default request TTL, s (default 300). */
  requestTtl?: number;
  /** First pause before a request is sent again with the same uid, ms (default 2000; doubles, max 30 s). */
  retryIntervalMs?: number;
  /**
   * How long a relay link may stay silent after a send before it counts as stalled, ms (default
   * 500, rmb-peer's per-socket attempt). A send on a link that was quiet for that long is followed
   * by an application ping; a link that answers nothing in time is passed over and the requests
   * sent on it go out through the next relay. 0 turns the check off (retries still rotate).
   */
  acceptTimeoutMs?: number;
  /** Reconnect backoff bounds, ms (default 250 … 10 000). */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
  /** Application ping every … ms (default 20 000); no frame for `pingTimeoutMs` (default 40 000) → reconnect. */
  pingIntervalMs?: number;
  pingTimeoutMs?: number;
  /** Refuse to send plaintext to twins without `pk` (default false, as ThreeFold). */
  requireEncryption?: boolean;
  /** Hostnames for the deprecated `relays` field (default: hosts of `relays`). */
  relayDomains?: string[];
  /** Minimum dedup window, s (default 300). */
  dedupWindowSec?: number;
  /**
   * Where dedup entries live (default: a {@link DedupWindow} in memory, lost when the process
   * stops). A persistent store keeps a retried request from running its handler again after a
   * receiver restart; the peer does not close it.
   */
  dedupStore?: DedupStore;
  /** Reports problems that have no caller to reject (bad frames, handler replies that fail). */
  onError?: (err: unknown) => void;
}

interface Link {
  url: string;
  socket: RmbSocket | undefined;
  open: boolean;
  connecting: boolean;
  attempts: number;
  /** Keepalive clock: last frame read, or the time the socket opened. */
  lastSeen: number;
  /** Last frame read on the current socket (0: none yet). */
  heardAt: number;
  /** Silent after a send for `acceptTimeoutMs`: passed over until it sends something again. */
  stalled: boolean;
  /** Pending liveness probe (a ping sent after a send on a quiet link). */
  probe: ReturnType<typeof setTimeout> | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

interface Pending {
  twin: number;
  bytes: Uint8Array;
  deadline: number;
  resolve(reply: RmbReply): void;
  reject(err: unknown): void;
  timeout: ReturnType<typeof setTimeout>;
  retry: ReturnType<typeof setTimeout> | undefined;
  retryMs: number;
  /** The link the envelope went out on last. */
  link: Link | undefined;
}

/** An error reply from the remote peer (its handler failed or refused the envelope). */
export class RmbRemoteError extends Sc4itError {
  override name = 'RmbRemoteError';
  readonly remoteCode: number;
  constructor(code: number, message: string) {
    super('rpc.remote_error', message, { upstream: `${code} ${message}` });
    this.remoteCode = code;
  }
}

function parseJson<T>(bytes: Uint8Array): T {
  return JSON.parse(bytesToUtf8(bytes)) as T;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * A bus endpoint: connects to one or more relays, sends requests and answers them (rmb.md §2–§4,
 * §5.5). Reliability beyond ThreeFold's peers: requests are re-sent with the same uid until a
 * reply or the timeout, after every reconnect too; the receiver runs a handler once per uid
 * (dedup window ≥ TTL) and answers duplicates with the stored reply.
 */
export class RmbPeer {
  readonly twinId: number;
  readonly session: string | undefined;
  readonly #init: RmbPeerInit;
  readonly #links: Link[];
  readonly #factory: SocketFactory;
  readonly #handlers = new Map<string, RmbHandler>();
  readonly #pending = new Map<string, Pending>();
  readonly #dedup: DedupStore;
  readonly #cipher: BusCipherCache;
  readonly #self: RmbAddress;
  readonly #relayDomains: string[];
  readonly #openWaiters: (() => void)[] = [];
  #pinger: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  #started = false;

  constructor(init: RmbPeerInit) {
    this.#init = init;
    this.twinId = init.twinId;
    this.session = init.session;
    const urls = Array.isArray(init.relays) ? init.relays : [init.relays];
    if (urls.length === 0) throw new TransportError('transport.bad_config', 'a peer needs at least one relay URL');
    this.#links = urls.map((url) => ({
      url,
      socket: undefined,
      open: false,
      connecting: false,
      attempts: 0,
      lastSeen: 0,
      heardAt: 0,
      stalled: false,
      probe: undefined,
      timer: undefined,
    }));
    this.#factory = init.socketFactory ?? webSocketFactory();
    this.#dedup = init.dedupStore ?? new DedupWindow();
    this.#cipher = new BusCipherCache(init.identity);
    this.#self = address(init.twinId, init.session);
    this.#relayDomains = init.relayDomains ?? urls.map(hostOf);
  }

  /** The peer's own address. */
  get address(): RmbAddress {
    return { ...this.#self };
  }

  /** Number of relays currently connected. */
  get connectedRelays(): number {
    return this.#links.filter((l) => l.open).length;
  }

  /** Registers the handler of `command` (replaces an earlier one). */
  handle(command: string, handler: RmbHandler): this {
    this.#handlers.set(command, handler);
    return this;
  }

  /** Opens every relay link; resolves once one is connected, or rejects after `timeoutMs` (default 10 s). */
  async connect(timeoutMs = 10_000): Promise<void> {
    if (this.#closed) throw new TransportError('transport.closed', 'peer is closed');
    if (!this.#started) {
      this.#started = true;
      for (const link of this.#links) void this.#open(link);
      const every = this.#init.pingIntervalMs ?? 20_000;
      this.#pinger = setInterval(() => this.#keepalive(), Math.min(every, 5000));
      this.#pinger.unref?.();
    }
    if (this.connectedRelays > 0) return;
    await new Promise<void>((resolve, reject) => {
      const t = setTimeout(() => reject(new TransportError('transport.connect_timeout', 'no relay accepted the connection in time')), timeoutMs);
      this.#openWaiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  /** Closes every link; pending requests fail with `transport.closed`. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#pinger !== undefined) clearInterval(this.#pinger);
    for (const link of this.#links) {
      if (link.timer !== undefined) clearTimeout(link.timer);
      if (link.probe !== undefined) clearTimeout(link.probe);
      link.open = false;
      link.socket?.close(1000, 'peer closing');
    }
    for (const [uid, p] of this.#pending) {
      this.#pending.delete(uid);
      clearTimeout(p.timeout);
      if (p.retry !== undefined) clearTimeout(p.retry);
      p.reject(new TransportError('transport.closed', 'peer closed before the reply arrived'));
    }
  }

  /**
   * Sends a request and waits for its reply. The same signed envelope (same uid) is sent again
   * with backoff until a reply, an error reply or the timeout.
   * @throws {TransportError} `transport.timeout`, `transport.relay_error` (the relay refused it),
   * `transport.closed`; {@link RmbRemoteError} when the remote answered with an error;
   * `chain.twin_not_exists` for an unknown destination.
   */
  async request(twin: number, command: string, payload: Uint8Array | string, options: RmbRequestOptions = {}): Promise<RmbReply> {
    if (this.#closed) throw new TransportError('transport.closed', 'peer is closed');
    const dest = await this.#init.resolver.getTwin(twin);
    if (dest === null) throw new Sc4itError('chain.twin_not_exists', `unknown destination twin ${twin}`, { upstream: 'TwinNotExists' });
    const ttl = Math.max(1, Math.floor(options.ttl ?? this.#init.requestTtl ?? 300));
    const env: RmbEnvelope = {
      uid: newUid(),
      timestamp: nowSeconds(),
      expiration: ttl,
      source: this.#self,
      destination: address(twin, options.session),
      message: { kind: 'request', command },
      schema: options.schema ?? SCHEMA_JSON,
      relays: this.#relayDomains,
    };
    if (options.tags !== undefined) env.tags = options.tags;
    const data = typeof payload === 'string' ? utf8ToBytes(payload) : payload;
    const ownPk = await this.#ownPublishedPk();
    await sealPayload(env, data, this.#init.identity, ownPk === null ? null : dest.pk, this.#init.requireEncryption ?? false, this.#cipher);
    signEnvelope(env, this.#init.identity);
    const bytes = encodeRmbEnvelope(env);
    const timeoutMs = options.timeout ?? ttl * 1000;
    return new Promise<RmbReply>((resolve, reject) => {
      const p: Pending = {
        twin,
        bytes,
        deadline: envelopeDeadline(env),
        resolve,
        reject,
        timeout: setTimeout(() => {
          this.#settle(env.uid);
          reject(new TransportError('transport.timeout', `no reply to '${command}' from twin ${twin} in time`));
        }, timeoutMs),
        retry: undefined,
        retryMs: this.#init.retryIntervalMs ?? 2000,
        link: undefined,
      };
      this.#pending.set(env.uid, p);
      p.link = this.#transmit(bytes);
      this.#scheduleRetry(env.uid, p);
    });
  }

  /**
   * Our `pk` as the resolver publishes it. Without one, the other side cannot decrypt what we
   * send (it decrypts with the sender's published key), so we send plain, like the TS client.
   */
  async #ownPublishedPk(): Promise<Uint8Array | null> {
    const me = await this.#init.resolver.getTwin(this.twinId);
    return me?.pk ?? null;
  }

  /** JSON convenience over {@link request}: sends `data` as JSON and parses the reply. */
  async call<T = unknown>(twin: number, command: string, data: unknown, options: RmbRequestOptions = {}): Promise<T> {
    const reply = await this.request(twin, command, JSON.stringify(data ?? null), options);
    return reply.json<T>();
  }

  // ---- links --------------------------------------------------------------------------------------

  async #open(link: Link): Promise<void> {
    if (this.#closed || link.connecting || link.open) return;
    link.connecting = true;
    const token = createRelayToken(this.#init.identity, this.twinId, {
      session: this.session ?? null,
      ttl: this.#init.tokenTtl ?? 60,
    });
    const url = `${link.url.replace(/\?.*$/, '')}?${token}`;
    try {
      link.socket = await this.#factory(url, {
        onOpen: () => {
          link.connecting = false;
          if (this.#closed) return link.socket?.close(1000, 'peer closing');
          link.open = true;
          link.attempts = 0;
          link.lastSeen = Date.now();
          link.heardAt = 0;
          link.stalled = false;
          for (const w of this.#openWaiters.splice(0)) w();
          // A reconnect may have lost what the old socket had buffered: send pending requests again.
          let sent = false;
          for (const p of this.#pending.values()) {
            if (link.socket?.send(p.bytes) !== true) continue;
            sent = true;
            if (p.link === undefined || !p.link.open || p.link.stalled) p.link = link;
          }
          if (sent) this.#watch(link);
        },
        onMessage: (bytes) => {
          link.lastSeen = link.heardAt = Date.now();
          link.stalled = false;
          this.#receive(bytes).catch((err: unknown) => this.#init.onError?.(err));
        },
        onClose: () => {
          link.open = false;
          link.connecting = false;
          link.socket = undefined;
          if (link.probe !== undefined) clearTimeout(link.probe);
          link.probe = undefined;
          this.#reconnectLater(link);
        },
      });
    } catch (err) {
      link.connecting = false;
      this.#init.onError?.(err);
      this.#reconnectLater(link);
    }
  }

  #reconnectLater(link: Link): void {
    if (this.#closed || link.timer !== undefined) return;
    const min = this.#init.reconnectMinMs ?? 250;
    const max = this.#init.reconnectMaxMs ?? 10_000;
    const delay = Math.min(max, min * 2 ** Math.min(link.attempts, 16)) * (0.75 + Math.random() * 0.5);
    link.attempts++;
    link.timer = setTimeout(() => {
      link.timer = undefined;
      void this.#open(link);
    }, delay);
    link.timer.unref?.();
  }

  #keepalive(): void {
    const now = Date.now();
    const every = this.#init.pingIntervalMs ?? 20_000;
    const timeout = this.#init.pingTimeoutMs ?? 40_000;
    for (const link of this.#links) {
      if (!link.open || link.socket === undefined) continue;
      if (now - link.lastSeen > timeout) {
        link.open = false;
        link.socket.close(4001, 'keepalive timeout');
        continue;
      }
      if (now - link.lastSeen >= every) this.#ping(link);
    }
  }

  #ping(link: Link): void {
    const ping: RmbEnvelope = {
      uid: newUid(),
      timestamp: nowSeconds(),
      expiration: 40,
      source: this.#self,
      destination: { twin: 0 },
      message: { kind: 'ping' },
      relays: [],
    };
    link.socket?.send(encodeRmbEnvelope(ping));
  }

  /**
   * Sends `bytes` on one link (rmb.md §5.5, "first accept wins"): open links that are not
   * stalled first, in order — from the front, or, for a retry, starting after the link the last
   * attempt used, so retries rotate — then stalled ones as a last resort. A link picked from the
   * front moves there. Returns the link that took the frame.
   */
  #transmit(bytes: Uint8Array, after?: Link): Link | undefined {
    const links = this.#links;
    const n = links.length;
    const start = after === undefined ? 0 : (links.indexOf(after) + 1) % n;
    let fallback: Link[] | undefined;
    for (let k = 0; k < n; k++) {
      const link = links[(start + k) % n]!;
      if (!link.open || link.socket === undefined) continue;
      if (link.stalled) {
        (fallback ??= []).push(link);
        continue;
      }
      if (!link.socket.send(bytes)) continue;
      if (after === undefined && (start + k) % n > 0) {
        links.splice((start + k) % n, 1);
        links.unshift(link);
      }
      this.#watch(link);
      return link;
    }
    for (const link of fallback ?? []) if (link.socket?.send(bytes) === true) return link;
    return undefined;
  }

  /**
   * After a send on `link`: if the link has been quiet for `acceptTimeoutMs`, ping it; if it still
   * answers nothing in that time, it is stalled (half open, or a relay that reads and forwards
   * nothing): move it to the back and send its pending requests through the next link.
   */
  #watch(link: Link): void {
    const timeout = this.#init.acceptTimeoutMs ?? 500;
    if (timeout <= 0 || link.probe !== undefined || link.stalled) return;
    const sentAt = Date.now();
    if (sentAt - link.heardAt < timeout) return;
    this.#ping(link);
    link.probe = setTimeout(() => {
      link.probe = undefined;
      if (this.#closed || !link.open || link.heardAt >= sentAt) return;
      link.stalled = true;
      const i = this.#links.indexOf(link);
      if (i >= 0 && i < this.#links.length - 1) {
        this.#links.splice(i, 1);
        this.#links.push(link);
      }
      for (const p of this.#pending.values()) {
        if (p.link !== link) continue;
        const next = this.#transmit(p.bytes, link);
        if (next !== undefined) p.link = next;
      }
    }, timeout);
    link.probe.unref?.();
  }

  #scheduleRetry(uid: string, p: Pending): void {
    p.retry = setTimeout(() => {
      if (this.#pending.get(uid) !== p) return;
      if (nowSeconds() >= p.deadline) return;
      p.link = this.#transmit(p.bytes, p.link) ?? p.link;
      p.retryMs = Math.min(30_000, p.retryMs * 2);
      this.#scheduleRetry(uid, p);
    }, p.retryMs);
    p.retry.unref?.();
  }

  #settle(uid: string): Pending | undefined {
    const p = this.#pending.get(uid);
    if (p === undefined) return undefined;
    this.#pending.delete(uid);
    clearTimeout(p.timeout);
    if (p.retry !== undefined) clearTimeout(p.retry);
    return p;
  }

  // ---- incoming -----------------------------------------------------------------------------------

  async #receive(bytes: Uint8Array): Promise<void> {
    let env: RmbEnvelope;
    try {
      env = decodeRmbEnvelope(bytes);
    } catch (err) {
      this.#init.onError?.(err);
      return;
    }
    const kind = env.message?.kind;
    if (kind === 'request') return this.#onRequest(env);
    if (kind === 'response' || kind === 'error') return this.#onReply(env);
    // pong / ping: liveness only (lastSeen already updated).
  }

  /**
   * rmb.md §2.4 checks. A failure that stale twin data can explain (unknown sender, bad
   * signature, missing pk, decryption) drops the cached twin and checks once more.
   */
  async #verifyAndOpen(env: RmbEnvelope): Promise<OpenedEnvelope> {
    const options = { resolver: this.#init.resolver, identity: this.#init.identity, cache: this.#cipher };
    try {
      return await openEnvelope(env, options);
    } catch (err) {
      const twin = env.source?.twin ?? 0;
      if (!(err instanceof EnvelopeError) || err.rmbCode < 103 || err.rmbCode > 106 || this.#init.resolver.invalidate === undefined) throw err;
      this.#init.resolver.invalidate(twin);
      return openEnvelope(env, options);
    }
  }

  async #onReply(env: RmbEnvelope): Promise<void> {
    const p = this.#pending.get(env.uid);
    if (p === undefined) return;
    const sourceTwin = env.source?.twin ?? 0;
    if (sourceTwin === 0) {
      // Relay-generated error: unsigned by design (rmb.md §5.6, §9.5).
      if (env.message?.kind !== 'error') return;
      this.#settle(env.uid);
      p.reject(new TransportError('transport.relay_error', `relay refused the message: ${env.message.message}`, { upstream: env.message.message }));
      return;
    }
    if (sourceTwin !== p.twin) return;
    let opened;
    try {
      opened = await this.#verifyAndOpen(env);
    } catch (err) {
      // A forged or broken reply must not cancel the request: keep waiting for a good one.
      this.#init.onError?.(err);
      return;
    }
    if (this.#settle(env.uid) === undefined) return;
    if (env.message?.kind === 'error') {
      p.reject(new RmbRemoteError(env.message.code, env.message.message));
      return;
    }
    const payload = opened.payload;
    p.resolve({
      uid: env.uid,
      source: env.source ?? { twin: sourceTwin },
      payload,
      schema: env.schema,
      encrypted: opened.encrypted,
      json: <T>() => parseJson<T>(payload),
    });
  }

  async #onRequest(env: RmbEnvelope): Promise<void> {
    const source = env.source;
    if (source === undefined || source.twin === 0) return;
    let opened;
    try {
      opened = await this.#verifyAndOpen(env);
    } catch (err) {
      if (err instanceof EnvelopeError && err.rmbCode !== 102) {
        void this.#sendReply(env, undefined, { code: err.rmbCode, message: err.shortMessage }, null).catch(() => {});
      }
      this.#init.onError?.(err);
      return;
    }
    const sender = opened.sender!;
    const replyPk = (await this.#ownPublishedPk().catch(() => null)) === null ? null : sender.pk;
    const now = nowSeconds();
    const key = `${sessionKey(source)}|${env.uid}`;
    // the one place the window is decided: the envelope's deadline, at least dedupWindowSec
    const dup = await this.#dedup.claim(key, Math.max(envelopeDeadline(env), now + (this.#init.dedupWindowSec ?? 300)), now);
    if (dup !== undefined) {
      if (dup.reply !== undefined) this.#transmit(dup.reply);
      return;
    }
    const command = env.message?.kind === 'request' ? env.message.command : '';
    const handler = this.#handlers.get(command);
    let reply: Uint8Array;
    if (handler === undefined) {
      reply = await this.#sendReply(env, undefined, { code: 404, message: `unknown command '${command}'` }, replyPk);
    } else {
      const payload = opened.payload;
      try {
        const result = await handler({
          uid: env.uid,
          command,
          source: { ...source },
          sender,
          payload,
          schema: env.schema,
          encrypted: opened.encrypted,
          json: <T>() => parseJson<T>(payload),
        });
        const data = result instanceof Uint8Array ? result : utf8ToBytes(JSON.stringify(result === undefined ? null : result));
        reply = await this.#sendReply(env, data, undefined, replyPk);
      } catch (err) {
        const code = typeof (err as { rmbCode?: unknown })?.rmbCode === 'number' ? (err as { rmbCode: number }).rmbCode : 255;
        const message = err instanceof Error ? err.message : String(err);
        reply = await this.#sendReply(env, undefined, { code, message }, replyPk);
      }
    }
    await this.#dedup.settle(key, reply);
  }

  /** Builds, signs and sends a response or error reply to `req`'s source; returns its bytes. */
  async #sendReply(
    req: RmbEnvelope,
    data: Uint8Array | undefined,
    error: { code: number; message: string } | undefined,
    senderPk: Uint8Array | null,
  ): Promise<Uint8Array> {
    const now = nowSeconds();
    const env: RmbEnvelope = {
      uid: req.uid,
      timestamp: now,
      expiration: Math.max(60, envelopeDeadline(req) - now),
      source: this.#self,
      message: error === undefined ? { kind: 'response' } : { kind: 'error', code: error.code, message: error.message },
      // The TS client forces this schema before verifying replies (rmb.md §9.1).
      schema: SCHEMA_JSON,
      relays: this.#relayDomains,
    };
    if (req.source !== undefined) env.destination = req.source;
    if (data !== undefined) await sealPayload(env, data, this.#init.identity, senderPk, false, this.#cipher);
    signEnvelope(env, this.#init.identity);
    const bytes = encodeRmbEnvelope(env);
    this.#transmit(bytes);
    return bytes;
  }
}
