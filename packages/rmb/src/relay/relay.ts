import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket, type RawData } from 'ws';
import { TransportError, utf8ToBytes, concatBytes } from '@sc4it/types';
import { decodeRmbEnvelope, encodeRmbEnvelope } from '../codec.ts';
import {
  type RmbAddress,
  type RmbEnvelope,
  envelopeDeadline,
  hasTag,
  isExpired,
  nowSeconds,
  sameAddress,
  sessionKey,
} from '../envelope.ts';
import { RelayAuthError, verifyRelayToken } from '../jwt.ts';
import { type TwinResolver, relayDomains } from '../twin-resolver.ts';
import { Federator } from './federation.ts';
import { type RateLimit, RateLimiter } from './limiter.ts';
import { memoryQueue } from './memory-queue.ts';
import type { QueueLimits, QueuedMessage, RelayQueue } from './queue.ts';
import { DomainRanker } from './ranker.ts';
import { redisQueue } from './redis-queue.ts';

/** Error texts of rmb-rs relays (rmb.md §5.6), sent in unsigned error envelopes. */
export const RELAY_ERRORS = {
  wrongSource: 'message wrong source',
  missingDestination: 'message with missing destination',
  unknownTwin: 'unknown twin destination',
  noRelay: 'relay info is not set for this twin',
  offline: 'destination offline',
  rateLimited: 'exceeded rate limits, dropping message',
  rejected: 'remote relay rejected permanently: destination offline',
  expired: 'message has expired',
} as const;

export type RelayLogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface RelayOptions {
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Port (default 0: a free one). */
  port?: number;
  /** This relay's domain(s): an array or `_`-joined; a twin listing any of them is served here. */
  domain: string | string[];
  /** Where twins are looked up (a static list, or the chain behind a cache). */
  resolver: TwinResolver;
  /** Queue for offline twins; default: in memory, or Redis when `redisUrl` is given. */
  queue?: RelayQueue;
  /** Durable queue shared by every relay of the domain. */
  redisUrl?: string;
  /** Key prefix in Redis (default `rmb:`). */
  redisPrefix?: string;
  queueLimits?: QueueLimits;
  /** URL of another domain's federation endpoint (default `https://<domain>/`). */
  federationUrl?: (domain: string) => string;
  /** Largest accepted WebSocket message or federation body, bytes (default 1 MiB; at least 64 KiB). */
  maxFrame?: number;
  /** Per-twin rate limit; none unless set. */
  rateLimit?: RateLimit;
  /** WebSocket ping interval; a connection that misses a pong for one interval is dropped (default 20 s). */
  pingIntervalMs?: number;
  /**
   * Bytes buffered for one slow connection before further messages for it wait in the queue
   * instead of in memory (default 4 MiB); the backlog is pushed once the buffer is below a quarter.
   */
  highWaterMark?: number;
  /**
   * Refuse handshake tokens whose `iat` is more than this many seconds ahead (default: `iat` is
   * not checked, as rmb-rs; only `exp` is).
   */
  jwtMaxClockSkew?: number;
  /** Federation retry pause, ms (default 2000). */
  federationRetryMs?: number;
  /**
   * Lease on an outbox entry while one relay retries it, ms (default 10 000, at least 1000): renewed
   * during the attempt; a relay that dies holding entries leaves them to the others after this
   * long. Relays sharing a Redis must use the same value.
   */
  federationLeaseMs?: number;
  /**
   * Orders a twin's domains for federation (default: a fresh {@link DomainRanker}); pass one to
   * inspect the ranking or to fix its tie-break.
   */
  ranker?: DomainRanker;
  log?: (level: RelayLogLevel, message: string, fields?: Record<string, unknown>) => void;
}

export interface RelayStats {
  connections: number;
  received: number;
  delivered: number;
  queued: number;
  federated: number;
  federationIn: number;
  errors: number;
  rejectedFrames: number;
  authFailures: number;
}

