/**
 * The one error base class of sc4it. Every package throws subclasses of it.
 *
 * `code` is a stable dot-separated string; its first segment tells the caller how to react:
 *
 * | prefix | meaning | retry? |
 * |---|---|---|
 * | `decode.*` | bytes or JSON could not be decoded | no |
 * | `deployment.*` | a deployment breaks a rule of the node (zos `Valid()`, versions, hash) | no |
 * | `crypto.*` | a key, signature or ciphertext is wrong | no |
 * | `envelope.*` | an RMB envelope is malformed, expired or badly signed | no |
 * | `transport.*` | a connection, timeout or relay problem | yes |
 * | `chain.*` | the chain refused a call (`upstream` holds tfchain's error name) | no |
 * | `billing.*` | invalid billing input | no |
 * | `node.*` | the node refused a command (`upstream` holds the zos error text) | no |
 * | `internal.*` | a bug in sc4it | no |
 *
 * Messages never contain key material, plaintext or credentials.
 */
export type ErrorCodePrefix =
  | 'decode'
  | 'deployment'
  | 'crypto'
  | 'envelope'
  | 'transport'
  | 'chain'
  | 'billing'
  | 'node'
  | 'rpc'
  | 'config'
  | 'internal';

/** A dot-separated error code such as `crypto.bad_signature`. */
export type ErrorCode = `${ErrorCodePrefix}.${string}`;

export interface Sc4itErrorOptions {
  /** The error that caused this one. */
  cause?: unknown;
  /** Extra, non-secret detail shown after the short message. */
  details?: string;
  /** The path of the offending field in the input, e.g. `workloads[2].data.size`. */
  field?: string;
  /**
   * The upstream value for this condition, kept verbatim so compatibility tests can compare it:
   * a tfchain error name (`ContractIsNotUnique`), a zos error text, an RMB error code.
   */
  upstream?: string;
}

/** Codes whose condition may pass if the same operation is tried again. */
export function isRetryable(code: string): boolean {
  return code.startsWith('transport.');
}

export class Sc4itError extends Error {
  override name = 'Sc4itError';
  readonly code: ErrorCode;
  readonly shortMessage: string;
  readonly details: string | undefined;
  readonly field: string | undefined;
  readonly upstream: string | undefined;

  constructor(code: ErrorCode, shortMessage: string, options: Sc4itErrorOptions = {}) {
    const parts = [shortMessage];
    if (options.field !== undefined) parts.push(`field: ${options.field}`);
    if (options.details !== undefined) parts.push(options.details);
    super(parts.join('\n'), options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.shortMessage = shortMessage;
    this.details = options.details;
    this.field = options.field;
    this.upstream = options.upstream;
  }

  /** Walks the cause chain; returns the first error for which `fn` is true, or the deepest one. */
  walk(fn?: (err: unknown) => boolean): unknown {
    let err: unknown = this;
    for (;;) {
      if (fn?.(err)) return err;
      const next = err instanceof Error ? err.cause : undefined;
      if (next === undefined) return fn ? null : err;
      err = next;
    }
  }

  /** A plain object for logs and wire errors (JSON-RPC `data`). */
  toJSON(): { name: string; code: string; message: string; field?: string; upstream?: string } {
    return {
      name: this.name,
      code: this.code,
      message: this.shortMessage,
      ...(this.field === undefined ? {} : { field: this.field }),
      ...(this.upstream === undefined ? {} : { upstream: this.upstream }),
    };
  }
}

/** Input bytes or text could not be decoded (JSON, protobuf, hex, base64). */
export class DecodeError extends Sc4itError {
  override name = 'DecodeError';
}

/** A deployment breaks one of the node's rules; `upstream` holds the zos error text. */
export class DeploymentError extends Sc4itError {
  override name = 'DeploymentError';
}

/** A cryptographic check failed: bad key, bad signature, failed decryption. */
export class CryptoError extends Sc4itError {
  override name = 'CryptoError';
}

/** The chain refused a call; `upstream` is tfchain's error name (e.g. `TwinNotExists`). */
export class ChainError extends Sc4itError {
  override name = 'ChainError';
}

/** A network, timeout or relay problem. Usually worth retrying. */
export class TransportError extends Sc4itError {
  override name = 'TransportError';
}

/** True when `err` is an sc4it error, also across package copies (matched by shape, not class). */
export function isSc4itError(err: unknown): err is Sc4itError {
  if (err instanceof Sc4itError) return true;
  const code: unknown = err instanceof Error ? (err as unknown as { code?: unknown }).code : undefined;
  return typeof code === 'string' && /^[a-z_]+\.[a-z0-9_.]+$/.test(code);
}
