import { parseArgs } from 'node:util';
import type { BillingModel } from '@sc4it/billing';
import { Sc4itError } from '@sc4it/types';
import { type BlockMode, type ChainOptions, createChain } from './chain.ts';
import { devChainOptions, devSetup } from './dev.ts';
import { serveChain } from './rpc-server.ts';

const USAGE = `sc4it-chain: a local TFChain (JSON-RPC 2.0 over WebSocket)

  --host <addr>             listen address (default 127.0.0.1)
  --port <n>                port (default 9944; 0 = random)
  --state <dir>             persist to <dir> (write-ahead log + checkpoints); reopened on start
  --block-time <s>          interval mode: a block every <s> wall-clock seconds
  --mode <m>                instant (default) | interval | manual
  --dev                     Alice is sudo; funded dev accounts, a farm with public IPs and nodes
  --nodes <n>               dev nodes (0..3, default 2)
  --billing-frequency <n>   blocks between bills of a contract (default 600)
  --grace-period <n>        grace period in blocks (default 201600)
  --billing-model <m>       v2.9-reserve (default) | v2.7-lock
  --chain-id <id>           chain id in signed payloads (default sc4it-dev)
  --genesis-timestamp <s>   unix seconds of block 0 (default: now)
  --load-state <file>       start from a JSON dump (fresh state only)
  --dump-state <file>       write a JSON dump on exit
  --mock-signatures         accept any signature (nonces still checked)
  --require-tc              createTwin needs userAcceptTc first (tfchain's rule; off by default)
  --no-fsync                do not fdatasync each log record
  --help`;

/** A bad command-line option (exit code 1 with this message). */
function badOption(message: string): Sc4itError {
  return new Sc4itError('config.invalid_argument', message);
}

function int(v: string | undefined, name: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw badOption(`--${name} must be a non-negative integer`);
  return n;
}

/** Runs the CLI; resolves when the server is listening. */
export async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '9944' },
      state: { type: 'string' },
      'block-time': { type: 'string' },
      mode: { type: 'string' },
      dev: { type: 'boolean', default: false },
      nodes: { type: 'string' },
      'billing-frequency': { type: 'string' },
      'grace-period': { type: 'string' },
      'billing-model': { type: 'string' },
      'chain-id': { type: 'string' },
      'genesis-timestamp': { type: 'string' },
      'load-state': { type: 'string' },
      'dump-state': { type: 'string' },
      'mock-signatures': { type: 'boolean', default: false },
      'require-tc': { type: 'boolean', default: false },
      'no-fsync': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  const blockTime = values['block-time'] === undefined ? undefined : Number(values['block-time']);
  if (blockTime !== undefined && !(blockTime > 0)) throw badOption('--block-time must be a positive number of seconds');
  const mode = (values.mode ?? (blockTime !== undefined ? 'interval' : 'instant')) as BlockMode;
  if (!['instant', 'interval', 'manual'].includes(mode)) throw badOption('--mode must be instant, interval or manual');
  const model = values['billing-model'] as BillingModel | undefined;
  if (model !== undefined && model !== 'v2.9-reserve' && model !== 'v2.7-lock') throw badOption('--billing-model must be v2.9-reserve or v2.7-lock');
  const opt = <K extends keyof ChainOptions>(k: K, v: ChainOptions[K] | undefined) => (v === undefined ? {} : { [k]: v });
  let options: ChainOptions = {
    // dev setup needs blocks: start instant, switch to the requested mode afterwards
    mode: values.dev ? 'instant' : mode,
    ...opt('blockIntervalMs', blockTime === undefined ? undefined : Math.round(blockTime * 1000)),
    ...opt('stateDir', values.state),
    ...opt('billingFrequency', int(values['billing-frequency'], 'billing-frequency')),
    ...opt('gracePeriodBlocks', int(values['grace-period'], 'grace-period')),
    ...opt('billingModel', model),
    ...opt('chainId', values['chain-id']),
    ...opt('genesisTimestamp', int(values['genesis-timestamp'], 'genesis-timestamp')),
    ...opt('loadStateFile', values['load-state']),
    mockSignatures: values['mock-signatures'],
    requireTermsAndConditions: values['require-tc'],
    fsync: !values['no-fsync'],
  };
  if (values.dev) options = devChainOptions(options);
  const chain = createChain(options);
  if (values.dev) {
    const dev = await devSetup(chain.client(), {
      nodes: int(values.nodes, 'nodes') ?? 2,
      acceptTermsAndConditions: chain.state.config.requireTermsAndConditions === true,
    });
    const out = [`dev chain ${chain.chainId}: sudo is alice; accounts (sr25519, NEVER use for real funds):`];
    for (const a of [...Object.values(dev.accounts), dev.farmer, ...dev.nodes.map((n) => n.account)]) {
      out.push(`  ${a.name.padEnd(8)} twin ${String(a.twinId).padEnd(3)} ${a.identity.address}  "${a.mnemonic}"`);
    }
    out.push(`  farm ${dev.farmId} (${dev.farmer.name}) with ${dev.publicIps.length} public IPs; nodes ${dev.nodes.map((n) => n.id).join(', ') || 'none'}`);
    process.stdout.write(`${out.join('\n')}\n`);
    if (mode !== 'instant') chain.setMode(mode);
  }
  const server = await serveChain(chain, { host: values.host!, port: int(values.port, 'port') ?? 9944 });
  const head = chain.head();
  process.stdout.write(`sc4it-chain ${chain.chainId} at block ${head.number}, ${mode} blocks${values.state ? `, state in ${values.state}` : ''}\n`);
  process.stdout.write(`listening on ${server.url}\n`);
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close();
    if (values['dump-state']) chain.dumpStateToFile(values['dump-state']);
    chain.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
