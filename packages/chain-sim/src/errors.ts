import { ChainError, type ErrorCode } from '@sc4it/types';

/** `FarmHasNotEnoughPublicIPsFree` → `farm_has_not_enough_public_ips_free`. */
export function snakeName(name: string): string {
  return name
    .replace(/([A-Z])([A-Z]+)s(?=[A-Z]|$)/g, (_m, a: string, b: string) => `${a}${b.toLowerCase()}s`) // IPs → Ips
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .toLowerCase();
}

/**
 * The chain refused a call: `upstream` is the tfchain / substrate error name, `code` is
 * `chain.<snake_name>`. Pool-level refusals use substrate's `InvalidTransaction` names
 * (`BadProof`, `Stale`, `Future`), undecodable input `CouldNotDecode`.
 */
export function chainError(name: string, message?: string, field?: string): ChainError {
  const code = `chain.${snakeName(name)}` as ErrorCode;
  return new ChainError(code, message ?? name, {
    upstream: name,
    ...(field === undefined ? {} : { field }),
  });
}

/** Input the chain cannot decode (wrong type, size or range): substrate's "Could not decode". */
export function decodeFailure(field: string, message: string): ChainError {
  return chainError('CouldNotDecode', message, field);
}
