#!/usr/bin/env node
// sc4it: the user's command line (see `sc4it --help` and the package README).
// Uses the built packages (`pnpm --filter @sc4it/client... build`); chain access goes through
// chain-sim's JSON-RPC client, loaded at run time so the SDK itself never depends on it.
const { runCli } = await import('@sc4it/client/cli');

let stop;
const stopSignal = new Promise((resolve) => {
  stop = resolve;
});
for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => stop());

const code = await runCli(process.argv.slice(2), {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  env: process.env,
  connectChain: async (url) => (await import('@sc4it/chain-sim')).connectChain(url),
  stopSignal,
});
process.exitCode = code;
// Open sockets (relay reconnects, chain subscriptions) must not keep a finished command alive.
setTimeout(() => process.exit(code), 200).unref();
