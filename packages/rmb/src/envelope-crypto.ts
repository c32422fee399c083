import { Sc4itError, type ErrorCode, type Twin } from '@sc4it/types';
import { type Identity, busDecrypt, busEncrypt, signTyped, verifyTyped } from '@sc4it/crypto';
import type { BusCipherCache } from './bus-cipher-cache.ts';
import { envelopeChallenge } from './challenge.ts';
import { type RmbEnvelope, isExpired, nowSeconds } from './envelope.ts';
import type { TwinResolver } from './twin-resolver.ts';

/**
 * An envelope the receiving peer refuses (rmb.md §2.4). `rmbCode` is rmb-rs's protocol error
 * code (rmb.md §6.4), also kept as text in `upstream`.
 */
export class EnvelopeError extends Sc4itError {
  override name = 'EnvelopeError';
  readonly rmbCode: number;
  constructor(code: ErrorCode, rmbCode: number, message: string, cause?: unknown) {
    super(code, message, { upstream: String(rmbCode), ...(cause === undefined ? {} : { cause }) });
    this.rmbCode = rmbCode;
  }
}

/** Signs the §2.1 digest with a 65-byte typed signature and stores it in `signature`. */
export function signEnvelope(env: RmbEnvelope, identity: Identity): void {
  delete env.signature;
  env.signature = signTyped(identity, envelopeChallenge(env));
}

/** True when `signature` is a valid typed signature of the digest by `account` (32-byte key). */
export function verifyEnvelopeSignature(env: RmbEnvelope, account: Uint8Array): boolean {
  if (env.signature === undefined) return false;
  return verifyTyped(account, envelopeChallenge(env), env.signature);
}

/**
 * Puts `plaintext` into the envelope: encrypted to `recipientPk` (rmb.md §4, field 14) when the
 * recipient has a key, plain (field 13) otherwise, or refused when `requireEncryption` is set.
 * With a `cache`, the ECDH key is derived once per recipient.
 */
export async function sealPayload(
  env: RmbEnvelope,
  plaintext: Uint8Array,
  identity: Identity,
  recipientPk: Uint8Array | null,
  requireEncryption = false,
  cache?: BusCipherCache,
): Promise<void> {
  if (recipientPk !== null && recipientPk.length > 0) {
    const data = cache === undefined ? busEncrypt(identity.secp256k1.privateKey, recipientPk, plaintext) : await cache.encrypt(recipientPk, plaintext);
    env.payload = { kind: 'cipher', data };
  } else if (requireEncryption) {
    throw new EnvelopeError('envelope.plaintext_refused', 105, 'destination twin has no public key');
  } else {
    env.payload = { kind: 'plain', data: plaintext };
  }
}

export interface OpenedEnvelope {
  /** The decrypted (or plain) payload. */
  payload: Uint8Array;
  /** The sender twin, or null for relay-generated envelopes (source twin 0). */
  sender: Twin | null;
  /** True when the payload came encrypted. */
  encrypted: boolean;
}

export interface OpenEnvelopeOptions {
  resolver: TwinResolver;
  identity: Identity;
  /** Unix seconds; defaults to now. */
  now?: number;
  /** Derives each sender's ECDH key once. */
  cache?: BusCipherCache;
}

/**
 * Receiving peer's checks (rmb.md §2.4): expiry, relay errors accepted unverified, sender twin
 * lookup, signature, then decryption with the sender's `pk`.
 * @throws {EnvelopeError} `envelope.expired` (102), `envelope.unknown_sender` (103),
 * `envelope.bad_signature` (104), `envelope.sender_no_pk` (105), `envelope.decrypt_failed` (106).
 */
export async function openEnvelope(env: RmbEnvelope, options: OpenEnvelopeOptions): Promise<OpenedEnvelope> {
  if (isExpired(env, options.now ?? nowSeconds())) throw new EnvelopeError('envelope.expired', 102, 'envelope has expired');
  const data = env.payload?.data ?? new Uint8Array(0);
  const sourceTwin = env.source?.twin ?? 0;
  if (sourceTwin === 0) {
    if (env.payload?.kind === 'cipher') throw new EnvelopeError('envelope.decrypt_failed', 106, 'relay envelope cannot be encrypted');
    return { payload: data, sender: null, encrypted: false };
  }
  let sender: Twin | null;
  try {
    sender = await options.resolver.getTwin(sourceTwin);
  } catch (cause) {
    throw new EnvelopeError('envelope.twin_lookup_failed', 500, 'cannot look up the sender twin', cause);
  }
  if (sender === null) throw new EnvelopeError('envelope.unknown_sender', 103, 'unknown sender twin');
  if (!verifyEnvelopeSignature(env, sender.account)) throw new EnvelopeError('envelope.bad_signature', 104, 'invalid envelope signature');
  if (env.payload?.kind !== 'cipher') return { payload: data, sender, encrypted: false };
  if (sender.pk === null) throw new EnvelopeError('envelope.sender_no_pk', 105, 'sender twin has no public key');
  try {
    const payload =
      options.cache === undefined
        ? busDecrypt(options.identity.secp256k1.privateKey, sender.pk, data)
        : await options.cache.decrypt(sender.pk, data);
    return { payload, sender, encrypted: true };
  } catch (cause) {
    throw new EnvelopeError('envelope.decrypt_failed', 106, 'cannot decrypt the payload', cause);
  }
}
