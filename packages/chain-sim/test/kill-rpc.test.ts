/**
 * Issue 5: "committed blocks survive kill -9 (kill the process mid-load, restart from the same
 * --state directory, compare state)" — against the real `bin/sc4it-chain.js` (from dist/) over
 * JSON-RPC, with signed calls in flight when the process dies.
 *
 * A few dev accounts fire a burst over their own connections: Bob's node contracts with distinct
 * hashes (a few with a public IP), Dave's and Alice's transfers to each other, all signed ahead so
 * the chain has hundreds of calls to verify and apply; Charlie, signing as his receipts come back,
 * creates contracts with and without IPs and cancels them. When enough receipts have come back the
 * test sends SIGKILL from inside the receipt handler, with hundreds of calls still in flight. The
 * chain is restarted from the same directory and checked against what the client saw before the
 * kill, never against the chain's own dump:
 * - every acknowledged call (receipt received = committed) is there with its events at the same
 *   block and index, its contract with the IPs of its receipt, its transfer in the balances;
 * - every block announced before the kill is there: the watcher saw numbers without a gap, the
 *   recovered head is at least the highest one, every event the watcher saw is unchanged and, when
 *   the recovered head is the last block the watcher saw, its hash is the one announced (the RPC
 *   has no lookup of a past block's hash, and the hash chains its parent);
 * - a call whose receipt never came may or may not have landed: calls of one signer apply in nonce
 *   order, so the signer's nonce after the restart says which did, and each is all or nothing
 *   (its contract exists with all of its IPs, or there is none; its transfer moved the amount, or
 *   nothing moved);
 * - the farm's IPs and the contracts agree (no IP held twice, every live contract holds exactly
 *   its IPs, no deleted contract holds one);
 * - the chain keeps serving: a replayed call is `Stale`, one from the future `Future`, the first
 *   call that never landed can be resubmitted as signed and lands once, new calls succeed.
 * A second kill after the load has settled must then give back exactly the same chain.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Identity } from '@sc4it/crypto';
import type { BlockInfo, ChainCall, ChainEvent, PublicIp, SignedTransaction, TxReceipt } from '@sc4it/types';
import { signTransaction } from '@sc4it/types';
import { afterEach, describe, expect, it } from 'vitest';
import { type DevAccountName, type RpcChainClient, connectChain, devIdentity } from '../src/index.ts';

const pkg = join(dirname(fileURLToPath(import.meta.url)), '..');
const BIN = join(pkg, 'bin', 'sc4it-chain.js');
const procs: ChildProcess[] = [];
const clients: RpcChainClient[] = [];
const dirs: string[] = [];
// Also after a failure or a timeout: no chain left running, no state directory left behind.
afterEach(async () => {
  for (const p of procs.splice(0)) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
  for (const c of clients.splice(0)) await c.close().catch(() => {});
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

interface Running {
  proc: ChildProcess;
  url: string;
  out: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the real binary, as readme.test.ts does; resolves when it prints its URL. */
function startChain(args: string[]): Promise<Running> {
  const proc = spawn(process.execPath, [BIN, '--host', '127.0.0.1', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  procs.push(proc);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => proc.once('exit', (code, signal) => r({ code, signal })));
  let out = '';
  return new Promise((resolve, reject) => {
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (ws:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) resolve({ proc, url: m[1]!, out: () => out, exited });
    });
    proc.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    void exited.then(({ code }) => reject(new Error(`sc4it-chain exited ${code}: ${out}`)));
  });
}

async function connect(url: string): Promise<RpcChainClient> {
  const c = await connectChain(url);
  clients.push(c);
  return c;
}

/** A refused call's upstream error name (fails when the call succeeds). */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { upstream?: string }).upstream ?? `no-upstream:${String(err)}`;
  }
  throw new Error('call succeeded but should have been refused');
}

type Op =
  | { kind: 'create'; nodeId: number; hash: string; data: Uint8Array; ips: number }
  | { kind: 'cancel'; target: Sent }
  | { kind: 'transfer'; to: DevAccountName; amount: bigint };

interface Sent {
  who: DevAccountName;
  nonce: number;
  op: Op;
  tx: SignedTransaction;
  receipt?: TxReceipt;
  /** Why the call settled without a receipt (the connection died with the chain). */
  error?: unknown;
  /** create: its contract id (from the receipt). */
  contractId?: bigint;
}

interface Lane {
  who: DevAccountName;
  id: Identity;
  client: RpcChainClient;
  nextNonce: number;
  inFlight: number;
  sent: Sent[];
}

