import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevChain } from '@sc4it/chain-sim';
import { isSc4itError } from '@sc4it/types';
import { createNode, NODE_COMMANDS, type RunningNode } from '../src/create-node.ts';
import { vmDeployment } from './harness.ts';

// Whatever arrives on the bus, the node answers with a typed error or a reply, keeps its state,
// and keeps serving.
let dir: string;
let box: Awaited<ReturnType<typeof createDevChain>>;
let running: RunningNode;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'node-ref-fuzz-'));
  box = await createDevChain({}, { nodes: 1, publicIps: 0 });
  const n = box.dev.nodes[0]!;
  running = await createNode({
    chain: box.client,
    identity: n.account.identity,
    nodeId: n.id,
    twinId: n.twinId,
    stateDir: dir,
    options: { sync: false, syncIntervalMs: 0, reportCheckIntervalMs: 0 },
  });
});
afterAll(async () => {
  await running?.stop();
  box?.chain.close();
  await rm(dir, { recursive: true, force: true });
});

const bob = () => box.dev.accounts.bob.twinId;

async function outcome(p: Promise<unknown>): Promise<'ok' | 'typed'> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (!isSc4itError(err)) throw err;
    expect(typeof (err as Error).message).toBe('string');
    return 'typed';
  }
}

describe('bad input never breaks the node', () => {
  it('random text and bytes to every command', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...NODE_COMMANDS, 'zos.unknown'),
        fc.oneof(fc.string(), fc.json(), fc.uint8Array({ maxLength: 256 })),
        async (command, payload) => {
          await outcome(running.node.handleCommand(bob(), command, payload));
        },
      ),
      { numRuns: 300 },
    );
    expect(running.node.records()).toEqual([]);
  });

  it('mutated deployments are refused with the node text and store nothing', async () => {
    const base = vmDeployment(bob());
    const paths = ['version', 'twin_id', 'contract_id', 'workloads', 'signature_requirement', 'expiration', 'metadata'] as const;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...paths), fc.oneof(fc.constant(null), fc.integer(), fc.string(), fc.constant(-1), fc.constant('18446744073709551616')), async (key, value) => {
        const d = { ...base, [key]: value };
        expect(await outcome(running.node.handleCommand(bob(), 'zos.deployment.deploy', JSON.stringify(d)))).toBe('typed');
      }),
      { numRuns: 150 },
    );
    expect(running.node.records()).toEqual([]);
    const version = await running.node.handleCommand(bob(), 'zos.system.version', '');
    expect(version).toHaveProperty('zos');
  });
});
