import { concatBytes, utf8ToBytes } from './bytes.ts';
import type { ChainCall, ChainClient, SignedTransaction, TransactionSigner, TxReceipt } from './chain.ts';
import { canonicalJson } from './json-codec.ts';

const DOMAIN = 'sc4it-chain-tx/v1';

/**
 * The bytes a transaction's signature covers: a domain label, the chain id, the signer, the
 * nonce and the call as canonical JSON. A signature for one chain, signer or nonce is useless
 * anywhere else, so a replayed or forged call is refused.
 */
export function signingPayload(chainId: string, call: ChainCall, signer: Uint8Array, nonce: number): Uint8Array {
  const head = canonicalJson({ domain: DOMAIN, chainId, signer, nonce });
  return concatBytes(utf8ToBytes(head), utf8ToBytes('\n'), utf8ToBytes(canonicalJson(call)));
}

/** Signs `call` with the signer's next nonce. */
export async function signTransaction(
  chain: Pick<ChainClient, 'chainId' | 'getAccount'>,
  signer: TransactionSigner,
  call: ChainCall,
  nonce?: number,
): Promise<SignedTransaction> {
  const n = nonce ?? (await chain.getAccount(signer.publicKey)).nonce;
  const payload = signingPayload(await chain.chainId(), call, signer.publicKey, n);
  const signature = await signer.sign(payload);
  return { call, signer: signer.publicKey, keyType: signer.keyType, nonce: n, signature };
}

/** Signs and submits `call`; resolves with the receipt or rejects with the chain's `ChainError`. */
export async function sendCall(
  chain: Pick<ChainClient, 'chainId' | 'getAccount' | 'submit'>,
  signer: TransactionSigner,
  call: ChainCall,
): Promise<TxReceipt> {
  return chain.submit(await signTransaction(chain, signer, call));
}
