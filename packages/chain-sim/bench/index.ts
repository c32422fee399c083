/**
 * chain-sim benchmark: contracts created per second (in process and over RPC, signed), one full
 * billing cycle over 100 000 active contracts against the pure @sc4it/billing arithmetic for the
 * same contracts (the reference: what the chain adds on top), and memory per 100 000 contracts.
 * Run: `pnpm bench` (add `--quick` for a smaller run). Keep it short: well under a minute.
 */
import { performance } from 'node:perf_hooks';
import * as os from 'node:os';
import { MAINNET_PRICING_POLICY, contractCost, discount, graceStep, unitsUsdToTft, EMPTY_PAYMENT_STATE } from '@sc4it/billing';
import { identityFromSeed, type Identity } from '@sc4it/crypto';
import type { ChainCall, SignedTransaction } from '@sc4it/types';
import { signTransaction, signingPayload } from '@sc4it/types';
import { type Chain, connectChain, createChain, serveChain } from '../src/index.ts';

const quick = process.argv.includes('--quick');
const N_BIG = quick ? 20_000 : 100_000;
const GIB = 1n << 30n;
const gc = (globalThis as { gc?: () => void }).gc;

const sudo = identityFromSeed('01'.repeat(32), 'ed25519');
const farmer = identityFromSeed('02'.repeat(32), 'ed25519');
const nodeId = identityFromSeed('03'.repeat(32), 'ed25519');
const userEd = identityFromSeed('04'.repeat(32), 'ed25519');
const userSr = identityFromSeed('05'.repeat(32), 'sr25519');

function fmt(n: number, digits = 0): string {
  return n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

async function setup(options: Parameters<typeof createChain>[0] = {}): Promise<Chain> {
  const chain = createChain({ genesisTimestamp: 1_700_000_000, sudo: { publicKey: sudo.publicKey, keyType: 'ed25519' }, ...options });
  const c = chain.client();
  const send = async (who: Identity, call: ChainCall) => c.submit(await signTransaction(c, who, call));
  const mode = chain.getMode().mode;
  chain.setMode('instant');
  for (const u of [farmer, nodeId, userEd, userSr]) {
    await send(sudo, { method: 'fund', args: { to: u.publicKey, amount: 10n ** 15n } });
    await send(u, { method: 'createTwin', args: { relay: null, pk: null } });
  }
  await send(farmer, { method: 'createFarm', args: { name: 'benchfarm', publicIps: [] } });
  await send(nodeId, { method: 'createNode', args: { farmId: 1, resources: { cru: 64n, mru: 256n * GIB, sru: 4096n * GIB, hru: 0n } } });
  chain.setMode(mode);
  return chain;
}

const contract = (i: number): ChainCall => ({
  method: 'createNodeContract',
  args: { nodeId: 1, deploymentHash: i.toString(16).padStart(32, '0'), deploymentData: new Uint8Array(16), publicIps: 0 },
});

/** Signed creations, one instant block each, in process. */
async function inProcess(who: Identity, n: number): Promise<number> {
  const chain = await setup();
  const c = chain.client();
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) await c.submit(await signTransaction(c, who, contract(i)));
  const s = (performance.now() - t0) / 1000;
  chain.close();
  return n / s;
}

/** Signed creations over JSON-RPC, `window` requests in flight, one instant block each. */
async function overRpc(who: Identity, n: number, window: number): Promise<number> {
  const chain = await setup();
  const server = await serveChain(chain, { port: 0 });
  const rpc = await connectChain(server.url);
  const chainId = await rpc.chainId();
  let nonce = (await rpc.getAccount(who.publicKey)).nonce;
  const t0 = performance.now();
  const inflight = new Set<Promise<unknown>>();
  for (let i = 1; i <= n; i++) {
    const call = contract(i);
    const payload = signingPayload(chainId, call, who.publicKey, nonce);
    const tx: SignedTransaction = { call, signer: who.publicKey, keyType: who.keyType, nonce: nonce++, signature: who.sign(payload) };
    const p: Promise<unknown> = rpc.submit(tx).then(() => inflight.delete(p));
    inflight.add(p);
    if (inflight.size >= window) await Promise.race(inflight);
  }
  await Promise.all(inflight);
  const s = (performance.now() - t0) / 1000;
  await rpc.close();
  await server.close();
  chain.close();
  return n / s;
}

function mem(): { rss: number; heap: number } {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed };
}

