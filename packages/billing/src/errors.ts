import { Sc4itError } from '@sc4it/types';

/**
 * Invalid billing input (a negative amount, a value beyond u64, a zero price) or an arithmetic
 * overflow that the chain would turn into a panic. Codes: `billing.invalid_input`,
 * `billing.overflow`, `billing.division_by_zero`.
 */
export class BillingError extends Sc4itError {
  override name = 'BillingError';
}
