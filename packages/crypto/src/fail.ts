import { CryptoError, type ErrorCode, type Sc4itErrorOptions } from '@sc4it/types';

/**
 * Error codes thrown by `@sc4it/crypto` (all {@link CryptoError}; multisig checks throw
 * `DeploymentError` with `deployment.*` codes). Messages never carry key bytes or plaintext.
 */
export type CryptoErrorCode =
  | 'crypto.bad_mnemonic'
  | 'crypto.bad_seed'
  | 'crypto.bad_key_type'
  | 'crypto.bad_public_key'
  | 'crypto.bad_private_key'
  | 'crypto.bad_signature'
  | 'crypto.bad_signature_length'
  | 'crypto.bad_signature_type'
  | 'crypto.decrypt_failed'
  | 'crypto.bad_envelope'
  | 'crypto.unsupported_version'
  | 'crypto.no_recipient'
  | 'crypto.bad_input';

/** Builds a {@link CryptoError}; `code` is one of {@link CryptoErrorCode}. */
export function cryptoError(code: CryptoErrorCode & ErrorCode, message: string, options: Sc4itErrorOptions = {}): CryptoError {
  return new CryptoError(code, message, options);
}

/** `crypto.bad_input` naming the argument: wrong type or range (a caller's mistake, typed all the same). */
export function badInput(field: string, message: string): CryptoError {
  return new CryptoError('crypto.bad_input', message, { field });
}

/** The argument must be a Uint8Array, else `crypto.bad_input`. */
export function abytes(value: unknown, label: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw badInput(label, 'expected a Uint8Array');
}
