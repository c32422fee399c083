import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import fc from 'fast-check';
import type { Identity } from '@sc4it/crypto';
import type { ChainCall, TxReceipt } from '@sc4it/types';
import { signTransaction } from '@sc4it/types';
import { describe, expect, it } from 'vitest';
import { createChain, devChainOptions, devSetup } from '../src/index.ts';
import { GENESIS, HASH, newChain, refusal, send } from './helpers.ts';

const nodeContract = (nodeId: number, hash: string, publicIps: number): ChainCall => ({
  method: 'createNodeContract',
  args: { nodeId, deploymentHash: hash, deploymentData: new Uint8Array(), publicIps },
});

describe('blocks and time', () => {
  it('instant mode: one 6-second block per successful call; refused calls make no block', async () => {
    const { client } = newChain();
    expect(await client.getBlock()).toMatchObject({ number: 0, timestamp: GENESIS });
    const dev = await devSetup(client, { nodes: 1, publicIps: 1 });
    const b0 = await client.getBlock();
    const r = await send(client, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname' } });
    expect(r.block).toBe(b0.number + 1);
    const b1 = await client.getBlock();
    expect(b1.timestamp).toBe(b0.timestamp + 6);
    expect(b1.hash).not.toBe(b0.hash);
    await refusal(send(client, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname' } }));
    expect(await client.getBlock()).toEqual(b1);
  });

  it('mine and warp move chain time; warp with a remainder ends exactly on target', async () => {
    const { client } = newChain();
    expect(await client.mine(10)).toMatchObject({ number: 10, timestamp: GENESIS + 60 });
    expect(await client.warp(3600)).toMatchObject({ number: 610, timestamp: GENESIS + 60 + 3600 });
    expect(await client.warp(7)).toMatchObject({ number: 612, timestamp: GENESIS + 3667 });
    expect(await client.mine(0)).toMatchObject({ number: 612 });
    expect(await refusal(client.warp(-1))).toBe('CouldNotDecode');
  });

  it('manual mode: calls wait for mine(); the next nonce counts waiting calls', async () => {
    const { chain, client } = newChain();
    const dev = await devSetup(client, { nodes: 1, publicIps: 0 });
    chain.setMode('manual');
    const bob = dev.accounts.bob.identity;
    const n0 = (await client.getAccount(bob.publicKey)).nonce;
    const p1 = client.submit(await signTransaction(client, bob, { method: 'createNameContract', args: { name: 'first' } }));
    expect((await client.getAccount(bob.publicKey)).nonce).toBe(n0 + 1);
    const p2 = client.submit(await signTransaction(client, bob, { method: 'createNameContract', args: { name: 'second' } }));
    // a call that fails inside the block: refused, the others still land
    const p3 = client.submit(await signTransaction(client, dev.accounts.charlie.identity, { method: 'cancelContract', args: { contractId: 42n } }));
    let settled = false;
    void p1.then(() => (settled = true));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    const head = await client.mine(1);
    const [r1, r2] = (await Promise.all([p1, p2])) as [TxReceipt, TxReceipt];
    expect(await refusal(p3)).toBe('ContractNotExists');
    expect(r1.block).toBe(head.number);
    expect(r2.block).toBe(head.number);
    expect([r1.result, r2.result]).toEqual([1n, 2n]);
    // event indices are positions inside the block
    expect(r2.events[0]!.index).toBeGreaterThan(r1.events[0]!.index);
  });

  it('interval mode produces blocks on its own', async () => {
    const { chain, client } = newChain({ mode: 'interval', blockIntervalMs: 10 });
    const dev = await devSetup(client, { nodes: 0, publicIps: 0 });
    const r = await send(client, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname' } });
    expect(r.result).toBe(1n);
    const seen: number[] = [];
    const unsub = await client.subscribeBlocks((b) => seen.push(b.number));
    await new Promise<void>((resolve) => {
      const t = setInterval(() => {
        if (seen.length >= 3) {
          clearInterval(t);
          resolve();
        }
      }, 5);
    });
    await unsub();
    expect(seen[1]).toBe(seen[0]! + 1);
    chain.close();
  });

  it('subscriptions: blocks and events, with history from a block', async () => {
    const { client } = newChain();
    const dev = await devSetup(client, { nodes: 1, publicIps: 1 });
    const from = (await client.getBlock()).number + 1;
    const live: string[] = [];
    const unsub = await client.subscribeEvents((e) => live.push(e.name));
    await send(client, dev.accounts.bob.identity, nodeContract(dev.nodes[0]!.id, HASH(1), 1));
    expect(live).toEqual(['ContractCreated', 'IPsReserved']);
    await unsub();
    const history: string[] = [];
    await client.subscribeEvents((e) => history.push(`${e.block}:${e.name}`), { fromBlock: from });
    expect(history).toEqual([`${from}:ContractCreated`, `${from}:IPsReserved`]);
    const early: string[] = [];
    await client.subscribeEvents((e) => early.push(e.name), { fromBlock: 0 });
    expect(early.filter((n) => n === 'TwinStored').length).toBe(6);
  });
});

describe('public IPs: no double allocation', () => {
  it('two contracts in the same block get different IPs; the one that does not fit is refused', async () => {
    const { chain, client } = newChain();
    const dev = await devSetup(client, { nodes: 2, publicIps: 3 });
    chain.setMode('manual');
    const [n1, n2] = [dev.nodes[0]!.id, dev.nodes[1]!.id];
    const p1 = client.submit(await signTransaction(client, dev.accounts.bob.identity, nodeContract(n1, HASH(1), 2)));
    const p2 = client.submit(await signTransaction(client, dev.accounts.charlie.identity, nodeContract(n2, HASH(1), 2)));
    const p3 = client.submit(await signTransaction(client, dev.accounts.dave.identity, nodeContract(n2, HASH(2), 1)));
    await client.mine(1);
    const r1 = await p1;
    expect(await refusal(p2)).toBe('FarmHasNotEnoughPublicIPsFree');
    const r3 = await p3;
    expect(r1.result).toBe(1n);
    expect(r3.result).toBe(2n);
    const farm = (await client.getFarm(dev.farmId))!;
    expect(farm.publicIps.map((p) => p.contractId)).toEqual([1n, 1n, 2n]);
  });

  it('property: any interleaving of creates and cancels keeps the farm and the contracts consistent', async () => {
    const { chain, client } = newChain();
    const dev = await devSetup(client, { nodes: 2, publicIps: 6 });
    const users: Identity[] = [dev.accounts.bob.identity, dev.accounts.charlie.identity, dev.accounts.dave.identity];
    const base = chain.snapshot();
    let hashSeq = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            op: fc.constantFrom('create', 'create', 'cancel'),
            user: fc.integer({ min: 0, max: 2 }),
            ips: fc.integer({ min: 0, max: 3 }),
            pick: fc.nat(),
            node: fc.integer({ min: 0, max: 1 }),
            sameBlock: fc.boolean(),
          }),
          { minLength: 1, maxLength: 25 },
        ),
        async (ops) => {
          chain.revert(base);
          chain.setMode('manual');
          // Reference model: first-free allocation over the farm's IP list.
          const owner: bigint[] = Array(6).fill(0n);
          const live = new Map<bigint, number>(); // contract → user
          let nextId = 1n;
          let batch: { p: Promise<TxReceipt>; expect: () => void | Promise<void> }[] = [];
          // A refused call does not use its nonce, so the signer's later calls in the same block fail (Future).
          let failed = new Set<number>();
          const flush = async () => {
            failed = new Set();
            if (batch.length === 0) return;
            await client.mine(1);
            for (const b of batch) {
              await b.p.catch(() => undefined);
              await b.expect();
            }
            batch = [];
          };
          for (const o of ops) {
            if (!o.sameBlock) await flush();
            const who = users[o.user]!;
            if (o.op === 'create') {
              const free = owner.filter((x) => x === 0n).length;
              const fits = o.ips <= free && !failed.has(o.user);
              if (!fits) failed.add(o.user);
              const id = nextId;
              if (fits) {
                nextId++;
                let need = o.ips;
                for (let i = 0; i < owner.length && need > 0; i++) if (owner[i] === 0n) { owner[i] = id; need--; }
                live.set(id, o.user);
              }
              const p = client.submit(await signTransaction(client, who, nodeContract(dev.nodes[o.node]!.id, HASH(++hashSeq), o.ips)));
              batch.push({
                p,
                expect: async () => {
                  // Awaited by flush, so a wrong outcome fails (and shrinks) this property run.
                  const out = await p.then((r) => ({ r }), (e: { upstream?: string }) => ({ e }));
                  if ('r' in out) expect(fits && out.r.result === id).toBe(true);
                  else expect(!fits && ['FarmHasNotEnoughPublicIPsFree', 'Future'].includes(out.e.upstream!)).toBe(true);
                },
              });
            } else {
              const mine = [...live].filter(([, u]) => u === o.user).map(([id]) => id);
              if (mine.length === 0 || failed.has(o.user)) continue;
              const id = mine[o.pick % mine.length]!;
              live.delete(id);
              for (let i = 0; i < owner.length; i++) if (owner[i] === id) owner[i] = 0n;
              batch.push({ p: client.submit(await signTransaction(client, who, { method: 'cancelContract', args: { contractId: id } })), expect: () => {} });
            }
          }
          await flush();
          await new Promise((r) => setImmediate(r));
          const farm = (await client.getFarm(dev.farmId))!;
          expect(farm.publicIps.map((p) => p.contractId)).toEqual(owner);
          for (const c of await client.listContracts({ kind: 'node' })) {
            const listed = (c.contractType as { publicIpsList: { ip: string }[] }).publicIpsList.map((p) => p.ip);
            if (c.state.kind === 'Deleted') continue;
            expect(listed).toEqual(farm.publicIps.filter((p) => p.contractId === c.contractId).map((p) => p.ip));
          }
          chain.setMode('instant');
        },
      ),
      { numRuns: 25, seed: 5 },
    );
  });
});