async function main(): Promise<void> {
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`chain-sim bench — ${cpu}, ${os.cpus().length} cores, ${fmt(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}${gc ? '' : ' (no --expose-gc: memory figures are noisy)'}`);
  console.log('');

  // 1. creation rates (every call signed and verified, one block per call)
  const nSmall = quick ? 300 : 1500;
  const edLocal = await inProcess(userEd, nSmall);
  const srLocal = await inProcess(userSr, Math.round(nSmall / 3));
  const edRpc1 = await overRpc(userEd, nSmall, 1);
  const edRpc = await overRpc(userEd, nSmall, 64);
  console.log('contract creation (createNodeContract, signed, instant blocks):');
  console.log(`  in process, ed25519           ${fmt(edLocal).padStart(8)} /s`);
  console.log(`  in process, sr25519           ${fmt(srLocal).padStart(8)} /s`);
  console.log(`  JSON-RPC, ed25519, 1 in flight ${fmt(edRpc1).padStart(7)} /s   (${fmt(edRpc1 / edLocal, 2)}× in process)`);
  console.log(`  JSON-RPC, ed25519, 64 in flight ${fmt(edRpc).padStart(6)} /s   (${fmt(edRpc / edLocal, 2)}× in process)`);

  // 2. populate N_BIG active contracts (mock signatures, 2 000 calls per block) and measure memory
  const base = mem();
  const chain = await setup({ mode: 'manual', mockSignatures: true, billingFrequency: 600, eventRetention: 1000 });
  const c = chain.client();
  const zero = new Uint8Array(64);
  let nonce = chain.nextNonce(userEd.publicKey);
  const t0 = performance.now();
  const BATCH = 2000;
  for (let i = 1; i <= N_BIG; i += BATCH) {
    const ps: Promise<unknown>[] = [];
    for (let k = i; k < i + BATCH && k <= N_BIG; k++) {
      ps.push(c.submit({ call: contract(k), signer: userEd.publicKey, keyType: 'ed25519', nonce: nonce++, signature: zero }));
    }
    chain.mine(1);
    await Promise.all(ps);
  }
  const createS = (performance.now() - t0) / 1000;
  // the node reports what every contract uses (1 vCPU, 2 GiB, 25 GiB SSD), 5 000 per call
  let nn = chain.nextNonce(nodeId.publicKey);
  const used = { cru: 1n, mru: 2n * GIB, sru: 25n * GIB, hru: 0n };
  for (let i = 1; i <= N_BIG; i += 5000) {
    const resources = [];
    for (let k = i; k < i + 5000 && k <= N_BIG; k++) resources.push({ contractId: BigInt(k), used });
    const p = c.submit({ call: { method: 'reportContractResources', args: { resources } }, signer: nodeId.publicKey, keyType: 'ed25519', nonce: nn++, signature: zero });
    chain.mine(1);
    await p;
  }
  const after = mem();
  console.log('');
  console.log(`populate: ${fmt(N_BIG)} contracts in ${fmt(createS, 1)} s (${fmt(N_BIG / createS)} /s, mock signatures, ${BATCH} per block)`);
  const per100k = (x: number) => (x / N_BIG) * 100_000;
  console.log(`memory per 100 000 active contracts: heap ${fmt(per100k(after.heap - base.heap) / 2 ** 20)} MiB, RSS ${fmt(per100k(after.rss - base.rss) / 2 ** 20)} MiB`);

  // 3. billing cycles: mine 600 blocks, every contract billed once per cycle. The first cycle also
  // fills per-contract caches; then the median of three steady cycles (wall and CPU time).
  const cycle = () => {
    const c0 = process.cpuUsage();
    const w0 = performance.now();
    chain.mine(600);
    const cpu = process.cpuUsage(c0);
    return { wall: (performance.now() - w0) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
  };
  const first = cycle();
  const runs = [cycle(), cycle(), cycle()].sort((a, b) => a.wall - b.wall);
  const med = runs[1]!;
  const cycleS = med.wall;
  const billed = chain.getBills(1n).length === 4 && chain.getBills(BigInt(N_BIG)).length === 4 ? 2 : 0;
  // reference: the same bills as pure @sc4it/billing arithmetic (cost, TFT, discount, grace step)
  const r0 = performance.now();
  let sink = 0n;
  for (let i = 0; i < N_BIG; i++) {
    const cost = contractCost({ kind: 'node', seconds: 3600, policy: MAINNET_PRICING_POLICY, resources: used, publicIps: 0, unbilledNuUnitsUsd: 0n });
    const planck = unitsUsdToTft(cost.unitsUsd, { priceMusd: 50, minMusd: 10, maxMusd: 1000 });
    const d = discount(planck, { balancePlanck: 10n ** 15n, seconds: 3600 });
    const g = graceStep({
      contractId: BigInt(i + 1), kind: 'node', twinId: 3, nodeId: 1, state: { kind: 'Created' }, payment: EMPTY_PAYMENT_STATE,
      account: { free: 10n ** 15n, frozen: 0n, reserved: 0n }, block: 600, timestamp: 1_700_003_600, standardDuePlanck: d.amountPlanck,
    });
    sink += g.chargedPlanck;
  }
  const refS = (performance.now() - r0) / 1000;
  const afterBills = mem();
  console.log('');
  console.log(`billing cycle over ${fmt(N_BIG)} active contracts (600 blocks mined, ${billed === 2 ? 'every contract billed each cycle' : 'CHECK: bills missing'}):`);
  console.log(`  first cycle (fills caches)                ${fmt(first.wall * 1000).padStart(6)} ms wall, ${fmt(first.cpu * 1000)} ms CPU`);
  console.log(`  steady cycle, median of 3                 ${fmt(cycleS * 1000).padStart(6)} ms wall, ${fmt(med.cpu * 1000)} ms CPU   goal < 1 000 ms → ${cycleS < 1 ? 'met' : 'NOT met'}`);
  console.log(`  pure @sc4it/billing arithmetic (reference) ${fmt(refS * 1000).padStart(5)} ms wall   chain-sim = ${fmt(cycleS / refS, 2)}× reference`);
  console.log(`  memory after 4 cycles: heap +${fmt(per100k(afterBills.heap - after.heap) / 2 ** 20)} MiB per 100 000 contracts (bill history, payment state, cost caches)`);
  console.log(`  machine load average during the run: ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  void sink;
  chain.close();
}

await main();
