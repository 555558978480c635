// How a phone stored in E.164 (`+441614960003`) may be written in text a vendor sends: its international
// digits, or its national number (`0161 496 0003`, `(415) 555-0123`), which is the E.164 digits without
// the country calling code, written with a trunk `0` in most countries. Calling codes are prefix-free
// (ITU-T E.164 assignments): `1` and `7` are one digit, the two-digit ones are listed here, every other
// code is three digits. Used where an erasure must find a person's phone in raw text (privacy.md).

const TWO_DIGIT_CODES = new Set([
  '20', '27', '30', '31', '32', '33', '34', '36', '39', '40', '41', '43', '44', '45', '46', '47', '48',
  '49', '51', '52', '53', '54', '55', '56', '57', '58', '60', '61', '62', '63', '64', '65', '66', '81',
  '82', '84', '86', '90', '91', '92', '93', '94', '95', '98',
]); // prettier-ignore

/** The shortest national number searched for: fewer digits would name other numbers too often. */
const MIN_NATIONAL_DIGITS = 7;

/** The calling code and national number of an E.164 phone (`+` optional), or null when too short. */
export function splitE164(phone: string): { country: string; national: string } | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 8 || digits.startsWith('0')) return null;
  const first = digits[0]!;
  const length =
    first === '1' || first === '7' ? 1 : TWO_DIGIT_CODES.has(digits.slice(0, 2)) ? 2 : 3;
  const national = digits.slice(length);
  if (national.length < MIN_NATIONAL_DIGITS) return null;
  return { country: digits.slice(0, length), national };
}

/** Digits with up to three separators a person or vendor writes between them: spaces, brackets, dots, dashes. */
const spaced = (digits: string) => digits.split('').join('[ ().-]{0,3}');

/**
 * A regular expression (RE2 syntax, as both engines run it) for the phone in text: its international
 * digits, after `+` or an international prefix (`+44 161 496-0003`, `00441614960003`), or its national number, optionally after a trunk `0`
 * or `(0)` (`0161 496 0003`, `+44 (0)161 …`), never inside a longer run of digits. Null for a number too
 * short to search for.
 */
export function phoneTextPattern(phone: string): string | null {
  const digits = phone.replace(/\D/g, '');
  if (digits.length < 6) return null;
  // after a `+`, national digits would be another country's number
  const forms = [`(^|[^0-9])(00|011)?[ ().-]{0,3}${spaced(digits)}`];
  const split = splitE164(digits);
  if (split) forms.push(`(^|[^0-9+])[(]?0?[)]?[ ().-]{0,3}${spaced(split.national)}`);
  return `(${forms.join('|')})([^0-9]|$)`;
}
