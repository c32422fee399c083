// signDeployment and multisigStatus; signatures checked with @polkadot/util-crypto.
import { stringToU8a, u8aWrapBytes } from '@polkadot/util';
import { cryptoWaitReady, signatureVerify } from '@polkadot/util-crypto';
import { deploymentHash } from '@sc4it/hash';
import { bytesToHex, type Deployment, hexToBytes } from '@sc4it/types';
import { beforeAll, describe, expect, it } from 'vitest';
import { identityFromSeed, multisigStatus, signDeployment, verifyDeployment } from '../src/index.ts';

// deployment-hash.md §10 V2 (verbatim) and its published digest / originator signature.
const V2 = JSON.parse(
  '{"version":1,"twin_id":7,"contract_id":1234,"metadata":"","description":"multisig gw","expiration":0,"signature_requirement":{"requests":[{"twin_id":7,"required":true,"weight":1},{"twin_id":8,"required":false,"weight":1},{"twin_id":9,"required":false,"weight":2}],"weight_required":3,"signatures":[],"signature_style":""},"workloads":[{"version":0,"name":"pubip","type":"ip","data":{"v4":true,"v6":false},"metadata":"","description":""},{"version":1,"name":"gwname","type":"gateway-name-proxy","data":{"name":"mysite","tls_passthrough":false,"backends":["http://10.20.2.2:8080"],"network":"net1"},"metadata":"","description":"name gw"},{"version":0,"name":"gwfqdn","type":"gateway-fqdn-proxy","data":{"fqdn":"app.example.com","tls_passthrough":true,"backends":["1.2.3.4:443"]},"metadata":"","description":""},{"version":1,"name":"db1","type":"zdb","data":{"size":1073741824,"mode":"user","password":"pa$$w0rd","public":true},"metadata":"m","description":""},{"version":0,"name":"vol1","type":"volume","data":{"size":2147483648},"metadata":"","description":""}]}',
) as Deployment;
const V2_DIGEST = 'c4c4b11751d7be8dd2453862cdfe3ca2';
const V2_SIG_7 = '6cb44a62ff3eab4927d3eabbc81eac1df63ec07e0217f74d677188a52058ba4e1be7467a0c683882fa01673d9189dd81e1a348912285b94e9053ae909fbef202';
const VECTOR_SEED = '0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20';

const t7 = identityFromSeed(VECTOR_SEED, 'ed25519');
const t8 = identityFromSeed('0x' + '18'.repeat(32), 'sr25519');
const t9 = identityFromSeed('0x' + '19'.repeat(32), 'ed25519');
const keys = new Map([
  [7, t7],
  [8, t8],
  [9, t9],
]);
const getTwinKey = (twin: number) => {
  const id = keys.get(twin);
  return id ? { publicKey: id.publicKey, keyType: id.keyType } : null;
};

beforeAll(async () => {
  await cryptoWaitReady();
});

