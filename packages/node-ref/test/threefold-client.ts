/**
 * The real ThreeFold user side (test oracles, devDependencies, CommonJS via `createRequire`):
 * `@threefold/grid_client` 2.9.2 builds, hashes and signs the deployment and its `RMB` wrapper
 * sends it; `@threefold/rmb_direct_client` 2.9.2 carries it over our relay. The grid_client
 * loader is @sc4it/conformance/testing's; the rmb client's install workarounds (module redirects,
 * WASM readiness) are imported from rmb's interop tests (packages/rmb/test/real-client.ts).
 */
import { createRequire } from 'node:module';
import { gridClientOracle } from '@sc4it/conformance/testing';
import { addressFromPublicKey, publicKeyFromAddress } from '@sc4it/crypto';
import { bytesToHex, type ChainClient, type Twin } from '@sc4it/types';
import { keyringCryptoReady, realClientClass, type RealClient } from '../../rmb/test/real-client.ts';

const require = createRequire(import.meta.url);

/** grid_client's `zos/deployment.js` Deployment (the members this test uses). */
export interface GcDeployment {
  contract_id: number;
  challenge_hash(): string;
  sign(twinId: number, mnemonic: string, keypairType: 'sr25519' | 'ed25519'): Promise<void>;
}

/** grid_client's `clients/rmb/client.js` RMB: `send` then `read`, 20 s expiration by default. */
export interface GcRmb {
  request(destTwinIds: number[], cmd: string, payload: string): Promise<unknown>;
}

/**
 * grid_client's Deployment from zos JSON, through the shared oracle loader of
 * `@sc4it/conformance/testing` (which types only the challenge members; the object is the SDK's
 * own, `sign` included). The string values are grid_client's `KeypairType` enum values.
 */
export function gridClientDeployment(json: unknown): GcDeployment {
  return gridClientOracle().build(json) as unknown as GcDeployment;
}

let rmbClass: (new (client: RealClient) => GcRmb) | undefined;

/** grid_client's RMB wrapper, by absolute path (the package `exports` map hides it). */
function gridClientRmb(): new (client: RealClient) => GcRmb {
  if (rmbClass) return rmbClass;
  const main = require.resolve('@threefold/grid_client'); // …/dist/node/index.js
  const root = main.slice(0, main.length - 'index.js'.length);
  rmbClass = (require(`${root}clients/rmb/client.js`) as { RMB: new (client: RealClient) => GcRmb }).RMB;
  return rmbClass;
}

/**
 * The client's chain access (`tfclient`, rmb.md §7.3) answered from chain-sim: twin lookups read
 * the chain's records. `update` (the client re-publishing its relay as the WebSocket URL's host)
 * is recorded, not applied: on loopback that host is `ws:/127.0.0.1:<port>/`, not a relay domain.
 */
export function chainTfclient(chain: ChainClient) {
  const calls: string[] = [];
  const view = (t: Twin) => ({
    id: t.id,
    accountId: addressFromPublicKey(t.account),
    relay: t.relay,
    entities: [],
    pk: t.pk === null ? null : `0x${bytesToHex(t.pk)}`,
  });
  return {
    calls,
    stub: {
      connect: async () => {},
      disconnect: async () => {},
      twins: {
        getTwinIdByAccountId: async ({ accountId }: { accountId: string }) => {
          calls.push('getTwinIdByAccountId');
          return (await chain.getTwinByAccount(publicKeyFromAddress(accountId)))?.id;
        },
        get: async ({ id }: { id: number }) => {
          calls.push(`get(${id})`);
          const t = await chain.getTwin(id);
          return t === null ? undefined : view(t);
        },
        update: async (_args: { pk: string; relay: string }) => {
          calls.push('update');
          return { apply: async () => undefined };
        },
      },
    },
  };
}

/** A real rmb_direct_client connected to `relayUrl`, wrapped in grid_client's `RMB`. */
export async function connectThreefoldRmb(
  chain: ChainClient,
  relayUrl: string,
  mnemonic: string,
  keyType: 'sr25519' | 'ed25519',
  session: string,
): Promise<{ client: RealClient; rmb: GcRmb; calls: string[] }> {
  const Client = realClientClass();
  const client = new Client('ws://127.0.0.1:1', relayUrl, mnemonic, session, keyType, 2);
  const { stub, calls } = chainTfclient(chain);
  client.tfclient = stub;
  client.disconnectAndExit = () => {};
  await keyringCryptoReady();
  await client.connect();
  return { client, rmb: new (gridClientRmb())(client), calls };
}
