import { generateMnemonic, identityFromMnemonic } from '@sc4it/crypto';
import { parseDeployment } from '@sc4it/types';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_DEPLOYMENT_DATA,
  buildDeployment,
  deploymentToWire,
  diffDeployments,
  formatBytes,
  formatTft,
  openSummary,
  parseSize,
  parseTwinCommand,
  sealSummary,
  signTwinCommand,
  tftToPlanck,
  verifyTwinCommand,
  vmWorkloads,
} from '../src/index.ts';

describe('sizes and amounts', () => {
  it('parses sizes in binary units', () => {
    expect(parseSize('4G')).toBe(4n * 2n ** 30n);
    expect(parseSize('512 MiB')).toBe(512n * 2n ** 20n);
    expect(parseSize('1.5G')).toBe(3n * 2n ** 29n);
    expect(parseSize(1024)).toBe(1024n);
    for (const bad of ['', 'G', '-1G', '4X', '1e9', '0x10']) expect(() => parseSize(bad)).toThrow(expect.objectContaining({ code: 'decode.size' }));
  });
  it('formats bytes and TFT', () => {
    expect(formatBytes(4n * 2n ** 30n)).toBe('4 GiB');
    expect(formatBytes(3n * 2n ** 29n)).toBe('1.5 GiB');
    expect(formatTft(125_000_000n)).toBe('12.5 TFT');
    expect(formatTft(-1n, 7)).toBe('-0.0000001 TFT');
    expect(tftToPlanck('12.5')).toBe(125_000_000n);
    fc.assert(fc.property(fc.bigInt({ min: 0n, max: 10n ** 21n }), (p) => tftToPlanck(formatTft(p, 7).replace(' TFT', '')) === p));
  });
});

describe('VM builder', () => {
  it('builds what the node accepts (checked with the zos Valid() rules of @sc4it/types)', () => {
    const d = buildDeployment({ twinId: 7, workloads: vmWorkloads({ name: 'vm1', cpu: 2, memory: '4G', disks: [{ size: '10G', mountpoint: '/data' }], publicIp: true, sshKey: 'ssh-ed25519 AAAA' }) });
    const parsed = parseDeployment(deploymentToWire(d));
    expect(parsed.workloads.map((w) => w.type)).toEqual(['network', 'zmount', 'ip', 'zmachine']);
    expect(parsed.signature_requirement.requests).toEqual([{ twin_id: 7, required: false, weight: 1n }]);
  });
  it('refuses names and sizes the node refuses', () => {
    expect(() => vmWorkloads({ name: 'bad name' })).toThrow(expect.objectContaining({ code: 'deployment.invalid_name' }));
    expect(() => vmWorkloads({ name: 'ygg' })).toThrow(expect.objectContaining({ code: 'deployment.invalid_name' }));
    expect(() => vmWorkloads({ name: 'a', memory: '100M' })).toThrow(expect.objectContaining({ code: 'deployment.invalid_vm' }));
    expect(() => vmWorkloads({ name: 'a', cpu: 0 })).toThrow(expect.objectContaining({ code: 'deployment.invalid_vm' }));
    expect(() => buildDeployment({ twinId: 1, workloads: [], signers: [{ twinId: 1 }, { twinId: 1 }] })).toThrow(expect.objectContaining({ code: 'deployment.duplicate_request' }));
    expect(() => buildDeployment({ twinId: 1, workloads: [], weightRequired: 2 })).toThrow(expect.objectContaining({ code: 'deployment.invalid_weight' }));
  });
  it('adds the owner to the signers as required', () => {
    const d = buildDeployment({ twinId: 3, workloads: [], signers: [{ twinId: 4, weight: 2 }] });
    expect(d.signature_requirement.requests).toEqual([{ twin_id: 3, required: true, weight: 1 }, { twin_id: 4, required: false, weight: 2 }]);
    expect(d.signature_requirement.weight_required).toBe(3);
  });
  it('writes 64-bit values beyond 2^53 as bare JSON numbers', () => {
    const text = deploymentToWire({ contract_id: 2n ** 60n + 1n, workloads: [] } as never);
    expect(text).toBe('{"contract_id":1152921504606846977,"workloads":[]}');
  });
});

