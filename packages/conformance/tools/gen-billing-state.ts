// Generates vectors/billing/grace_test.json (one bill_contract as a state machine, §11–§13) and
// vectors/billing/reports_test.json (the seed consumption-report ledger, §15 and the rules in
// packages/billing/README.md "Reports").
//
// Expected values come from tools/gen-billing-state-ref.ts, plain references written for these
// vectors from the spec (grace: a step-by-step transcription of §11 and §12; reports: a model with
// one "billed" flag per second), which do not use @sc4it/billing; costs and payout splits from
// tools/gen-billing-ref.ts (exact rationals). Hand-picked scenarios (spec cases: #1047 overdraft
// with nothing due, grace expiry, a top-up ending grace, a rent contract waiting for its node
// contracts; the README's late/overlapping examples) come first, then seeded random ones.
// Invalid inputs: the typed error each should raise (rules of the spec and the README).
//
//   cd packages/billing && pnpm exec tsx ../conformance/tools/gen-billing-state.ts
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REF_POLICIES } from './gen-billing-ref.ts';
import { LedgerRef, type RefGraceInput, type RefReport, graceRef } from './gen-billing-state-ref.ts';

const DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'vectors', 'billing');
const SEED = 0x6ace;
let state = SEED;
function next(): number {
  state ^= state << 13; state >>>= 0; state ^= state >>> 17; state ^= state << 5; state >>>= 0;
  return state;
}
const pick = <T>(xs: readonly T[]): T => xs[next() % xs.length]!;
const big = (max: bigint): bigint => ((BigInt(next()) << 32n) | BigInt(next())) % (max + 1n);
const int = (lo: number, hi: number): number => lo + (next() % (hi - lo + 1));

/** bigint → decimal string, recursively (the vector files' convention). */
function enc(v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (Array.isArray(v)) return v.map(enc);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, enc(x)]));
  return v;
}

interface Test { tcId: number; comment: string; flags: string[]; source: string; result: 'valid' | 'invalid'; error?: string; [k: string]: unknown }
interface Group { type: string; tests: Test[] }
function write(topic: string, schema: string, header: string[], notes: Record<string, { bugType: string; description: string }>, groups: Group[]): void {
  let id = 1;
  for (const g of groups) for (const t of g.tests) t.tcId = id++;
  const file = { schema, suite: 'billing', version: '1', generator: { tool: 'tools/gen-billing-state.ts', seed: SEED }, header, notes, numberOfTests: id - 1, testGroups: groups };
  writeFileSync(join(DIR, `${topic}_test.json`), `${JSON.stringify(file, null, 2)}\n`);
  console.log(`${topic}: ${id - 1} tests`);
}

const GRACE_REF = 'reference: tools/gen-billing-state-ref.ts graceRef (spec §';

