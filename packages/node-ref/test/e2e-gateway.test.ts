import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendCall } from '@sc4it/types';
import type { DeploymentRecord } from '../src/store.ts';
import { ownerOnly, startGrid, waitFor, type Grid, type Json, type User } from './harness.ts';

// Name gateways against real name contracts on chain-sim (deployment-hash.md §6.6: a name gateway
// needs a name contract of the same twin). Texts as zos builds them: the gateway module's errors
// ("a name contract with the given name must be reserved first", "twin id mismatch", zosbase
// pkg/gateway/gateway.go) wrapped by "failed to verify name contract" and, in the primitive,
// "failed to setup name proxy" (pkg/primitives/gateway/gatewayname.go). The fqdn is
// `<name>.<node domain>` (§7 result data `fqdn`).
const DOMAIN = 'gw.sc4it-e2e.test';
const WRAP = 'failed to setup name proxy: failed to verify name contract: ';

let grid: Grid;
beforeAll(async () => {
  grid = await startGrid({ nodes: 1, publicIps: 0, node: { gatewayDomain: DOMAIN } });
});
afterAll(async () => {
  await grid?.close();
});

function gateway(twinId: number, name: string): Json {
  return {
    version: 0,
    twin_id: twinId,
    contract_id: 0,
    metadata: '',
    description: `gateway ${name}`,
    expiration: 0,
    signature_requirement: ownerOnly(twinId),
    workloads: [
      {
        version: 0,
        name: 'gw',
        type: 'gateway-name-proxy',
        metadata: '',
        description: '',
        data: { name, tls_passthrough: false, backends: ['http://185.206.122.40:8080'] },
      },
    ],
  };
}

const settled = (rec: DeploymentRecord): boolean => rec.job === null && rec.workloads.every((w) => w.result.state !== 'init');

async function deploy(u: User, name: string): Promise<{ id: bigint; rec: DeploymentRecord }> {
  const node = grid.nodes[0]!;
  const d = gateway(u.twinId, name);
  const id = await u.createContract(node.node.nodeId, d);
  await u.call(node.twinId, 'zos.deployment.deploy', u.sign(d));
  const rec = await waitFor(node, u.twinId, id, settled);
  return { id, rec };
}

describe('name gateway', () => {
  it('runs for the owner of the name contract and is refused for another twin or a name nobody reserved', async () => {
    const { bob, charlie } = grid.users;
    const node = grid.nodes[0]!;
    await sendCall(grid.client, bob.account.identity, { method: 'createNameContract', args: { name: 'bobsite' } });
    // the chain keeps names unique: charlie cannot take it
    await expect(sendCall(grid.client, charlie.account.identity, { method: 'createNameContract', args: { name: 'bobsite' } })).rejects.toThrow(
      'NameExists',
    );

    const own = await deploy(bob, 'bobsite');
    expect(own.rec.workloads[0]!.result).toMatchObject({ state: 'ok', data: { fqdn: `bobsite.${DOMAIN}` } });
    const got = await bob.get(node, own.id);
    expect(((got['workloads'] as Json[])[0]!['result'] as Json)['data']).toEqual({ fqdn: `bobsite.${DOMAIN}` });

    const stolen = await deploy(charlie, 'bobsite');
    expect(stolen.rec.history.filter((h) => h.result.state === 'error').map((h) => h.result.message)).toEqual([`${WRAP}twin id mismatch`]);

    const unreserved = await deploy(charlie, 'nobodys');
    expect(unreserved.rec.history.filter((h) => h.result.state === 'error').map((h) => h.result.message)).toEqual([
      `${WRAP}a name contract with the given name must be reserved first`,
    ]);

    // charlie reserves a name of his own: now his gateway runs
    await sendCall(grid.client, charlie.account.identity, { method: 'createNameContract', args: { name: 'charlies' } });
    const fine = await deploy(charlie, 'charlies');
    expect(fine.rec.workloads[0]!.result).toMatchObject({ state: 'ok', data: { fqdn: `charlies.${DOMAIN}` } });
  });
});
