// Every sc4it package imports these names: a removed or renamed export must fail here first.
import { expect, it } from 'vitest';
import * as types from './index.ts';

it('exports exactly these values', () => {
  expect(Object.keys(types).sort()).toEqual([
    'ChainError',
    'CryptoError',
    'DecodeError',
    'DeploymentError',
    'Sc4itError',
    'TransportError',
    'WORKLOAD_TYPES',
    'bytesToHex',
    'bytesToUtf8',
    'canonicalGoCIDR',
    'canonicalGoIP',
    'canonicalJson',
    'concatBytes',
    'decodeBacklog',
    'decodeDeployment',
    'decodeEnvelope',
    'decodeJson',
    'deploymentFromProto',
    'deploymentToProto',
    'encodeBacklog',
    'encodeDeployment',
    'encodeEnvelope',
    'encodeJson',
    'envelopeMessageKind',
    'equalBytes',
    'formatDeployment',
    'formatGoCIDR',
    'formatGoIP',
    'fromJsonValue',
    'hexToBytes',
    'isRetryable',
    'isSc4itError',
    'parseDeployment',
    'parseGoCIDR',
    'parseGoIP',
    'sc4itProto',
    'sendCall',
    'signTransaction',
    'signingPayload',
    'toJsonValue',
    'utf8ToBytes',
  ]);
});

it('the generated protobuf namespace holds the issue-2 domain messages', () => {
  const v1 = types.sc4itProto.v1 as unknown as Record<string, unknown>;
  for (const m of [
    'Deployment', 'Workload', 'SignatureRequirement', 'SignatureRequest', 'Signature', 'Contract', 'NodeContract',
    'NameContract', 'RentContract', 'ContractState', 'PublicIp', 'ConsumptionReport', 'NruConsumption',
    'ContractResources', 'Twin', 'Farm', 'Node', 'PricingPolicy',
  ]) {
    expect(typeof v1[m], m).toBe('function');
  }
});

it('ConsumptionReport, NruConsumption and Contract state put the issue\'s fields on the wire in order', () => {
  const { ConsumptionReport, NruConsumption, Contract } = types.sc4itProto.v1;
  const hex = (b: Uint8Array): string => types.bytesToHex(b);
  // hand-assembled proto3: tag = (number << 3) | 0 (varint), value 1..7 / 1..4
  const report = ConsumptionReport.encode({ contractId: 1, timestamp: 2, cru: 3, sru: 4, hru: 5, mru: 6, nru: 7 } as never).finish();
  expect(hex(report)).toBe('08011002180320042805300638' + '07');
  const nru = NruConsumption.encode({ contractId: 9, timestamp: 1700000000, window: 3600, nru: 300 } as never).finish();
  expect(hex(nru)).toBe('0809' + '1080e2cfaa06' + '18901c' + '20ac02');
  // Contract{state: GracePeriod{since_block: 5}} = field 2 { field 3 { field 1 = 5 } }; Deleted{OutOfFunds = 2}
  expect(hex(Contract.encode({ state: { gracePeriod: { sinceBlock: 5 } } } as never).finish())).toBe('1204' + '1a020805');
  expect(hex(Contract.encode({ state: { deleted: { cause: 2 } } } as never).finish())).toBe('1204' + '22020802');
});
