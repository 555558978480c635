// CRM amounts arrive as decimal text in major units ("12000.50"); the revenue layer counts integer
// minor units. The conversion works on the digits, so no binary rounding creeps in.

import { minorUnitExponent } from '../../revenue/index.js';

/**
 * Decimal text in major units to an integer of the currency's minor units: "12000.50" eur is 1200050,
 * "1500" jpy is 1500. Digits past the currency's decimals round half away from zero. Null for empty
 * or unreadable text (HubSpot sends "" for a deal without an amount).
 */
export function decimalToMinor(text: string | null | undefined, currency: string): number | null {
  const m = /^\s*([+-]?)(\d*)(?:\.(\d*))?\s*$/.exec(text ?? '');
  if (!m || (m[2] === '' && (m[3] ?? '') === '')) return null;
  const exp = minorUnitExponent(currency);
  const fraction = m[3] ?? '';
  const kept = fraction.slice(0, exp).padEnd(exp, '0');
  let minor = Number(`${m[2] || '0'}${kept}`);
  if (fraction.length > exp && Number(fraction[exp]) >= 5) minor += 1;
  if (!Number.isSafeInteger(minor)) return null;
  return m[1] === '-' && minor !== 0 ? -minor : minor;
}
