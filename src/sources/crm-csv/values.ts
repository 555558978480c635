// The values of a CRM export as people's spreadsheets write them: amounts with thousands separators
// and a decimal comma or point, currency symbols or codes, negative amounts in parentheses; dates in
// ISO 8601, as epoch numbers, or day/month/year in either order; yes/no flags. The rules are in
// docs/crm.md ("Values"). What the rules cannot decide (is "1.000" one thousand or one?) is an error
// naming the option that decides it, never a guess.

import { decimalToMinor } from '../crm/amount.js';
import { zoneOffsetMs } from '../../util/zone-offset.js';

/** Raised for one field of one line: the reason, in words a person can act on. */
export class ValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ValueError';
  }
}

export interface ValueOptions {
  /** The decimal mark when a file's amounts leave it open ("1.000", "1,000"). */
  decimal?: '.' | ',';
  /** The order of day and month in dates like 05/01/2026 when the values leave it open. */
  dateOrder?: 'dmy' | 'mdy';
  /** The zone of dates and times written without an offset. IANA name; default UTC. */
  timeZone?: string;
}

// symbols that name one currency; `$` and `¥` name several, so the currency must come from elsewhere
const SYMBOLS: Record<string, string | null> = { '€': 'eur', '£': 'gbp', $: null, '¥': null };

/**
 * An amount in minor units of its currency. `currency` is the row's currency (column or default);
 * a code or symbol in the text must agree with it, or gives it when the row has none.
 */
export function parseAmount(
  raw: string,
  currency: string | null,
  options: ValueOptions = {},
): { minor: number; currency: string } {
  let text = raw.trim();
  let negative = false;
  if (/^\(.*\)$/.test(text)) [text, negative] = [text.slice(1, -1).trim(), true];
  let named: string | null = null;
  // an ISO code before or after the number ("EUR 1.234,50", "1,234.50 usd")
  const code = /^([A-Za-z]{3})\s*(.*)$/.exec(text) ?? /^(.*?)\s*([A-Za-z]{3})$/.exec(text);
  if (code) {
    const [iso, rest] = /^[A-Za-z]{3}$/.test(code[1]!)
      ? [code[1]!, code[2]!]
      : [code[2]!, code[1]!];
    named = iso.toLowerCase();
    text = rest.trim();
  }
  const symbol = /[€£$¥]/.exec(text)?.[0];
  if (symbol) {
    text = text.replace(symbol, '').trim();
    const by = SYMBOLS[symbol] ?? null;
    if (by && named && by !== named)
      throw new ValueError(`"${raw}": ${symbol} is not ${named.toUpperCase()}`);
    named = named ?? by;
    if (!named && !currency)
      throw new ValueError(
        `"${raw}": ${symbol} names several currencies; give a currency column or --currency`,
      );
  }
  if (named && currency && named !== currency)
    throw new ValueError(
      `"${raw}" is in ${named.toUpperCase()} but the row's currency is ${currency.toUpperCase()}`,
    );
  const cur = named ?? currency;
  if (!cur) throw new ValueError(`"${raw}" has no currency: give a currency column or --currency`);
  if (/^-/.test(text)) [text, negative] = [text.slice(1).trim(), !negative];
  else if (/-$/.test(text)) [text, negative] = [text.slice(0, -1).trim(), !negative];
  // group separators that are never decimal marks: spaces of any width, apostrophes
  text = text.replace(/[\s\u00a0\u202f'’]/g, '');
  const decimal = decimalMark(text, raw, options.decimal);
  const group = decimal === '.' ? ',' : '.';
  const [whole = '', fraction, extra] = text.split(decimal);
  if (extra !== undefined) throw new ValueError(`"${raw}": more than one decimal mark`);
  const groups = whole.split(group);
  if (
    groups.length > 1 &&
    !(/^\d{1,3}$/.test(groups[0]!) && groups.slice(1).every((g) => /^\d{3}$/.test(g)))
  )
    throw new ValueError(`"${raw}": thousands separators must split the digits in threes`);
  const digits = groups.join('');
  if (
    !/^\d*$/.test(digits) ||
    (fraction !== undefined && !/^\d*$/.test(fraction)) ||
    (digits === '' && !fraction)
  )
    throw new ValueError(`"${raw}" is not an amount`);
  const minor = decimalToMinor(
    `${negative ? '-' : ''}${digits || '0'}${fraction ? `.${fraction}` : ''}`,
    cur,
  );
  if (minor === null) throw new ValueError(`"${raw}" is not an amount`);
  return { minor, currency: cur };
}

/** Which of `.` and `,` is the decimal mark (the other groups thousands). */
function decimalMark(text: string, raw: string, given: '.' | ',' | undefined): '.' | ',' {
  const dot = text.lastIndexOf('.');
  const comma = text.lastIndexOf(',');
  if (dot >= 0 && comma >= 0) {
    const mark = dot > comma ? '.' : ',';
    if (given && given !== mark)
      throw new ValueError(`"${raw}": its decimal mark is "${mark}", not the "${given}" given`);
    return mark;
  }
  if (given) return given;
  const only = dot >= 0 ? '.' : comma >= 0 ? ',' : null;
  if (only === null) return '.';
  const count = text.split(only).length - 1;
  // "1.234.567" groups; "12,5" and "1.5" are decimals; "1,000" and "1.000" could be either
  if (count > 1) return only === '.' ? ',' : '.';
  if (/^\d{1,3}[.,]\d{3}$/.test(text))
    throw new ValueError(
      `"${raw}" could be ${text.replace(/[.,]/, '')} or ${text.replace(/[.,]/, '.')}: say which with --decimal`,
    );
  return only;
}

/** A wall-clock time in a zone to epoch ms (two passes, so a time near a DST change lands right). */
function wallToUtc(fields: number[], timeZone: string | undefined): number {
  const [y, mo, d, h = 0, mi = 0, s = 0, ms = 0] = fields as [
    number,
    number,
    number,
    number?,
    number?,
    number?,
    number?,
  ];
  const wall = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const date = new Date(wall);
  if (
    date.getUTCFullYear() !== y ||
    date.getUTCMonth() !== mo - 1 ||
    date.getUTCDate() !== d ||
    h > 23 ||
    mi > 59 ||
    s > 59
  )
    throw new ValueError('no such date or time');
  if (!timeZone || timeZone === 'UTC') return wall;
  const first = wall - zoneOffsetMs(timeZone, wall);
  return wall - zoneOffsetMs(timeZone, first);
}

/** Checks an IANA zone name; throws a ValueError naming it when Intl does not know it. */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ValueError(`"${timeZone}" is not a time zone (an IANA name such as Europe/Berlin)`);
  }
}

