// Exchange rates on DuckDB: the reads are the neutral queries; the amounts to convert are staged in a temp
// table of the writer connection (the conversion joins them as of each rate's date).
import { DOUBLE, LIST, listValue } from '@duckdb/node-api';
import { randomBytes } from 'node:crypto';
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
import type { Db } from './connection.js';
import { queryNeutral, readNeutral } from './dialect.js';

export async function fxRates(db: Db, workspaceId: string): Promise<FxRateRow[]> {
  return (await queryNeutral(db, effectiveFxRatesSql(workspaceId))).map(toFxRate);
}

export async function appendFxRates(
  db: Db,
  workspaceId: string,
  rates: readonly FxRateRow[],
): Promise<{ added: number; unchanged: number }> {
  const todo = fxRatesToAppend(rates, await fxRates(db, workspaceId));
  if (todo.length > 0) {
    const col = <T>(f: (r: FxRateRow) => T) => listValue(todo.map(f) as never[]);
    await db.write((c) =>
      c.run(
        `INSERT INTO fx_rates (workspace_id, rate_date, base, quote, rate, imported_at)
         SELECT $ws, unnest($d::DATE[]), unnest($b::VARCHAR[]), unnest($q::VARCHAR[]),
           unnest($r::DOUBLE[]), now()`,
        {
          ws: workspaceId,
          d: col((r) => r.date),
          b: col((r) => r.base),
          q: col((r) => r.quote),
          r: col((r) => r.rate),
        },
        // typed: DuckDB would type [100, 0.01] by its first item, as integers, and refuse the second
        { r: LIST(DOUBLE) },
      ),
    );
  }
  return {
    added: todo.length,
    unchanged: new Set(rates.map((r) => `${r.date} ${r.base} ${r.quote}`)).size - todo.length,
  };
}

export async function fxConvert(
  db: Db,
  workspaceId: string,
  target: string,
  amounts: readonly FxAmountRow[],
): Promise<FxConversionRow[]> {
  if (amounts.length === 0) return [];
  const table = `fx_amounts_${randomBytes(6).toString('hex')}`;
  return db.write(async (c) => {
    await c.run(
      `CREATE TEMP TABLE ${table} AS SELECT unnest($k::VARCHAR[]) AS key,
         unnest($c::VARCHAR[]) AS currency, unnest($d::DATE[]) AS on_date`,
      {
        k: listValue(amounts.map((a) => a.key)),
        c: listValue(amounts.map((a) => a.currency)),
        d: listValue(amounts.map((a) => a.date)),
      },
    );
    try {
      return (await readNeutral(c, fxConversionSql(workspaceId, target, table))).map(
        toFxConversion,
      );
    } finally {
      await c.run(`DROP TABLE IF EXISTS ${table}`);
    }
  });
}
