/**
 * @packageDocumentation
 * A reference zos-like node: serves the zos bus commands, validates deployments against the
 * chain as zos does, simulates provisioning, follows contract events and reports consumption.
 * Spec: shared/spec/deployment-hash.md §5–§8, chain-and-billing.md §13, §15.
 */
export { ReferenceNode, toZosJson, eventContractIds } from './node.ts';
export type { NodeInit, NodeOptions, NodeDeps, NodeLogEvent, NodeStats, CommandResult } from './node.ts';
export { NodeError, ZosText } from './zos-errors.ts';
export { checkIncoming, checkContract, toNodeError, LIVE_STATES } from './validate.ts';
export type { IncomingChecks, ContractCheck, NodeContract } from './validate.ts';
export { planUpgrade, UPDATABLE_TYPES } from './upgrade.ts';
export type { UpgradeOp } from './upgrade.ts';
export { INSTALL_ORDER, installOrder, uninstallOrder } from './order.ts';
export { workloadCapacity, nodeReserved, usableMemory, minRootSize } from './capacity.ts';
export type { Capacity } from './capacity.ts';
export { provisionWorkload, workloadId } from './provisioner.ts';
export type { ProvisionEnv, ProvisionOutcome } from './provisioner.ts';
export { DeploymentStore, isActive } from './store.ts';
export type { DeploymentRecord, WorkloadRecord, DeploymentHead, PendingJob } from './store.ts';
export { Outbox, outboxId } from './outbox.ts';
export type { OutboxItem } from './outbox.ts';
export { createNode, NODE_COMMANDS } from './create-node.ts';
export type { CreateNodeInit, RunningNode } from './create-node.ts';
export { defaultNodeDeps } from './deps.ts';
export { replyJson, replyBytes } from './reply-json.ts';
export { reconnectingChain } from './reconnecting-chain.ts';
