/**
 * @packageDocumentation
 * The user's SDK for sc4it: find a node, build and sign a deployment (single or multisig), seal
 * its summary into the contract, create the contract, send the deployment over the bus, wait for
 * it, read results and bills, update, cancel, verify — plus the user's digital twin agent.
 * Runs in Node and in browsers. The `sc4it` command line lives in `@sc4it/client/cli`.
 */
export { GridClient, DeployFailure, findNodes } from './grid-client.ts';
export type {
  GridClientInit,
  NodeQuery,
  DeployOptions,
  DeployResult,
  WaitOptions,
  UpdateOptions,
  UpdateResult,
  Bill,
  Progress,
  ProgressHandler,
} from './grid-client.ts';
export { vmWorkloads, buildDeployment, publicIpCount, DEFAULT_FLIST } from './deployment-builder.ts';
export type { VmOptions, VmDisk, Signer, BuildDeploymentOptions } from './deployment-builder.ts';
export { sealSummary, openSummary, summarize, MAX_DEPLOYMENT_DATA } from './summary.ts';
export type { DeploymentSummary, SealSummaryOptions } from './summary.ts';
export { diffDeployments } from './diff.ts';
export type { DeploymentChange } from './diff.ts';
export { auditDeployment, chainTwinKeys } from './audit.ts';
export type { AuditReport, AuditFinding, AuditOptions } from './audit.ts';
export { deploymentToWire, deploymentFromJson, stripResults } from './wire.ts';
export { TwinAgent, collectSignatures } from './twin-agent.ts';
export type { TwinAgentInit, Proposal, AgentEvent, CollectResult, NonceStore } from './twin-agent.ts';
export {
  commandTwin,
  signTwinCommand,
  verifyTwinCommand,
  parseTwinCommand,
  twinCommandBytes,
  unwrapReply,
  TwinCommandError,
  TWIN_COMMAND_DOMAIN,
  TWIN_COMMANDS,
} from './twin-command.ts';
export type { TwinCommand, SignedTwinCommand, TwinOp, TwinReply } from './twin-command.ts';
export { KiB, MiB, GiB, TiB, PLANCK_PER_TFT, parseSize, formatBytes, formatTft, tftToPlanck } from './units.ts';
