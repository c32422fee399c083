/**
 * @packageDocumentation
 * The `sc4it` command line (Node only): `runCli(argv, io)` runs one command and resolves with
 * its exit code. The `sc4it` bin wires it to the process and to chain-sim's JSON-RPC client.
 */
export { runCli, USAGE } from './main.ts';
export type { CliIo } from './main.ts';
export { table, toJson } from './format.ts';
