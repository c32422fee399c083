import { bytesToSign } from '@sc4it/hash';
import { bytesToHex, type Deployment, type Signature } from '@sc4it/types';
import { badInput } from './fail.ts';
import type { Identity } from './identity.ts';

/**
 * Signs `deployment` for `twinId` (spec deployment-hash.md §4): the message is the 16-byte digest,
 * or the polkadot{.js} `<Bytes>hex</Bytes>` text when `signature_style` is `polka-wallet`
 * (`bytesToSign` of @sc4it/hash). Returns a new deployment whose `signatures` hold exactly one
 * entry for `twinId` — an existing entry is replaced in place (later duplicates are dropped),
 * never appended twice as the TS SDK does — with lower-case hex and `signature_type` =
 * the identity's key type. The input is not modified.
 * @throws `DecodeError` / `DeploymentError` from @sc4it/hash for a deployment the node cannot hash.
 * @example
 * ```ts
 * import { identityFromMnemonic, signDeployment } from '@sc4it/crypto';
 * const signed = signDeployment(deployment, 7, identityFromMnemonic(mnemonic, 'sr25519'));
 * ```
 */
export function signDeployment<D extends Deployment>(deployment: D, twinId: number, identity: Identity): D {
  if (!Number.isInteger(twinId) || twinId < 0 || twinId > 0xffffffff) throw badInput('twinId', 'expected a u32 twin id');
  const message = bytesToSign(deployment);
  const entry: Signature = {
    twin_id: twinId,
    signature: bytesToHex(identity.sign(message)),
    signature_type: identity.keyType,
  };
  const requirement = deployment.signature_requirement ?? { requests: [], weight_required: 0, signatures: [] };
  const old: Signature[] = Array.isArray(requirement.signatures) ? requirement.signatures : [];
  const signatures: Signature[] = [];
  let placed = false;
  for (const s of old) {
    if (s.twin_id !== twinId) signatures.push(s);
    else if (!placed) {
      signatures.push(entry);
      placed = true;
    }
  }
  if (!placed) signatures.push(entry);
  return { ...deployment, signature_requirement: { ...requirement, signatures } };
}
