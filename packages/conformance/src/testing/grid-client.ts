/**
 * `@threefold/grid_client` 2.9.2 as a deployment-challenge oracle (the published TS SDK; shared/spec
 * deployment-hash.md §10 "Reproducing with the published TS package"), for tests and generators
 * only: it is a devDependency of this package. CommonJS only: loaded with `createRequire`; its
 * `exports` map blocks `dist/node/zos/deployment.js`, so that file is required by absolute path.
 * Its property and method validators are switched off with the package's own
 * `SKIP_PROPS_VALIDATION` / `SKIP_METHODS_VALIDATION` switches (dist/node/helpers/validator.js),
 * since they reject deployments the node accepts.
 */
import { createRequire } from 'node:module';

/** The SDK's `Deployment` object (only what the oracle uses). */
export interface GridClientDeployment {
  challenge(): string;
  challenge_hash(): string;
}

export interface GridClientOracle {
  /** The SDK's challenge text for a zos-JSON deployment. */
  challenge(json: unknown): string;
  /** The SDK's `challenge_hash()` (crypto-js MD5, lower-case hex). */
  hash(json: unknown): string;
  /** The SDK object, for timing `challenge_hash()` alone. */
  build(json: unknown): GridClientDeployment;
}

let cached: GridClientOracle | undefined;

export function gridClientOracle(): GridClientOracle {
  if (cached) return cached;
  process.env.SKIP_PROPS_VALIDATION = '1';
  process.env.SKIP_METHODS_VALIDATION = '1';
  const require = createRequire(import.meta.url);
  require('reflect-metadata');
  const main = require.resolve('@threefold/grid_client'); // …/dist/node/index.js
  const root = main.slice(0, main.length - 'dist/node/index.js'.length);
  const { Deployment } = require(`${root}dist/node/zos/deployment.js`) as { Deployment: new () => GridClientDeployment };
  const { plainToInstance } = require('class-transformer') as {
    plainToInstance: (cls: unknown, plain: unknown) => GridClientDeployment;
  };
  const build = (json: unknown): GridClientDeployment => {
    // What DeploymentFactory.fromObj does: tag every workload's data with its type.
    const copy = structuredClone(json) as { workloads?: { type: string; data: Record<string, unknown> }[] };
    for (const w of copy.workloads ?? []) w.data.__type = w.type;
    return plainToInstance(Deployment, copy);
  };
  cached = {
    build,
    challenge: (json) => build(json).challenge(),
    hash: (json) => build(json).challenge_hash(),
  };
  return cached;
}