describe('signDeployment', () => {
  it('reproduces the spec V2 originator signature (ed25519 over the 16 raw digest bytes)', () => {
    expect(bytesToHex(t7.publicKey)).toBe('79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664');
    const signed = signDeployment(V2, 7, t7);
    expect(signed.signature_requirement.signatures).toEqual([{ twin_id: 7, signature: V2_SIG_7, signature_type: 'ed25519' }]);
    expect(V2.signature_requirement.signatures).toEqual([]); // input untouched
    expect(signatureVerify(hexToBytes(V2_DIGEST), hexToBytes(V2_SIG_7), t7.address).isValid).toBe(true);
  });
  it('sr25519 signature verifies in polkadot over the digest', () => {
    const signed = signDeployment(V2, 8, t8);
    const s = signed.signature_requirement.signatures[0]!;
    expect(s.signature_type).toBe('sr25519');
    expect(s.signature).toMatch(/^[0-9a-f]{128}$/);
    expect(signatureVerify(hexToBytes(V2_DIGEST), hexToBytes(s.signature), t8.address)).toMatchObject({ isValid: true, crypto: 'sr25519' });
  });
  it('replaces, never duplicates, an existing entry (and drops later duplicates)', () => {
    let d = signDeployment(V2, 7, t7);
    d = signDeployment(d, 9, t9);
    d.signature_requirement.signatures.push({ twin_id: 7, signature: 'ff', signature_type: 'ed25519' });
    d.signature_requirement.signatures[0] = { twin_id: 7, signature: '00', signature_type: 'sr25519' };
    const again = signDeployment(d, 7, t7);
    expect(again.signature_requirement.signatures.map((s) => s.twin_id)).toEqual([7, 9]);
    expect(again.signature_requirement.signatures[0]).toEqual({ twin_id: 7, signature: V2_SIG_7, signature_type: 'ed25519' });
  });
  it('polka-wallet style signs the <Bytes>hex</Bytes> text, as the polkadot extension does', async () => {
    const pw: Deployment = { ...V2, signature_requirement: { ...V2.signature_requirement, signature_style: 'polka-wallet' } };
    const hashHex = deploymentHash(pw); // signature_style is hashed, so this differs from V2's
    expect(hashHex).not.toBe(V2_DIGEST);
    const wrapped = u8aWrapBytes(stringToU8a(hashHex)); // polkadot's own wrapper
    expect(new TextDecoder().decode(wrapped)).toBe(`<Bytes>${hashHex}</Bytes>`);
    for (const [twin, id] of [[7, t7], [8, t8]] as const) {
      const sig = hexToBytes(signDeployment(pw, twin, id).signature_requirement.signatures[0]!.signature);
      expect(signatureVerify(wrapped, sig, id.address).isValid).toBe(true);
      expect(signatureVerify(hexToBytes(hashHex), sig, id.address).isValid).toBe(false);
    }
    const all = signDeployment(signDeployment(signDeployment(pw, 7, t7), 8, t8), 9, t9);
    await expect(verifyDeployment(all, getTwinKey)).resolves.toMatchObject({ complete: true, weightCollected: 4 });
  });
});

describe('multisigStatus', () => {
  it('tracks who signed, weight collected vs required and who is missing', async () => {
    const only7 = signDeployment(V2, 7, t7);
    const s1 = await multisigStatus(only7, getTwinKey, { policy: 'strict-weights' });
    expect(s1).toMatchObject({
      signed: [7],
      missing: [8, 9],
      missingRequired: [],
      weightCollected: 1,
      weightRequired: 3,
      complete: false,
      originatorListed: true,
    });
    expect(s1.error?.code).toBe('deployment.weight_not_reached');
    const zos = await multisigStatus(only7, getTwinKey);
    expect(zos.error?.code).toBe('deployment.signature_verification_failed');
    const with9 = signDeployment(only7, 9, t9);
    const s2 = await multisigStatus(with9, getTwinKey, { policy: 'strict-weights' });
    expect(s2).toMatchObject({ signed: [7, 9], missing: [8], weightCollected: 3, complete: true });
    const all = signDeployment(with9, 8, t8);
    const s3 = await verifyDeployment(all, getTwinKey);
    expect(s3).toMatchObject({ signed: [7, 8, 9], missing: [], weightCollected: 4, complete: true });
  });
  it('reports invalid and unrequested signatures', async () => {
    let d = signDeployment(signDeployment(V2, 7, t7), 8, t8);
    d = signDeployment(d, 9, t8); // twin 9 signed with the wrong key
    d = signDeployment(d, 42, t9); // not requested
    const s = await multisigStatus(d, getTwinKey);
    expect(s).toMatchObject({ signed: [7, 8], invalid: [9], unrequested: [42], weightCollected: 2, complete: false });
  });
  it('calls getTwinKey once per twin and tolerates a throwing resolver', async () => {
    const calls: number[] = [];
    const d = signDeployment(V2, 7, t7);
    const s = await multisigStatus(d, (twin) => {
      calls.push(twin);
      if (twin === 9) throw new Error('chain down');
      return getTwinKey(twin);
    });
    expect(calls).toEqual([7, 8, 9]);
    expect(s.keyUnavailable).toEqual([9]);
  });
});
