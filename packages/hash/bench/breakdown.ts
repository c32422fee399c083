/**
 * Where the time of one deploymentHash goes (dev aid, not part of `pnpm bench`): decoding and
 * text building alone, plus flattening the text (V8 joins the rope), plus UTF-8 encoding, plus
 * MD5 and the hex digest. CPU time, best of 6 rounds.
 * Run: node --import tsx --conditions=sc4it-source bench/breakdown.ts
 * (add --cpu-prof for a profile; the decode functions and md5Blocks show up by name).
 */
import { type VectorTest, loadVectors } from '@sc4it/conformance';
import { type Out, writeDeployment } from '../src/challenge.ts';
import { deploymentHash } from '../src/index.ts';

const vectors = loadVectors<VectorTest & { input: string }>('hash', 'challenge').testGroups.flatMap((g) => g.tests);
const spec = vectors.filter((t) => t.flags.includes('SpecVector')).map((t) => JSON.parse(t.input) as Record<string, unknown>);
const v1 = spec[0]!;
const pool = spec.flatMap((d) => d.workloads as Record<string, unknown>[]);
const big = JSON.parse(JSON.stringify({ ...v1, workloads: Array.from({ length: 50 }, (_, i) => ({ ...pool[i % pool.length], name: `w${i}` })) })) as Record<string, unknown>;

const buf = new Uint8Array(64 * 1024);
const enc = new TextEncoder();
let sinkLen = 0;
const none: Out = { write: (t) => ((sinkLen += t.length), false), reset: () => {} };
const flat: Out = { write: (t) => ((sinkLen += t.charCodeAt(t.length >> 1)), false), reset: () => {} };
const encode: Out = { write: (t) => ((sinkLen += enc.encodeInto(t, buf).written), false), reset: () => {} };

/** CPU time (this process), so other jobs on the shared cores do not count. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function time(f: () => void, ms = 300): number {
  let n = 0;
  const t0 = cpuMs();
  let t = t0;
  while (t - t0 < ms) {
    for (let i = 0; i < 64; i++) f();
    n += 64;
    t = cpuMs();
  }
  return ((t - t0) * 1000) / n; // µs per call
}

for (const [label, d] of [['V1', v1], ['50 workloads', big]] as const) {
  const steps: [string, () => void][] = [
    ['decode + text', () => void writeDeployment(none, d)],
    ['+ flatten', () => void writeDeployment(flat, d)],
    ['+ encode', () => void writeDeployment(encode, d)],
    ['deploymentHash', () => void deploymentHash(d)],
  ];
  const best = steps.map(() => Infinity);
  for (let r = 0; r < 6; r++) steps.forEach(([, f], i) => (best[i] = Math.min(best[i]!, time(f, r === 0 ? 100 : 250))));
  console.log(`${label}: ` + steps.map(([n], i) => `${n} ${best[i]!.toFixed(2)} µs`).join(' | '));
}
