/**
 * @packageDocumentation
 * The chain's cost engine: tfchain's billing arithmetic over bigint, exact to the unit
 * (U64F64 emulated), with both billing models and a report ledger.
 * Spec: shared/spec/chain-and-billing.md §5–§15.
 */
export { BillingError } from './errors.ts';
export {
  FX_ONE,
  U64_MAX,
  fxFromInt,
  fxFromF64,
  fxMul,
  fxDiv,
  fxRound,
  fxRoundU64,
  fxFloor,
  fxToDecimal,
  perThingMul,
  percentOf,
  perbillPercentOf,
} from './fixed.ts';
export type { Fixed } from './fixed.ts';
export {
  MAINNET_PRICING_POLICY,
  UNIT_TEST_PRICING_POLICY,
  MAINNET_TFT_PRICE_BOUNDS,
  DEV_TFT_PRICE_BOUNDS,
  BILLING_CONSTANTS,
  POLICY_UNITS,
  factorBase1024,
  factorBase1000,
} from './policy.ts';
export type { PolicyUnit } from './policy.ts';
export { resourceUnits, nuFromBytes, ipUnits, cuFromGib, suFromGib } from './units.ts';
export { contractCost, compilePolicy, nruReportCost, extraFeeUnitsUsd } from './cost.ts';
export type { ContractKind, ContractCostInput, ContractCost, CostBreakdown, CompiledPolicy } from './cost.ts';
export { unitsUsdToTft, clampTftPrice } from './tft.ts';
export type { TftPrice } from './tft.ts';
export { discount, discountLevelFor, DISCOUNT_MULTIPLIERS } from './discount.ts';
export type { DiscountLevel, DiscountInput, DiscountResult } from './discount.ts';
export { payout, DEFAULT_BILLING_MODEL, BILLING_MODELS } from './payout.ts';
export type { BillingModel, Payout, PayoutOptions } from './payout.ts';
export { graceStep, EMPTY_PAYMENT_STATE } from './grace.ts';
export type {
  GraceState,
  PaymentState,
  AccountBalance,
  BillingEvent,
  GraceStepInput,
  GraceStepResult,
  GraceOutcome,
} from './grace.ts';
export {
  openContractReports,
  ingestContractReport,
  settleContractReports,
  closeContractReports,
  createReportLedger,
  ledgerOpenContract,
  ledgerOpenContracts,
  ledgerCloseContract,
  ingestReports,
  settleReports,
  RECENT_LIMIT,
} from './reports.ts';
export type {
  IncomingReport,
  PendingReport,
  ContractReports,
  ReportResult,
  ReportBill,
  WindowCost,
  SettleOptions,
  ReportLedger,
  ReportLedgerMode,
  ReportGap,
  OpenReportsOptions,
} from './reports.ts';
export { contractDue } from './due.ts';
export type { ContractDueInput, ContractDue } from './due.ts';
