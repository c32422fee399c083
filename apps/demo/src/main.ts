/**
 * `npm run demo`: the whole sc4it system in one command. Starts chain-sim (persisted under
 * `.sc4it/demo-state`), a relay and three nodes on two farms, runs the scenario with visible
 * progress, prints a summary table and serves the dashboard. `--ci` exits 0 / 1 after the table.
 */
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemo, summaryTable, type Demo } from './demo.ts';
import { DEMO_USERS, RELAY_DOMAIN } from './grid.ts';
import { lockStateDir } from './state-lock.ts';

const USAGE = `usage: npm run demo -- [--ci] [--port <n>] [--state <dir>]

  --ci           run the scenario, print the summary and exit (0: every step passed, 1: not)
  --port <n>     dashboard port on 127.0.0.1 (default 4747 or $SC4IT_DEMO_PORT; a free one when
                 that is taken; 0: any free port)
  --state <dir>  state folder, reset at the start of each run (default .sc4it/demo-state)

  SC4IT_DEMO_FAIL_STEP=<step name>  test only: that step runs, then is reported failed
`;
// SC4IT_DEMO_PORT changes the default (the tests use it to find out what a busy default does).
const DEFAULT_PORT = /^\d{1,5}$/.test(process.env['SC4IT_DEMO_PORT'] ?? '') ? Number(process.env['SC4IT_DEMO_PORT']) : 4747;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const out = (line: string) => process.stdout.write(`${line}\n`);
function fail(message: string, code: number): never {
  process.stderr.write(`demo: error: ${message}\n`);
  process.exit(code);
}

// `pnpm run start -- --ci` passes the `--` through: skip it.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
let values: { ci?: boolean; port?: string; state?: string; help?: boolean };
try {
  ({ values } = parseArgs({
    args: argv,
    options: { ci: { type: 'boolean' }, port: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  }));
} catch (err) {
  fail(`${err instanceof Error ? err.message.split('\n')[0] : String(err)} (see --help)`, 2);
}
if (values.help === true) {
  process.stdout.write(USAGE);
  process.exit(0);
}
if (values.port !== undefined && (!/^\d{1,5}$/.test(values.port) || Number(values.port) > 65535)) fail(`--port must be a port number (0-65535), not '${values.port}'`, 2);
const ci = values.ci === true;
const failStep = process.env['SC4IT_DEMO_FAIL_STEP'] || undefined;
const stateDir = resolve(values.state ?? join(repoRoot, '.sc4it', 'demo-state'));

/** True when 127.0.0.1:`port` can be bound now. */
function portFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

// Check the port before anything starts (and before the state folder is reset).
let port = values.port === undefined ? (ci ? 0 : DEFAULT_PORT) : Number(values.port);
if (!ci && port !== 0 && !(await portFree(port))) {
  if (values.port !== undefined) fail(`port ${port} on 127.0.0.1 is in use; pick another with --port <n> (0: any free port)`, 1);
  out(`note: port ${port} is in use; the dashboard takes a free port instead`);
  port = 0;
}
// Two demos on one state folder would reset each other's chain.
let unlock: () => void;
try {
  unlock = lockStateDir(stateDir);
} catch (err) {
  fail(err instanceof Error ? err.message : String(err), 1);
}

out('sc4it demo: a local grid, a user, and a contract through its whole life');
out(`  state folder: ${stateDir} (chain write-ahead log + checkpoints, node stores; reset on each run)`);

// Ctrl-C / SIGTERM at any moment stops everything once; repeated signals (a terminal sends one to
// every process of the group, pnpm forwards its own) must not kill the process while it stops.
let demo: Demo | undefined;
let finished = false;
let failed = 0;
let stopping: Promise<void> | undefined;
function stop(code: number): Promise<void> {
  stopping ??= (async () => {
    out('\nstopping…');
    await demo?.stop().catch(() => undefined);
    unlock();
    out('stopped');
    process.exit(code);
  })();
  return stopping;
}
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void stop(finished ? (failed === 0 ? 0 : 1) : 130));

try {
  demo = await startDemo({ stateDir, dashboard: !ci, port, print: out, ...(failStep === undefined ? {} : { failStep }) });
} catch (err) {
  unlock();
  fail(`cannot start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`, 1);
}
if (stopping !== undefined) await stopping;
if (demo.dashboard !== null) out(`\n  dashboard: ${demo.dashboard.url}  (open it now to watch the scenario live)`);

const result = await demo.run();
if (stopping !== undefined) await stopping;
failed = result.steps.filter((s) => !s.ok).length;
if (failStep !== undefined && !result.steps.some((s) => s.name === failStep)) {
  out(`\nSC4IT_DEMO_FAIL_STEP names no step: '${failStep}'`);
  failed += 1;
}
finished = true;
out('\nsummary');
out(summaryTable(result.steps));

if (ci) await stop(failed === 0 ? 0 : 1);
// After the scenario, blocks keep coming (one every 2 s = 6 s of chain time) so bills keep growing.
demo.grid.chain.setMode('interval', 2000);
out(`\n  dashboard: ${demo.dashboard!.url}`);
out('  demo accounts (dev mnemonics; paste one in the dashboard to open its sealed data):');
for (const [name, u] of Object.entries(result.users)) out(`    ${name.padEnd(8)} twin ${String(u.twinId).padEnd(3)} ${DEMO_USERS[name as keyof typeof DEMO_USERS]}`);
out('  the sc4it CLI against this grid (from the repository root, in another terminal):');
out(`    export SC4IT_CHAIN=${demo.grid.rpc.url} SC4IT_RELAY=${demo.grid.relay.url} SC4IT_RELAY_DOMAIN=${RELAY_DOMAIN}`);
out(`    export SC4IT_MNEMONIC="${DEMO_USERS.bob}"`);
out('    node packages/client/bin/sc4it.js contracts');
out('  press Ctrl-C to stop');