/**
 * Bob, Dave and Alice fire calls signed ahead (so the chain, not the test's signing, is the
 * bottleneck and has a backlog when it dies); Charlie signs as receipts come back, since he
 * cancels contracts whose ids only his receipts tell.
 */
const BULK_CREATOR: DevAccountName = 'bob';
const CANCELER: DevAccountName = 'charlie';
const CONTRACT_SIGNERS: DevAccountName[] = [BULK_CREATOR, CANCELER];
const TRANSFER_PAIRS: [DevAccountName, DevAccountName][] = [
  ['dave', 'alice'],
  ['alice', 'dave'],
];
/** Bob's signed-ahead creates that take one IP each (never canceled), so he races Charlie for IPs. */
const BULK_IP_EVERY = 70;
const FARM_NAME = 'sc4it-dev-farm';
const u8 = (s: string): Uint8Array => new TextEncoder().encode(s);

interface Scenario {
  /** Options of the first run (the restarts use instant blocks so the head stays put while checking). */
  args: string[];
  /** Bob's signed-ahead creates; Dave's and Alice's signed-ahead transfers (each). */
  bulkCreates: number;
  bulkTransfers: number;
  /** Calls Charlie keeps in flight. */
  depth: number;
  /** Charlie's acknowledged cancels before the signed-ahead calls go out. */
  warmCancels: number;
  /** Receipts to collect after the signed-ahead calls went out, before the kill. */
  killAt: number;
  /** Deployment hash space of this scenario. */
  hashBase: number;
}

