// chain-sim relies on these names: a removed or renamed export must fail here first.
import { describe, expect, it } from 'vitest';
import * as billing from '../src/index.ts';

describe('export surface', () => {
  it('is stable', () => {
    expect(Object.keys(billing).sort()).toEqual([
      'BILLING_CONSTANTS', 'BILLING_MODELS', 'BillingError', 'DEFAULT_BILLING_MODEL', 'DEV_TFT_PRICE_BOUNDS', 'DISCOUNT_MULTIPLIERS',
      'EMPTY_PAYMENT_STATE', 'FX_ONE', 'MAINNET_PRICING_POLICY', 'MAINNET_TFT_PRICE_BOUNDS', 'POLICY_UNITS', 'RECENT_LIMIT',
      'U64_MAX', 'UNIT_TEST_PRICING_POLICY', 'clampTftPrice', 'closeContractReports', 'compilePolicy', 'contractCost',
      'contractDue', 'createReportLedger', 'cuFromGib', 'discount', 'discountLevelFor', 'extraFeeUnitsUsd', 'factorBase1000',
      'factorBase1024', 'fxDiv', 'fxFloor', 'fxFromF64', 'fxFromInt', 'fxMul', 'fxRound', 'fxRoundU64', 'fxToDecimal',
      'graceStep', 'ingestContractReport', 'ingestReports', 'ipUnits', 'ledgerCloseContract', 'ledgerOpenContract',
      'ledgerOpenContracts', 'nruReportCost', 'nuFromBytes', 'openContractReports', 'payout', 'perThingMul', 'perbillPercentOf',
      'percentOf', 'resourceUnits', 'settleContractReports', 'settleReports', 'suFromGib', 'unitsUsdToTft',
    ]);
  });
});