// ---- grace ---------------------------------------------------------------------------------------
{
  const empty = { standardReserve: 0n, additionalReserve: 0n, standardOverdraft: 0n, additionalOverdraft: 0n, cycles: 0 };
  const base = (model: RefGraceInput['model'], over: Partial<RefGraceInput>): RefGraceInput => ({
    model, contractId: 7n, kind: 'node', twinId: 3, nodeId: 1, state: { kind: 'Created' }, payment: { ...empty },
    account: { free: 10_000n, frozen: 0n, reserved: 0n }, block: 1000, timestamp: 1_700_000_000,
    standardDuePlanck: 1000n, additionalDuePlanck: 0n, discountLevel: 'None', ...over,
  });
  const groups: Record<string, Group> = { 'v2.9-reserve': { type: 'GraceStepV29', tests: [] }, 'v2.7-lock': { type: 'GraceStepV27', tests: [] } };
  const add = (comment: string, input: RefGraceInput, flags: string[] = []): void => {
    const section = input.model === 'v2.9-reserve' ? '12, §13)' : '11, §13)';
    groups[input.model]!.tests.push({ tcId: 0, comment, flags, source: `${GRACE_REF}${section}`, result: 'valid', input: enc(input), expected: enc(graceRef(input)) });
  };
  for (const model of ['v2.9-reserve', 'v2.7-lock'] as const) {
    add('enough funds: billed', base(model, {}), ['Scenario']);
    add('usable balance short: grace starts', base(model, { standardDuePlanck: 10_000n, account: { free: 5500n, frozen: 0n, reserved: 0n } }), ['Scenario']);
    add('in grace, a top-up ends it', base(model, { state: { kind: 'GracePeriod', sinceBlock: 100 },
      payment: model === 'v2.9-reserve' ? { ...empty, standardReserve: 5000n, standardOverdraft: 5000n, cycles: 1 } : { ...empty, standardReserve: 3000n, cycles: 3 },
      account: { free: 20_000n, frozen: model === 'v2.7-lock' ? 3000n : 0n, reserved: model === 'v2.9-reserve' ? 5000n : 0n } }), ['Scenario']);
    add('grace expires after 201 600 blocks: Deleted(OutOfFunds)', base(model, { state: { kind: 'GracePeriod', sinceBlock: 1000 }, block: 202_600,
      account: { free: 600n, frozen: 0n, reserved: 0n }, payment: { ...empty, standardReserve: 700n, standardOverdraft: model === 'v2.9-reserve' ? 9000n : 0n, cycles: 5 } }), ['Scenario']);
    add('one block before expiry: still in grace', base(model, { state: { kind: 'GracePeriod', sinceBlock: 1000 }, block: 202_599,
      account: { free: 600n, frozen: 0n, reserved: 0n } }), ['Scenario']);
    add('cancelled by the user: final bill and payout, contract removed', base(model, { deleting: 'CanceledByUser',
      payment: { ...empty, standardReserve: 4000n, cycles: 10 }, account: { free: 20_000n, frozen: model === 'v2.7-lock' ? 4000n : 0n, reserved: model === 'v2.9-reserve' ? 4000n : 0n } }), ['Scenario']);
    add('24th cycle: the reserve is paid out', base(model, { payment: { ...empty, standardReserve: 23_000n, cycles: 23 },
      account: { free: 100_000n, frozen: model === 'v2.7-lock' ? 23_000n : 0n, reserved: model === 'v2.9-reserve' ? 23_000n : 0n } }), ['Scenario']);
    add('nothing due: skipped', base(model, { standardDuePlanck: 0n }), ['Scenario']);
    add('rent contract with an extra fee (100% to the farmer)', base(model, { kind: 'rent', additionalDuePlanck: 2500n, deleting: 'CanceledByUser',
      payment: { ...empty, standardReserve: 1000n, additionalReserve: 500n, cycles: 2 }, account: { free: 50_000n, frozen: model === 'v2.7-lock' ? 1500n : 0n, reserved: model === 'v2.9-reserve' ? 1500n : 0n } }), ['Scenario']);
    add('name contract payout', base(model, { kind: 'name', nodeId: undefined, deleting: 'CanceledByUser', payment: { ...empty, standardReserve: 9999n, cycles: 4 },
      account: { free: 50_000n, frozen: model === 'v2.7-lock' ? 9999n : 0n, reserved: model === 'v2.9-reserve' ? 9999n : 0n } }), ['Scenario']);
  }
  add('#1047: an overdraft with nothing due is still billed', base('v2.9-reserve', { standardDuePlanck: 0n, state: { kind: 'GracePeriod', sinceBlock: 100 },
    payment: { ...empty, standardOverdraft: 2000n } }), ['Scenario']);
  add('a node contract whose rent contract is in grace stays in grace, though it pays', base('v2.9-reserve', { state: { kind: 'GracePeriod', sinceBlock: 100 }, rentContractInGrace: true }), ['Scenario']);
  add('a rent contract waits at expiry while a node contract holds a reserve', base('v2.9-reserve', { kind: 'rent', state: { kind: 'GracePeriod', sinceBlock: 0 }, block: 300_000,
    nodeContractsHoldReserve: true, account: { free: 600n, frozen: 0n, reserved: 0n } }), ['Scenario']);
  add('additional overdraft settled before the standard one', base('v2.9-reserve', { kind: 'rent', standardDuePlanck: 3000n, additionalDuePlanck: 2000n,
    account: { free: 3000n, frozen: 0n, reserved: 0n }, payment: { ...empty, additionalOverdraft: 1000n } }), ['Scenario']);
  add('v2.7 with solution providers: 10% / 5% / takes / sales / 35% burn', base('v2.7-lock', { deleting: 'CanceledByUser', solutionProviderTakes: [10, 5],
    payment: { ...empty, standardReserve: 1_000_003n, cycles: 3 }, account: { free: 5_000_000n, frozen: 1_000_003n, reserved: 0n } }), ['Scenario']);
  add('v2.7 payout capped by the usable balance, the rest forgiven', base('v2.7-lock', { deleting: 'OutOfFunds',
    payment: { ...empty, standardReserve: 50_000n, cycles: 7 }, account: { free: 20_000n, frozen: 50_000n, reserved: 0n } }), ['Scenario']);
  // random steps
  for (let i = 0; i < 40; i++) {
    const model = i % 2 === 0 ? 'v2.9-reserve' : 'v2.7-lock';
    const kind = pick(['node', 'node', 'rent', 'name'] as const);
    const inGrace = next() % 3 === 0;
    const block = int(1000, 400_000);
    const sinceBlock = inGrace ? Math.max(0, block - pick([10, 1000, 201_599, 201_600, 250_000])) : 0;
    const due = pick([0n, 1n, big(5000n), big(10n ** 9n)]);
    const extra = kind === 'rent' && next() % 2 ? big(10n ** 6n) : 0n;
    const reserve = pick([0n, big(10n ** 6n)]);
    const od = model === 'v2.9-reserve' && inGrace ? pick([0n, big(10n ** 6n)]) : 0n;
    const free = pick([0n, 499n, 500n, 1000n, big(10n ** 7n), big(10n ** 10n)]);
    const frozen = model === 'v2.7-lock' ? reserve + pick([0n, 0n, big(1000n)]) : pick([0n, 0n, big(2000n)]);
    const input = base(model, {
      kind, nodeId: kind === 'name' ? undefined : int(1, 50), contractId: BigInt(int(1, 100_000)), twinId: int(1, 1000),
      state: inGrace ? { kind: 'GracePeriod', sinceBlock } : { kind: 'Created' }, block, timestamp: 1_700_000_000 + block * 6,
      standardDuePlanck: due, additionalDuePlanck: extra, discountLevel: pick(['None', 'Default', 'Bronze', 'Silver', 'Gold']),
      payment: { standardReserve: reserve, additionalReserve: extra > 0n ? big(1000n) : 0n, standardOverdraft: od, additionalOverdraft: 0n, cycles: pick([0, 5, 22, 23]) },
      account: { free: free + frozen, frozen, reserved: model === 'v2.9-reserve' ? reserve : 0n },
      ...(next() % 10 === 0 ? { deleting: pick(['CanceledByUser', 'NodeDeleted']) } : {}),
    });
    add(`derived #${i + 1}: ${model}, ${kind}${inGrace ? `, in grace ${block - sinceBlock} blocks` : ''}`, input, ['Derived']);
  }
  const bad = (comment: string, input: Record<string, unknown>, rule: string): Test =>
    ({ tcId: 0, comment, flags: ['BadInput'], source: `rule: ${rule}`, result: 'invalid', error: 'billing.invalid_input', input: enc(input) });
  const invalid: Group = { type: 'InvalidGraceInput', tests: [
    bad('negative amount due', { ...base('v2.9-reserve', {}), standardDuePlanck: -1n }, 'amounts are u128 planck, never negative'),
    bad('negative free balance', { ...base('v2.7-lock', {}), account: { free: -5n, frozen: 0n, reserved: 0n } }, 'balances are u128, never negative'),
    bad('a Deleted contract is not billed', { ...base('v2.9-reserve', {}), state: { kind: 'Deleted', cause: 'OutOfFunds' } }, 'a deleted contract is removed from storage (§11 step 9, §12)'),
    bad('block number not an integer', { ...base('v2.9-reserve', {}), block: 1.5 }, 'block numbers are u32/u64 integers'),
    bad('negative overdraft', { ...base('v2.9-reserve', {}), payment: { ...empty, standardOverdraft: -1n } }, 'payment state holds u128 planck'),
  ] };
  write('grace', 'billing_grace_schema_v1', [
    'One bill_contract of one contract (chain-and-billing.md §11 v2.7 lock, §12 v2.9+ reserve/overdraft, §13 grace) as a',
    'pure step: `input` is the contract state, payment state, account {free, frozen, reserved}, block, timestamp and this',
    "cycle's dues (planck, decimal strings); `expected` is the new state, payment state and account, what is charged,",
    'amount_billed, the overdraft, the payout split (or null), the events in order (tfchain names, camelCase fields) and',
    'the flags updateTimestamp / resetNu / removed. ED 500 planck, grace 201600 blocks, payout every 24 cycles unless given.',
    'v2.7: `frozen` is the account gridlock, the reserves are amount_locked / extra_amount_locked.',
  ], {
    Scenario: { bugType: 'FUNCTIONALITY', description: 'a case the spec names (grace start/end/expiry, #1047, cascades, payouts)' },
    Derived: { bugType: 'FUNCTIONALITY', description: 'random input, expected value from the plain reference' },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed error is expected' },
  }, [groups['v2.9-reserve']!, groups['v2.7-lock']!, invalid]);
}

