// Minor units: every amount in the revenue layer is an integer count of the currency's smallest unit,
// as Stripe sends them (1000 = $10.00, but 1000 = ¥1,000). Only a conversion to major units (display,
// exports, an FX table keyed by major units) needs to know how many decimals a currency has.

// Stripe's zero-decimal currencies: an amount is already in whole units.
const ZERO_DECIMAL = new Set([
  'bif',
  'clp',
  'djf',
  'gnf',
  'jpy',
  'kmf',
  'krw',
  'mga',
  'pyg',
  'rwf',
  'ugx',
  'vnd',
  'vuv',
  'xaf',
  'xof',
  'xpf',
]);
// Stripe's three-decimal currencies. ISK, HUF and TWD stay two-decimal in the API even where only
// whole units can be charged (an ISK amount of 100 is 1 króna), so they are not listed anywhere here.
const THREE_DECIMAL = new Set(['bhd', 'jod', 'kwd', 'omr', 'tnd']);

/** How many decimals a currency's major unit has in Stripe's amounts: 0, 2 or 3. */
export function minorUnitExponent(currency: string): 0 | 2 | 3 {
  const c = currency.toLowerCase();
  if (ZERO_DECIMAL.has(c)) return 0;
  if (THREE_DECIMAL.has(c)) return 3;
  return 2;
}

/** Minor units to major units: 1999 usd -> 19.99, 1999 jpy -> 1999, 1999 kwd -> 1.999. */
export function toMajorUnits(minor: number, currency: string): number {
  const exp = minorUnitExponent(currency);
  // divide by an exact power of ten, then round away the binary noise to the currency's decimals
  return exp === 0 ? minor : Number((minor / 10 ** exp).toFixed(exp));
}
