/**
 * @packageDocumentation
 * A local TFChain for sc4it: twins, farms, nodes, public IPs, node / name / rent contracts and
 * billing (via @sc4it/billing), with instant / interval / manual blocks, time warp, snapshots,
 * crash-safe persistence, an in-process `DevChainClient` and a JSON-RPC 2.0 WebSocket server with
 * a typed client. Spec: shared/spec/chain-and-billing.md.
 */
export { Chain, createChain } from './chain.ts';
export type { ChainOptions, BlockMode } from './chain.ts';
export { LocalChainClient } from './local-client.ts';
export { serveChain, RpcHandler, RPC_CHAIN_ERROR, RPC_INVALID_PARAMS, RPC_INVALID_REQUEST, RPC_METHOD_NOT_FOUND, RPC_PARSE_ERROR, RPC_INTERNAL_ERROR, RPC_MAX_PAYLOAD } from './rpc-server.ts';
export type { ChainServer } from './rpc-server.ts';
export { connectChain, RpcChainClient } from './rpc-client.ts';
export { devSetup, devIdentity, devChainOptions, createDevChain, DEV_MNEMONICS, DEV_TERMS_AND_CONDITIONS } from './dev.ts';
export type { DevSetup, DevSetupOptions, DevAccount, DevNode, DevAccountName } from './dev.ts';
export { chainError, snakeName } from './errors.ts';
export { decodeCall, decodeTransaction, MAX_DEPLOYMENT_DATA } from './decode.ts';
export { isValidPublicIp4 } from './ip4.ts';
export { validRelay } from './runtime.ts';
export { STATE_FORMAT } from './dump.ts';
export type { StateDump } from './dump.ts';
export type { ChainConfig } from './state.ts';
