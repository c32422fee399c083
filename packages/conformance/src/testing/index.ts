/**
 * @packageDocumentation
 * Test support for the sc4it packages (`@sc4it/conformance/testing`): node-only, kept out of the
 * main entry. The README-example harness and the `@threefold/grid_client` 2.9.2 oracle.
 */
export { readmeExample, documentedOutput, matchesDocumented, runExample } from './readme-example.ts';
export { gridClientOracle } from './grid-client.ts';
export type { GridClientOracle, GridClientDeployment } from './grid-client.ts';
