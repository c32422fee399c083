import type { UserConfig } from 'vitest/config';

// Tests import sibling packages from their TypeScript sources (the `sc4it-source` export
// condition), so a change in one package is seen by the others' tests without a rebuild.
const conditions = ['sc4it-source', 'import', 'module', 'node', 'default'];

export const shared: UserConfig = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ['sc4it-source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
  },
};
