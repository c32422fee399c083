import { verifySignature, type GetTwinKey, type Identity } from '@sc4it/crypto';
import { RmbRemoteError, type RmbPeer } from '@sc4it/rmb/browser';
import {
  DecodeError,
  Sc4itError,
  bytesToHex,
  canonicalJson,
  concatBytes,
  hexToBytes,
  utf8ToBytes,
  type ErrorCode,
  type KeyType,
} from '@sc4it/types';

/** Domain label of the bytes a twin command's signature covers. */
export const TWIN_COMMAND_DOMAIN = 'sc4it-twin-command/v1';

/** What an authorised identity can ask a user's digital twin to do. */
export type TwinOp = 'deploy' | 'update' | 'cancel' | 'contracts' | 'show';

/** The bus command names the digital twin serves. */
export const TWIN_COMMANDS = {
  command: 'sc4it.twin.command',
  cosign: 'sc4it.multisig.sign',
  cosignStatus: 'sc4it.multisig.status',
} as const;

/** A command before signing. `nonce` and `issuedAt` stop replays. */
export interface TwinCommand {
  v: 1;
  /** The twin that signs the command (must be authorised by the agent's user). */
  issuer: number;
  /** The agent's twin: a command for one agent is useless at another. */
  agent: number;
  op: TwinOp;
  args: Record<string, unknown>;
  /** 16 random bytes, hex. */
  nonce: string;
  /** Unix seconds. */
  issuedAt: number;
}

export interface SignedTwinCommand extends TwinCommand {
  keyType: KeyType;
  /** Hex of the 64-byte signature over {@link twinCommandBytes}. */
  signature: string;
}

/** An agent's answer: a result, or a typed error that survives the bus. */
export type TwinReply = { ok: true; result: unknown } | { ok: false; error: { code: string; message: string; upstream?: string } };

/** The signed bytes: domain label, newline, canonical JSON of the unsigned command. */
export function twinCommandBytes(command: TwinCommand): Uint8Array {
  const { v, issuer, agent, op, args, nonce, issuedAt } = command;
  return concatBytes(utf8ToBytes(`${TWIN_COMMAND_DOMAIN}\n`), utf8ToBytes(canonicalJson({ v, issuer, agent, op, args, nonce, issuedAt })));
}

/** Builds and signs a command from `issuer` (the twin of `identity`) to `agent`. */
export function signTwinCommand(identity: Identity, issuer: number, agent: number, op: TwinOp, args: Record<string, unknown>, now = Math.floor(Date.now() / 1000)): SignedTwinCommand {
  const nonceBytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(nonceBytes);
  const command: TwinCommand = { v: 1, issuer, agent, op, args, nonce: bytesToHex(nonceBytes), issuedAt: now };
  return { ...command, keyType: identity.keyType, signature: bytesToHex(identity.sign(twinCommandBytes(command))) };
}

const OPS: ReadonlySet<string> = new Set<TwinOp>(['deploy', 'update', 'cancel', 'contracts', 'show']);

/**
 * Reads a signed command from a bus payload.
 * @throws {DecodeError} `decode.twin_command` when fields are missing or of the wrong type.
 */
export function parseTwinCommand(value: unknown): SignedTwinCommand {
  const c = value as Partial<SignedTwinCommand> | null;
  const bad = (field: string): never => {
    throw new DecodeError('decode.twin_command', 'malformed twin command', { field });
  };
  if (c === null || typeof c !== 'object' || Array.isArray(c)) return bad('$');
  if (c.v !== 1) bad('v');
  if (!Number.isInteger(c.issuer) || (c.issuer as number) < 1) bad('issuer');
  if (!Number.isInteger(c.agent) || (c.agent as number) < 1) bad('agent');
  if (typeof c.op !== 'string' || !OPS.has(c.op)) bad('op');
  if (c.args === null || typeof c.args !== 'object' || Array.isArray(c.args)) bad('args');
  if (typeof c.nonce !== 'string' || !/^[0-9a-f]{32}$/.test(c.nonce)) bad('nonce');
  if (!Number.isInteger(c.issuedAt)) bad('issuedAt');
  if (c.keyType !== 'sr25519' && c.keyType !== 'ed25519') bad('keyType');
  if (typeof c.signature !== 'string' || !/^[0-9a-f]{128}$/.test(c.signature)) bad('signature');
  return c as SignedTwinCommand;
}

/**
 * True when the command's signature verifies against the issuer twin's account key on chain
 * (and the declared key type is the twin's).
 */
export async function verifyTwinCommand(command: SignedTwinCommand, getTwinKey: GetTwinKey): Promise<boolean> {
  const key = await getTwinKey(command.issuer);
  if (key === null || key.keyType !== command.keyType) return false;
  try {
    return verifySignature(key.keyType, key.publicKey, twinCommandBytes(command), hexToBytes(command.signature));
  } catch {
    return false;
  }
}

/** Turns an error into a reply the bus can carry (code, short message, upstream; never a stack). */
export function errorReply(err: unknown): TwinReply {
  if (err instanceof Sc4itError) {
    return { ok: false, error: { code: err.code, message: err.shortMessage, ...(err.upstream === undefined ? {} : { upstream: err.upstream }) } };
  }
  return { ok: false, error: { code: 'internal.agent_error', message: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 200) : 'agent error' } };
}

/** The typed error an agent reported. */
export class TwinCommandError extends Sc4itError {
  override name = 'TwinCommandError';
}

function replyError(e: { code: string; message: string; upstream?: string }): TwinCommandError {
  const code = (/^[a-z]+\.[a-z0-9_.]+$/.test(e.code) ? e.code : 'rpc.agent_error') as ErrorCode;
  return new TwinCommandError(code, e.message, e.upstream === undefined ? {} : { upstream: e.upstream });
}

/** Unwraps a {@link TwinReply}: the result, or a {@link TwinCommandError} with the agent's code. */
export function unwrapReply<T>(reply: unknown): T {
  const r = reply as TwinReply | null;
  if (r === null || typeof r !== 'object' || typeof r.ok !== 'boolean') throw new DecodeError('decode.twin_reply', 'malformed reply from the digital twin');
  if (r.ok) return r.result as T;
  throw replyError(r.error);
}

/**
 * Signs `op` with `identity` and sends it to the digital twin `agentTwin` over the bus; resolves
 * with the agent's result.
 * @throws {TwinCommandError} with the agent's error code (e.g. `rpc.unauthorized`, `chain.*`,
 * `deployment.*`); `TransportError` when the agent does not answer in time.
 */
export async function commandTwin<T = unknown>(
  peer: RmbPeer,
  identity: Identity,
  agentTwin: number,
  op: TwinOp,
  args: Record<string, unknown> = {},
  options: { timeoutMs?: number } = {},
): Promise<T> {
  const signed = signTwinCommand(identity, peer.twinId, agentTwin, op, args);
  const timeout = options.timeoutMs ?? 180_000;
  try {
    const reply = await peer.request(agentTwin, TWIN_COMMANDS.command, JSON.stringify(signed), { timeout, ttl: Math.ceil(timeout / 1000) + 30 });
    return unwrapReply<T>(reply.json());
  } catch (err) {
    if (err instanceof RmbRemoteError) throw new TwinCommandError('rpc.agent_error', `the digital twin failed: ${err.shortMessage}`, { cause: err });
    throw err;
  }
}

