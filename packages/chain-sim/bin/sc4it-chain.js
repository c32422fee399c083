#!/usr/bin/env node
// sc4it-chain: a local TFChain over JSON-RPC (see `--help`). Runs the built package (dist/).
import { main } from '../dist/cli.js';

main(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`sc4it-chain: ${err?.message ?? err}\n`);
  process.exit(1);
});
