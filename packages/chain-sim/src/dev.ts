import { type Identity, identityFromMnemonic } from '@sc4it/crypto';
import type { ChainCall, ChainClient, DevChainClient, KeyType, Resources, TxReceipt } from '@sc4it/types';
import { signTransaction } from '@sc4it/types';
import { type Chain, type ChainOptions, createChain } from './chain.ts';

/**
 * Known dev mnemonics (like anvil's test accounts): the first 16 bytes of
 * `sha256("sc4it-chain-sim dev account <name>")` as BIP-39 entropy. NEVER use them for real funds.
 */
export const DEV_MNEMONICS = Object.freeze({
  alice: 'injury omit anger since require buffalo eagle law keep guide nose stand',
  bob: 'mixed mean visit twice position axis general artefact ozone fatal camera share',
  charlie: 'actor novel dance expire engage lake vibrant update fat exit abuse nephew',
  dave: 'elegant cushion secret slow embrace traffic sentence live float inflict ability little',
  farmer: 'often mean despair torch door okay dignity shove news ugly absent anger',
  node1: 'success life lock harvest lounge clean sure goddess maze income ecology number',
  node2: 'rich entire hat blame slot female tiny finish sock inside little define',
  node3: 'evolve diary cash random wink resemble proof question tip swift fade area',
});

export type DevAccountName = keyof typeof DEV_MNEMONICS;

/** The dev identity `name` (sr25519 unless told otherwise). Alice is the dev chain's sudo. */
export function devIdentity(name: DevAccountName, keyType: KeyType = 'sr25519'): Identity {
  return identityFromMnemonic(DEV_MNEMONICS[name], keyType);
}

/** Chain options for a dev chain: Alice (sr25519) is sudo. */
export function devChainOptions(options: ChainOptions = {}): ChainOptions {
  const alice = devIdentity('alice');
  return { ...options, sudo: { publicKey: alice.publicKey, keyType: alice.keyType } };
}

export interface DevAccount {
  name: DevAccountName;
  mnemonic: string;
  identity: Identity;
  twinId: number;
}

export interface DevNode {
  id: number;
  twinId: number;
  account: DevAccount;
}

export interface DevSetup {
  /** Sudo (Alice) and the other users, each funded and with a twin. */
  accounts: Record<'alice' | 'bob' | 'charlie' | 'dave', DevAccount>;
  farmer: DevAccount;
  farmId: number;
  nodes: DevNode[];
  /** `ContractCreated` etc. can be matched against these. */
  publicIps: { ip: string; gateway: string }[];
}

export interface DevSetupOptions {
  /** Nodes on the farm (1..3); default 2. */
  nodes?: number;
  /** Public IPs on the farm; default 8 (185.206.122.33/24 …, gateway 185.206.122.1). */
  publicIps?: number;
  /** Planck given to each user account; default 10 000 TFT. */
  fundPlanck?: bigint;
  /** Node resources; default 8 vCPU, 32 GiB RAM, 1 TiB SSD, 4 TiB HDD. */
  nodeResources?: Resources;
  farmName?: string;
  /** The chain is in manual mode: mine a block after each call. */
  mine?: boolean;
  /**
   * Each account sends `userAcceptTc` before `createTwin` (needed on a chain with
   * `requireTermsAndConditions`; {@link createDevChain} sets it from the chain's options).
   */
  acceptTermsAndConditions?: boolean;
}

/** The document `devSetup` accepts for its accounts when asked to. */
export const DEV_TERMS_AND_CONDITIONS = Object.freeze({
  documentLink: 'https://library.threefold.me/info/legal/#/legal__terms_conditions_griduser',
  documentHash: 'sc4it-dev-terms',
});

const GIB = 1n << 30n;

/**
 * Funds the dev accounts, creates their twins, a farm with public IPs and nodes. Works over any
 * client (in process or RPC) of a chain whose sudo is Alice ({@link devChainOptions}).
 */