describe('sealed summary', () => {
  const me = identityFromMnemonic(generateMnemonic(), 'sr25519');
  const other = identityFromMnemonic(generateMnemonic(), 'ed25519');
  const d = buildDeployment({ twinId: 9, workloads: vmWorkloads({ name: 'vm', disks: [{ size: '1G', mountpoint: '/a' }, { size: '1G', mountpoint: '/b' }] }), metadata: '{"type":"vm","name":"vm"}' });

  it('fits 512 bytes and opens for every recipient', () => {
    const { sealed, summary } = sealSummary(d, { nodeId: 4, recipients: [me.secp256k1.publicKey, other.secp256k1.publicKey], now: 1000 });
    expect(sealed.length).toBeLessThanOrEqual(MAX_DEPLOYMENT_DATA);
    expect(openSummary(sealed, me.secp256k1.privateKey)).toEqual(summary);
    expect(openSummary(sealed, other.secp256k1.privateKey)).toEqual({ v: 1, name: 'vm', node: 4, twin: 9, at: 1000, workloads: [['net_vm', 'network'], ['vm_disk0', 'zmount'], ['vm_disk1', 'zmount'], ['vm', 'zmachine']], metadata: '{"type":"vm","name":"vm"}' });
  });
  it('drops details to fit, and fails with a typed error when nothing fits', () => {
    const big = { ...d, metadata: 'x'.repeat(2000).replace(/x/g, () => String.fromCharCode(33 + Math.floor(Math.random() * 90))) };
    const { sealed, summary } = sealSummary(big, { nodeId: 1, recipients: [me.secp256k1.publicKey] });
    expect(sealed.length).toBeLessThanOrEqual(MAX_DEPLOYMENT_DATA);
    expect(summary.metadata).toBeUndefined();
    const many = Array.from({ length: 10 }, () => identityFromMnemonic(generateMnemonic(), 'sr25519').secp256k1.publicKey);
    expect(() => sealSummary(d, { nodeId: 1, recipients: many })).toThrow(expect.objectContaining({ code: 'deployment.data_too_large' }));
  });
});

describe('plain-language diff', () => {
  it('names workloads, fields, old and new values, and what is not hashed', () => {
    const a = buildDeployment({ twinId: 1, workloads: vmWorkloads({ name: 'vm', random: () => new Uint8Array(64).fill(1) }) });
    const b = structuredClone(a);
    const zm = b.workloads.find((w) => w.type === 'zmachine')!;
    (zm.data as { corex: boolean }).corex = true;
    (zm.data as { env: Record<string, string> }).env = { A: 'b' };
    b.contract_id = 5;
    b.signature_requirement.weight_required = 2;
    b.signature_requirement.requests.push({ twin_id: 2, required: false, weight: 1 });
    expect(diffDeployments(a, b).map((c) => [c.text, c.hashed])).toEqual([
      ['contract_id changes from 0 to 5', false],
      ['required signature weight changes from 1 to 2', true],
      ['twin 2 is asked to sign (weight 1)', true],
      ["workload 'vm' data.env.A is added: \"b\"", true],
      ["workload 'vm' data.corex changes from false to true", false],
    ]);
    expect(diffDeployments(a, structuredClone(a))).toEqual([]);
  });
});

describe('twin commands', () => {
  const id = identityFromMnemonic(generateMnemonic(), 'sr25519');
  const keys = async (twin: number) => (twin === 5 ? { publicKey: id.publicKey, keyType: id.keyType } : null);
  it('verifies only the exact signed command from the right key', async () => {
    const cmd = signTwinCommand(id, 5, 6, 'cancel', { contractId: '12' });
    expect(await verifyTwinCommand(parseTwinCommand(JSON.parse(JSON.stringify(cmd))), keys)).toBe(true);
    expect(await verifyTwinCommand({ ...cmd, agent: 7 }, keys)).toBe(false);
    expect(await verifyTwinCommand({ ...cmd, args: { contractId: '13' } }, keys)).toBe(false);
    expect(await verifyTwinCommand({ ...cmd, issuer: 6 }, keys)).toBe(false);
    expect(await verifyTwinCommand({ ...cmd, keyType: 'ed25519' }, keys)).toBe(false);
  });
  it('rejects malformed commands with a typed error (fuzzed)', () => {
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        try {
          parseTwinCommand(junk);
          return false;
        } catch (err) {
          return (err as { code?: string }).code === 'decode.twin_command';
        }
      }),
      { numRuns: 300 },
    );
  });
});