const TIME = '(?:[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:[.,](\\d{1,3})\\d*)?)?)?';
const ISO = new RegExp(`^(\\d{4})-(\\d{2})-(\\d{2})${TIME}\\s*(Z|[+-]\\d{2}:?\\d{2})?$`, 'i');
const DMY = new RegExp(
  `^(\\d{1,2})([./-])(\\d{1,2})\\2(\\d{4})${TIME.replace('[ T]', '[ T,]\\s*')}$`,
);

/**
 * A date or time to epoch ms: ISO 8601 (an offset or Z, else in `timeZone`), epoch seconds (10
 * digits) or milliseconds (13), or day and month with `/`, `.` or `-` and a 4-digit year (`.` is
 * day first; `/` and `-` by the values or `dateOrder`). A date alone is midnight.
 */
export function parseTime(raw: string, options: ValueOptions = {}): number {
  const text = raw.trim();
  if (/^\d{10}$/.test(text)) return Number(text) * 1000;
  if (/^\d{13}$/.test(text)) return Number(text);
  const fraction = (f: string | undefined) => (f ? Number(f.padEnd(3, '0')) : 0);
  const iso = ISO.exec(text);
  if (iso) {
    const fields = [iso[1], iso[2], iso[3], iso[4], iso[5], iso[6]].map((v) => Number(v ?? 0));
    try {
      if (!iso[8]) return wallToUtc([...fields, fraction(iso[7])], options.timeZone);
      const utc = wallToUtc([...fields, fraction(iso[7])], 'UTC');
      if (/^z$/i.test(iso[8])) return utc;
      const m = /^([+-])(\d{2}):?(\d{2})$/.exec(iso[8])!;
      return utc - (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) * 60_000;
    } catch {
      throw new ValueError(`"${raw}": no such date or time`);
    }
  }
  const dmy = DMY.exec(text);
  if (dmy) {
    const a = Number(dmy[1]);
    const b = Number(dmy[3]);
    let order: 'dmy' | 'mdy';
    if (dmy[2] === '.') order = 'dmy';
    else if (options.dateOrder) order = options.dateOrder;
    else if (a > 12 && b > 12) throw new ValueError(`"${raw}": no such date`);
    else if (a > 12 && b <= 12) order = 'dmy';
    else if (b > 12 && a <= 12) order = 'mdy';
    else if (a === b) order = 'dmy';
    else
      throw new ValueError(
        `"${raw}" could be day/month or month/day: say which with --date-order dmy|mdy`,
      );
    const [day, month] = order === 'dmy' ? [a, b] : [b, a];
    const fields = [
      Number(dmy[4]),
      month,
      day,
      Number(dmy[5] ?? 0),
      Number(dmy[6] ?? 0),
      Number(dmy[7] ?? 0),
    ];
    try {
      return wallToUtc([...fields, fraction(dmy[8])], options.timeZone);
    } catch {
      throw new ValueError(`"${raw}": no such date or time`);
    }
  }
  throw new ValueError(
    `"${raw}" is not a date (ISO 8601 such as 2026-01-31, 31/01/2026, or epoch seconds)`,
  );
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'x', 'won', 'closed']);
const FALSE = new Set(['false', 'no', 'n', '0', '', 'open']);

/** A yes/no flag: true/false, yes/no, y/n, 1/0, x/(empty). */
export function parseFlag(raw: string): boolean {
  const t = raw.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  throw new ValueError(`"${raw}" is not yes or no`);
}

/** A stage or status as a key: lower case, runs of anything but letters and digits as `_`. */
const PLAIN_KEY = /^[a-z0-9]+(?:_[a-z0-9]+)*$/;

export function normalizeStage(raw: string): string {
  // most cells are already a key (`lead`, `closed_won`): skip the Unicode normalisation for them
  if (PLAIN_KEY.test(raw)) return raw;
  return raw
    .trim()
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}
