import { describe, expect, it } from 'vitest';
import { DeploymentError, type Contract } from '@sc4it/types';
import { checkContract, checkIncoming } from '../src/validate.ts';

// Order and texts: deployment-hash.md §6.2 (synchronous) and §6.3 (asynchronous), plus the seed's
// owner check and the live-state check that sc4it adds.
describe('checkIncoming (synchronous part)', () => {
  const calls: string[] = [];
  const checks = (fail?: 'valid' | 'sig') => ({
    valid: (input: unknown) => {
      calls.push('valid');
      if (fail === 'valid') {
        throw new DeploymentError('deployment.duplicate_name', 'duplicate', { upstream: "multiple workloads with the same name 'a'" });
      }
      return input;
    },
    verifySignatures: async () => {
      calls.push('sig');
      if (fail === 'sig') throw new DeploymentError('deployment.bad_signature', 'bad', { upstream: 'failed to verify signature' });
    },
  });

  it('runs Valid, then the twin check, then signatures', async () => {
    calls.length = 0;
    await checkIncoming({ twin_id: 7 }, 7, checks());
    expect(calls).toEqual(['valid', 'sig']);
  });
  it('answers with the node text of the first failing check', async () => {
    calls.length = 0;
    await expect(checkIncoming({ twin_id: 7 }, 7, checks('valid'))).rejects.toThrow("multiple workloads with the same name 'a'");
    expect(calls).toEqual(['valid']);
    calls.length = 0;
    await expect(checkIncoming({ twin_id: 7 }, 8, checks('sig'))).rejects.toThrow('twin id mismatch (deployment: 7, message: 8)');
    expect(calls).toEqual(['valid']);
    await expect(checkIncoming({ twin_id: 7 }, 7, checks('sig'))).rejects.toMatchObject({
      message: 'failed to verify signature',
      upstream: 'failed to verify signature',
    });
  });
  it('asks KYC before signatures when configured', async () => {
    calls.length = 0;
    await expect(checkIncoming({ twin_id: 9 }, 9, { ...checks(), verified: async () => false })).rejects.toThrow(
      'user with twin id 9 is not verified',
    );
    expect(calls).toEqual(['valid']);
  });
});

describe('checkContract (asynchronous part)', () => {
  const hash = '5b68e6ac3ca8e3cd71e33419cdef977b';
  const contract = (over: Partial<Contract> & { nodeId?: number; deploymentHash?: string } = {}): Contract => ({
    contractId: 4n,
    twinId: 7,
    state: { kind: 'Created' },
    contractType: {
      kind: 'node',
      nodeId: over.nodeId ?? 1,
      deploymentHash: over.deploymentHash ?? hash,
      deploymentData: new Uint8Array(),
      publicIps: 0,
      publicIpsList: [],
    },
    solutionProviderId: null,
    createdBlock: 1,
    ...over,
  });
  const chainWith = (c: Contract | null | Error) => ({
    getContract: async () => {
      if (c instanceof Error) throw c;
      return c;
    },
  });
  const input = { contractId: 4n, twinId: 7, hash, nodeId: 1 };

  it('accepts a live node contract of this node, owned by the sender, with the same hash', async () => {
    for (const state of [{ kind: 'Created' }, { kind: 'Deployed' }, { kind: 'GracePeriod', sinceBlock: 3 }] as const) {
      expect(await checkContract(chainWith(contract({ state })), input)).toMatchObject({ ok: true });
    }
  });
  it('refuses in the documented order with the node texts', async () => {
    expect(await checkContract(chainWith(null), input)).toEqual({
      ok: false,
      message: 'failed to get deployment contract: object not found',
      ownerVerified: false,
    });
    expect(await checkContract(chainWith(new Error('connection refused')), input)).toMatchObject({
      message: 'failed to get deployment contract: connection refused',
    });
    expect(await checkContract(chainWith(contract({ state: { kind: 'Deleted', cause: 'CanceledByUser' } })), input)).toMatchObject({
      message: 'contract is not active on chain (state: Deleted)',
    });
    expect(
      await checkContract(chainWith(contract({ contractType: { kind: 'name', name: 'abc' } })), input),
    ).toMatchObject({ message: 'invalid contract type, expecting node contract' });
    expect(await checkContract(chainWith(contract({ nodeId: 2 })), input)).toMatchObject({ message: 'invalid node address in contract' });
    expect(await checkContract(chainWith(contract({ twinId: 8 })), input)).toMatchObject({
      message: 'contract owner twin mismatch (contract: 8, deployment: 7)',
      ownerVerified: false,
    });
    expect(await checkContract(chainWith(contract({ deploymentHash: hash.toUpperCase() })), input)).toEqual({
      ok: false,
      message: 'contract hash does not match deployment hash',
      ownerVerified: true,
    });
  });
});
