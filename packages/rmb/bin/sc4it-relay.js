#!/usr/bin/env node
// sc4it relay CLI (see `sc4it-relay --help`); runs the built package (`pnpm --filter @sc4it/rmb... build`).
import { runRelayCli } from '../dist/cli.js';

runRelayCli(process.argv.slice(2)).catch((err) => {
  process.stderr.write(`sc4it-relay: ${err?.message ?? err}\n`);
  process.exit(2);
});
