import { DecodeError } from '@sc4it/types';

/** Byte sizes as bigints (chain resources are bigint bytes). */
export const KiB: bigint = 1024n;
export const MiB: bigint = 1024n * KiB;
export const GiB: bigint = 1024n * MiB;
export const TiB: bigint = 1024n * GiB;

/** Planck per TFT (tfchain balances have 7 decimals). */
export const PLANCK_PER_TFT: bigint = 10_000_000n;

const SIZE_UNITS: Record<string, bigint> = {
  '': 1n,
  b: 1n,
  k: KiB,
  kb: KiB,
  kib: KiB,
  m: MiB,
  mb: MiB,
  mib: MiB,
  g: GiB,
  gb: GiB,
  gib: GiB,
  t: TiB,
  tb: TiB,
  tib: TiB,
};

/**
 * Reads a size such as `4G`, `512MiB`, `10 GB` or `1073741824` (binary units: G = 2^30 bytes).
 * @throws {DecodeError} `decode.size` for anything else.
 */
export function parseSize(text: string | number | bigint): bigint {
  if (typeof text === 'bigint') {
    if (text < 0n) throw new DecodeError('decode.size', 'a size cannot be negative');
    return text;
  }
  if (typeof text === 'number') {
    if (!Number.isSafeInteger(text) || text < 0) throw new DecodeError('decode.size', 'a size must be a non-negative integer');
    return BigInt(text);
  }
  const m = /^\s*(\d{1,15})(?:\.(\d{1,3}))?\s*([a-zA-Z]*)\s*$/.exec(String(text));
  const unit = m === null ? undefined : SIZE_UNITS[m[3]!.toLowerCase()];
  if (m === null || unit === undefined) {
    throw new DecodeError('decode.size', `not a size: '${String(text).slice(0, 32)}' (use e.g. 512M, 4G, 1T)`);
  }
  const whole = BigInt(m[1]!) * unit;
  if (m[2] === undefined) return whole;
  const frac = m[2].padEnd(3, '0');
  return whole + (BigInt(frac) * unit) / 1000n;
}

/** `4 GiB`, `512 MiB`, `1.5 GiB`, `100 B`. */
export function formatBytes(bytes: bigint | number): string {
  const b = BigInt(bytes);
  const units: [bigint, string][] = [
    [TiB, 'TiB'],
    [GiB, 'GiB'],
    [MiB, 'MiB'],
    [KiB, 'KiB'],
  ];
  for (const [size, name] of units) {
    if (b >= size) {
      const tenths = (b * 10n) / size;
      const text = tenths % 10n === 0n ? `${tenths / 10n}` : `${tenths / 10n}.${tenths % 10n}`;
      return `${text} ${name}`;
    }
  }
  return `${b} B`;
}

/** Planck as TFT text with up to `decimals` decimals (truncated): `12.5 TFT`. */
export function formatTft(planck: bigint, decimals = 4): string {
  const neg = planck < 0n;
  const abs = neg ? -planck : planck;
  const whole = abs / PLANCK_PER_TFT;
  const frac = (abs % PLANCK_PER_TFT).toString().padStart(7, '0').slice(0, Math.max(0, Math.min(7, decimals)));
  const trimmed = frac.replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${trimmed === '' ? '' : `.${trimmed}`} TFT`;
}

/** TFT (a decimal number or text such as `12.5`) in planck. */
export function tftToPlanck(tft: number | string): bigint {
  const m = /^\s*(\d{1,15})(?:\.(\d{1,7}))?\s*$/.exec(String(tft));
  if (m === null) throw new DecodeError('decode.amount', `not a TFT amount: '${String(tft).slice(0, 32)}'`);
  return BigInt(m[1]!) * PLANCK_PER_TFT + BigInt((m[2] ?? '').padEnd(7, '0'));
}
