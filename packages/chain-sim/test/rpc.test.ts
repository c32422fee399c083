import fc from 'fast-check';
import { encodeJson, decodeJson, signTransaction, type ChainEvent, type BlockInfo } from '@sc4it/types';
import WebSocket from 'ws';
import { afterEach, describe, expect, it } from 'vitest';
import { type ChainServer, RpcHandler, connectChain, devSetup, serveChain } from '../src/index.ts';
import { HASH, newChain, refusal, send } from './helpers.ts';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanup.length) await cleanup.pop()!();
});

async function served() {
  const { chain, client: local } = newChain();
  const server: ChainServer = await serveChain(chain, { host: '127.0.0.1', port: 0 });
  cleanup.push(() => server.close());
  const rpc = await connectChain(server.url);
  cleanup.push(() => rpc.close());
  return { chain, local, server, rpc };
}

/** A raw WebSocket for malformed traffic. */
async function raw(url: string) {
  const ws = new WebSocket(url);
  await new Promise((r, j) => ws.once('open', r).once('error', j));
  cleanup.push(() => ws.terminate());
  const inbox: unknown[] = [];
  const waiters: ((v: unknown) => void)[] = [];
  ws.on('message', (d) => {
    const v = JSON.parse(d.toString());
    const w = waiters.shift();
    if (w) w(v);
    else inbox.push(v);
  });
  const next = () => (inbox.length ? Promise.resolve(inbox.shift()) : new Promise((r) => waiters.push(r)));
  return { ws, next, send: (t: string) => ws.send(t) };
}

describe('JSON-RPC client and server', () => {
  it('the RPC client behaves like the in-process client', async () => {
    const { local, rpc, server } = await served();
    expect(server.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+$/);
    const dev = await devSetup(rpc, { nodes: 2, publicIps: 2 });
    const bob = dev.accounts.bob.identity;
    const r = await send(rpc, bob, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array([7, 7]), publicIps: 1 },
    });
    expect(r.result).toBe(1n);
    expect(r.events.map((e) => e.name)).toEqual(['ContractCreated', 'IPsReserved']);
    expect(await rpc.getContract(1n)).toEqual(await local.getContract(1n));
    expect(await rpc.getContractByHash(dev.nodes[0]!.id, HASH(1))).toEqual(await local.getContractByHash(dev.nodes[0]!.id, HASH(1)));
    expect(await rpc.listNodes({ farmId: dev.farmId, freeIps: 1 })).toEqual(await local.listNodes({ farmId: dev.farmId, freeIps: 1 }));
    expect(await rpc.listContracts({ twinId: dev.accounts.bob.twinId })).toEqual(await local.listContracts({ twinId: dev.accounts.bob.twinId }));
    expect(await rpc.getAccount(bob.publicKey)).toEqual(await local.getAccount(bob.publicKey));
    expect(await rpc.getTwin(dev.accounts.bob.twinId)).toEqual(await local.getTwin(dev.accounts.bob.twinId));
    expect(await rpc.getFarm(dev.farmId)).toEqual(await local.getFarm(dev.farmId));
    expect(await rpc.getPricingPolicy()).toEqual(await local.getPricingPolicy());
    expect(await rpc.getTftPrice()).toBe(50);
    expect(await rpc.getNodeByTwin(dev.nodes[1]!.twinId)).toEqual(await local.getNodeByTwin(dev.nodes[1]!.twinId));
    expect(await rpc.getTwinByAccount(bob.publicKey)).toEqual(await local.getTwinByAccount(bob.publicKey));
    expect(await rpc.listFarms()).toEqual(await local.listFarms());
    // refusals carry tfchain's name and the same code
    const err = await send(rpc, bob, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 0 },
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'ChainError', code: 'chain.contract_is_not_unique', upstream: 'ContractIsNotUnique' });
    // dev controls
    const snap = await rpc.snapshot();
    await rpc.warp(7200);
    expect((await rpc.getBills(1n)).length).toBeGreaterThan(0);
    await rpc.revert(snap);
    expect(await rpc.getBills(1n)).toEqual([]);
    expect((await rpc.mine(3)).number).toBe((await local.getBlock()).number);
    expect(await rpc.getBlockMode()).toEqual({ mode: 'instant', blockIntervalMs: 6000 });
  });

  it('subscriptions deliver blocks and events, replay history, and stop on unsubscribe', async () => {
    const { rpc } = await served();
    const dev = await devSetup(rpc, { nodes: 1, publicIps: 1 });
    const events: ChainEvent[] = [];
    const blocks: BlockInfo[] = [];
    const unE = await rpc.subscribeEvents((e) => events.push(e));
    const unB = await rpc.subscribeBlocks((b) => blocks.push(b));
    const r = await send(rpc, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname' } });
    await rpc.mine(2);
    await rpc.getBlock(); // a round trip: notifications sent before this reply have arrived
    expect(events.map((e) => e.name)).toEqual(['ContractCreated']);
    expect(events[0]!.data).toMatchObject({ contract: { contractId: 1n } });
    expect(blocks.map((b) => b.number)).toEqual([r.block, r.block + 1, r.block + 2]);
    await unE();
    await unB();
    await send(rpc, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname2' } });
    await rpc.getBlock();
    expect(events).toHaveLength(1);
    const replay: string[] = [];
    await rpc.subscribeEvents((e) => replay.push(e.name), { fromBlock: r.block });
    await rpc.getBlock();
    expect(replay).toEqual(['ContractCreated', 'ContractCreated']);
  });

  it('manual mode over RPC: submit, then mine on the same connection', async () => {
    const { rpc } = await served();
    const dev = await devSetup(rpc, { nodes: 0, publicIps: 0 });
    await rpc.setBlockMode('manual');
    const tx = await signTransaction(rpc, dev.accounts.bob.identity, { method: 'createNameContract', args: { name: 'bobname' } });
    const p = rpc.submit(tx);
    const head = await rpc.mine(1);
    expect((await p).block).toBe(head.number);
  });
});

