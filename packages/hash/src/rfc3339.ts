/**
 * Strict RFC 3339 date-time → unix seconds, as Go's `time.Time.UnmarshalJSON` reads it on its
 * fast path (`YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, year 0000..9999, real calendar days,
 * no leap second, upper-case `T` and `Z`). Go's slower fallback also takes a few lenient spellings
 * (single-digit hour, comma before the fraction); those are refused here (`null`), so a caller
 * errors out instead of hashing a value Go might read differently.
 */
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.\d+)?(?:Z|([+-])(\d{2}):(\d{2}))$/;

function isLeap(y: number): boolean {
  return (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to y-m-d (proleptic Gregorian), H. Hinnant's `days_from_civil`. */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

export function rfc3339ToUnix(s: string): string | null {
  const m = RFC3339.exec(s);
  if (m === null) return null;
  const [, ys, mos, ds, hs, mis, ss, sign, ohs, oms] = m;
  const y = Number(ys);
  const mo = Number(mos);
  const d = Number(ds);
  const h = Number(hs);
  const mi = Number(mis);
  const sec = Number(ss);
  if (mo < 1 || mo > 12) return null;
  const dim = mo === 2 && isLeap(y) ? 29 : MONTH_DAYS[mo - 1]!;
  if (d < 1 || d > dim || h > 23 || mi > 59 || sec > 59) return null;
  let offset = 0;
  if (sign !== undefined) {
    const oh = Number(ohs);
    const om = Number(oms);
    if (oh > 23 || om > 59) return null;
    offset = (oh * 60 + om) * 60 * (sign === '-' ? -1 : 1);
  }
  const unix = daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return String(unix);
}
