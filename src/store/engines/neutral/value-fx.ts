// Derived values (milestones' and credits' value) are stored in the workspace's currency, converted from
// each amount's own at derive time. A report asked in another currency converts them again at read time:
// the stored value at the rate from the workspace's currency to the asked one in effect on the value's
// UTC day (the day the derive step converted it at), written once for every engine (fx-queries.ts). A
// value with no rate is NULL, never the stored amount as if at 1.0; missingValueRatesSql names its day.
import type { ValueConversion } from '../../areas/fx.js';
import { fxConversionSql } from './fx-queries.js';
import { fn, p, raw, sql, type Sql } from './sql.js';

/** Whether stored values need converting: asked in a currency other than the one they are kept in. */
export const convertsValues = (
  q: ValueConversion,
): q is ValueConversion & { valueCurrency: string } =>
  q.valueCurrency !== undefined && q.valueCurrency !== q.currency;

/** A rate's key: the value's UTC day as text. */
const dayKey = (time: string) => sql`CAST(${fn.utcDay(time)} AS VARCHAR)`;

/**
 * CTE body: the rate (columns key, rate) from the stored values' currency to the asked one on each UTC
 * day of `time` among the rows of `table` (its alias `v`, kept by `where`) that carry a value.
 */
export function valueRatesSql(
  ws: string,
  q: ValueConversion & { valueCurrency: string },
  table: string,
  time: string,
  where: Sql,
): Sql {
  const days = sql`SELECT DISTINCT ${dayKey(`v.${time}`)} AS key, ${p.text(q.valueCurrency)} AS currency,
      ${fn.utcDay(`v.${time}`)} AS on_date
    FROM ${fn.table(table)} v
    WHERE v.workspace_id = ${p.text(ws)} AND v.value IS NOT NULL AND ${where}`;
  return fxConversionSql(ws, q.currency, days);
}

/** The join to the rates CTE named `rates` (as `alias`) for rows whose time column is `time`. */
export const valueRateJoin = (rates: string, alias: string, time: string): Sql =>
  sql` LEFT JOIN ${raw(rates)} ${raw(alias)} ON ${raw(alias)}.key = ${dayKey(time)}`;

/** The days (and the currency) of values with no rate to the asked currency: columns currency, on_day. */
export function missingValueRatesSql(
  ws: string,
  q: ValueConversion & { valueCurrency: string },
  table: string,
  time: string,
  where: Sql,
): Sql {
  return sql`SELECT ${p.text(q.valueCurrency)} AS currency, x.key AS on_day
    FROM (${valueRatesSql(ws, q, table, time, where)}) x WHERE x.rate IS NULL ORDER BY x.key`;
}
