import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { type ChainClient, Sc4itError } from '@sc4it/types';
import { type RunningRelay, startRelay } from './relay/relay.ts';
import { reconnectingChainTwinResolver } from './chain-link.ts';
import { type TwinResolver, staticTwinResolver } from './twin-resolver.ts';
import { loadTwinsFile } from './twins-file.ts';

const USAGE = `usage: sc4it-relay --domain <d[_d2]> (--twins <twins.json> | --chain <ws-url>) [options]
  --host <addr>            interface to bind (default 127.0.0.1)
  --port <n>               port (default 0: any free port)
  --redis <url>            durable queue shared by every relay of the domain
  --max-frame <bytes>      largest message (default 1048576, at least 65536)
  --limit <count>,<bytes>  per-twin rate limit per 60 s window (default: none)
  --federation <d>=<url>   federation URL of a domain (repeatable; default https://<d>/)
  --queue-ttl <s>          longest time a queued message is kept (default 3600)
  --queue-cap <n>          most queued messages per session (default 10000)
  --chain-client <module>  module exporting connectChain(url) (default @sc4it/chain-sim)
  --chain-timeout <ms>     longest wait for a twin lookup on the chain (default 5000)
  --verbose                log to stderr`;

/** How the CLI reaches a chain: a module exporting `connectChain(url)` (chain-sim's RPC client). */
export type ConnectChain = (url: string) => Promise<ChainClient>;

export interface RelayCliDeps {
  connectChain?: ConnectChain;
  out?: (line: string) => void;
  err?: (line: string) => void;
  /** Install SIGTERM / SIGINT (stop) and SIGHUP (reload twins.json) handlers (default true). */
  signals?: boolean;
}

/**
 * rmb must not depend on chain-sim (dependency direction), so the chain client is loaded at run
 * time: from the working directory's dependencies, else from a sibling workspace package.
 */
async function loadConnectChain(spec: string): Promise<ConnectChain> {
  const candidates: string[] = [];
  const fromCwd = createRequire(join(process.cwd(), 'package.json'));
  try {
    candidates.push(pathToFileURL(fromCwd.resolve(spec)).href);
  } catch {
    // not resolvable with `require` conditions (ESM-only packages such as chain-sim)
  }
  if (!spec.startsWith('.') && !spec.startsWith('/')) {
    // ESM-only package in the working directory's dependencies: find its package.json, then its
    // `import` entry (createRequire cannot resolve an `exports` map without a require condition).
    try {
      const pkgFile = fromCwd.resolve(`${spec}/package.json`);
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as { exports?: unknown; main?: unknown };
      const root = (typeof pkg.exports === 'object' && pkg.exports !== null ? (pkg.exports as Record<string, unknown>)['.'] : pkg.exports) as
        | string
        | { import?: unknown; default?: unknown }
        | undefined;
      const entry = typeof root === 'string' ? root : (root?.import ?? root?.default ?? pkg.main);
      if (typeof entry === 'string') candidates.push(pathToFileURL(join(dirname(pkgFile), entry)).href);
    } catch {
      // not among the working directory's dependencies
    }
  }
  if (spec === '@sc4it/chain-sim') {
    const sibling = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'chain-sim', 'dist', 'index.js');
    if (existsSync(sibling)) candidates.push(pathToFileURL(sibling).href);
  }
  if (spec.startsWith('.') || spec.startsWith('/')) candidates.push(pathToFileURL(resolvePath(spec)).href);
  candidates.push(spec);
  for (const c of candidates) {
    try {
      const mod = (await import(c)) as { connectChain?: ConnectChain };
      if (typeof mod.connectChain === 'function') return mod.connectChain;
    } catch {
      // try the next candidate
    }
  }
  throw new Sc4itError('config.chain_client', `cannot load connectChain from ${spec}`);
}