async function crashUnderLoad(sc: Scenario): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'chain-kill-rpc-'));
  dirs.push(dir);
  try {
    await run(sc, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function run(sc: Scenario, dir: string): Promise<void> {
  const first = await startChain(['--state', dir, '--dev', ...sc.args]);
  const watcher = await connect(first.url);
  const announced: BlockInfo[] = [];
  const heard: ChainEvent[] = [];
  await watcher.subscribeBlocks((b) => announced.push(b));
  await watcher.subscribeEvents((e) => heard.push(e));
  // Requests on one connection are answered in order: every block after `start` is announced.
  const start = await watcher.getBlock();

  const names: DevAccountName[] = ['alice', 'bob', 'charlie', 'dave'];
  const before = new Map<DevAccountName, { balance: bigint; nonce: number; twinId: number }>();
  for (const n of names) {
    const id = devIdentity(n);
    const acct = await watcher.getAccount(id.publicKey);
    const twin = await watcher.getTwinByAccount(id.publicKey);
    expect(twin).not.toBeNull();
    before.set(n, { balance: acct.balance, nonce: acct.nonce, twinId: twin!.id });
  }
  const farm = (await watcher.listFarms()).find((f) => f.name === FARM_NAME)!;
  expect(farm.publicIps.length).toBeGreaterThanOrEqual(2);
  expect(farm.publicIps.every((p) => p.contractId === 0n)).toBe(true);
  const nodeIds = (await watcher.listNodes({ farmId: farm.id })).map((n) => n.id);
  expect(nodeIds.length).toBeGreaterThanOrEqual(1);
  const contractsBefore = new Set((await watcher.listContracts()).map((c) => c.contractId));

  // ---- the burst ---------------------------------------------------------------------------------
  let hashSeq = 0;
  const nextHash = (): { nodeId: number; hash: string; data: Uint8Array } => {
    const n = sc.hashBase + ++hashSeq;
    return { nodeId: nodeIds[n % nodeIds.length]!, hash: n.toString(16).padStart(32, '0'), data: u8(`{"vm":${n}}`) };
  };
  const callOf = (op: Op): ChainCall => {
    if (op.kind === 'create') {
      return { method: 'createNodeContract', args: { nodeId: op.nodeId, deploymentHash: op.hash, deploymentData: op.data, publicIps: op.ips } };
    }
    if (op.kind === 'cancel') return { method: 'cancelContract', args: { contractId: op.target.contractId! } };
    return { method: 'transfer', args: { to: devIdentity(op.to).publicKey, amount: op.amount } };
  };
  const lanes = new Map<DevAccountName, Lane>();
  for (const who of [...CONTRACT_SIGNERS, ...TRANSFER_PAIRS.map(([from]) => from)]) {
    const id = devIdentity(who);
    // one connection per signer keeps its calls, and so its nonces, in order
    lanes.set(who, { who, id, client: await connect(first.url), nextNonce: before.get(who)!.nonce, inFlight: 0, sent: [] });
  }
  const sign = async (lane: Lane, op: Op): Promise<Sent> => {
    const nonce = lane.nextNonce++;
    return { who: lane.who, nonce, op, tx: await signTransaction(lane.client, lane.id, callOf(op), nonce) };
  };
  const ahead = new Map<DevAccountName, Sent[]>();
  const bob = lanes.get(BULK_CREATOR)!;
  const bobs: Sent[] = [];
  for (let i = 0; i < sc.bulkCreates; i++) bobs.push(await sign(bob, { kind: 'create', ...nextHash(), ips: i % BULK_IP_EVERY === 1 ? 1 : 0 }));
  ahead.set(BULK_CREATOR, bobs);
  let transferSeq = 0;
  for (const [from, to] of TRANSFER_PAIRS) {
    const list: Sent[] = [];
    for (let i = 0; i < sc.bulkTransfers; i++) list.push(await sign(lanes.get(from)!, { kind: 'transfer', to, amount: 1_000_000n + BigInt(++transferSeq) }));
    ahead.set(from, list);
  }
  // IPs Charlie may claim: not held by Bob's creates, nor by Charlie's own creates until their cancel is acknowledged.
  let ipSlots = farm.publicIps.length - bobs.filter((s) => s.op.kind === 'create' && s.op.ips > 0).length;
  expect(ipSlots).toBeGreaterThanOrEqual(2);

  let acks = 0;
  let bulkFired = false;
  let bulkAcks = 0; // receipts since the signed-ahead calls went out
  let killed = false;
  let inFlightAtKill = 0;
  const unexpected: string[] = [];
  const settling: Promise<void>[] = [];
  let onKill!: () => void;
  let onStall!: (e: Error) => void;
  const killedP = new Promise<void>((res, rej) => {
    onKill = res;
    onStall = rej;
  });
  const kill = () => {
    if (killed) return;
    killed = true;
    inFlightAtKill = [...lanes.values()].reduce((a, l) => a + l.inFlight, 0);
    first.proc.kill('SIGKILL');
    onKill();
  };

  const charlie = lanes.get(CANCELER)!;
  const live: Sent[] = []; // Charlie's acknowledged creates, not canceled yet
  let seed = 7;
  const rnd = (): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31;
  };
  const charliesNext = (): Op => {
    const r = rnd();
    const withIps = live.findIndex((s) => s.op.kind === 'create' && s.op.ips > 0);
    if (live.length > 0 && (r < 0.3 || (ipSlots === 0 && withIps >= 0 && r < 0.6))) {
      return { kind: 'cancel', target: live.splice(withIps >= 0 && r < 0.45 ? withIps : 0, 1)[0]! };
    }
    let ips = 0;
    if (ipSlots > 0 && r < 0.75) ips = ipSlots >= 2 && rnd() < 0.25 ? 2 : 1;
    ipSlots -= ips;
    return { kind: 'create', ...nextHash(), ips };
  };

  const submit = (lane: Lane, s: Sent, then?: () => void): void => {
    lane.sent.push(s);
    lane.inFlight++;
    settling.push(
      lane.client.submit(s.tx).then(
        (r) => {
          lane.inFlight--;
          s.receipt = r;
          acks++;
          if (s.op.kind === 'create') s.contractId = r.result as bigint;
          if (lane === charlie && s.op.kind === 'create') live.push(s);
          if (s.op.kind === 'cancel' && s.op.target.op.kind === 'create') ipSlots += s.op.target.op.ips;
          if (bulkFired && ++bulkAcks >= sc.killAt) kill();
          then?.();
        },
        (err: unknown) => {
          lane.inFlight--;
          s.error = err;
          // Only a lost connection is expected; a refusal means the burst itself is wrong.
          if ((err as { name?: string }).name !== 'TransportError' || !killed) {
            unexpected.push(`${lane.who} nonce ${s.nonce} ${s.op.kind}: ${String(err)}`);
            onStall(new Error(`unexpected failure: ${unexpected[0]}`));
          }
        },
      ),
    );
  };
  let pumping = false;
  const pump = async (): Promise<void> => {
    if (pumping) return;
    pumping = true;
    try {
      while (!killed && charlie.inFlight < sc.depth) {
        const s = await sign(charlie, charliesNext());
        if (killed) return; // signed but never sent: not part of the burst
        submit(charlie, s, pumpAndCheck);
      }
    } finally {
      pumping = false;
    }
  };
  // Charlie alone first, until some of his cancels are in; then everything else at once,
  // interleaved, so the chain has a backlog of every kind of call when it is killed.
  let onWarm!: () => void;
  const warm = new Promise<void>((r) => (onWarm = r));
  const warmCheck = () => {
    if (charlie.sent.filter((s) => s.op.kind === 'cancel' && s.receipt).length >= sc.warmCancels) onWarm();
  };
  const pumpAndCheck = () => {
    warmCheck();
    void pump();
  };
  void pump();
  await Promise.race([warm, killedP]);
  const lists = [...ahead.entries()];
  const longest = Math.max(...lists.map(([, l]) => l.length));
  bulkFired = true;
  for (let i = 0; i < longest; i++) for (const [who, list] of lists) if (i < list.length) submit(lanes.get(who)!, list[i]!);
  await killedP;
  const exit = await first.exited;
  expect(exit.signal).toBe('SIGKILL');
  // Every call sent settles: a receipt that made it out before the kill, or a transport error.
  for (let n = 0; n < settling.length; ) {
    const m = settling.length;
    await Promise.allSettled(settling.slice(n, m));
    n = m;
  }
  expect(unexpected).toEqual([]);
  expect(inFlightAtKill).toBeGreaterThan(0);

  const laneList = [...lanes.values()];
  const all = laneList.flatMap((l) => l.sent);
  const acked = all.filter((s) => s.receipt);
  expect(acked.length).toBeGreaterThanOrEqual(sc.killAt);
  expect(all.length - acked.length).toBeGreaterThan(0); // some calls never got a receipt
  const highestAcked = Math.max(...acked.map((s) => s.receipt!.block));
  // (an interval chain may mine a block between the subscriptions and `getBlock`)
  const seenBlocks = announced.filter((b) => b.number > start.number);
  const seenEvents = heard.filter((e) => e.block > start.number);
  // The watcher saw every block after `start` once, numbered without a gap.
  expect(seenBlocks.map((b) => b.number)).toEqual(Array.from({ length: seenBlocks.length }, (_, i) => start.number + 1 + i));
  const lastSeen = seenBlocks.at(-1) ?? start;

  // ---- restart from the same directory (a new port) ------------------------------------------------
  const second = await startChain(['--state', dir, '--dev']);
  const rpc = await connect(second.url);
  const head = await rpc.getBlock();
  expect(second.out()).toContain(`at block ${head.number},`);
  expect(head.number).toBeGreaterThanOrEqual(highestAcked);
  expect(head.number).toBeGreaterThanOrEqual(lastSeen.number);
  if (head.number === lastSeen.number) expect(head).toEqual(lastSeen);

  // Events: every one the watcher or a receipt saw is there, unchanged, at its block and index;
  // every block before the last announced one has exactly the events the watcher saw.
  const events = await rpc.eventsFrom(start.number + 1);
  const at = new Map(events.map((e) => [`${e.block}:${e.index}`, e]));
  for (const e of seenEvents) expect(at.get(`${e.block}:${e.index}`)).toEqual(e);
  for (const s of acked) {
    expect(s.receipt!.events.length).toBeGreaterThan(0);
    for (const e of s.receipt!.events) expect(at.get(`${e.block}:${e.index}`)).toEqual(e);
  }
  const complete = (list: ChainEvent[]) => list.filter((e) => e.block < lastSeen.number);
  expect(complete(events)).toEqual(complete(seenEvents));

  // Nonces: calls apply in nonce order, so the nonce says which calls landed.
  const nonceAfter = new Map<DevAccountName, number>();
  for (const l of laneList) {
    const n = (await rpc.getAccount(l.id.publicKey)).nonce;
    const ackedNonces = l.sent.filter((s) => s.receipt).map((s) => s.nonce);
    expect(n).toBeGreaterThan(Math.max(...ackedNonces));
    expect(n).toBeLessThanOrEqual(l.nextNonce);
    nonceAfter.set(l.who, n);
  }
  const landed = (s: Sent) => s.nonce < nonceAfter.get(s.who)!;
  const stats = { sent: all.length, acked: acked.length, inFlightAtKill, lostLanded: 0, lostDropped: 0 };
  for (const s of all) if (!s.receipt) stats[landed(s) ? 'lostLanded' : 'lostDropped']++;
  expect(stats.lostDropped, 'the chain died with calls still to apply').toBeGreaterThan(0);

  // Contracts: all or nothing, with the IPs of their receipt.
  const cancelOf = new Map<Sent, Sent>();
  for (const s of all) if (s.op.kind === 'cancel') cancelOf.set(s.op.target, s);
  const landedIds = new Set<bigint>();
  for (const s of all) {
    if (s.op.kind !== 'create') continue;
    const { nodeId, hash, data, ips } = s.op;
    const byHash = await rpc.getContractByHash(nodeId, hash);
    if (!landed(s)) {
      expect(byHash, `${s.who} nonce ${s.nonce} did not land`).toBeNull();
      continue;
    }
    const cancel = cancelOf.get(s);
    const canceled = cancel !== undefined && landed(cancel);
    const id = s.receipt ? (s.receipt.result as bigint) : byHash!.contractId;
    expect(landedIds.has(id)).toBe(false);
    landedIds.add(id);
    const c = await rpc.getContract(id);
    expect(c).toMatchObject({
      contractId: id,
      twinId: before.get(s.who)!.twinId,
      state: canceled ? { kind: 'Deleted', cause: 'CanceledByUser' } : { kind: 'Created' },
      contractType: { kind: 'node', nodeId, deploymentHash: hash, deploymentData: data, publicIps: ips },
    });
    if (canceled) {
      expect(byHash).toBeNull(); // a canceled contract's hash is free again
      if (cancel.receipt) expect(cancel.receipt.events.map((e) => e.name)).toContain('NodeContractCanceled');
    } else {
      expect(byHash?.contractId).toBe(id);
      const list = (c!.contractType as { publicIpsList: PublicIp[] }).publicIpsList;
      if (s.receipt) {
        const reserved = s.receipt.events.find((e) => e.name === 'IPsReserved')?.data['publicIps'] ?? [];
        expect(list).toEqual(reserved);
      }
      expect(list.length).toBe(ips);
      for (const ip of list) expect(ip.contractId).toBe(id);
    }
  }
  // No contract beyond the landed creates.
  for (const who of CONTRACT_SIGNERS) {
    const mine = (await rpc.listContracts({ twinId: before.get(who)!.twinId })).filter((c) => !contractsBefore.has(c.contractId));
    const expected = all.filter((s) => s.who === who && s.op.kind === 'create' && landed(s));
    expect(mine.length).toBe(expected.length);
    for (const c of mine) expect(landedIds.has(c.contractId)).toBe(true);
  }

  // Transfers: balances moved by exactly the landed ones.
  const transferBalances = async (): Promise<void> => {
    for (const [who] of TRANSFER_PAIRS) {
      let want = before.get(who)!.balance;
      for (const s of all) {
        if (s.op.kind !== 'transfer' || !landed(s)) continue;
        if (s.who === who) want -= s.op.amount;
        if (s.op.to === who) want += s.op.amount;
      }
      expect((await rpc.getAccount(devIdentity(who).publicKey)).balance, `${who}'s balance`).toBe(want);
    }
  };
  await transferBalances();

  // Farm IPs and contracts agree.
  const checkIps = async (): Promise<number> => {
    const f = (await rpc.getFarm(farm.id))!;
    expect(f.publicIps.map((p) => p.ip)).toEqual(farm.publicIps.map((p) => p.ip));
    const holder = new Map<string, bigint>();
    for (const c of await rpc.listContracts({ kind: 'node' })) {
      const d = c.contractType as { publicIps: number; publicIpsList: PublicIp[] };
      if (c.state.kind === 'Deleted') {
        expect(f.publicIps.filter((p) => p.contractId === c.contractId)).toEqual([]);
        continue;
      }
      expect(d.publicIpsList.length).toBe(d.publicIps);
      for (const ip of d.publicIpsList) {
        expect(holder.get(ip.ip), `${ip.ip} held twice`).toBeUndefined();
        holder.set(ip.ip, c.contractId);
      }
    }
    for (const p of f.publicIps) expect(p.contractId, p.ip).toBe(holder.get(p.ip) ?? 0n);
    return f.publicIps.length - holder.size;
  };
  await checkIps();

  // ---- it keeps serving ------------------------------------------------------------------------------
  for (const l of laneList) {
    const n = nonceAfter.get(l.who)!;
    // (the chain reads its sockets in turn, so a signer may have had nothing applied yet)
    const lastLanded = l.sent.filter(landed).at(-1);
    if (lastLanded) expect(await refusal(rpc.submit(lastLanded.tx))).toBe('Stale');
    const firstLost = l.sent.find((s) => !landed(s));
    let next = n;
    if (firstLost) {
      // The call the crash swallowed, resubmitted exactly as signed, lands now, once.
      const r = await rpc.submit(firstLost.tx);
      expect(r.block).toBeGreaterThan(head.number);
      if (firstLost.op.kind === 'create') {
        expect((await rpc.getContractByHash(firstLost.op.nodeId, firstLost.op.hash))?.contractId).toBe(r.result);
      }
      if (firstLost.op.kind === 'cancel') {
        expect((await rpc.getContract(firstLost.op.target.contractId!))?.state).toEqual({ kind: 'Deleted', cause: 'CanceledByUser' });
      }
      expect(await refusal(rpc.submit(firstLost.tx))).toBe('Stale');
      next = n + 1;
      nonceAfter.set(l.who, next);
    }
    expect((await rpc.getAccount(l.id.publicKey)).nonce).toBe(next);
    const hashN = sc.hashBase + 900_000 + laneList.indexOf(l);
    const call: ChainCall = {
      method: 'createNodeContract',
      args: { nodeId: nodeIds[0]!, deploymentHash: hashN.toString(16).padStart(32, '0'), deploymentData: u8('{}'), publicIps: 0 },
    };
    const future = await signTransaction(rpc, l.id, call, next + 1);
    expect(await refusal(rpc.submit(future))).toBe('Future');
    const fresh = await rpc.submit(await signTransaction(rpc, l.id, call));
    expect(typeof fresh.result).toBe('bigint');
    expect((await rpc.getAccount(l.id.publicKey)).nonce).toBe(next + 1);
    // and the call signed for the future is now the next one
    expect(await refusal(rpc.submit(future))).toBe('ContractIsNotUnique');
  }
  // A new contract takes a free IP, and the farm still agrees with the contracts.
  const free = await checkIps();
  expect(free).toBeGreaterThan(0);
  const withIp = await rpc.submit(
    await signTransaction(rpc, devIdentity(BULK_CREATOR), {
      method: 'createNodeContract',
      args: { nodeId: nodeIds[0]!, deploymentHash: (sc.hashBase + 999_999).toString(16).padStart(32, '0'), deploymentData: u8('{}'), publicIps: 1 },
    }),
  );
  expect(withIp.events.map((e) => e.name)).toEqual(expect.arrayContaining(['ContractCreated', 'IPsReserved']));
  expect(await checkIps()).toBe(free - 1);

  // ---- a second kill once everything settled gives back exactly the same chain -----------------------
  const settledHead = await rpc.getBlock();
  const settledEvents = await rpc.eventsFrom(start.number + 1);
  const settledDump = await rpc.dumpState();
  second.proc.kill('SIGKILL');
  expect((await second.exited).signal).toBe('SIGKILL');
  const third = await startChain(['--state', dir, '--dev']);
  const again = await connect(third.url);
  expect(await again.getBlock()).toEqual(settledHead);
  expect(await again.eventsFrom(start.number + 1)).toEqual(settledEvents);
  expect(await again.dumpState()).toBe(settledDump);
  const last = await again.submit(await signTransaction(again, devIdentity('dave'), { method: 'transfer', args: { to: devIdentity('alice').publicKey, amount: 1n } }));
  expect(last.block).toBe(settledHead.number + 1);
  third.proc.kill('SIGTERM');
  expect((await third.exited).code).toBe(0);
  // One line per run, so repeated runs show what the kill caught.
  console.info(
    `kill-rpc ${sc.args.join(' ') || 'instant'}: sent ${stats.sent}, acked ${stats.acked}, in flight at kill ${stats.inFlightAtKill}, ` +
      `unacked landed ${stats.lostLanded}, dropped ${stats.lostDropped}; head ${head.number} (highest acked ${highestAcked}, last announced ${lastSeen.number})`,
  );
}

describe('kill -9 of sc4it-chain with signed calls in flight over RPC', () => {
  it('instant blocks: every acknowledged call survives, the others all or nothing', () =>
    crashUnderLoad({ args: [], bulkCreates: 300, bulkTransfers: 150, depth: 8, warmCancels: 5, killAt: 60, hashBase: 0x100000 }), 120_000);

  it('interval blocks (--block-time 0.05): every acknowledged block survives, pending calls all or nothing', () =>
    crashUnderLoad({ args: ['--block-time', '0.05'], bulkCreates: 300, bulkTransfers: 150, depth: 8, warmCancels: 5, killAt: 60, hashBase: 0x200000 }), 120_000);
});
