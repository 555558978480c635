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

export const MICROS_PER_DAY = 86_400_000_000;

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

/**
 * A date-time in the grammar above as [whole seconds since the epoch (UTC), microseconds 0-999999], or
 * undefined when it is not one. Both parts are exact; seconds * 1e6 + micros is exact for years
 * 1685-2255, which holds every time the range rule can keep.
 */
export function parseIsoParts(s: string): [seconds: number, micros: number] | undefined {
  if (s.length < 19 || s.length > 40 || !grammar.test(s)) return undefined;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  if (d > (m === 2 && isLeap(y) ? 29 : MONTH_DAYS[m - 1]!)) return undefined;
  let i = 19;
  let micros = 0;
  if (s[i] === '.') {
    let scale = 100_000;
    for (i++; i < s.length && s[i]! >= '0' && s[i]! <= '9'; i++) {
      micros += (s.charCodeAt(i) - 48) * scale; // digits past the sixth add 0 (scale < 1 truncates below)
      scale /= 10;
    }
    micros = Math.floor(micros);
  }
  let offsetMinutes = 0;
  if (i < s.length && s[i] !== 'Z') {
    const sign = s[i] === '-' ? -1 : 1;
    const hh = Number(s.slice(i + 1, i + 3));
    const mm = s.length - i > 3 ? Number(s.slice(-2)) : 0;
    offsetMinutes = sign * (hh * 60 + mm);
  }
  const seconds =
    daysFromCivil(y, m, d) * 86_400 +
    Number(s.slice(11, 13)) * 3600 +
    Number(s.slice(14, 16)) * 60 +
    Number(s.slice(17, 19)) -
    offsetMinutes * 60;
  return [seconds, micros];
}

/** Exact microseconds since the epoch (for tests and comparisons with the engine). */
export function parseIsoMicros(s: string): bigint | undefined {
  const p = parseIsoParts(s);
  return p && BigInt(p[0]) * 1_000_000n + BigInt(p[1]);
}

const pad3 = (n: number) => `${n < 10 ? '00' : n < 100 ? '0' : ''}${n}`;

/** The milliseconds of years 0000-9999, which toISOString writes in its fixed-width form. */
const FIXED_WIDTH_MS = [-62_167_219_200_000, 253_402_300_799_999] as const;
/** The last whole second formatted, up to its seconds ("2026-01-02T03:04:05"): times in a row mostly share it. */
let lastSecond = Number.NaN;
let lastSecondText = '';

/**
 * `new Date(ms).toISOString()` without its "Z" (e.g. 2026-01-02T03:04:05.678), at a fraction of its cost
 * for times in a row: the date and time up to the second are formatted once per second (every request's
 * receive time and every event time pass through here).
 */
function isoMillisText(ms: number): string {
  if (!(ms >= FIXED_WIDTH_MS[0] && ms <= FIXED_WIDTH_MS[1]) || !Number.isInteger(ms))
    return new Date(ms).toISOString().slice(0, -1);
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastSecondText = new Date(second * 1000).toISOString().slice(0, 19);
    lastSecond = second;
  }
  return `${lastSecondText}.${pad3(ms - second * 1000)}`;
}

/** `new Date(ms).toISOString()`, e.g. 2026-01-02T03:04:05.678Z (the server's receive time). */
export function formatIsoMillis(ms: number): string {
  return `${isoMillisText(ms)}Z`;
}

/** The canonical text of an instant: UTC, microseconds, e.g. 2026-01-02T03:04:05.678000Z (years 0000-9999). */
export function formatIsoMicros(us: number | bigint): string {
  let ms: number;
  let micro: number;
  if (typeof us === 'bigint') {
    const b = us / 1000n - (us % 1000n < 0n ? 1n : 0n);
    ms = Number(b);
    micro = Number(us - b * 1000n);
  } else {
    ms = Math.floor(us / 1000);
    micro = Math.round(us - ms * 1000);
  }
  // years 0000-9999 with four digits, and milliseconds (as toISOString writes them): add the microseconds
  return `${isoMillisText(ms).slice(0, 23)}${pad3(micro)}Z`;
}
