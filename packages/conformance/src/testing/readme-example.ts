// Runs a README's main example as written: the fenced block between `<!-- example:start -->` and
// `<!-- example:end -->`, with the package's own name pointed at its sources. Every
// `console.log(…); // → text` line documents what it prints; `…` in the text matches anything.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatWithOptions } from 'node:util';

/** The example's code, exactly as the README shows it. */
export function readmeExample(readme: string): string {
  const m = /<!-- example:start -->\s*```ts\n([\s\S]*?)```\s*<!-- example:end -->/.exec(readme);
  if (m === null) throw new Error('README has no ```ts block between <!-- example:start --> and <!-- example:end -->');
  return m[1]!;
}

/** The documented output of each `console.log` line, in order (a line without `// →` is an error). */
export function documentedOutput(code: string): string[] {
  const out: string[] = [];
  for (const line of code.split('\n')) {
    if (!line.includes('console.log(')) continue;
    const at = line.indexOf('// → ');
    if (at < 0) throw new Error(`README example line prints without documenting it: ${line.trim()}`);
    out.push(line.slice(at + 5).trimEnd());
  }
  return out;
}

/** True when `actual` is the documented text, `…` standing for any run of characters. */
export function matchesDocumented(actual: string, documented: string): boolean {
  const pattern = documented.split('…').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`, 's').test(actual);
}

/**
 * Imports the example (top-level await allowed) from a scratch file `<packageDir>/test/.readme-tmp/`,
 * so its bare imports resolve like the package's own; returns what it printed, one entry per call.
 * The TypeScript file is imported as is, so this runs under vitest or tsx (the callers' tests).
 */
export async function runExample(packageDir: string, packageName: string, code: string): Promise<string[]> {
  const dir = join(packageDir, 'test', '.readme-tmp');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `example-${process.pid}.ts`);
  writeFileSync(file, code.replaceAll(`from '${packageName}'`, `from '../../src/index.ts'`));
  const printed: string[] = [];
  // console.log is swapped by hand (not vi.spyOn) so this module does not need the test runner.
  const log = console.log;
  console.log = (...args: unknown[]) => {
    printed.push(formatWithOptions({ breakLength: Infinity, depth: 6 }, ...args));
  };
  try {
    await import(file);
  } finally {
    console.log = log;
    rmSync(dir, { recursive: true, force: true });
  }
  return printed;
}
