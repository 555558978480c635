// What an ad-platform connector hands on, whatever the platform: cost rows at the finest grain the
// platform reports (a day, a campaign, and the ad group, ad and keyword where it has them), with spend
// in micros of the account's currency (exact). The store keeps them as facts per import
// (src/store/areas/ad-costs.ts: the same shape, one type in src/util); docs/costs.md.
import type { AdCostRow } from '../../util/ad-cost-row.js';

/** The store's row shape (src/util/ad-cost-row.ts), shared so the two cannot drift apart. */
export type AdCostRecord = AdCostRow;

/** A problem in a platform's file, by line and column (1-based), as a marketer would look it up. */
export class AdFileError extends Error {
  constructor(
    readonly line: number,
    readonly column: string,
    readonly reason: string,
  ) {
    super(`line ${line}, column ${column}: ${reason}`);
  }
}

/**
 * Decimal text to micros, exactly (no binary fractions on the way): "184.5" is 184500000. Undefined for
 * anything but a plain non-negative decimal with at most 6 places.
 */
export function decimalToMicros(text: string): number | undefined {
  const m = /^(\d+)(?:\.(\d{1,6}))?$/.exec(text);
  if (!m) return undefined;
  const micros = Number(m[1]) * 1_000_000 + Number((m[2] ?? '').padEnd(6, '0'));
  return Number.isSafeInteger(micros) ? micros : undefined;
}
