/**
 * Deployments hashed per second: @sc4it/hash `deploymentHash` (from the JSON object) against
 * @threefold/grid_client 2.9.2 `challenge_hash()` (on an already built SDK object, so the SDK's
 * plainToInstance is not even counted), for spec vector V1 and a 50-workload deployment.
 * Run: `pnpm bench` in packages/hash. Not a test: it prints figures and ratios.
 *
 * Time is this process's CPU time (`process.cpuUsage`, all its threads, GC included), so other
 * jobs on shared cores do not count against either side; rounds alternate, best of 5 each.
 */
import { cpus, loadavg } from 'node:os';
import { type VectorTest, loadVectors } from '@sc4it/conformance';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { deploymentHash } from '../src/index.ts';

interface HashVector extends VectorTest {
  input: string;
  hash?: string;
}

const vectors = loadVectors<HashVector>('hash', 'challenge').testGroups.flatMap((g) => g.tests);
const spec = vectors.filter((t) => t.flags.includes('SpecVector')).map((t) => JSON.parse(t.input) as Record<string, any>); // eslint-disable-line @typescript-eslint/no-explicit-any
const v1 = spec[0]!;
// 50 workloads: V1–V3's workloads (every kind of a real VM, gateway and storage deployment) cycled.
const pool = spec.flatMap((d) => d.workloads as Record<string, unknown>[]);
const big = JSON.parse(
  JSON.stringify({ ...v1, workloads: Array.from({ length: 50 }, (_, i) => ({ ...pool[i % pool.length], name: `w${i}` })) }),
) as Record<string, unknown>;

const gc = gridClientOracle();

/** CPU milliseconds used by this process so far. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Calls per CPU-second over about `ms` of CPU time. */
function rate(f: () => void, ms: number): number {
  let n = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 16; i++) f();
    n += 16;
    t = cpuMs();
  }
  return (n * 1000) / (t - t0);
}

/** Best of alternating rounds, so both sides see the same machine load. */
function compare(label: string, input: Record<string, unknown>) {
  const sdk = gc.build(input);
  if (sdk.challenge_hash() !== deploymentHash(input)) throw new Error(`${label}: implementations disagree`);
  const ours = () => void deploymentHash(input);
  const theirs = () => void sdk.challenge_hash();
  rate(ours, 300);
  rate(theirs, 300); // warm-up
  let a = 0;
  let b = 0;
  for (let round = 0; round < 5; round++) {
    a = Math.max(a, rate(ours, 600));
    b = Math.max(b, rate(theirs, 600));
  }
  const bytes = Buffer.byteLength(sdk.challenge(), 'utf8');
  console.log(
    `${label.padEnd(22)} ${String(bytes).padStart(6)} B  @sc4it/hash ${Math.round(a).toLocaleString('en').padStart(9)}/s  ` +
      `grid_client ${Math.round(b).toLocaleString('en').padStart(8)}/s  ratio ${(a / b).toFixed(1)}x`,
  );
}

const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`node ${process.version}, ${cpus()[0]?.model ?? 'cpu'} x${cpus().length}, load average ${load()}; rates per CPU-second`);
compare('V1 (4 workloads)', v1);
compare('50 workloads', big);
console.log(`load average after: ${load()}`);