describe('bad input over the wire', () => {
  it('every kind of bad frame gets a JSON-RPC error; state untouched; the server keeps serving', async () => {
    const { chain, server, rpc } = await served();
    const dev = await devSetup(rpc, { nodes: 1, publicIps: 1 });
    const c = await raw(server.url);
    const before = chain.dumpState();
    const bob = dev.accounts.bob.identity;
    const good = await signTransaction(rpc, bob, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(), publicIps: 0 },
    });
    const bigData = await signTransaction(rpc, bob, {
      method: 'createNodeContract',
      args: { nodeId: dev.nodes[0]!.id, deploymentHash: HASH(1), deploymentData: new Uint8Array(600), publicIps: 0 },
    });
    const tx = (t: unknown) => encodeJson({ jsonrpc: '2.0', id: 1, method: 'submit', params: [t] });
    const future = await signTransaction(rpc, bob, good.call, good.nonce + 5);
    const stale = await signTransaction(rpc, bob, good.call, 0);
    const cases: [string, number, string | undefined][] = [
      ['{not json', -32700, undefined],
      ['"just a string"', -32600, undefined],
      ['[]', -32600, undefined],
      [JSON.stringify({ jsonrpc: '1.0', id: 1, method: 'getBlock' }), -32600, undefined],
      [JSON.stringify({ jsonrpc: '2.0', id: { x: 1 }, method: 'getBlock' }), -32600, undefined],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_sendRawTransaction' }), -32601, 'MethodNotFound'],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getTwin', params: { id: 1 } }), -32602, 'CouldNotDecode'],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getTwin', params: [-1] }), -32602, 'CouldNotDecode'],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getTwin', params: [1, 2] }), -32602, 'CouldNotDecode'],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getContract', params: [{ $bigint: '-5' }] }), -32602, 'CouldNotDecode'],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getContract', params: [{ $bigint: 'x' }] }), -32700, undefined],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'getAccount', params: [{ $bytes: 'zz' }] }), -32700, undefined],
      [JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'mine', params: [1e12] }), -32602, 'CouldNotDecode'],
      [tx({ ...good, signature: new Uint8Array(64) }), -32010, 'BadProof'],
      [tx({ ...good, nonce: good.nonce + 5 }), -32010, 'BadProof'],
      [tx(future), -32010, 'Future'],
      [tx(stale), -32010, 'Stale'],
      [tx(bigData), -32602, 'CouldNotDecode'],
      [tx({ ...good, call: { ...good.call, args: { ...good.call.args, deploymentHash: 'XYZ' } } }), -32602, 'CouldNotDecode'],
      [tx({ ...good, call: { ...good.call, args: { ...good.call.args, nodeId: 2 ** 40 } } }), -32602, 'CouldNotDecode'],
    ];
    for (const [frame, code, upstream] of cases) {
      c.send(frame);
      const reply = (await c.next()) as { jsonrpc: string; error: { code: number; data: { upstream?: string; code: string } } };
      expect(reply.jsonrpc, frame).toBe('2.0');
      expect(reply.error.code, frame).toBe(code);
      if (upstream) expect(reply.error.data.upstream, frame).toBe(upstream);
      expect(typeof reply.error.data.code).toBe('string');
    }
    expect(chain.dumpState()).toBe(before);
    // a notification (no id) gets no reply; a batch gets an array
    c.send(JSON.stringify({ jsonrpc: '2.0', method: 'getBlock' }));
    c.send(JSON.stringify([{ jsonrpc: '2.0', id: 'a', method: 'chainId' }, { jsonrpc: '2.0', id: 'b', method: 'nope' }, 5]));
    const batch = (await c.next()) as { id: unknown; result?: unknown; error?: { code: number } }[];
    expect(batch.map((b) => [b.id, b.result ?? b.error!.code])).toEqual([['a', 'sc4it-dev'], ['b', -32601], [null, -32600]]);
    // still serving, and the good transaction still goes through
    c.send(tx(good));
    expect(((await c.next()) as { result: { result: unknown } }).result.result).toEqual({ $bigint: '1' });
  });

  it('an oversized frame closes that connection only', async () => {
    const { server, rpc } = await served();
    const c = await raw(server.url);
    const closed = new Promise<number>((r) => c.ws.once('close', (code) => r(code)));
    c.send('x'.repeat(64 * 1024 * 1024 + 10));
    expect(await closed).toBe(1009);
    expect((await rpc.getBlock()).number).toBe(0);
  });

  it('fuzz: the request decoder never throws, always answers requests, and never changes state', async () => {
    const { chain } = newChain();
    const handler = new RpcHandler(chain);
    const session = handler.newSession();
    const before = chain.dumpState();
    const methods = [
      'chainId', 'getBlock', 'getAccount', 'getTwin', 'getTwinByAccount', 'getFarm', 'listFarms', 'getNode', 'getNodeByTwin',
      'listNodes', 'getContract', 'getContractByHash', 'listContracts', 'getBills', 'getPricingPolicy', 'getTftPrice', 'submit',
      'unsubscribe', 'getBlockMode', 'eventsFrom', 'nope', '__proto__', 'constructor',
    ];
    const value = fc.oneof(
      fc.jsonValue(),
      fc.bigInt().map((b) => ({ $bigint: b.toString() })),
      fc.uint8Array({ maxLength: 40 }).map((b) => ({ $bytes: Buffer.from(b).toString('hex') })),
      fc.record({ call: fc.record({ method: fc.constantFrom('createTwin', 'fund', 'cancelContract'), args: fc.jsonValue() }), signer: fc.jsonValue(), keyType: fc.constantFrom('sr25519', 'ed25519', 'x'), nonce: fc.integer(), signature: fc.jsonValue() }),
    );
    const frame = fc.oneof(
      fc.string(),
      fc.jsonValue().map((v) => JSON.stringify(v)),
      fc.record({ jsonrpc: fc.constantFrom('2.0', '2.0', '1.0'), id: fc.oneof(fc.integer(), fc.string(), fc.constant(null)), method: fc.constantFrom(...methods), params: fc.oneof(fc.array(value, { maxLength: 3 }), value) }).map((v) => JSON.stringify(v)),
    );
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const replies: string[] = [];
        handler.handle(f, session, (t) => replies.push(t));
        await new Promise((r) => setImmediate(r));
        for (const r of replies) {
          const v = decodeJson(r) as { jsonrpc?: string } | { jsonrpc?: string }[];
          for (const one of Array.isArray(v) ? v : [v]) expect(one.jsonrpc).toBe('2.0');
        }
        let parsed: unknown;
        try {
          parsed = JSON.parse(f);
        } catch {
          parsed = undefined;
        }
        const isRequest = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && (parsed as { id?: unknown }).id !== undefined;
        // junk submits are refused at once, so every request has been answered by now
        if (isRequest) expect(replies.length).toBe(1);
      }),
      { numRuns: 800, seed: 7 },
    );
    await new Promise((r) => setImmediate(r));
    expect(chain.dumpState()).toBe(before);
    handler.endSession(session);
    expect(await refusal(chain.client().revert('nope'))).toBe('UnknownSnapshot');
  });
});
