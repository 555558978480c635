// The one date-time grammar every timestamp of an event must match, and its exact value in microseconds.
// The same pattern is rendered to SQL (store/engines/duckdb/event-sql.ts), and a test requires both
// sides to read every string to the same instant.
//
//   date-time = date ("T" / " ") time [zone]             no zone means UTC
//   date      = YYYY "-" MM "-" DD                       a real day of the proleptic Gregorian calendar
//   time      = hh ":" mm ":" ss ["." 1*9DIGIT]          00:00:00 to 23:59:59; digits past the microsecond are dropped
//   zone      = "Z" / ("+" / "-") hh [[":"] mm]          offset hours 00-23, minutes 00-59
//
// A date alone ("2024-01-01", "2024-01-01+05"), a leap second, "24:00" and lower-case "t"/"z" are refused.

export const ISO_DATE_TIME_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([.][0-9]{1,9})?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?)?$';

const grammar = new RegExp(ISO_DATE_TIME_PATTERN);

export const MICROS_PER_DAY = 86_400_000_000n;

function isLeap(y: number): boolean {
  return y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days from 1970-01-01 to a civil date (proleptic Gregorian; any year 0000-9999). */
function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/** Microseconds since the epoch (UTC) of a date-time in the grammar above, or undefined when it is not one. */
export function parseIsoMicros(s: string): bigint | undefined {
  if (s.length < 19 || s.length > 40 || !grammar.test(s)) return undefined;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (d > (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!)) return undefined;
  const seconds = Number(s.slice(11, 13)) * 3600 + Number(s.slice(14, 16)) * 60 + Number(s.slice(17, 19));
  let rest = s.slice(19);
  let micros = 0;
  if (rest.startsWith('.')) {
    const digits = /^\.([0-9]+)/.exec(rest)![1]!;
    micros = Number(digits.slice(0, 6).padEnd(6, '0'));
    rest = rest.slice(1 + digits.length);
  }
  let offsetMinutes = 0;
  if (rest !== '' && rest !== 'Z') {
    const sign = rest[0] === '-' ? -1 : 1;
    const hh = Number(rest.slice(1, 3));
    const mm = rest.length > 3 ? Number(rest.slice(-2)) : 0;
    offsetMinutes = sign * (hh * 60 + mm);
  }
  const totalSeconds = daysFromCivil(y, m, d) * 86_400 + seconds - offsetMinutes * 60; // exact: well under 2^53
  return BigInt(totalSeconds) * 1_000_000n + BigInt(micros);
}

/** The canonical text of an instant: UTC, microseconds, e.g. 2026-01-02T03:04:05.678000Z (years 0000-9999). */
export function formatIsoMicros(us: bigint): string {
  const ms = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
  const micro = us - ms * 1000n;
  const d = new Date(Number(ms));
  const year = String(d.getUTCFullYear()).padStart(4, '0');
  return `${year}${d.toISOString().slice(-20, -1)}${String(micro).padStart(3, '0')}Z`;
}
