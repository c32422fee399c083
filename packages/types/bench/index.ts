// pnpm bench: the RMB envelope codec (every bus message goes through it) side by side with the
// ThreeFold client's own google-protobuf Envelope (@threefold/rmb_direct_client 2.9.2, the
// test oracle), and parseDeployment against a bare JSON.parse of the same text. Short: ~5 s.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EnvelopeInput, decodeEnvelope, encodeEnvelope, formatDeployment, parseDeployment } from '../src/index.ts';

interface TfMsg {
  serializeBinary(): Uint8Array;
}
interface TfTypes {
  Envelope: { new (init: Record<string, unknown>): TfMsg; deserializeBinary(b: Uint8Array): TfMsg };
  Address: new (init: Record<string, unknown>) => TfMsg;
  Request: new (init: Record<string, unknown>) => TfMsg;
}
const require = createRequire(import.meta.url);
const tf = require(join(dirname(require.resolve('@threefold/rmb_direct_client')), 'types', 'lib', 'types.js')) as TfTypes;

const BUDGET_MS = 700;
function measure(fn: () => unknown): number {
  for (let i = 0; i < 200; i++) fn(); // warm-up
  let n = 0;
  const start = performance.now();
  let now = start;
  while (now - start < BUDGET_MS) {
    for (let i = 0; i < 50; i++) fn();
    n += 50;
    now = performance.now();
  }
  return (n * 1000) / (now - start);
}
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');
const rows: string[] = [];
function pair(what: string, ours: () => unknown, theirs: () => unknown, reference: string): void {
  const a = measure(ours);
  const b = measure(theirs);
  rows.push(`| ${what} | ${fmt(a)} | ${reference}: ${fmt(b)} | ${(a / b).toFixed(2)}x |`);
}

// A typical request: encrypted 1 KiB payload, 65-byte signature, relays (rmb.md §1.5).
const cipher = new Uint8Array(1024 + 28).map((_, i) => i * 7);
const signature = new Uint8Array(65).fill(0x73);
const input: EnvelopeInput = {
  uid: 'b9c5a1c8-0000-4000-8000-000000000001', tags: '', timestamp: 1_700_000_000, expiration: 60,
  source: { twin: 11 }, destination: { twin: 22 }, request: { command: 'zos.deployment.deploy' },
  signature, schema: 'application/json', cipher, relays: ['relay.grid.tf'],
};
const bytes = encodeEnvelope(input);
const tfInit = () => ({
  uid: input.uid, tags: '', timestamp: 1_700_000_000, expiration: 60,
  source: new tf.Address({ twin: 11 }), destination: new tf.Address({ twin: 22 }),
  request: new tf.Request({ command: 'zos.deployment.deploy' }), signature, schema: 'application/json', cipher, relays: ['relay.grid.tf'],
});
pair('encodeEnvelope (request, 1 KiB cipher)', () => encodeEnvelope(input), () => new tf.Envelope(tfInit()).serializeBinary(), 'google-protobuf serializeBinary');
pair('decodeEnvelope (same bytes)', () => decodeEnvelope(bytes), () => tf.Envelope.deserializeBinary(bytes), 'google-protobuf deserializeBinary');

// Spec vector V1 (a full VM) as the node receives it.
const vectors = JSON.parse(readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'conformance', 'vectors', 'deployment', 'valid_test.json'), 'utf8')) as {
  testGroups: { tests: { comment: string; deployment: string }[] }[];
};
const v1 = vectors.testGroups.flatMap((g) => g.tests).find((t) => t.comment === 'spec vector V1')!.deployment;
pair('parseDeployment (V1 text, every Valid() rule)', () => parseDeployment(v1), () => JSON.parse(v1), 'bare JSON.parse (no validation)');
const d = parseDeployment(v1);
pair('formatDeployment (V1)', () => formatDeployment(d), () => JSON.stringify(JSON.parse(v1)), 'JSON.parse + JSON.stringify');

console.log(`@sc4it/types bench — Node ${process.version}, ${cpus().length} cpus (${cpus()[0]?.model.trim()}), ${Math.round(totalmem() / 2 ** 30)} GiB`);
console.log('| operation | ops/s | reference ops/s | ratio |');
console.log('|---|---:|---|---:|');
for (const r of rows) console.log(r);