export interface RunningRelay {
  /** `ws://host:port`. */
  url: string;
  host: string;
  port: number;
  domains: string[];
  stats(): RelayStats;
  /** Stops accepting, closes every connection and the queue. */
  close(): Promise<void>;
}

interface Conn {
  ws: WebSocket;
  session: RmbAddress;
  key: string;
  alive: boolean;
  draining: boolean;
  drainAgain: boolean;
  open: boolean;
  /** The socket's send buffer passed the high-water mark: new messages go to the queue. */
  congested: boolean;
}

const MIN_FRAME = 64 * 1024;
// ws writes measurably faster under load with a write callback than without (bench: 2×).
const noop = (): void => {};
/** Queue key of envelopes waiting for another domain (session keys are `<twin>[:<sid>]`). */
const FEDERATION_KEY = 'federation';
const WS_CLOSE = { replaced: 4000, textFrame: 1003, badFrame: 1007, tooBig: 1009, shutdown: 1001 } as const;

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return concatBytes(...data.map((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength)));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}

function errorEnvelope(req: RmbEnvelope, message: string, to: RmbAddress | undefined): Uint8Array {
  const env: RmbEnvelope = {
    uid: req.uid,
    timestamp: nowSeconds(),
    expiration: 300,
    message: { kind: 'error', code: 0, message },
    relays: [],
  };
  if (to !== undefined) env.destination = to;
  return encodeRmbEnvelope(env);
}

/**
 * Starts a relay (rmb.md §3, §5): WebSocket sessions authenticated by JWT, local delivery,
 * store-and-forward for its own offline twins, federation to other domains, the federation
 * endpoint (`POST /`), and `GET /metrics`.
 */
