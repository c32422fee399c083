#!/usr/bin/env node
// Enforces the one-way dependency direction of the workspace (README "Packages").
// Runtime dependencies must follow ALLOWED; devDependencies may also reach packages used only by
// tests (e.g. node-ref's tests run chain-sim in process), but never form a runtime cycle.
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ALLOWED = {
  '@sc4it/types': [],
  '@sc4it/conformance': ['@sc4it/types'],
  '@sc4it/hash': ['@sc4it/types'],
  '@sc4it/crypto': ['@sc4it/types', '@sc4it/hash'],
  '@sc4it/billing': ['@sc4it/types'],
  '@sc4it/rmb': ['@sc4it/types', '@sc4it/hash', '@sc4it/crypto'],
  '@sc4it/chain-sim': ['@sc4it/types', '@sc4it/hash', '@sc4it/crypto', '@sc4it/billing'],
  '@sc4it/node-ref': ['@sc4it/types', '@sc4it/hash', '@sc4it/crypto', '@sc4it/rmb', '@sc4it/billing'],
  '@sc4it/client': ['@sc4it/types', '@sc4it/hash', '@sc4it/crypto', '@sc4it/rmb', '@sc4it/billing'],
  '@sc4it/demo': null, // the app may use anything
};

const problems = [];
for (const dir of ['packages', 'apps']) {
  for (const name of readdirSync(join(root, dir))) {
    const file = join(root, dir, name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (!(pkg.name in ALLOWED)) {
      problems.push(`${pkg.name}: not in the allowed-edges table`);
      continue;
    }
    const allowed = ALLOWED[pkg.name];
    if (allowed === null) continue;
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (dep.startsWith('@sc4it/') && !allowed.includes(dep)) {
        problems.push(`${pkg.name} must not depend on ${dep}`);
      }
    }
    for (const dep of Object.keys(pkg.dependencies ?? {})) {
      if (dep.startsWith('@threefold/') || dep.startsWith('@polkadot/')) {
        problems.push(`${pkg.name}: ${dep} is a test oracle and belongs in devDependencies`);
      }
    }
  }
}
if (problems.length) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('dependency direction: ok');
