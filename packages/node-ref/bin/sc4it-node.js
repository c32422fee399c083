#!/usr/bin/env node
// sc4it reference node: serves the zos bus commands for one node of a chain.
//   node packages/node-ref/bin/sc4it-node.js --chain <ws-url> --relay <ws-url> --mnemonic <m> \
//     --node-id <id> --state <dir> [--key-type sr25519|ed25519] [--relay-domain <d>] [--sync-interval <s>]
// Prints one line `sc4it-node ready: node <id> twin <twin> relay <url> state <dir>` when serving.
// Uses the built packages (`pnpm --filter @sc4it/node-ref... build`).
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    chain: { type: 'string' },
    relay: { type: 'string', multiple: true },
    mnemonic: { type: 'string' },
    'key-type': { type: 'string', default: 'sr25519' },
    'node-id': { type: 'string' },
    state: { type: 'string' },
    'relay-domain': { type: 'string' },
    'sync-interval': { type: 'string' },
    'deployment-timeout': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
});

const usage =
  'usage: sc4it-node --chain <ws-url> --relay <ws-url> --mnemonic <m> --node-id <id> --state <dir> ' +
  '[--key-type sr25519|ed25519] [--relay-domain <d>] [--sync-interval <s>] [--deployment-timeout <s>]';
if (values.help) {
  console.log(usage);
  process.exit(0);
}
const mnemonic = values.mnemonic ?? process.env.SC4IT_NODE_MNEMONIC;
const nodeId = Number(values['node-id']);
if (!values.chain || !values.relay || !mnemonic || !Number.isInteger(nodeId) || nodeId <= 0 || !values.state) {
  console.error(usage);
  process.exit(2);
}
const keyType = values['key-type'];
if (keyType !== 'sr25519' && keyType !== 'ed25519') {
  console.error('--key-type must be sr25519 or ed25519');
  process.exit(2);
}

const { createNode, reconnectingChain } = await import('../dist/index.js');
const { identityFromMnemonic } = await import('@sc4it/crypto');
// node-ref talks to chains only through ChainClient; the JSON-RPC client comes from chain-sim,
// loaded at run time so the library itself never depends on it.
const { connectChain } = await import('@sc4it/chain-sim');

// a lost chain connection is reopened on the next call; event subscriptions resume where they stopped
const chain = reconnectingChain(() => connectChain(values.chain));
const identity = identityFromMnemonic(mnemonic, keyType);
const options = {
  log: (e) => {
    if (e.level === 'warn' || e.level === 'error') {
      const detail = e.error instanceof Error ? `: ${e.error.message}` : '';
      console.error(`[${e.level}] ${e.msg}${e.contractId === undefined ? '' : ` (contract ${e.contractId})`}${detail}`);
    }
  },
};
if (values['sync-interval']) options.syncIntervalMs = Number(values['sync-interval']) * 1000;
if (values['deployment-timeout']) options.deploymentTimeoutMs = Number(values['deployment-timeout']) * 1000;

let running;
try {
  running = await createNode({
    chain,
    identity,
    nodeId,
    stateDir: values.state,
    relayUrl: values.relay,
    ...(values['relay-domain'] ? { relayDomain: values['relay-domain'] } : {}),
    options,
    peer: { onError: () => {} },
  });
} catch (err) {
  console.error(`sc4it-node: ${err instanceof Error ? err.message : String(err)}`);
  await chain.close();
  process.exit(1);
}

console.log(`sc4it-node ready: node ${nodeId} twin ${running.twinId} relay ${values.relay.join(',')} state ${values.state}`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  await running.stop();
  await chain.close();
  process.exit(0);
}
process.on('SIGINT', shutdown);
process.on('SIGTERM', shutdown);
