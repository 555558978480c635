// Exchange rates, date-effective: the reference for converting an amount in one currency to another on a
// date, which every engine's conversion must equal (src/store/engines/neutral/fx-queries.ts, held to this
// by a property test). Rates are facts as imported: `1 base = rate quote` from `date` on, until a later
// date's rate for the same pair; a re-import of a pair and date replaces it (the latest import wins).
// Never a silent 1.0: a conversion without a rate is `undefined`, and a report says which rate is missing.

export interface FxRate {
  /** The day the rate takes effect (YYYY-MM-DD). */
  date: string;
  /** ISO 4217 code: 1 base = rate quote. */
  base: string;
  quote: string;
  rate: number;
}

export interface FxConversion {
  /** 1 unit of `from` in `to`. */
  rate: number;
  /** The effective date of the (older of the) rate(s) used; null when from = to. */
  rateDate: string | null;
  /** The currency converted through (null: a rate between the two, or from = to). */
  via: string | null;
}

/** An ISO 4217 currency code as we keep them: three capital letters. */
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** The effective rates: the last one given for each (date, base, quote), in the order given. */
export function effectiveRates(imported: readonly FxRate[]): FxRate[] {
  const byKey = new Map<string, FxRate>();
  for (const r of imported) byKey.set(`${r.date} ${r.base} ${r.quote}`, r);
  return [...byKey.values()];
}

interface Pair {
  date: string;
  rate: number;
}

/**
 * Both directions of each effective rate, by `from to`: a rate given as is wins over the inverse of one
 * given the other way on the same date.
 */
function pairsOf(rates: readonly FxRate[]): Map<string, Pair[]> {
  const given = new Map<string, Pair>();
  for (const r of rates)
    given.set(`${r.base} ${r.quote} ${r.date}`, { date: r.date, rate: r.rate });
  const inverse = new Map<string, Pair>();
  for (const r of rates) {
    const k = `${r.quote} ${r.base} ${r.date}`;
    if (!given.has(k)) inverse.set(k, { date: r.date, rate: 1 / r.rate });
  }
  const pairs = new Map<string, Pair[]>();
  for (const [k, p] of [...given, ...inverse]) {
    const pair = k.slice(0, 7);
    pairs.set(pair, [...(pairs.get(pair) ?? []), p]);
  }
  return pairs;
}

/** The rate of a pair in effect on `date`: its latest on or before that day. */
function asOf(
  pairs: Map<string, Pair[]>,
  from: string,
  to: string,
  date: string,
): Pair | undefined {
  let best: Pair | undefined;
  for (const p of pairs.get(`${from} ${to}`) ?? [])
    if (p.date <= date && (best === undefined || p.date > best.date)) best = p;
  return best;
}

/**
 * 1 `from` in `to` on `date`: 1 when they are the same; else the pair's rate in effect (either way
 * round); else through another currency X with rates to both (the first such X in code order):
 * rate(from X) x rate(X to). Undefined when none.
 */
export function fxRateOn(
  rates: readonly FxRate[],
  from: string,
  to: string,
  date: string,
): FxConversion | undefined {
  if (from === to) return { rate: 1, rateDate: null, via: null };
  const pairs = pairsOf(effectiveRates(rates));
  const direct = asOf(pairs, from, to, date);
  if (direct) return { rate: direct.rate, rateDate: direct.date, via: null };
  const pivots = [
    ...new Set([...pairs.keys()].filter((k) => k.endsWith(` ${to}`)).map((k) => k.slice(0, 3))),
  ]
    .filter((x) => x !== from)
    .sort();
  for (const x of pivots) {
    const first = asOf(pairs, from, x, date);
    const second = asOf(pairs, x, to, date);
    if (first && second)
      return {
        rate: first.rate * second.rate,
        rateDate: first.date < second.date ? first.date : second.date,
        via: x,
      };
  }
  return undefined;
}
