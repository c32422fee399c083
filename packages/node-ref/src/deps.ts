import { verifyDeployment } from '@sc4it/crypto';
import { deploymentHash } from '@sc4it/hash';
import { parseDeployment, type Deployment } from '@sc4it/types';
import type { NodeDeps } from './node.ts';

/**
 * The node's checks from the sibling packages: `parseDeployment` (zos `Valid()`),
 * `deploymentHash` (the node's challenge + MD5) and `verifyDeployment` with the zos multisig
 * policy (quirks included, deployment-hash.md §5).
 */
export function defaultNodeDeps(): NodeDeps {
  return {
    deploymentHash: (d) => deploymentHash(d as object),
    validate: (input) => parseDeployment(input),
    verifySignatures: async (d, getTwinKey) => {
      await verifyDeployment(d as Deployment, getTwinKey, { policy: 'zos' });
    },
  };
}