export async function devSetup(client: ChainClient | DevChainClient, options: DevSetupOptions = {}): Promise<DevSetup> {
  const nodeCount = options.nodes ?? 2;
  if (!Number.isInteger(nodeCount) || nodeCount < 0 || nodeCount > 3) throw new RangeError('nodes must be 0..3');
  const ipCount = options.publicIps ?? 8;
  if (!Number.isInteger(ipCount) || ipCount < 0 || ipCount > 200) throw new RangeError('publicIps must be 0..200');
  const fund = options.fundPlanck ?? 10_000n * 10_000_000n;
  const send = async (id: Identity, call: ChainCall): Promise<TxReceipt> => {
    const tx = await signTransaction(client, id, call);
    const p = client.submit(tx);
    if (options.mine) await (client as DevChainClient).mine(1);
    return p;
  };
  const alice = devIdentity('alice');
  const names: DevAccountName[] = ['alice', 'bob', 'charlie', 'dave', 'farmer', ...(['node1', 'node2', 'node3'] as const).slice(0, nodeCount)];
  const made = {} as Record<DevAccountName, DevAccount>;
  for (const name of names) {
    const identity = devIdentity(name);
    const amount = name.startsWith('node') ? fund / 100n : fund;
    const existing = await client.getTwinByAccount(identity.publicKey);
    // Idempotent: a dev chain restarted from its state directory is not funded twice.
    if (!existing) await send(alice, { method: 'fund', args: { to: identity.publicKey, amount } });
    if (!existing && options.acceptTermsAndConditions === true) {
      await send(identity, { method: 'userAcceptTc', args: { ...DEV_TERMS_AND_CONDITIONS } });
    }
    const twinId =
      existing?.id ??
      Number((await send(identity, { method: 'createTwin', args: { relay: null, pk: identity.secp256k1.publicKey } })).result);
    made[name] = { name, mnemonic: DEV_MNEMONICS[name], identity, twinId };
  }
  const publicIps = Array.from({ length: ipCount }, (_, i) => ({ ip: `185.206.122.${33 + i}/24`, gateway: '185.206.122.1' }));
  const farmer = made.farmer;
  const farmName = options.farmName ?? 'sc4it-dev-farm';
  const farms = await client.listFarms();
  const farmId =
    farms.find((f) => f.name === farmName)?.id ??
    Number((await send(farmer.identity, { method: 'createFarm', args: { name: farmName, publicIps } })).result);
  const resources = options.nodeResources ?? { cru: 8n, mru: 32n * GIB, sru: 1024n * GIB, hru: 4096n * GIB };
  const nodes: DevNode[] = [];
  for (const name of names.filter((n) => n.startsWith('node'))) {
    const acc = made[name];
    const existing = await client.getNodeByTwin(acc.twinId);
    const id =
      existing?.id ?? Number((await send(acc.identity, { method: 'createNode', args: { farmId, resources } })).result);
    nodes.push({ id, twinId: acc.twinId, account: acc });
  }
  return {
    accounts: { alice: made.alice, bob: made.bob, charlie: made.charlie, dave: made.dave },
    farmer,
    farmId,
    nodes,
    publicIps,
  };
}

/** An in-process dev chain (instant blocks, Alice as sudo) with {@link devSetup} already run. */
export async function createDevChain(
  options: ChainOptions = {},
  setup: DevSetupOptions = {},
): Promise<{ chain: Chain; client: DevChainClient; dev: DevSetup }> {
  const chain = createChain(devChainOptions(options));
  const client = chain.client();
  const dev = await devSetup(client, {
    ...setup,
    mine: setup.mine ?? chain.getMode().mode === 'manual',
    acceptTermsAndConditions: setup.acceptTermsAndConditions ?? chain.state.config.requireTermsAndConditions === true,
  });
  return { chain, client, dev };
}
