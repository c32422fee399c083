/**
 * The demo scenario: a user's contracts through their whole life on the local grid. Every step
 * asserts what it claims (states read back from the chain and from the nodes over the bus).
 */
import { GridClient, TwinAgent, collectSignatures, commandTwin, formatTft, DeployFailure } from '@sc4it/client';
import { identityFromMnemonic } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { isSc4itError, type ChainEvent, type Contract, type Deployment, type PublicIp } from '@sc4it/types';
import { DEMO_USERS, RELAY_DOMAIN, TFT, type DemoGrid } from './grid.ts';

export interface StepResult {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

/** A deployment the demo made, for the dashboard (documents are public here: it is a demo). */
export interface KnownDeployment {
  contractId: string;
  owner: string;
  ownerTwin: number;
  nodeId: number;
  label: string;
  /** The signed document sent to the node (no results). */
  document: Deployment;
}

export interface ScenarioHooks {
  /** Called after each step (the browser test looks at the page here). */
  afterStep?: (name: string, result: StepResult) => Promise<void> | void;
  /** Called before each step. */
  beforeStep?: (name: string) => Promise<void> | void;
  /** Called at notable moments inside steps: `grace` (a contract paused), `resumed`. */
  moment?: (label: 'grace' | 'resumed', data: { contractId: bigint }) => Promise<void> | void;
}

export interface ScenarioState {
  users: Record<'bob' | 'charlie' | 'dave', GridClient>;
  deployments: KnownDeployment[];
  steps: StepResult[];
  events: ChainEvent[];
}

class AssertionFailed extends Error {}

function check(cond: unknown, message: string): asserts cond {
  if (!cond) throw new AssertionFailed(message);
}

async function until(cond: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new AssertionFailed(what);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function states(d: Deployment): string {
  return d.workloads.map((w) => `${w.name}=${w.result?.state ?? '?'}`).join(' ');
}

function ipsOf(c: Contract | null): PublicIp[] {
  return c?.contractType.kind === 'node' ? c.contractType.publicIpsList : [];
}

/**
 * Runs the scenario on `grid`. Never throws for a failed step: each step's outcome is recorded
 * and later steps still run when they can.
 */
export interface ScenarioOptions {
  /**
   * Test only: the step of this name runs as usual, then is reported failed (the demo's
   * `SC4IT_DEMO_FAIL_STEP`), to exercise the red summary and the non-zero exit.
   */
  failStep?: string;
}

export async function runScenario(
  grid: DemoGrid,
  print: (line: string) => void,
  hooks: ScenarioHooks = {},
  state?: Partial<ScenarioState>,
  options: ScenarioOptions = {},
): Promise<ScenarioState> {
  const client = grid.client;
  const st: ScenarioState = { users: (state?.users ?? {}) as ScenarioState['users'], deployments: state?.deployments ?? [], steps: state?.steps ?? [], events: state?.events ?? [] };
  const unsubscribe = await client.subscribeEvents((e) => {
    st.events.push(e);
    if (st.events.length > 5000) st.events.splice(0, 1000);
  });
  const remember = (user: keyof typeof DEMO_USERS, c: GridClient, contractId: bigint, nodeId: number, label: string, document: Deployment): void => {
    st.deployments.push({ contractId: contractId.toString(), owner: user, ownerTwin: c.twinId, nodeId, label, document: structuredClone(document) });
  };
  const node = (i: number) => grid.nodes[i]!;

  async function step(name: string, fn: () => Promise<string>): Promise<boolean> {
    await hooks.beforeStep?.(name);
    print(`\n▶ ${name}`);
    const t = Date.now();
    let result: StepResult;
    try {
      const detail = await fn();
      if (options.failStep === name) throw new Error(`forced to fail by SC4IT_DEMO_FAIL_STEP (test only); it did: ${detail}`);
      result = { name, ok: true, detail, ms: Date.now() - t };
      print(`  ✔ ${detail}`);
    } catch (err) {
      const why = isSc4itError(err) ? `[${err.code}] ${err.shortMessage}${err.upstream ? ` (${err.upstream})` : ''}` : err instanceof Error ? err.message : String(err);
      result = { name, ok: false, detail: why, ms: Date.now() - t };
      print(`  ✘ ${why}`);
    }
    st.steps.push(result);
    await hooks.afterStep?.(name, result);
    return result.ok;
  }
  const say = (line: string) => print(`  · ${line}`);
  const progress = (p: { message: string }) => say(p.message);

  let web: { contractId: bigint; doc: Deployment } | undefined;
  let holder: { contractId: bigint; ip: string } | undefined;
  let refusedDoc: Deployment | undefined;
  let agent: TwinAgent | undefined;
  const agents: TwinAgent[] = [];

  await step('Twins created and funded', async () => {
    const amounts = { bob: 5000n * TFT, charlie: 100n * TFT, dave: 1n * TFT };
    for (const name of ['bob', 'charlie', 'dave'] as const) {
      const identity = identityFromMnemonic(DEMO_USERS[name], 'sr25519');
      await grid.fund(identity.publicKey, amounts[name]);
      const c = await GridClient.connect({ chain: client, identity, relay: grid.relay.url, relayDomain: RELAY_DOMAIN });
      st.users[name] = c;
      const twin = await client.getTwin(c.twinId);
      check(twin !== null && twin.relay === RELAY_DOMAIN && twin.pk !== null, `twin of ${name} has no relay or bus key`);
      const balance = await c.balance();
      check(balance >= amounts[name], `${name}'s balance ${balance} is below what was funded`);
      say(`${name}: twin ${c.twinId}, ${formatTft(balance)}, relay ${twin.relay}`);
    }
    // Charlie's digital twin co-signs what Bob proposes; Dave's waits for Dave.
    agents.push(new TwinAgent({ client: st.users.charlie, authorized: [], cosign: [st.users.bob.twinId] }).start());
    agents.push(new TwinAgent({ client: st.users.dave, authorized: [] }).start());
    // Bob's digital twin obeys Charlie's signed commands.
    agent = new TwinAgent({ client: st.users.bob, authorized: [st.users.charlie.twinId] }).start();
    agents.push(agent);
    return `bob, charlie and dave have twins (${Object.values(st.users).map((u) => u.twinId).join(', ')}) with relay and bus key; digital twins of all three are on the bus`;
  });

  await step('VM with one public IP deployed and running', async () => {
    const bob = st.users.bob;
    const [first] = await bob.findNodes({ farmId: grid.farms[0]!.id, freeIps: 1, mru: '4G' });
    check(first !== undefined, 'no node with a free IP');
    const vm = bob.vm({ name: 'web', cpu: 2, memory: '4G', disks: [{ size: '20G', mountpoint: '/data' }], publicIp: true, sshKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIDemoKeyOnly demo@sc4it' });
    const r = await bob.deploy({ nodeId: first.id, deployment: vm, onProgress: progress });
    check(r.deployment.workloads.every((w) => w.result?.state === 'ok'), `workloads not ok: ${states(r.deployment)}`);
    const ip = (r.deployment.workloads.find((w) => w.type === 'ip')?.result?.data as { ip?: string } | undefined)?.ip;
    check(r.publicIps.length === 1 && ip === r.publicIps[0]!.ip, 'the VM did not get the reserved public IP');
    await until(async () => (await client.getContract(r.contractId))?.state.kind === 'Deployed', 20_000, 'the node never marked the contract Deployed on chain');
    web = { contractId: r.contractId, doc: r.deployment };
    remember('bob', bob, r.contractId, first.id, 'web VM (public IP)', r.deployment);
    return `contract ${r.contractId} on node ${first.id}: ${states(r.deployment)}; public IP ${ip}; chain state Deployed`;
  });

  await step('2-of-3 multisig deployment', async () => {
    const { bob, charlie, dave } = st.users;
    const n3 = node(2);
    const draft = bob.sign(
      bob.vm({ name: 'shared', signers: [{ twinId: bob.twinId, required: true }, { twinId: charlie.twinId }, { twinId: dave.twinId }], weightRequired: 2, description: 'owned by three twins, 2 of 3 must sign' }),
    );
    say(`bob proposes ${deploymentHash(draft)} to charlie and dave over the bus`);
    const got = await collectSignatures(bob, draft, { timeoutMs: 1500, onProgress: say });
    check(got.signed.includes(charlie.twinId), "charlie's twin did not co-sign");
    check(got.pending.includes(dave.twinId), 'dave should still be deciding');
    const weights = await bob.signatureStatus(got.deployment, 'strict-weights');
    const zos = await bob.signatureStatus(got.deployment, 'zos');
    check(weights.complete && weights.weightCollected === 2, `weight ${weights.weightCollected} of 2`);
    check(!zos.complete, 'a zos node should want every listed signer');
    say(`weight ${weights.weightCollected} of ${weights.weightRequired} (signed: ${weights.signed.join(', ')}; missing: ${weights.missing.join(', ')}); a zos node would say "${zos.error?.upstream}"`);
    const r = await bob.deploy({ nodeId: n3.id, deployment: got.deployment, policy: 'strict-weights', onProgress: progress });
    check(r.deployment.workloads.every((w) => w.result?.state === 'ok'), `workloads not ok: ${states(r.deployment)}`);
    remember('bob', bob, r.contractId, n3.id, 'multisig VM (2 of 3)', r.deployment);
    return `contract ${r.contractId} on node ${n3.id} (weights rule) runs with signatures of twins ${weights.signed.join(' and ')}: ${states(r.deployment)}`;
  });

  await step('Deployment rejected for a hash mismatch', async () => {
    const bob = st.users.bob;
    const n2 = node(1);
    const signed = bob.sign(bob.vm({ name: 'honest', memory: '2G' }));
    const { contractId, hash } = await bob.createContract({ nodeId: n2.id, deployment: signed });
    say(`contract ${contractId} registers hash ${hash}`);
    const zm = signed.workloads.find((w) => w.type === 'zmachine')!;
    const swapped = bob.sign({
      ...signed,
      contract_id: Number(contractId),
      workloads: signed.workloads.map((w) => (w === zm ? ({ ...zm, data: { ...(zm.data as object), compute_capacity: { cpu: 8, memory: 32 * 2 ** 30 } } } as typeof zm) : w)),
    });
    say(`but sends a deployment asking for 8 vCPUs and 32 GiB (hash ${deploymentHash(swapped)})`);
    await bob.sendDeployment(n2.id, swapped);
    const err = await bob.waitForState(contractId, 'ok', { nodeId: n2.id, timeoutMs: 30_000 }).then(
      () => null,
      (e: unknown) => e,
    );
    check(err instanceof DeployFailure, `expected the node to fail the deployment, got ${String(err)}`);
    check(err.upstream === 'contract hash does not match deployment hash', `node said: ${err.upstream}`);
    const c = await client.getContract(contractId);
    return `node ${n2.id} answered "${err.upstream}"; contract ${contractId} is ${c === null ? 'gone' : c.state.kind === 'Deleted' ? `deleted (${c.state.cause})` : c.state.kind}`;
  });

  await step("Contract refused: the farm's IPs are exhausted", async () => {
    const bob = st.users.bob;
    const n3 = node(2);
    const farm = grid.farms[1]!;
    const gw = await bob.deploy({ nodeId: n3.id, deployment: bob.vm({ name: 'gateway', publicIp: true }), onProgress: progress });
    holder = { contractId: gw.contractId, ip: gw.publicIps[0]!.ip };
    remember('bob', bob, gw.contractId, n3.id, 'gateway VM (last IP of tinyfarm)', gw.deployment);
    say(`contract ${gw.contractId} took ${holder.ip}, the only IP of ${farm.name}`);
    refusedDoc = bob.vm({ name: 'second', publicIp: true });
    const before = (await bob.listContracts()).length;
    const err = await bob.deploy({ nodeId: n3.id, deployment: refusedDoc }).then(
      () => null,
      (e: unknown) => e,
    );
    check(isSc4itError(err) && err.upstream === 'FarmHasNotEnoughPublicIPsFree', `expected FarmHasNotEnoughPublicIPsFree, got ${String(err)}`);
    check((await bob.listContracts()).length === before, 'a contract was created anyway');
    return `the chain refused a second public IP on ${farm.name}: [${err.code}] ${err.upstream}; nothing was created`;
  });

  await step('Consumption reports flowing', async () => {
    const from = (await client.getBlock()).number;
    await client.warp(3600 + 60);
    const wanted = ['ConsumptionReportReceived', 'NruConsumptionReportReceived', 'UpdatedUsedResources'];
    const deadline = Date.now() + 20_000;
    const live = st.deployments.filter((d) => d.contractId !== undefined).map((d) => d.contractId);
    let seen = new Map<string, Set<string>>();
    while (Date.now() < deadline) {
      seen = new Map();
      for (const e of st.events) {
        if (e.block <= from || !wanted.includes(e.name)) continue;
        const report = (e.data['report'] ?? e.data) as { contractId?: bigint };
        const id = report.contractId?.toString();
        if (id === undefined) continue;
        if (!seen.has(id)) seen.set(id, new Set());
        seen.get(id)!.add(e.name);
      }
      const running = [];
      for (const id of live) {
        const c = await client.getContract(BigInt(id));
        if (c !== null && c.state.kind !== 'Deleted') running.push(id);
      }
      if (running.length > 0 && running.every((id) => seen.get(id)?.has('ConsumptionReportReceived'))) {
        return `after one hour of chain time the nodes reported every running contract: ${running.map((id) => `#${id} (${[...seen.get(id)!].map((n) => n.replace('Received', '').replace('UpdatedUsedResources', 'UsedResources')).join(', ')})`).join('; ')}`;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new AssertionFailed(`no consumption report for some contracts (seen: ${[...seen.keys()].join(', ') || 'none'})`);
  });

  await step('Time warped by 48 hours: bills and balances', async () => {
    const bob = st.users.bob;
    const before = await bob.balance();
    const head = await client.getBlock();
    await client.warp(48 * 3600);
    const after = await bob.balance();
    const lines: string[] = [];
    let billed = 0n;
    for (const d of st.deployments.filter((x) => x.owner === 'bob')) {
      const bill = await bob.getBill(BigInt(d.contractId));
      const inWindow = bill.records.filter((r) => r.block > head.number);
      const sum = inWindow.reduce((n, r) => n + r.amountBilled, 0n);
      billed += sum;
      if (bill.records.length > 0) lines.push(`#${d.contractId} ${d.label}: ${inWindow.length} bills, ${formatTft(sum)}`);
    }
    for (const l of lines) say(l);
    say(`bob: ${formatTft(before)} → ${formatTft(after)}`);
    check(billed > 0n, 'nothing was billed in 48 hours');
    check(before - after === billed, `balance fell by ${before - after} planck but bills add up to ${billed}`);
    const web0 = web === undefined ? null : await bob.getDeployment(web.contractId);
    check(web0 === null || web0.workloads.every((w) => w.result?.state === 'ok'), 'the web VM stopped');
    return `48 h later bob paid ${formatTft(billed, 7)} in ${lines.length} contracts' bills, exactly what his balance lost`;
  });

  await step('Out of funds: grace period, paused, topped up, resumed', async () => {
    const dave = st.users.dave;
    const n2 = node(1);
    const r = await dave.deploy({ nodeId: n2.id, deployment: dave.vm({ name: 'tiny', cpu: 2, memory: '4G', disks: [{ size: '50G', mountpoint: '/srv' }] }), onProgress: progress });
    remember('dave', dave, r.contractId, n2.id, "dave's VM (1 TFT budget)", r.deployment);
    say(`dave deployed contract ${r.contractId} with ${formatTft(await dave.balance())}`);
    // billing starts once the node has reported what the contract uses
    await until(() => st.events.some((e) => e.name === 'UpdatedUsedResources' && (e.data['contractId'] as bigint | undefined) === r.contractId), 20_000, 'the node never reported the contract\'s resources');
    let c = await client.getContract(r.contractId);
    let hours = 0;
    while (c?.state.kind !== 'GracePeriod' && hours < 72) {
      await client.warp(1800);
      hours += 0.5;
      c = await client.getContract(r.contractId);
    }
    if (c?.state.kind !== 'GracePeriod') {
      const bills = await client.getBills(r.contractId);
      throw new AssertionFailed(`still ${c?.state.kind} after ${hours} h: balance ${formatTft(await dave.balance(), 7)}, ${bills.length} bills, last ${bills.at(-1)?.amountBilled ?? 0n} planck`);
    }
    say(`after ${hours} h dave's balance is ${formatTft(await dave.balance())}: contract ${r.contractId} entered the grace period`);
    const paused = await dave.waitForState(r.contractId, 'paused', { nodeId: n2.id, timeoutMs: 30_000 });
    check(paused.workloads.every((w) => w.result?.state === 'paused'), 'not paused');
    say(`node ${n2.id} paused it: ${states(paused)}`);
    await hooks.moment?.('grace', { contractId: r.contractId });
    await grid.fund(dave.identity.publicKey, 50n * TFT);
    say('topped up with 50 TFT');
    let blocks = 0;
    while (c?.state.kind === 'GracePeriod' && blocks < 200) {
      await client.mine(10);
      blocks += 10;
      c = await client.getContract(r.contractId);
    }
    check(c !== null && c.state.kind !== 'GracePeriod' && c.state.kind !== 'Deleted', `contract is ${c?.state.kind}`);
    const resumed = await dave.waitForState(r.contractId, 'ok', { nodeId: n2.id, timeoutMs: 30_000 });
    await hooks.moment?.('resumed', { contractId: r.contractId });
    return `paused after ${hours} h without funds, resumed ${blocks} blocks after the top-up (chain state ${c.state.kind}): ${states(resumed)}`;
  });

  await step('Cancellation frees its IP', async () => {
    const bob = st.users.bob;
    check(holder !== undefined && refusedDoc !== undefined, 'no IP holder from the earlier step');
    const farmId = grid.farms[1]!.id;
    const { freedIps } = await bob.cancel(holder.contractId, { onProgress: progress });
    check(freedIps.map((p) => p.ip).join() === holder.ip, `freed ${freedIps.map((p) => p.ip).join()}`);
    const farm = await client.getFarm(farmId);
    check(farm?.publicIps.find((p) => p.ip === holder!.ip)?.contractId === 0n, 'the farm still lists the IP as taken');
    await bob.waitForState(holder.contractId, 'deleted', { timeoutMs: 30_000 });
    const again = await bob.deploy({ nodeId: node(2).id, deployment: refusedDoc, onProgress: progress });
    check(ipsOf(await client.getContract(again.contractId))[0]?.ip === holder.ip, 'the new contract did not get the freed IP');
    remember('bob', bob, again.contractId, node(2).id, 'second VM (reused IP)', again.deployment);
    return `contract ${holder.contractId} cancelled, ${holder.ip} is free again, and the VM refused earlier now runs as contract ${again.contractId} with that IP`;
  });

  await step('Digital twin acts on a signed command', async () => {
    const { bob, charlie } = st.users;
    const doc = charlie.vm({ name: 'assist', memory: '1G' });
    const r = await commandTwin<{ contractId: string; workloads: { state: string }[] }>(charlie.peer!, charlie.identity, bob.twinId, 'deploy', { nodeId: node(0).id, deployment: doc });
    const c = await client.getContract(BigInt(r.contractId));
    check(c?.twinId === bob.twinId, 'the contract should belong to bob');
    check(r.workloads.every((w) => w.state === 'ok'), 'workloads not ok');
    const deployed = await bob.getDeployment(BigInt(r.contractId));
    remember('bob', bob, BigInt(r.contractId), node(0).id, 'VM deployed by bob\'s digital twin', stripForDoc(deployed));
    const refused = await commandTwin(st.users.dave.peer!, st.users.dave.identity, bob.twinId, 'contracts').then(
      () => null,
      (e: unknown) => e,
    );
    check(isSc4itError(refused) && refused.code === 'rpc.unauthorized', 'dave should not be able to command bob\'s twin');
    return `charlie's signed command made bob's twin deploy contract ${r.contractId} (owned and paid by bob); dave's command was refused [${refused.code}]`;
  });

  await step('Deployment verified and sealed data recovered', async () => {
    const bob = st.users.bob;
    check(web !== undefined, 'no web deployment');
    const good = await bob.verify(web.doc, web.contractId);
    check(good.ok, good.findings.filter((f) => !f.ok).map((f) => f.text).join('; '));
    const forged = structuredClone(web.doc);
    (forged.workloads.find((w) => w.type === 'zmount')!.data as { size: number }).size = 200 * 2 ** 30;
    const bad = await bob.verify(forged, web.contractId);
    check(!bad.ok, 'a forged file passed');
    const diff = bad.findings.find((f) => f.text.startsWith('differs from what the node runs'));
    check(diff !== undefined, 'no difference reported');
    const summary = await bob.readSummary(web.contractId);
    check(summary.name === 'web' && summary.twin === bob.twinId, 'wrong summary');
    const other = await st.users.charlie.readSummary(web.contractId).then(
      () => null,
      (e: unknown) => e,
    );
    check(isSc4itError(other) && other.code === 'crypto.no_recipient', 'charlie could open bob\'s sealed data');
    say(diff.text);
    return `the file matches contract ${web.contractId}; a forged copy is caught; bob reads his sealed summary (${summary.workloads?.length ?? 0} workloads), charlie cannot`;
  });

  await unsubscribe();
  return st;
}

function stripForDoc(d: Deployment): Deployment {
  const c = structuredClone(d);
  for (const w of c.workloads) delete (w as { result?: unknown }).result;
  return c;
}

/** The summary table printed at the end. */
export function summaryTable(steps: StepResult[]): string {
  const width = Math.max(...steps.map((s) => s.name.length), 4);
  const lines = steps.map((s) => `  ${s.ok ? '✔' : '✘'}  ${s.name.padEnd(width)}  ${(s.ms / 1000).toFixed(1).padStart(5)} s`);
  const ok = steps.filter((s) => s.ok).length;
  return [`  ${'   '}${'step'.padEnd(width)}   time`, ...lines, `  ${ok}/${steps.length} steps passed`].join('\n');
}
