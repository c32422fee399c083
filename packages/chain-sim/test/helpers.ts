import type { ChainCall, DevChainClient, TxReceipt } from '@sc4it/types';
import { sendCall } from '@sc4it/types';
import type { Identity } from '@sc4it/crypto';
import { type ChainOptions, createChain, devChainOptions } from '../src/index.ts';

/** tfchain's unit-test clock: block n at 1628082000 + 6n. */
export const GENESIS = 1_628_082_000;
export const GIB = 1n << 30n;
export const TFT = 10_000_000n;

export function newChain(options: ChainOptions = {}) {
  const chain = createChain(devChainOptions({ genesisTimestamp: GENESIS, ...options }));
  return { chain, client: chain.client() };
}

export function send(client: DevChainClient, who: Identity, call: ChainCall): Promise<TxReceipt> {
  return sendCall(client, who, call);
}

/** Resolves to the upstream error name of a refused call (fails the test if it succeeds). */
export async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    return (err as { upstream?: string }).upstream ?? `no-upstream:${String(err)}`;
  }
  throw new Error('call succeeded but should have been refused');
}

export const HASH = (n: number): string => n.toString(16).padStart(32, '0');