export async function startRelay(options: RelayOptions): Promise<RunningRelay> {
  const host = options.host ?? '127.0.0.1';
  const domains = (Array.isArray(options.domain) ? options.domain : options.domain.split('_')).filter((d) => d !== '');
  if (domains.length === 0) throw new TransportError('transport.bad_config', 'a relay needs at least one domain');
  const ownDomains = new Set(domains);
  const maxFrame = Math.max(MIN_FRAME, options.maxFrame ?? 1024 * 1024);
  const highWater = options.highWaterMark ?? 4 * 1024 * 1024;
  const resolver = options.resolver;
  const log = options.log ?? (() => {});
  const queue =
    options.queue ??
    (options.redisUrl !== undefined
      ? await redisQueue({ url: options.redisUrl, ...(options.redisPrefix === undefined ? {} : { prefix: options.redisPrefix }), ...options.queueLimits })
      : memoryQueue(options.queueLimits));
  const federationLeaseMs = Math.max(1000, options.federationLeaseMs ?? 10_000);
  const limiter = options.rateLimit === undefined ? undefined : new RateLimiter(options.rateLimit);
  const federator = new Federator({
    ranker: options.ranker ?? new DomainRanker(),
    federationUrl: options.federationUrl ?? ((d) => `https://${d}/`),
  });
  const sessions = new Map<string, Conn>();
  const stats: RelayStats = {
    connections: 0,
    received: 0,
    delivered: 0,
    queued: 0,
    federated: 0,
    federationIn: 0,
    errors: 0,
    rejectedFrames: 0,
    authFailures: 0,
  };
  let closing = false;

  // ---- delivery --------------------------------------------------------------------------------

  /**
   * Hands a frame to a live connection without waiting for the write (the fast path); false when
   * it is closed or congested, and the caller queues instead.
   */
  function trySend(conn: Conn, bytes: Uint8Array): boolean {
    if (!conn.open) return false;
    if (conn.congested || conn.ws.bufferedAmount > highWater) {
      conn.congested = true;
      return false;
    }
    conn.ws.send(bytes, { binary: true }, noop);
    return true;
  }

  /** Writes to a connection and waits until the bytes reached the socket (queue drains). */
  function sendTo(conn: Conn, bytes: Uint8Array): Promise<boolean> {
    return new Promise((resolve) => {
      if (!conn.open) return resolve(false);
      if (conn.congested || conn.ws.bufferedAmount > highWater) {
        conn.congested = true;
        return resolve(false);
      }
      conn.ws.send(bytes, { binary: true }, (err) => resolve(err === undefined || err === null));
    });
  }

  /** Delivers to a session of this domain: straight to a live connection, else through the queue. */
  async function deliver(dest: RmbAddress, bytes: Uint8Array, deadline: number): Promise<void> {
    const key = sessionKey(dest);
    const conn = sessions.get(key);
    if (conn !== undefined && trySend(conn, bytes)) {
      stats.delivered++;
      return;
    }
    await queue.push(key, bytes, deadline);
    stats.queued++;
  }

  /** Pushes a session's backlog to its connection; entries leave the queue only once written. */
  async function drain(conn: Conn): Promise<void> {
    if (conn.draining) {
      conn.drainAgain = true;
      return;
    }
    conn.draining = true;
    try {
      do {
        conn.drainAgain = false;
        for (;;) {
          if (!conn.open) return;
          const batch = await queue.peek(conn.key, 100);
          if (batch.length === 0) break;
          const sent: string[] = [];
          for (const m of batch) {
            if (!(await sendTo(conn, m.bytes))) break;
            sent.push(m.id);
          }
          await queue.ack(conn.key, sent);
          stats.delivered += sent.length;
          if (sent.length < batch.length) return;
        }
      } while (conn.drainAgain);
    } catch (err) {
      log('warn', 'queue drain failed', { session: conn.key, error: String(err) });
    } finally {
      conn.draining = false;
    }
  }

  async function replyError(conn: Conn | undefined, req: RmbEnvelope, message: string): Promise<void> {
    stats.errors++;
    if (req.message?.kind !== 'request' || req.source === undefined) return;
    const bytes = errorEnvelope(req, message, req.source);
    if (conn !== undefined && sameAddress(conn.session, req.source) && trySend(conn, bytes)) return;
    await deliver(req.source, bytes, nowSeconds() + 300);
  }

  // ---- routing (rmb.md §5.2) ----------------------------------------------------------------------

  async function route(conn: Conn, bytes: Uint8Array, env: RmbEnvelope): Promise<void> {
    if (limiter !== undefined && !limiter.allow(conn.session.twin, bytes.length)) {
      return replyError(conn, env, RELAY_ERRORS.rateLimited);
    }
    if (!sameAddress(env.source, conn.session)) {
      // Answer to the authenticated session, never to the claimed source.
      stats.errors++;
      if (env.message?.kind === 'request') trySend(conn, errorEnvelope(env, RELAY_ERRORS.wrongSource, conn.session));
      return;
    }
    if (env.message?.kind === 'ping') {
      const pong: RmbEnvelope = { ...env, message: { kind: 'pong' } };
      if (env.destination === undefined) delete pong.source;
      else pong.source = env.destination;
      pong.destination = conn.session;
      const plain = env.payload?.kind === 'plain' ? env.payload.data : new Uint8Array(0);
      pong.payload = { kind: 'plain', data: concatBytes(plain, utf8ToBytes('hello world')) };
      trySend(conn, encodeRmbEnvelope(pong));
      return;
    }
    await routeEnvelope(bytes, env, conn);
  }

  async function routeEnvelope(bytes: Uint8Array, env: RmbEnvelope, conn: Conn | undefined): Promise<void> {
    const dst = env.destination;
    if (dst === undefined || dst.twin === 0) return replyError(conn, env, RELAY_ERRORS.missingDestination);
    if (isExpired(env)) return replyError(conn, env, RELAY_ERRORS.expired);
    const deadline = envelopeDeadline(env);
    const live = sessions.get(sessionKey(dst));
    if (live !== undefined && trySend(live, bytes)) {
      stats.delivered++;
      return;
    }
    let twin;
    try {
      twin = await resolver.getTwin(dst.twin);
    } catch (err) {
      log('warn', 'twin lookup failed', { twin: dst.twin, error: String(err) });
      return replyError(conn, env, `failed to route message to peer '${dst.twin}': twin lookup failed`);
    }
    if (twin === null) return replyError(conn, env, RELAY_ERRORS.unknownTwin);
    const theirs = relayDomains(twin);
    if (theirs.length === 0) return replyError(conn, env, RELAY_ERRORS.noRelay);
    if (!theirs.some((d) => ownDomains.has(d))) {
      stats.federated++;
      void federate(bytes, env, theirs, deadline).catch((err: unknown) => log('warn', 'federation failed', { error: String(err) }));
      return;
    }
    if (hasTag(env, 'fail-fast')) return replyError(conn, env, RELAY_ERRORS.offline);
    await queue.push(sessionKey(dst), bytes, deadline);
    stats.queued++;
  }

  // ---- federation out (rmb.md §5.4): first attempt now, then from the queue until expiry ------------

  function giveUp(env: RmbEnvelope, reason: 'expired' | 'rejected' | 'unknown'): void {
    const text = reason === 'expired' ? RELAY_ERRORS.expired : reason === 'unknown' ? RELAY_ERRORS.unknownTwin : RELAY_ERRORS.rejected;
    void replyError(undefined, env, text).catch(() => {});
  }

  async function federate(bytes: Uint8Array, env: RmbEnvelope, domains: string[], deadline: number): Promise<void> {
    const outcome = await federator.attempt({ bytes, domains, deadline });
    if (outcome === 'permanent') giveUp(env, nowSeconds() >= deadline ? 'expired' : 'rejected');
    else if (outcome === 'transient' && !closing) await queue.push(FEDERATION_KEY, bytes, deadline);
  }

  let retrying = false;
  /**
   * Retries envelopes waiting for another domain; with Redis they survive a relay restart. Entries
   * are claimed, not just read, so relays sharing the queue never work on the same one at once:
   * the lease is renewed while the attempt runs, released after a transient failure (anyone may
   * retry it at the next round) and taken over by another relay if this one dies holding it.
   */
  async function retryFederation(): Promise<void> {
    if (retrying || closing) return;
    retrying = true;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    try {
      const batch = await queue.claim(FEDERATION_KEY, 50, federationLeaseMs);
      if (batch.length === 0) return;
      const held = new Set(batch.map((m) => m.id));
      heartbeat = setInterval(() => {
        queue.renew(FEDERATION_KEY, [...held]).catch((err: unknown) => log('warn', 'federation lease renewal failed', { error: String(err) }));
      }, federationLeaseMs / 3);
      heartbeat.unref?.();
      const done: string[] = [];
      const again: string[] = [];
      await Promise.all(
        batch.map(async (m): Promise<void> => {
          const finished = await retryOne(m).catch((err: unknown) => {
            log('warn', 'federation retry failed', { error: String(err) });
            return false;
          });
          held.delete(m.id);
          (finished ? done : again).push(m.id);
        }),
      );
      // both, even when one fails: a failed release would leave retries leased until the lease ends
      const settled = await Promise.allSettled([queue.ack(FEDERATION_KEY, done), queue.release(FEDERATION_KEY, again)]);
      for (const s of settled) if (s.status === 'rejected') log('warn', 'federation retry failed', { error: String(s.reason) });
    } catch (err) {
      log('warn', 'federation retry failed', { error: String(err) });
    } finally {
      if (heartbeat !== undefined) clearInterval(heartbeat);
      retrying = false;
    }
  }

  /** One outbox entry; true when it is finished with (delivered, refused or expired). */
  async function retryOne(m: QueuedMessage): Promise<boolean> {
    let env: RmbEnvelope;
    try {
      env = decodeRmbEnvelope(m.bytes);
    } catch {
      return true;
    }
    const twin = env.destination === undefined ? null : await resolver.getTwin(env.destination.twin).catch(() => undefined);
    if (twin === undefined) return false; // lookup failed: try again later
    if (twin === null) {
      giveUp(env, 'unknown');
      return true;
    }
    const outcome = await federator.attempt({ bytes: m.bytes, domains: relayDomains(twin), deadline: m.deadline });
    if (outcome === 'transient') return false;
    if (outcome === 'permanent') giveUp(env, nowSeconds() >= m.deadline ? 'expired' : 'rejected');
    return true;
  }

  // ---- HTTP: federation endpoint and metrics (rmb.md §5.4) ------------------------------------

  function reply(res: ServerResponse, status: number, body = ''): void {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }

  async function federationIn(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > maxFrame) return reply(res, 413, 'message too large');
      chunks.push(chunk);
    }
    const bytes = new Uint8Array(Buffer.concat(chunks));
    let env: RmbEnvelope;
    try {
      env = decodeRmbEnvelope(bytes);
    } catch {
      stats.rejectedFrames++;
      return reply(res, 400, 'invalid envelope');
    }
    const dst = env.destination;
    if (dst === undefined || dst.twin === 0) return reply(res, 400, RELAY_ERRORS.missingDestination);
    if (isExpired(env)) return reply(res, 400, RELAY_ERRORS.expired);
    stats.federationIn++;
    const key = sessionKey(dst);
    const live = sessions.get(key);
    if (live !== undefined && trySend(live, bytes)) {
      stats.delivered++;
      return reply(res, 202);
    }
    if (hasTag(env, 'fail-fast') && !queue.shared) return reply(res, 404, RELAY_ERRORS.offline);
    let twin;
    try {
      twin = await resolver.getTwin(dst.twin);
    } catch {
      return reply(res, 500, 'failed to get twin');
    }
    if (twin === null) return reply(res, 404, RELAY_ERRORS.unknownTwin);
    if (hasTag(env, 'fail-fast')) return reply(res, 404, RELAY_ERRORS.offline);
    await queue.push(key, bytes, envelopeDeadline(env));
    stats.queued++;
    return reply(res, 202);
  }

  function metrics(): string {
    const lines = Object.entries({ ...stats, connections: sessions.size }).map(
      ([k, v]) => `sc4it_relay_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)} ${v}`,
    );
    return `${lines.join('\n')}\n`;
  }

  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'POST' && path === '/') {
      federationIn(req, res).catch((err: unknown) => {
        log('error', 'federation endpoint failed', { error: String(err) });
        if (!res.headersSent) reply(res, 500, 'internal error');
      });
      return;
    }
    if (req.method === 'GET' && path === '/metrics') return reply(res, 200, metrics());
    reply(res, 404, 'page not found');
  });
  server.headersTimeout = 60_000;
  server.requestTimeout = 60_000;

  // ---- WebSocket sessions (rmb.md §3) -------------------------------------------------------------

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxFrame, perMessageDeflate: false });

  function refuse(socket: Duplex, status: number, body: string): void {
    const reason = status === 400 ? 'Bad Request' : status === 401 ? 'Unauthorized' : 'Internal Server Error';
    socket.end(
      `HTTP/1.1 ${status} ${reason}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (closing) return refuse(socket, 500, 'shutting down');
    const url = req.url ?? '';
    const q = url.indexOf('?');
    // The whole raw query is the token (rmb.md §3.1); JWTs never need percent-decoding.
    const token = q < 0 ? '' : url.slice(q + 1);
    verifyRelayToken(token, resolver, options.jwtMaxClockSkew === undefined ? {} : { maxClockSkew: options.jwtMaxClockSkew })
      .then(({ session }) => {
        if (closing || socket.destroyed) {
          socket.destroy();
          return;
        }
        wss.handleUpgrade(req, socket, head, (ws) => attach(ws, session));
      })
      .catch((err: unknown) => {
        stats.authFailures++;
        if (err instanceof RelayAuthError) {
          log('info', 'handshake refused', { code: err.code, details: err.details });
          return refuse(socket, err.status, err.shortMessage);
        }
        log('error', 'handshake failed', { error: String(err) });
        refuse(socket, 500, 'internal error');
      });
  });

  function attach(ws: WebSocket, session: RmbAddress): void {
    const key = sessionKey(session);
    const conn: Conn = { ws, session, key, alive: true, draining: false, drainAgain: false, open: true, congested: false };
    const old = sessions.get(key);
    if (old !== undefined) {
      old.open = false;
      old.ws.close(WS_CLOSE.replaced, 'replaced by a newer connection of the same session');
    }
    sessions.set(key, conn);
    stats.connections++;
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('message', (data: RawData, isBinary: boolean) => {
      conn.alive = true;
      if (!isBinary) {
        stats.rejectedFrames++;
        ws.close(WS_CLOSE.textFrame, 'only binary frames are accepted');
        return;
      }
      const bytes = toBytes(data);
      let env: RmbEnvelope;
      try {
        env = decodeRmbEnvelope(bytes);
      } catch {
        stats.rejectedFrames++;
        ws.close(WS_CLOSE.badFrame, 'frame is not an envelope');
        return;
      }
      stats.received++;
      route(conn, bytes, env).catch((err: unknown) => {
        log('error', 'routing failed', { error: String(err) });
        void replyError(conn, env, `failed to route message to peer '${env.destination?.twin ?? 0}': internal error`).catch(() => {});
      });
    });
    ws.on('error', () => {});
    ws.on('close', () => {
      conn.open = false;
      if (sessions.get(key) === conn) sessions.delete(key);
    });
    void drain(conn);
  }

  await queue.subscribe((key) => {
    const conn = sessions.get(key);
    if (conn !== undefined && conn.open) void drain(conn);
  });

  const pingMs = options.pingIntervalMs ?? 20_000;
  const keepalive = setInterval(() => {
    for (const conn of sessions.values()) {
      if (!conn.alive) {
        conn.open = false;
        conn.ws.terminate();
        continue;
      }
      conn.alive = false;
      conn.ws.ping();
    }
  }, pingMs);
  keepalive.unref?.();
  const decongest = setInterval(() => {
    for (const conn of sessions.values()) {
      if (conn.congested && conn.open && conn.ws.bufferedAmount < highWater / 4) {
        conn.congested = false;
        void drain(conn);
      }
    }
  }, 100);
  decongest.unref?.();
  // Shared queues: a safety net for a missed push notification (e.g. during a Redis reconnect).
  const sweep = queue.shared
    ? setInterval(() => {
        for (const conn of sessions.values()) if (conn.open) void drain(conn);
      }, 5000)
    : undefined;
  sweep?.unref?.();
  const federationTimer = setInterval(() => void retryFederation(), options.federationRetryMs ?? 2000);
  federationTimer.unref?.();

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log('info', 'relay started', { host, port, domains });

  return {
    url: `ws://${host}:${port}`,
    host,
    port,
    domains,
    stats: () => ({ ...stats, connections: sessions.size }),
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(keepalive);
      clearInterval(decongest);
      if (sweep !== undefined) clearInterval(sweep);
      clearInterval(federationTimer);
      federator.close();
      for (const conn of sessions.values()) {
        conn.open = false;
        conn.ws.close(WS_CLOSE.shutdown, 'relay shutting down');
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        setTimeout(() => {
          for (const c of wss.clients) c.terminate();
        }, 500).unref();
      });
      wss.close();
      if (options.queue === undefined) await queue.close();
    },
  };
}
