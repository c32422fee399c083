import { multisigStatus, type GetTwinKey, type MultisigStatus } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { isSc4itError, type ChainClient, type Contract, type Deployment } from '@sc4it/types';
import { diffDeployments, type DeploymentChange } from './diff.ts';

/** One line of a verification: a check and whether it passed. */
export interface AuditFinding {
  ok: boolean;
  /** Plain words, e.g. `the file's hash matches contract 12`. */
  text: string;
}

export interface AuditReport {
  /** True when every check passed: the file is what the contract holds, signed as required. */
  ok: boolean;
  contractId: bigint;
  /** Hash recomputed from the file (null when the file cannot be hashed). */
  fileHash: string | null;
  /** The contract's `deployment_hash` (null when the contract is missing or not a node contract). */
  contractHash: string | null;
  contract: Contract | null;
  /** Signatures as a zos node checks them. */
  zos: MultisigStatus | null;
  /** Signatures by the weights-only rule. */
  strict: MultisigStatus | null;
  /** The file compared with the copy the node runs (when it could be fetched). */
  nodeCopy: { available: boolean; changes: DeploymentChange[]; reason?: string };
  findings: AuditFinding[];
}

export interface AuditOptions {
  /** Fetches what the node runs for this contract (owner only); omitted or failing: not compared. */
  fetchNodeCopy?: () => Promise<Deployment>;
  /** The signature rule the node enforces; the other rule is reported for information. @default 'zos' */
  policy?: 'zos' | 'strict-weights';
}

/** Twin keys from the chain: twin → account key and key type (what the node uses, §4). */
export function chainTwinKeys(chain: Pick<ChainClient, 'getTwin'>): GetTwinKey {
  return async (twinId) => {
    const twin = await chain.getTwin(twinId);
    return twin === null ? null : { publicKey: twin.account, keyType: twin.keyType };
  };
}

function describeState(c: Contract): string {
  return c.state.kind === 'Deleted' ? `Deleted (${c.state.cause})` : c.state.kind === 'GracePeriod' ? `GracePeriod since block ${c.state.sinceBlock}` : c.state.kind;
}

/**
 * Checks a deployment document against a contract on chain, in plain words: recomputes the hash
 * and compares it with the contract's, checks owner and node, checks every signature against the
 * twins' keys on chain (zos rule and weights rule), and, when the node's copy is available, lists
 * what differs between the file and what runs.
 */
export async function auditDeployment(chain: ChainClient, deployment: Deployment, contractId: bigint, options: AuditOptions = {}): Promise<AuditReport> {
  const findings: AuditFinding[] = [];
  const say = (ok: boolean, text: string): void => {
    findings.push({ ok, text });
  };
  const contract = await chain.getContract(contractId);
  let contractHash: string | null = null;
  if (contract === null) say(false, `contract ${contractId} does not exist on chain (never created, or removed after cancellation)`);
  else if (contract.contractType.kind !== 'node') say(false, `contract ${contractId} is a ${contract.contractType.kind} contract, not a node contract`);
  else {
    contractHash = contract.contractType.deploymentHash;
    say(contract.state.kind !== 'Deleted', `contract ${contractId} is a node contract on node ${contract.contractType.nodeId}, owned by twin ${contract.twinId}, state ${describeState(contract)}`);
  }

  let fileHash: string | null = null;
  try {
    fileHash = deploymentHash(deployment);
  } catch (err) {
    say(false, `the file cannot be hashed as the node would: ${isSc4itError(err) ? err.shortMessage : String(err)}`);
  }
  if (fileHash !== null && contractHash !== null) {
    if (fileHash === contractHash) say(true, `the file's hash ${fileHash} matches the hash registered in contract ${contractId}`);
    else say(false, `the file's hash ${fileHash} differs from the contract's hash ${contractHash}: the file is not the deployment registered for contract ${contractId}`);
  }
  if (contract !== null) {
    const fileTwin = Number(deployment.twin_id);
    if (fileTwin === contract.twinId) say(true, `the file's owner, twin ${fileTwin}, owns the contract`);
    else say(false, `the file says it belongs to twin ${fileTwin}, but contract ${contractId} belongs to twin ${contract.twinId}`);
    const fileContract = String(deployment.contract_id ?? 0);
    if (fileContract !== '0' && fileContract !== contractId.toString()) {
      say(false, `the file names contract ${fileContract}, not ${contractId} (contract_id is not part of the hash)`);
    }
  }

  let zos: MultisigStatus | null = null;
  let strict: MultisigStatus | null = null;
  if (fileHash !== null) {
    const keys = chainTwinKeys(chain);
    zos = await multisigStatus(deployment, keys, { policy: 'zos' });
    strict = await multisigStatus(deployment, keys, { policy: 'strict-weights' });
    const zosRule = (options.policy ?? 'zos') === 'zos';
    for (const r of zos.requests) {
      const who = `twin ${r.twinId} (weight ${r.weight}${r.required ? ', required' : ''})`;
      if (r.state === 'signed') say(true, `${who} signed; the signature verifies against the twin's key on chain`);
      else if (r.state === 'unsigned') say(!zosRule && !r.required, `${who} has not signed${!zosRule && !r.required ? ' (optional under the weights rule)' : ''}`);
      else if (r.state === 'invalid') say(false, `${who} has a signature that does not verify against the twin's key on chain (wrong key, wrong key type, or the file changed after signing)`);
      else say(false, `${who}: the twin or its key is not on chain`);
    }
    for (const t of zos.unrequested) say(false, `twin ${t} signed without being asked to (the node ignores that signature)`);
    const weights = `signature weight ${strict.weightCollected} of ${strict.weightRequired} required`;
    say(strict.complete || (zosRule && zos.complete), strict.complete ? `${weights}: enough by the weights rule` : `${weights}: ${strict.error?.shortMessage ?? 'not enough'}`);
    if (zos.complete) say(true, 'a zos node accepts these signatures');
    else say(!zosRule, `a zos node refuses these signatures: "${zos.error?.upstream ?? zos.error?.shortMessage ?? 'unknown'}"${zosRule ? '' : ' (this node uses the weights rule)'}`);
  }

  const nodeCopy: AuditReport['nodeCopy'] = { available: false, changes: [] };
  if (options.fetchNodeCopy !== undefined && contract !== null && contract.state.kind !== 'Deleted') {
    try {
      const copy = await options.fetchNodeCopy();
      nodeCopy.available = true;
      nodeCopy.changes = diffDeployments(copy, deployment).filter((c) => c.path !== 'contract_id' || String(c.after) !== '0');
      if (nodeCopy.changes.length === 0) say(true, 'the file is identical to the deployment the node runs');
      for (const c of nodeCopy.changes) {
        say(false, `differs from what the node runs: ${c.text.replace(' changes from ', ' is ').replace(/ to (.*)$/, ' on the node but $1 in the file')}${c.hashed ? '' : ' (not hashed)'}`);
      }
    } catch (err) {
      nodeCopy.reason = isSc4itError(err) ? err.shortMessage : String(err);
    }
  }
  return {
    ok: findings.every((f) => f.ok),
    contractId,
    fileHash,
    contractHash,
    contract,
    zos,
    strict,
    nodeCopy,
    findings,
  };
}
