import { isSc4itError, type ChainClient, type Contract, type NodeContractData } from '@sc4it/types';
import { NodeError, ZosText } from './zos-errors.ts';

/** The checks of the synchronous part, injected so the pipeline can be tested on its own. */
export interface IncomingChecks {
  /**
   * zos `Deployment.Valid()` (`parseDeployment`): returns the deployment as the node reads it
   * (normalised, 64-bit fields exact); throws with the zos text in `upstream`.
   */
  valid(input: unknown): unknown;
  /** KYC (zos: `isTwinVerified`); absent means every twin is verified. */
  verified?: (twinId: number) => Promise<boolean>;
  /** The zos multisig rule (§5); throws with the zos text in `upstream` (`verifyDeployment`). */
  verifySignatures(deployment: unknown): Promise<void>;
}

/** Any error as a {@link NodeError} whose message is the node's text. */
export function toNodeError(err: unknown, fallbackCode: 'node.invalid_deployment' | 'node.internal' = 'node.internal'): NodeError {
  if (err instanceof NodeError) return err;
  if (isSc4itError(err)) {
    const text = err.upstream ?? err.shortMessage;
    return new NodeError(err.code, text, { cause: err });
  }
  const text = err instanceof Error ? err.message : String(err);
  return new NodeError(fallbackCode, text, { cause: err });
}

/**
 * The synchronous checks shared by deploy and update, in the node's order (deployment-hash.md
 * §6.2 steps 1–4): `Valid()`, twin of the deployment = bus sender, KYC, signatures. Returns the
 * deployment as `valid` read it; throws a {@link NodeError} carrying the node's text (a
 * `DecodeError` stays one: the payload was not a deployment at all).
 */
export async function checkIncoming(input: unknown, sender: number, checks: IncomingChecks): Promise<unknown> {
  let json: unknown;
  try {
    json = checks.valid(input);
  } catch (err) {
    if (isSc4itError(err) && err.code.startsWith('decode.') && err.upstream === undefined) throw err;
    throw toNodeError(err, 'node.invalid_deployment');
  }
  const twin = (json as { twin_id: number }).twin_id;
  if (twin !== sender) throw new NodeError('node.twin_mismatch', ZosText.twinMismatch(twin, sender));
  if (checks.verified !== undefined && !(await checks.verified(twin))) {
    throw new NodeError('node.not_verified', ZosText.notVerified(twin));
  }
  try {
    await checks.verifySignatures(json);
  } catch (err) {
    throw toNodeError(err, 'node.invalid_deployment');
  }
  return json;
}

export type NodeContract = Contract & { contractType: NodeContractData };

export type ContractCheck =
  | { ok: true; contract: NodeContract }
  | {
      ok: false;
      message: string;
      /**
       * True when the contract is a live node contract of this node owned by the sender: the
       * deployment is the owner's own, so the node may cancel the contract it cannot serve.
       */
      ownerVerified: boolean;
      /** The chain could not be asked (connection trouble): worth trying again later. */
      transient?: boolean;
    };

export const LIVE_STATES: ReadonlySet<string> = new Set(['Created', 'Deployed', 'GracePeriod']);

/**
 * The asynchronous contract checks (deployment-hash.md §6.3, plus the seed's owner check and a
 * state check): exists, live, node contract, this node, owner = deployment twin, hash.
 */
export async function checkContract(
  chain: Pick<ChainClient, 'getContract'>,
  input: { contractId: bigint; twinId: number; hash: string; nodeId: number },
): Promise<ContractCheck> {
  let contract: Contract | null;
  try {
    contract = await chain.getContract(input.contractId);
  } catch (err) {
    const text = isSc4itError(err) ? (err.upstream ?? err.shortMessage) : err instanceof Error ? err.message : String(err);
    const refused = isSc4itError(err) && err.code.startsWith('chain.');
    return { ok: false, message: ZosText.failedToGetContract(text), ownerVerified: false, transient: !refused };
  }
  if (contract === null) return { ok: false, message: ZosText.failedToGetContract(ZosText.objectNotFound), ownerVerified: false };
  if (!LIVE_STATES.has(contract.state.kind)) {
    return { ok: false, message: ZosText.contractNotLive(contract.state.kind), ownerVerified: false };
  }
  if (contract.contractType.kind !== 'node') return { ok: false, message: ZosText.invalidContractType, ownerVerified: false };
  if (contract.contractType.nodeId !== input.nodeId) {
    return { ok: false, message: ZosText.invalidNodeAddress, ownerVerified: false };
  }
  if (contract.twinId !== input.twinId) {
    return { ok: false, message: ZosText.ownerMismatch(contract.twinId, input.twinId), ownerVerified: false };
  }
  if (contract.contractType.deploymentHash !== input.hash) {
    return { ok: false, message: ZosText.hashMismatch, ownerVerified: true };
  }
  return { ok: true, contract: contract as NodeContract };
}
