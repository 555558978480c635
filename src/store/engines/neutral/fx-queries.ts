// Exchange rates, written once for every engine: the effective rates (the latest import of each date and
// pair) and the date-effective conversion of a table of amounts, as src/revenue/fx.ts defines it (a
// property test holds each engine to that reference): the pair's rate in effect on the amount's day
// (either way round; a rate given as is wins over the inverse of one given the other way), else through
// the first currency, in code order, with rates to both. An amount with no rate gets none (NULL): the
// caller names what is missing, never converts at 1.0.
import { fn, p, sql, type Sql } from './sql.js';

/** The rates in effect as imported: the latest import of each (date, base, quote). */
function effectiveSql(ws: string): Sql {
  return sql`SELECT rate_date, base, quote, ${fn.argMax('rate', 'imported_at')} AS rate
    FROM ${fn.table('fx_rates')} WHERE workspace_id = ${p.text(ws)}
    GROUP BY rate_date, base, quote`;
}

/** A workspace's effective rates, by date, base and quote. */
export function effectiveFxRatesSql(ws: string): Sql {
  return sql`SELECT CAST(rate_date AS VARCHAR) AS rate_date, base, quote, rate FROM (${effectiveSql(ws)}) e
    ORDER BY rate_date, base, quote`;
}

export const toFxRate = (r: Record<string, unknown>) => ({
  date: String(r.rate_date),
  base: String(r.base),
  quote: String(r.quote),
  rate: Number(r.rate),
});

/**
 * For each row of `amounts` (a table, or a query, with columns key, currency, on_date DATE): the rate from its
 * currency to `target` in effect on its day, that rate's effective date (the older of two when through a
 * third currency) and the currency it went through. Rows without a rate come back with NULLs; an amount
 * already in `target` has rate 1.
 */
export function fxConversionSql(ws: string, target: string, amounts: string | Sql): Sql {
  const to = p.text(target);
  // a table of the store, or a query (inlined where the table would be read)
  const src = typeof amounts === 'string' ? sql`${fn.table(amounts)}` : sql`(${amounts})`;
  return sql`WITH eff AS (${effectiveSql(ws)}),
    pairs AS (
      SELECT rate_date, base AS c1, quote AS c2, rate FROM eff
      UNION ALL
      SELECT i.rate_date AS rate_date, i.quote AS c1, i.base AS c2, 1.0 / i.rate AS rate FROM eff i
        ANTI JOIN eff g ON g.rate_date = i.rate_date AND g.base = i.quote AND g.quote = i.base),
    to_target AS (SELECT c1, rate_date, rate FROM pairs WHERE c2 = ${to}),
    pivots AS (SELECT DISTINCT c1 AS x FROM to_target),
    cand AS (
      SELECT a.key AS key, a.currency AS currency, a.on_date AS on_date, ${to} AS x
        FROM ${src} a WHERE a.currency <> ${to}
      UNION ALL
      SELECT a.key AS key, a.currency AS currency, a.on_date AS on_date, v.x AS x
        FROM ${src} a CROSS JOIN pivots v WHERE v.x <> a.currency AND a.currency <> ${to}),
    legs AS (
      SELECT c.key AS key, c.x AS x, c.on_date AS on_date, f.rate AS r1, f.rate_date AS d1
        FROM cand c ASOF LEFT JOIN pairs f ON f.c1 = c.currency AND f.c2 = c.x AND c.on_date >= f.rate_date),
    routes AS (
      SELECT l.key AS key, l.x AS x, l.r1 AS r1, l.d1 AS d1, s.rate AS r2, s.rate_date AS d2
        FROM legs l ASOF LEFT JOIN to_target s ON s.c1 = l.x AND l.on_date >= s.rate_date),
    usable AS (
      SELECT key, CASE WHEN x = ${to} THEN '' ELSE x END AS rank,
        CASE WHEN x = ${to} THEN r1 ELSE r1 * r2 END AS rate,
        CAST(CASE WHEN x = ${to} OR d1 <= d2 THEN d1 ELSE d2 END AS VARCHAR) AS rate_date
      FROM routes WHERE r1 IS NOT NULL AND (x = ${to} OR r2 IS NOT NULL)),
    chosen AS (
      -- the first route in rank order ('' the direct one, then pivots by code); an engine's argMin may
      -- skip a NULL argument, so nothing chosen here is NULL
      SELECT key, ${fn.argMin('rate', 'rank')} AS rate, ${fn.argMin('rate_date', 'rank')} AS rate_date,
        ${fn.argMin('rank', 'rank')} AS via
      FROM usable GROUP BY key)
    SELECT a.key AS key,
      CASE WHEN a.currency = ${to} THEN 1.0 ELSE c.rate END AS rate,
      CASE WHEN a.currency = ${to} THEN NULL ELSE c.rate_date END AS rate_date,
      CASE WHEN c.via = '' THEN NULL ELSE c.via END AS via
    FROM ${src} a LEFT JOIN chosen c ON c.key = a.key
    ORDER BY a.key`;
}

export const toFxConversion = (r: Record<string, unknown>) => ({
  key: String(r.key),
  rate: r.rate === null || r.rate === undefined ? null : Number(r.rate),
  rateDate: r.rate_date === null || r.rate_date === undefined ? null : String(r.rate_date),
  via: r.via === null || r.via === undefined || r.via === '' ? null : String(r.via),
});