// ---- reports -------------------------------------------------------------------------------------
{
  const GiB = 1n << 30n;
  type Step = { op: 'ingest'; reports: RefReport[] } | { op: 'settle'; upTo: number; onRentedNode?: boolean } | { op: 'close'; contractId: bigint };
  const REP_REF = 'reference: tools/gen-billing-state-ref.ts LedgerRef (one flag per second; packages/billing/README.md "Reports", spec §6, §9, §15)';
  const scenarios: Group = { type: 'LedgerScenario', tests: [] };
  const scenario = (comment: string, mode: 'exact' | 'tfchain', policy: 'mainnet' | 'unit-test', contracts: { contractId: bigint; openedAt: number }[], steps: Step[], flags: string[]): void => {
    const ref = new LedgerRef(mode);
    for (const c of contracts) ref.open(c.contractId, c.openedAt);
    const out = steps.map((s) => {
      if (s.op === 'ingest') return { ...s, outcomes: s.reports.map((r) => ref.ingest(r)) };
      if (s.op === 'settle') return { ...s, bills: ref.settle(s.upTo, REF_POLICIES[policy]!, s.onRentedNode === true) };
      ref.close(s.contractId);
      return s;
    });
    scenarios.tests.push({ tcId: 0, comment, flags, source: REP_REF, result: 'valid', mode, policy, contracts: enc(contracts), steps: enc(out) });
  };
  const vm = (contractId: bigint, timestamp: number, nru = 0n, extra: Partial<RefReport> = {}): RefReport =>
    ({ contractId, timestamp, cru: 4n, mru: 8n * GiB, sru: 160n * GiB, hru: 0n, nru, ...extra });
  const c1 = [{ contractId: 1n, openedAt: 1000 }];
  scenario('one hour, a resend, a report before the start, one for an unknown contract', 'exact', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600, 2_000_000_000n), vm(1n, 4600, 2_000_000_000n), vm(1n, 900), vm(9n, 5000)] },
    { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 4600, 2_000_000_000n), vm(1n, 3000)] },
    { op: 'settle', upTo: 1e9 },
  ], ['Scenario']);
  scenario("the same in mode 'tfchain': old reports are late and never billed", 'tfchain', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600, 2_000_000_000n), vm(1n, 4600, 2_000_000_000n), vm(1n, 900)] },
    { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 4600, 2_000_000_000n), vm(1n, 3000)] },
    { op: 'settle', upTo: 1e9 },
  ], ['Scenario', 'TfchainMode']);
  scenario('late reports fill the gap a short window left; ones in billed time are refused', 'exact', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 30_000, 0n, { window: 3600 })] },
    { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 20_000, 5_000_000_000n, { window: 3600 }), vm(1n, 23_600), vm(1n, 29_000), vm(1n, 10_000, 0n, { window: 20_000 })] },
    { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 15_000, 0n, { window: 7200 }), vm(1n, 22_000), vm(1n, 26_000, 0n, { window: 1000 })] },
    { op: 'settle', upTo: 1e9 },
  ], ['Scenario', 'Late']);
  scenario("an explicit window reaching into billed time: exact refuses it, a fitting resend is accepted", 'exact', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600)] }, { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 8200, 0n, { window: 7200 })] }, { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 8200, 0n, { window: 3600 })] }, { op: 'settle', upTo: 1e9 },
  ], ['Scenario', 'Overlapping']);
  scenario("the same in mode 'tfchain': overlapping but billed for the unsettled part", 'tfchain', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600)] }, { op: 'settle', upTo: 1e9 },
    { op: 'ingest', reports: [vm(1n, 8200, 0n, { window: 7200 })] }, { op: 'settle', upTo: 1e9 },
  ], ['Scenario', 'TfchainMode', 'Overlapping']);
  scenario('NRU is a running counter; a counter that went down restarted', 'exact', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600, 3_000_000_000n), vm(1n, 8200, 5_000_000_000n), vm(1n, 11_800, 1_000_000_000n)] },
    { op: 'settle', upTo: 1e9 },
  ], ['Scenario']);
  scenario('conflicting copies: the smaller is kept whatever the order; settle only up to upTo; rented node bills NU only', 'exact', 'unit-test', c1, [
    { op: 'ingest', reports: [vm(1n, 4600, 0n, { cru: 8n }), vm(1n, 4600), vm(1n, 8200, 1_500_000_000n)] },
    { op: 'settle', upTo: 5000 },
    { op: 'settle', upTo: 1e9, onRentedNode: true },
  ], ['Scenario']);
  scenario('a closed contract refuses new reports; pending ones are still settled', 'exact', 'mainnet', c1, [
    { op: 'ingest', reports: [vm(1n, 4600)] }, { op: 'close', contractId: 1n },
    { op: 'ingest', reports: [vm(1n, 8200)] }, { op: 'settle', upTo: 1e9 },
  ], ['Scenario']);
  // random: two contracts, reports with and without windows, copies, settles at random cuts
  const res = (): Pick<RefReport, 'cru' | 'sru' | 'hru' | 'mru'> => pick([
    { cru: 4n, mru: 8n * GiB, sru: 160n * GiB, hru: 0n },
    { cru: big(32n), mru: big(64n * GiB), sru: big(1000n * GiB), hru: big(4000n * GiB) },
    { cru: 1n, mru: GiB / 4n, sru: 15n * GiB, hru: 0n },
  ]);
  for (let i = 0; i < 30; i++) {
    const mode = i % 5 === 4 ? 'tfchain' : 'exact';
    const contracts = [{ contractId: 1n, openedAt: 1000 }, { contractId: 2n, openedAt: int(1000, 5000) }];
    const reports: RefReport[] = [];
    for (const c of contracts) {
      const seen = new Set<number>();
      let nru = 0n;
      for (let k = int(2, 8); k > 0; k--) {
        const ts = int(c.openedAt - 100, 38_000);
        if (seen.has(ts)) continue;
        seen.add(ts);
        nru += big(3_000_000_000n);
        reports.push({ contractId: c.contractId, timestamp: ts, ...res(), nru, ...(next() % 3 === 0 ? { window: int(60, 12_000) } : {}) });
      }
    }
    const all = [...reports, ...reports.filter(() => next() % 3 === 0).map((r) => ({ ...r }))];
    for (let j = all.length - 1; j > 0; j--) { const k = next() % (j + 1); [all[j], all[k]] = [all[k]!, all[j]!]; }
    const steps: Step[] = [];
    const chunks = int(1, 4);
    const size = Math.ceil(all.length / chunks);
    for (let j = 0; j < all.length; j += size) {
      steps.push({ op: 'ingest', reports: all.slice(j, j + size) });
      steps.push({ op: 'settle', upTo: j + size >= all.length ? 1e9 : int(1000, 38_000), ...(next() % 6 === 0 ? { onRentedNode: true } : {}) });
    }
    scenario(`derived #${i + 1}: ${reports.length} reports, ${all.length - reports.length} copies, ${chunks} settles, mode ${mode}`, mode, i % 3 === 2 ? 'unit-test' : 'mainnet', contracts, steps, ['Derived', ...(mode === 'tfchain' ? ['TfchainMode'] : [])]);
  }
  const rejected: Group = { type: 'RejectedReport', tests: [] };
  const reject = (comment: string, report: Record<string, unknown>, error: string, rule: string, close = false): void => {
    rejected.tests.push({ tcId: 0, comment, flags: ['BadInput'], source: `rule: ${rule}`, result: 'invalid', error, mode: 'exact',
      contracts: [{ contractId: '1', openedAt: 1000 }], closed: close, report: enc(report), outcome: 'rejected' });
  };
  const ok = { contractId: 1n, timestamp: 4600, cru: 1n, sru: 0n, hru: 0n, mru: GiB, nru: 0n };
  reject('negative cru', { ...ok, cru: -1n }, 'billing.invalid_report', 'report values are u64 (spec §15 Consumption)');
  reject('nru beyond u64', { ...ok, nru: 1n << 64n }, 'billing.invalid_report', 'report values are u64');
  reject('fractional timestamp', { ...ok, timestamp: 4600.5 }, 'billing.invalid_report', 'timestamps are unix seconds');
  reject('window 0', { ...ok, window: 0 }, 'billing.invalid_report', 'a window is a positive number of seconds');
  reject('timestamp at the contract start', { ...ok, timestamp: 1000 }, 'billing.invalid_report', "README: a window never reaches before the contract's start");
  reject('unknown contract', { ...ok, contractId: 9n }, 'billing.unknown_contract', 'the chain skips reports for missing contracts (§2.2); here said out loud');
  reject('closed contract', ok, 'billing.contract_closed', 'a cancelled contract takes no more reports', true);
  const invalidOpen: Group = { type: 'InvalidLedgerInput', tests: [
    { tcId: 0, comment: 'negative start time', flags: ['BadInput'], source: 'rule: timestamps are unix seconds', result: 'invalid', error: 'billing.invalid_input', contractId: '1', startTimestamp: -1 },
    { tcId: 0, comment: 'contract id not a bigint-able integer', flags: ['BadInput'], source: 'rule: contract ids are u64', result: 'invalid', error: 'billing.invalid_input', contractId: '-3', startTimestamp: 1000 },
    { tcId: 0, comment: 'unknown mode', flags: ['BadInput'], source: "rule: modes are 'exact' and 'tfchain'", result: 'invalid', error: 'billing.invalid_input', contractId: '1', startTimestamp: 1000, mode: 'lenient' },
  ] };
  write('reports', 'billing_reports_schema_v1', [
    'The seed consumption-report ledger (chain-and-billing.md §15; rules in packages/billing/README.md "Reports").',
    'LedgerScenario: contracts opened at `openedAt`, then steps: `ingest` (reports in arrival order; `outcomes` one per',
    'report: accepted, late, duplicate, overlapping or rejected with `error`), `settle` (pending reports with timestamp',
    '<= upTo; `bills` one per contract with anything settled: from/to = billed-until before/after, unitsUsd, windows',
    '{from, to, unitsUsd, nruBytes, late}), `close`. A window costs §6 CU+SU over its seconds (0 on a rented node) plus',
    '§9 NU of the counter increase at a 3600 s window. mode "exact" (default) or "tfchain". RejectedReport: one report',
    'into a fresh ledger (closed if `closed`). InvalidLedgerInput: opening a contract that way raises `error`.',
  ], {
    Scenario: { bugType: 'FUNCTIONALITY', description: 'a hand-picked case of the README rules' },
    Derived: { bugType: 'FUNCTIONALITY', description: 'random reports, copies and settles; expected values from the per-second reference' },
    Late: { bugType: 'FUNCTIONALITY', description: 'a late report fills unbilled time and is billed at the next settle' },
    Overlapping: { bugType: 'FUNCTIONALITY', description: 'a window reaching into billed time' },
    TfchainMode: { bugType: 'LEGACY', description: "mode 'tfchain': the chain's rule, old reports late and never billed" },
    BadInput: { bugType: 'MALFORMED', description: 'input outside the domain; a typed outcome or error is expected' },
  }, [scenarios, rejected, invalidOpen]);
}
