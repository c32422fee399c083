/**
 * `npm run demo`: the whole sc4it system in one command. Starts chain-sim (persisted under
 * `.sc4it/demo-state`), a relay and three nodes on two farms, runs the scenario with visible
 * progress, prints a summary table and serves the dashboard. `--ci` exits 0 / 1 after the table.
 */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startDemo, summaryTable } from './demo.ts';
import { DEMO_USERS } from './grid.ts';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const { values } = parseArgs({
  options: {
    ci: { type: 'boolean' },
    port: { type: 'string' },
    state: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});
if (values.help === true) {
  process.stdout.write('usage: npm run demo -- [--ci] [--port <n>] [--state <dir>]\n');
  process.exit(0);
}
const ci = values.ci === true;
const stateDir = resolve(values.state ?? join(repoRoot, '.sc4it', 'demo-state'));
const port = values.port === undefined ? (ci ? 0 : 4747) : Number(values.port);
const out = (line: string) => process.stdout.write(`${line}\n`);

out('sc4it demo: a local grid, a user, and a contract through its whole life');
out(`  state folder: ${stateDir} (chain write-ahead log + checkpoints, node stores; reset on each run)`);
let demo;
try {
  demo = await startDemo({ stateDir, dashboard: !ci, port, print: out }).catch(async (err: unknown) => {
    if (!ci && values.port === undefined && (err as { code?: string }).code === 'EADDRINUSE') return startDemo({ stateDir, dashboard: true, port: 0, print: out });
    throw err;
  });
} catch (err) {
  process.stderr.write(`demo: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
if (demo.dashboard !== null) out(`\n  dashboard: ${demo.dashboard.url}  (open it now to watch the scenario live)`);

const result = await demo.run();
const failed = result.steps.filter((s) => !s.ok).length;
out('\nsummary');
out(summaryTable(result.steps));

if (ci) {
  await demo.stop();
  process.exit(failed === 0 ? 0 : 1);
}
// After the scenario, blocks keep coming (one every 2 s = 6 s of chain time) so bills keep growing.
demo.grid.chain.setMode('interval', 2000);
out(`\n  dashboard: ${demo.dashboard!.url}`);
out('  demo accounts (dev mnemonics; paste one in the dashboard to open its sealed data):');
for (const [name, u] of Object.entries(result.users)) out(`    ${name.padEnd(8)} twin ${String(u.twinId).padEnd(3)} ${DEMO_USERS[name as keyof typeof DEMO_USERS]}`);
out('  press Ctrl-C to stop');
await new Promise<void>((resolveStop) => {
  process.once('SIGINT', () => resolveStop());
  process.once('SIGTERM', () => resolveStop());
});
out('\nstopping…');
await demo.stop();
process.exit(failed === 0 ? 0 : 1);
