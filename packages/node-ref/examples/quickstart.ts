// A dev chain, a relay, a node on the bus, and a user deploying a VM with a public IP.
//   pnpm --filter @sc4it/node-ref exec tsx --conditions=sc4it-source examples/quickstart.ts
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDevChain } from '@sc4it/chain-sim';
import { signDeployment } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { createNode } from '@sc4it/node-ref';
import { RmbPeer, chainTwinResolver, startRelay } from '@sc4it/rmb';
import { sendCall, type Deployment } from '@sc4it/types';

const { chain, client, dev } = await createDevChain({}, { nodes: 1, publicIps: 2 });
const resolver = chainTwinResolver(client);
const relay = await startRelay({ domain: 'relay.local', resolver });
const n = dev.nodes[0]!;
const node = await createNode({
  chain: client, identity: n.account.identity, nodeId: n.id,
  stateDir: await mkdtemp(join(tmpdir(), 'node-')), relayUrl: relay.url, relayDomain: 'relay.local',
});

// the user: a twin that the relay serves, and a bus peer
const bob = dev.accounts.bob;
await sendCall(client, bob.identity, { method: 'updateTwin', args: { relay: 'relay.local', pk: bob.identity.secp256k1.publicKey } });
const peer = new RmbPeer({ identity: bob.identity, twinId: bob.twinId, relays: relay.url, resolver });
await peer.connect();

const GiB = 2 ** 30;
const d = {
  version: 0, twin_id: bob.twinId, contract_id: 0, metadata: '', description: 'my vm', expiration: 0,
  signature_requirement: { requests: [{ twin_id: bob.twinId, required: false, weight: 1 }], weight_required: 1, signatures: [], signature_style: '' },
  workloads: [
    { version: 0, name: 'net', type: 'network', metadata: '', description: '',
      data: { ip_range: '10.20.0.0/16', subnet: '10.20.2.0/24', wireguard_private_key: 'GDU+cjKrHNJS9fodzjFDzNFl5su3kJXTZ3ipPgUjOUE=', wireguard_listen_port: 6065, peers: [] } },
    { version: 0, name: 'pub', type: 'ip', metadata: '', description: '', data: { v4: true, v6: false } },
    { version: 0, name: 'vm', type: 'zmachine', metadata: '', description: '',
      data: { flist: 'https://hub.grid.tf/tf-official-vms/ubuntu-22.04.flist',
        network: { public_ip: 'pub', planetary: true, interfaces: [{ network: 'net', ip: '10.20.2.2' }] },
        size: 0, compute_capacity: { cpu: 1, memory: 2 * GiB }, mounts: [], entrypoint: '/sbin/zinit init', env: {}, corex: false, gpu: [] } },
  ],
};
// 1. contract with the deployment's hash and one public IP; 2. sign; 3. send over the bus
const r = await sendCall(client, bob.identity, {
  method: 'createNodeContract',
  args: { nodeId: n.id, deploymentHash: deploymentHash(d), deploymentData: new Uint8Array(), publicIps: 1 },
});
d.contract_id = Number(r.result);
await peer.call(node.twinId, 'zos.deployment.deploy', signDeployment(d as unknown as Deployment, bob.twinId, bob.identity));

// 4. poll until every workload is ok
let got: { workloads: { name: string; result: { state: string; data: unknown } }[] };
do {
  await new Promise((res) => setTimeout(res, 50));
  got = await peer.call(node.twinId, 'zos.deployment.get', { contract_id: d.contract_id });
} while (got.workloads.some((w) => w.result.state === 'init'));
for (const w of got.workloads) console.log(w.name, w.result.state, JSON.stringify(w.result.data));
await node.node.flushOutbox();
console.log('contract state on chain:', (await client.getContract(BigInt(d.contract_id)))?.state.kind);

await peer.close();
await node.stop();
await relay.close();
await resolver.close?.();
chain.close();

