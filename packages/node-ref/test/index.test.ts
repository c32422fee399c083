import { describe, expect, it } from 'vitest';
import * as api from '../src/index.ts';

// The public surface, listed by hand: other packages (client, demo) build on these names.
describe('package exports', () => {
  it('exports exactly the documented values', () => {
    expect(Object.keys(api).sort()).toEqual(
      [
        'DeploymentStore',
        'INSTALL_ORDER',
        'LIVE_STATES',
        'NODE_COMMANDS',
        'NodeError',
        'Outbox',
        'ReferenceNode',
        'UPDATABLE_TYPES',
        'ZosText',
        'checkContract',
        'checkIncoming',
        'createNode',
        'defaultNodeDeps',
        'eventContractIds',
        'installOrder',
        'isActive',
        'minRootSize',
        'nodeReserved',
        'outboxId',
        'planUpgrade',
        'provisionWorkload',
        'reconnectingChain',
        'replyBytes',
        'replyJson',
        'toNodeError',
        'toZosJson',
        'uninstallOrder',
        'usableMemory',
        'workloadCapacity',
        'workloadId',
      ].sort(),
    );
  });
});
