import { Sc4itError, type ErrorCode } from '@sc4it/types';

/**
 * The node's error texts, built exactly as zos builds them (deployment-hash.md §5–§6.8; zosbase
 * pkg/provision/engine.go, pkg/gridtypes/deployment.go, pkg/primitives/*). zos wraps with
 * github.com/pkg/errors, whose `Wrap(cause, msg)` prints `msg + ": " + cause`; the texts below
 * follow that rule. Texts marked "sc4it" are checks zos does not make.
 */
export const ZosText = {
  twinMismatch: (deployment: number, message: number) =>
    `twin id mismatch (deployment: ${deployment}, message: ${message})`,
  notVerified: (twin: number) => `user with twin id ${twin} is not verified`,
  /** engine.go `Provision`: `errors.Wrap(ErrInvalidVersion, "expected version to be 0 …")`. */
  versionNotZero: 'expected version to be 0 on deployment creation: invalid version',
  exists: 'exists',
  conflict: 'conflict',
  deploymentNotExists: 'deployment does not exist',
  deploymentNotFound: 'deployment not found',
  deleteDisabled: 'deletion over the api is disabled, please cancel your contract instead',
  /** engine.go `Update`: `errors.Wrap(ErrDeploymentUpgradeValidationError, err.Error())`. */
  upgradeValidation: (inner: string) => `${inner}: upgrade validation error`,
  cannotChangeIds: 'cannot change deployment or twin id',
  expectingVersion: (expected: number, got: number) => `expecting deployment version ${expected}, got ${got}`,
  invalidWorkloadVersion: (name: string, expected: number) =>
    `invalid version number for workload '${name}' expected '${expected}'`,
  cannotChangeType: (name: string) => `cannot change workload type '${name}'`,
  noUpgradeSupport: (type: string) => `workload '${type}' does not support upgrade`,
  // asynchronous part (engine.go `validate`)
  failedToGetContract: (cause: string) => `failed to get deployment contract: ${cause}`,
  /** tfchain-client-go `ErrNotFound`. */
  objectNotFound: 'object not found',
  invalidContractType: 'invalid contract type, expecting node contract',
  invalidNodeAddress: 'invalid node address in contract',
  hashMismatch: 'contract hash does not match deployment hash',
  /** sc4it: zos does not check the contract state. */
  contractNotLive: (state: string) => `contract is not active on chain (state: ${state})`,
  /** sc4it: the seed requires the contract owner to be the sender; zos skips this check. */
  ownerMismatch: (contractTwin: number, deploymentTwin: number) =>
    `contract owner twin mismatch (contract: ${contractTwin}, deployment: ${deploymentTwin})`,
  // per-workload provisioning (pkg/primitives/*)
  capacityMemory: (required: bigint, usable: bigint) =>
    `failed to satisfy required capacity: cannot fulfil required memory size ${required} bytes out of usable ${usable} bytes`,
  /** The storage module's refusal, raised later than the memory check in zos. */
  noSpace: 'not enough space left in pools',
  /** pubip: counts every ip workload in the message, as zos does. */
  ipsReserved: (required: number, reserved: number) =>
    `required ${required} ips while contract has ${reserved} ip reserved`,
  ipAllocate: 'could not allocate public IP address to workload',
  nameContractMissing:
    'failed to setup name proxy: failed to verify name contract: a name contract with the given name must be reserved first',
  nameContractState: 'failed to setup name proxy: failed to verify name contract: the name contract must be in Created state',
  nameContractTwin: 'failed to setup name proxy: failed to verify name contract: twin id mismatch',
  gpuNotRented: 'usage of GPU is not allowed unless node is rented',
  // lifecycle
  canceledEvent: 'contract canceled event received',
  notActiveOnChain: 'contract not active on chain',
  deletedByUpdate: 'deleted by an update',
  paused: 'paused',
} as const;

/**
 * A refusal by the node. `message` (and `shortMessage`) is exactly the zos text, so it can travel
 * as the bus error message unchanged; `upstream` holds the same text for compatibility tests.
 */
export class NodeError extends Sc4itError {
  override name = 'NodeError';
  constructor(code: ErrorCode, zosText: string, options: { cause?: unknown } = {}) {
    super(code, zosText, { ...options, upstream: zosText });
  }
}
