// Exchange rates on ClickHouse: the reads are the neutral queries; the amounts to convert go in a scratch
// table (the conversion joins them as of each rate's date).
import {
  fxRatesToAppend,
  type FxAmountRow,
  type FxConversionRow,
  type FxRateRow,
} from '../../areas/fx.js';
import {
  effectiveFxRatesSql,
  fxConversionSql,
  toFxConversion,
  toFxRate,
} from '../neutral/fx-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { withScratch } from './scratch.js';

export async function fxRates(s: ChStore, workspaceId: string): Promise<FxRateRow[]> {
  return (await queryNeutral(s.conn, s.database, effectiveFxRatesSql(workspaceId))).map(toFxRate);
}

export async function appendFxRates(
  s: ChStore,
  workspaceId: string,
  rates: readonly FxRateRow[],
): Promise<{ added: number; unchanged: number }> {
  const todo = fxRatesToAppend(rates, await fxRates(s, workspaceId));
  // one timestamp for the call: a later call's rows win over these (the latest import is in effect)
  const importedAt = new Date().toISOString();
  if (todo.length > 0)
    await s.conn.insert(
      `${s.database}.fx_rates`,
      todo.map((r) => ({
        workspace_id: workspaceId,
        rate_date: r.date,
        base: r.base,
        quote: r.quote,
        rate: r.rate,
        imported_at: importedAt,
      })),
    );
  const keys = new Set(rates.map((r) => `${r.date} ${r.base} ${r.quote}`)).size;
  return { added: todo.length, unchanged: keys - todo.length };
}

export async function fxConvert(
  s: ChStore,
  workspaceId: string,
  target: string,
  amounts: readonly FxAmountRow[],
): Promise<FxConversionRow[]> {
  if (amounts.length === 0) return [];
  return withScratch(
    s,
    'fx_amounts',
    { columns: 'key String, currency String, on_date Date' },
    async (table) => {
      await s.conn.insert(
        `${s.database}.${table}`,
        amounts.map((a) => ({ key: a.key, currency: a.currency, on_date: a.date })),
      );
      return (
        await queryNeutral(s.conn, s.database, fxConversionSql(workspaceId, target, table))
      ).map(toFxConversion);
    },
  );
}