describe('atomicity, snapshots, dump and load', () => {
  it('snapshot / revert restore the exact state, and a snapshot can be reused', async () => {
    const { chain, client } = newChain();
    const dev = await devSetup(client, { nodes: 1, publicIps: 2 });
    const before = chain.dumpState();
    const snap = await client.snapshot();
    await send(client, dev.accounts.bob.identity, nodeContract(dev.nodes[0]!.id, HASH(1), 2));
    await client.warp(7200);
    expect(chain.dumpState()).not.toBe(before);
    await client.revert(snap);
    expect(chain.dumpState()).toBe(before);
    await send(client, dev.accounts.charlie.identity, nodeContract(dev.nodes[0]!.id, HASH(1), 1));
    await client.revert(snap);
    expect(chain.dumpState()).toBe(before);
    expect(await refusal(client.revert('0xdead'))).toBe('UnknownSnapshot');
  });

  it('dump / load: a loaded chain continues exactly like the original', async () => {
    const { chain, client } = newChain();
    const dev = await devSetup(client, { nodes: 1, publicIps: 2 });
    await send(client, dev.accounts.bob.identity, nodeContract(dev.nodes[0]!.id, HASH(1), 1));
    await send(client, dev.nodes[0]!.account.identity, {
      method: 'reportContractResources',
      args: { resources: [{ contractId: 1n, used: { cru: 1n, mru: 1n << 31n, sru: 0n, hru: 0n } }] },
    });
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chain-dump-')), 'state.json');
    chain.dumpStateToFile(file);
    const copy = createChain(devChainOptions({ loadStateFile: file }));
    expect(copy.dumpState()).toBe(chain.dumpState());
    // sr25519 signatures are randomized: sign once, submit the same transaction to both
    const tx = await signTransaction(client, dev.accounts.charlie.identity, nodeContract(dev.nodes[0]!.id, HASH(2), 1));
    const [a, b] = [await client.submit(tx), await copy.client().submit(tx)];
    expect(b).toEqual(a);
    await Promise.all([client.warp(3 * 3600), copy.client().warp(3 * 3600)]);
    expect(copy.dumpState()).toBe(chain.dumpState());
    expect(await copy.client().getBills(1n)).toEqual(await client.getBills(1n));
    expect(() => copy.loadState('{"format":"nope"}')).toThrow(/not a sc4it-chain-state/);
  });
});