/** Runs the relay CLI; resolves with the running relay once it listens. */
export async function runRelayCli(argv: string[], deps: RelayCliDeps = {}): Promise<RunningRelay> {
  const out = deps.out ?? ((l: string) => process.stdout.write(`${l}\n`));
  const err = deps.err ?? ((l: string) => process.stderr.write(`${l}\n`));
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      domain: { type: 'string' },
      twins: { type: 'string' },
      chain: { type: 'string' },
      redis: { type: 'string' },
      'max-frame': { type: 'string' },
      limit: { type: 'string' },
      federation: { type: 'string', multiple: true },
      'queue-ttl': { type: 'string' },
      'queue-cap': { type: 'string' },
      'chain-client': { type: 'string', default: '@sc4it/chain-sim' },
      'chain-timeout': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const fail = (msg: string): never => {
    throw new Sc4itError('config.invalid_argument', `${msg}\n${USAGE}`);
  };
  if (values.help) {
    out(USAGE);
    process.exit(0);
  }
  if (values.domain === undefined || values.domain === '') fail('--domain is required');
  if ((values.twins === undefined) === (values.chain === undefined)) fail('give exactly one of --twins or --chain');
  const int = (name: string, v: string | undefined): number | undefined => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0) fail(`--${name} must be a non-negative integer`);
    return n;
  };
  let resolver: TwinResolver;
  let reload: (() => void) | undefined;
  if (values.twins !== undefined) {
    const file = values.twins;
    const stat = staticTwinResolver(loadTwinsFile(file));
    resolver = stat;
    reload = () => {
      const next = loadTwinsFile(file);
      for (const t of stat.list()) stat.remove(t.id);
      for (const t of next) stat.set(t);
    };
  } else {
    const connect = deps.connectChain ?? (await loadConnectChain(values['chain-client']!));
    const url = values.chain!;
    // A relay outlives chain restarts: lost connections are reopened on the next lookup.
    const timeoutMs = int('chain-timeout', values['chain-timeout']);
    resolver = reconnectingChainTwinResolver(() => connect(url), await connect(url), timeoutMs === undefined ? {} : { timeoutMs });
  }
  let rateLimit: { count: number; size: number } | undefined;
  if (values.limit !== undefined) {
    const [count, size] = values.limit.split(/[,\s]+/).map(Number);
    if (!Number.isInteger(count) || !Number.isInteger(size) || count! <= 0 || size! <= 0) fail('--limit must be <count>,<bytes>');
    rateLimit = { count: count!, size: size! };
  }
  const federation = new Map<string, string>();
  for (const f of values.federation ?? []) {
    const at = f.indexOf('=');
    if (at <= 0) fail('--federation must be <domain>=<url>');
    federation.set(f.slice(0, at), f.slice(at + 1));
  }
  const maxFrame = int('max-frame', values['max-frame']);
  const queueTtl = int('queue-ttl', values['queue-ttl']);
  const queueCap = int('queue-cap', values['queue-cap']);
  const relay = await startRelay({
    host: values.host!,
    port: int('port', values.port) ?? 0,
    domain: values.domain!,
    resolver,
    ...(values.redis === undefined ? {} : { redisUrl: values.redis }),
    ...(maxFrame === undefined ? {} : { maxFrame }),
    ...(rateLimit === undefined ? {} : { rateLimit }),
    queueLimits: { ...(queueTtl === undefined ? {} : { maxTtl: queueTtl }), ...(queueCap === undefined ? {} : { cap: queueCap }) },
    federationUrl: (d) => federation.get(d) ?? `https://${d}/`,
    ...(values.verbose ? { log: (level, message, fields) => err(`${level} ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}`) } : {}),
  });
  if (resolver.close !== undefined) {
    // The CLI opened the chain connection, so closing the relay closes it too.
    const closeRelay = relay.close.bind(relay);
    const closeResolver = resolver.close.bind(resolver);
    relay.close = async () => {
      await closeRelay();
      await closeResolver();
    };
  }
  out(
    `sc4it-relay listening on ${relay.url} (domains: ${relay.domains.join(', ')}; queue: ${values.redis === undefined ? 'memory' : 'redis'})`,
  );
  if (deps.signals === false) return relay;
  if (reload !== undefined) {
    process.on('SIGHUP', () => {
      try {
        reload();
        out('twins reloaded');
      } catch (e) {
        err(`twins reload failed: ${(e as Error).message}`);
      }
    });
  }
  const stop = (): void => {
    void relay.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  return relay;
}
