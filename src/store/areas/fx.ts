// The store's exchange-rate area: imported rates are facts (append-only; the latest import of a date and
// pair is the one in effect), and conversions are read from them on the engine (docs/revenue.md, "Exchange
// rates"). The reference every engine's conversion equals is src/revenue/fx.ts.

export interface FxRateRow {
  /** The day it takes effect (YYYY-MM-DD). */
  date: string;
  /** 1 base = rate quote (ISO 4217 codes). */
  base: string;
  quote: string;
  rate: number;
}

/**
 * The currency a report asks for, and the one derived values (milestones', credits') are stored in: when
 * they differ the stored values convert at read time, at the rate of their UTC day (neutral/value-fx.ts).
 */
export interface ValueConversion {
  /** The currency of the answer (ISO 4217, upper case). */
  currency: string;
  /** The currency stored values are in (the workspace's); absent: the same as `currency`. */
  valueCurrency?: string;
}

/** An amount's currency and day, under a key of the caller's. */
export interface FxAmountRow {
  key: string;
  currency: string;
  /** YYYY-MM-DD */
  date: string;
}

export interface FxConversionRow {
  key: string;
  /** 1 unit of the amount's currency in the target; null when no rate is in effect (never a silent 1). */
  rate: number | null;
  /** The rate's effective date (the older of two through a third currency); null when none, or the same currency. */
  rateDate: string | null;
  /** The currency it went through, when no rate between the two was in effect. */
  via: string | null;
}

export interface FxStore {
  /**
   * Appends imported rates. A rate equal to the one in effect for its (date, base, quote) is not
   * appended again (so re-importing a file changes nothing); within one call the last of a key wins.
   */
  appendFxRates(
    workspaceId: string,
    rates: readonly FxRateRow[],
  ): Promise<{ added: number; unchanged: number }>;
  /** The rates in effect (the latest import of each date and pair), by date, base and quote. */
  fxRates(workspaceId: string): Promise<FxRateRow[]>;
  /** Each amount's rate to `target` on its day (src/revenue/fx.ts), in key order. */
  fxConvert(
    workspaceId: string,
    target: string,
    amounts: readonly FxAmountRow[],
  ): Promise<FxConversionRow[]>;
}

/** What appendFxRates leaves out: the last of each key in the call, then those already in effect. */
export function fxRatesToAppend(
  incoming: readonly FxRateRow[],
  inEffect: readonly FxRateRow[],
): FxRateRow[] {
  const key = (r: FxRateRow) => `${r.date} ${r.base} ${r.quote}`;
  const last = new Map<string, FxRateRow>();
  for (const r of incoming) last.set(key(r), r);
  const current = new Map(inEffect.map((r) => [key(r), r.rate]));
  return [...last.values()].filter((r) => current.get(key(r)) !== r.rate);
}
