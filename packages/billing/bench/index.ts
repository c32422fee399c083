// pnpm bench: contracts costed per second on one core, a full billing cycle over 100 000
// contracts, and the report ledger; side by side with the rational reference of the vectors.
import type { Resources } from '@sc4it/types';
import * as ref from '../../conformance/tools/gen-billing-ref.ts';
import {
  EMPTY_PAYMENT_STATE, MAINNET_PRICING_POLICY, type ContractKind, type IncomingReport, contractCost, contractDue,
  createReportLedger, graceStep, ingestReports, ledgerOpenContracts, settleReports,
} from '../src/index.ts';

const GiB = 1n << 30n;
let seed = 42;
const rnd = (n: number): number => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
interface C {
  kind: ContractKind;
  resources: Resources;
  publicIps: number;
}
const contracts: C[] = [];
for (let i = 0; i < 100_000; i++) {
  const kind: ContractKind = i % 20 === 0 ? 'name' : i % 10 === 0 ? 'rent' : 'node';
  contracts.push({
    kind, publicIps: rnd(3),
    resources: { cru: BigInt(1 + rnd(32)), mru: BigInt(1 + rnd(128)) * GiB + BigInt(rnd(1 << 20)), sru: BigInt(rnd(2000)) * GiB, hru: BigInt(rnd(4)) * 1000n * GiB },
  });
}

function time(label: string, n: number, f: () => void): number {
  f(); // warm up
  const t0 = process.hrtime.bigint();
  f();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.log(`${label.padEnd(52)} ${ms.toFixed(1).padStart(9)} ms  ${Math.round((n / ms) * 1000).toLocaleString('en-US').padStart(12)} /s`);
  return (n / ms) * 1000;
}

console.log(`node ${process.version}, ${process.arch}`);
let sink = 0n;
const ours = time('contractCost (node/rent/name mix), 100 000', contracts.length, () => {
  for (const c of contracts) sink += contractCost({ kind: c.kind, resources: c.resources, publicIps: c.publicIps, seconds: 3600, policy: MAINNET_PRICING_POLICY }).unitsUsd;
});
const refSubset = contracts.slice(0, 10_000);
const p = ref.REF_POLICIES.mainnet!;
const theirs = time('rational reference (same mix), 10 000', refSubset.length, () => {
  for (const c of refSubset) {
    if (c.kind === 'name') sink += ref.nameCostRef(3600n, p);
    else if (c.kind === 'rent') sink += ref.rentCostRef(c.resources, 3600n, p, 50n);
    else sink += ref.resourcesCostRef(c.resources, BigInt(c.publicIps), 3600n, p, true);
  }
});
console.log(`  ratio contractCost / reference: ${(ours / theirs).toFixed(1)}x`);

const price = { priceMusd: 25, minMusd: 20, maxMusd: 2000 };
time('full cycle: contractDue + graceStep (v2.9), 100 000', contracts.length, () => {
  for (let i = 0; i < contracts.length; i++) {
    const c = contracts[i]!;
    const due = contractDue({ kind: c.kind, resources: c.resources, publicIps: c.publicIps, seconds: 3600, policy: MAINNET_PRICING_POLICY, price, balancePlanck: BigInt(rnd(1e9)) * 1000n });
    const r = graceStep({
      contractId: BigInt(i + 1), kind: c.kind, twinId: 1, nodeId: 1, state: { kind: 'Created' }, payment: EMPTY_PAYMENT_STATE,
      account: { free: BigInt(rnd(1e9)) * 100n, frozen: 0n, reserved: 0n }, block: 600, timestamp: 1_700_000_000,
      standardDuePlanck: due.standardDuePlanck, additionalDuePlanck: due.additionalDuePlanck, discountLevel: due.discountLevel,
    });
    sink += r.chargedPlanck;
  }
});
time('full cycle: same, v2.7-lock, 100 000', contracts.length, () => {
  for (let i = 0; i < contracts.length; i++) {
    const c = contracts[i]!;
    const due = contractDue({ kind: c.kind, resources: c.resources, publicIps: c.publicIps, seconds: 3600, policy: MAINNET_PRICING_POLICY, price, balancePlanck: 10n ** 12n, model: 'v2.7-lock' });
    sink += graceStep({
      model: 'v2.7-lock', contractId: BigInt(i + 1), kind: c.kind, twinId: 1, nodeId: 1, state: { kind: 'Created' }, payment: EMPTY_PAYMENT_STATE,
      account: { free: 10n ** 12n, frozen: 0n, reserved: 0n }, block: 600, timestamp: 1_700_000_000,
      standardDuePlanck: due.standardDuePlanck, additionalDuePlanck: due.additionalDuePlanck, discountLevel: due.discountLevel,
    }).chargedPlanck;
  }
});

// report ledger: 10 000 contracts × 10 hourly reports, shuffled, ingested in one batch, settled
const ledger = ledgerOpenContracts(createReportLedger(), contracts.slice(0, 10_000).map((_, i) => ({ contractId: BigInt(i), startTimestamp: 0 })));
const reports: IncomingReport[] = [];
for (let i = 0; i < 10_000; i++) {
  const c = contracts[i]!;
  for (let h = 1; h <= 10; h++) reports.push({ contractId: BigInt(i), timestamp: h * 3600, ...c.resources, nru: BigInt(h) * 10n ** 9n });
}
for (let i = reports.length - 1; i > 0; i--) {
  const j = rnd(i + 1);
  [reports[i], reports[j]] = [reports[j]!, reports[i]!];
}
time('report ledger: ingest + settle 100 000 reports', reports.length, () => {
  const a = ingestReports(ledger, reports);
  const s = settleReports(a.ledger, { upTo: 1e9, policy: MAINNET_PRICING_POLICY });
  sink += BigInt(s.bills.length);
});
if (sink === -1n) console.log(sink);
