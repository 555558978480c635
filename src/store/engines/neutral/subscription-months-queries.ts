// The subscription-months area's SQL and rows, written once for every engine (areas/subscription-months.ts
// has the definition): the rows the derive step writes, read back, and the `subscriptions` report's sums
// of customer months per first-touch group, computed in the engine.
import type {
  SubscriptionMonthRow,
  SubscriptionMonthsAnswer,
  SubscriptionMonthsQuery,
} from '../../areas/subscription-months.js';
import { FIRST_TOUCH_ATTRIBUTES, type FirstTouchAttribute } from '../../areas/first-touch.js';
import { fxConversionSql } from './fx-queries.js';
import { storedFirstTouchSql, touchFilterSql, touchLabel } from './first-touch-queries.js';
import { fn, ident, join, p, raw, sql, type Sql } from './sql.js';

export const SUBSCRIPTION_MONTHS_TABLE = 'subscription_months';

const AMOUNTS = [
  'start_mrr',
  'mrr',
  'new_business',
  'expansion',
  'contraction',
  'churn',
  'reactivation',
] as const;

export const SUBSCRIPTION_MONTH_COLUMNS = [
  'workspace_id',
  'customer_id',
  'person_id',
  'month',
  'month_number',
  'currency',
  ...AMOUNTS,
  'churned',
  'paying',
  'valued_on',
  'missing_rates',
] as const;

/** DuckDB's casts of the columns a text insert carries. */
export const SUBSCRIPTION_MONTH_CASTS: Readonly<Record<string, string>> = {
  month_number: 'INTEGER',
  ...Object.fromEntries(AMOUNTS.map((a) => [a, 'BIGINT'])),
  churned: 'BOOLEAN',
  paying: 'BOOLEAN',
};

/** A row as both engines insert it. */
export function subscriptionMonthRow(ws: string, r: SubscriptionMonthRow) {
  return {
    workspace_id: ws,
    customer_id: r.customerId,
    person_id: r.personId,
    month: r.month,
    month_number: r.monthNumber,
    currency: r.currency,
    start_mrr: r.startMrr,
    mrr: r.mrr,
    new_business: r.newBusiness,
    expansion: r.expansion,
    contraction: r.contraction,
    churn: r.churn,
    reactivation: r.reactivation,
    churned: r.churned,
    paying: r.paying,
    valued_on: r.valuedOn,
    missing_rates: r.missingRates.length === 0 ? null : JSON.stringify(r.missingRates),
  };
}

export function storedSubscriptionMonthsSql(ws: string): Sql {
  return sql`SELECT ${raw(SUBSCRIPTION_MONTH_COLUMNS.slice(1).join(', '))}
    FROM ${fn.table(SUBSCRIPTION_MONTHS_TABLE)} WHERE workspace_id = ${p.text(ws)}
    ORDER BY customer_id, month_number`;
}

const num = (v: unknown) => (v === null || v === undefined ? null : Number(v));
const bool = (v: unknown) => v === true || v === 1 || v === '1' || v === 'true';

export function toSubscriptionMonthRow(r: Record<string, unknown>): SubscriptionMonthRow {
  const missing =
    r.missing_rates === null || r.missing_rates === undefined ? null : r.missing_rates;
  return {
    customerId: String(r.customer_id),
    personId: r.person_id === null || r.person_id === undefined ? null : String(r.person_id),
    month: String(r.month),
    monthNumber: Number(r.month_number),
    currency: String(r.currency),
    startMrr: num(r.start_mrr),
    mrr: num(r.mrr),
    newBusiness: num(r.new_business),
    expansion: num(r.expansion),
    contraction: num(r.contraction),
    churn: num(r.churn),
    reactivation: num(r.reactivation),
    churned: bool(r.churned),
    paying: bool(r.paying),
    valuedOn: r.valued_on === null || r.valued_on === undefined ? null : String(r.valued_on),
    missingRates:
      missing === null ? [] : (JSON.parse(String(missing)) as SubscriptionMonthRow['missingRates']),
  };
}

/** The rows' rates (key: currency and day) to the asked currency; 1 for rows already in it. */
function ratesCte(ws: string, q: SubscriptionMonthsQuery): Sql {
  const days = sql`SELECT DISTINCT concat(currency, ' ', valued_on) AS key, currency,
      CAST(valued_on AS DATE) AS on_date
    FROM ${fn.table(SUBSCRIPTION_MONTHS_TABLE)}
    WHERE workspace_id = ${p.text(ws)} AND valued_on IS NOT NULL AND mrr IS NOT NULL
      AND month_number > 0 AND month_number <= ${p.int(q.to)}`;
  return fxConversionSql(ws, q.currency, days);
}

/** Each customer's months (up to `to`) with each amount in minor units times its rate. */
function monthsCte(ws: string, q: SubscriptionMonthsQuery): Sql {
  const amounts = AMOUNTS.map((a) => sql`m.${ident(a)} * r.rate AS ${ident(a)}`);
  return sql`months AS (
    SELECT m.customer_id AS customer_id, m.person_id AS person_id, m.month_number AS n,
      ${join(amounts, ', ')}, m.churned AS churned, m.paying AS paying, m.currency AS currency,
      m.valued_on AS valued_on,
      CASE WHEN m.mrr IS NOT NULL AND r.rate IS NULL THEN 1 ELSE 0 END AS lacks
    FROM ${fn.table(SUBSCRIPTION_MONTHS_TABLE)} m
    LEFT JOIN rates r ON r.key = concat(m.currency, ' ', m.valued_on)
    WHERE m.workspace_id = ${p.text(ws)} AND m.month_number <= ${p.int(q.to)})`;
}

/**
 * Per customer: its MRR at the start of `from` and the end of `to`, the range's movements and counts. A
 * customer's MRR after its last row is that row's end, so the months past it count too.
 */
function customersCte(q: SubscriptionMonthsQuery): Sql {
  const F = p.int(q.from);
  const T = p.int(q.to);
  const inRange = sql`n >= ${F} AND n <= ${T}`;
  const sumIn = (col: string) => sql`sum(CASE WHEN ${inRange} THEN ${raw(col)} ELSE 0 END)`;
  const countIn = (cond: string) =>
    sql`sum(CASE WHEN ${inRange} AND ${raw(cond)} THEN 1 ELSE 0 END)`;
  return sql`per AS (
    SELECT customer_id, max(person_id) AS person_id, max(n) AS last_n,
      ${fn.argMax('coalesce(mrr, 0)', 'n')} AS last_mrr,
      ${fn.argMax('CASE WHEN paying THEN 1 ELSE 0 END', 'n')} AS last_paying,
      max(CASE WHEN n > 0 AND mrr IS NULL THEN 1 ELSE 0 END) AS unconverted,
      max(lacks) AS lacks,
      sum(CASE WHEN n = ${F} THEN start_mrr ELSE 0 END) AS start_in,
      sum(CASE WHEN n = ${T} THEN mrr ELSE 0 END) AS end_in,
      ${join(
        AMOUNTS.slice(2).map((a) => sql`${sumIn(a)} AS ${ident(`m_${a}`)}`),
        ', ',
      )},
      ${countIn('new_business > 0')} AS new_customers,
      ${countIn('churned')} AS churned_customers,
      ${countIn('start_mrr > 0')} AS months_paying,
      ${countIn('n > 0')} AS months_in
    FROM months WHERE n > 0 GROUP BY customer_id),
  cust AS (
    SELECT customer_id, person_id,
      CASE WHEN last_n < ${F} THEN last_mrr ELSE start_in END AS start_mrr,
      CASE WHEN last_n < ${T} THEN last_mrr ELSE end_in END AS end_mrr,
      ${join(
        AMOUNTS.slice(2).map((a) => sql`${ident(`m_${a}`)} AS ${ident(a)}`),
        ', ',
      )},
      new_customers, churned_customers,
      months_paying + CASE WHEN last_mrr > 0
        THEN greatest(0, ${T} - greatest(last_n + 1, ${F}) + 1) ELSE 0 END AS customer_months,
      CASE WHEN unconverted = 1 OR lacks = 1 THEN 0 ELSE 1 END AS counted
    FROM per
    WHERE months_in > 0 OR (last_n < ${F} AND last_paying = 1))`;
}

/** The customers' first-touch labels: UNMATCHED without a person; the touch of one with milestones. */
function labelled(ws: string, q: SubscriptionMonthsQuery): Sql {
  const w = p.text(ws);
  const label = (a: FirstTouchAttribute) =>
    sql`CASE WHEN c.person_id IS NULL THEN ${p.text(q.unmatched)}
      WHEN t.person_id IS NULL THEN ${p.text(q.noTouchpoint)} ELSE ${touchLabel('t', a)} END`;
  // as the pipeline reports read first touches: of the persons with a milestone (a Stripe customer's)
  const touched = sql`SELECT DISTINCT person_id FROM ${fn.table('milestones')} WHERE workspace_id = ${w}`;
  return sql`lab AS (
    SELECT c.*, ${join(
      FIRST_TOUCH_ATTRIBUTES.map((a) => sql`${label(a)} AS ${ident(`t_${a}`)}`),
      ', ',
    )}
    FROM cust c
    LEFT JOIN (${storedFirstTouchSql(ws, sql`${touched}`)}) t ON t.person_id = c.person_id)`;
}

/** The report's sums per group, and the stored currency (amounts are its minor units times rates). */
export function subscriptionGroupsSql(ws: string, q: SubscriptionMonthsQuery): Sql {
  const dims = q.groupBy.map((d) => ident(`t_${d}`).text);
  const groupCols = dims.length
    ? sql`${raw(dims.map((d, i) => `${d} AS g${i}`).join(', '))}, `
    : sql``;
  const groupBy = dims.length ? sql` GROUP BY ${raw(dims.join(', '))}` : sql``;
  const keep = touchFilterSql(q.filter, (a) => sql`${ident(`t_${a}`)}`);
  const counted = (e: string) => raw(`sum(CASE WHEN counted = 1 THEN ${e} ELSE 0 END)`);
  return sql`WITH rates AS (${ratesCte(ws, q)}),
  ${monthsCte(ws, q)},
  ${customersCte(q)},
  ${labelled(ws, q)}
  SELECT ${groupCols}${counted('CASE WHEN end_mrr > 0 THEN 1 ELSE 0 END')} AS customers,
    ${counted('end_mrr')} AS mrr, ${counted('start_mrr')} AS start_mrr,
    ${join(
      AMOUNTS.slice(2).map((a) => sql`${counted(a)} AS ${ident(a)}`),
      ', ',
    )},
    ${counted('new_customers')} AS new_customers, ${counted('churned_customers')} AS churned_customers,
    ${counted('customer_months')} AS customer_months, ${fn.countAll()} AS present
  FROM lab WHERE ${keep}${groupBy}`;
}

/** What converting the months up to `to` lacked: rows whose day had no rate to the asked currency. */
export function subscriptionReadMissingSql(ws: string, q: SubscriptionMonthsQuery): Sql {
  return sql`WITH rates AS (${ratesCte(ws, q)}),
  ${monthsCte(ws, q)}
  SELECT currency, valued_on AS day, ${fn.countDistinct('customer_id')} AS customers
  FROM months WHERE lacks = 1 GROUP BY currency, valued_on ORDER BY currency, valued_on`;
}

/** Customers (by their marker or month rows), those with a person, and the stored currency. */
export function subscriptionMatchingSql(ws: string): Sql {
  return sql`SELECT ${fn.countDistinct('customer_id')} AS customers,
      ${fn.countDistinct('CASE WHEN person_id IS NOT NULL THEN customer_id END')} AS matched,
      min(currency) AS currency
    FROM ${fn.table(SUBSCRIPTION_MONTHS_TABLE)} WHERE workspace_id = ${p.text(ws)}`;
}

/** The rates the derive step lacked, per customer lacking any (few: left out of every sum). */
export function subscriptionDeriveMissingSql(ws: string): Sql {
  return sql`SELECT customer_id, max(missing_rates) AS lacked
    FROM ${fn.table(SUBSCRIPTION_MONTHS_TABLE)}
    WHERE workspace_id = ${p.text(ws)} AND missing_rates IS NOT NULL
    GROUP BY customer_id ORDER BY customer_id`;
}

type Rows = (q: Sql) => Promise<Record<string, unknown>[]>;

/** The area's reads, for an engine's row reader. */
export const subscriptionMonthsReads = (rows: Rows) => ({
  subscriptionMonths: async (ws: string) =>
    (await rows(storedSubscriptionMonthsSql(ws))).map(toSubscriptionMonthRow),
  subscriptionGroups: (ws: string, q: SubscriptionMonthsQuery) => subscriptionGroups(rows, ws, q),
});

/** The report's answer, from the queries above. */
export async function subscriptionGroups(
  rows: Rows,
  ws: string,
  q: SubscriptionMonthsQuery,
): Promise<SubscriptionMonthsAnswer> {
  const [m] = await rows(subscriptionMatchingSql(ws));
  const customers = Number(m?.customers ?? 0);
  const matched = Number(m?.matched ?? 0);
  // the derive step's missing rates: every rate a customer lacked, counted per currency and day
  const missing = new Map<string, { currency: string; day: string; customers: number }>();
  const count = (currency: string, day: string, n: number) => {
    const k = `${currency} ${day}`;
    const had = missing.get(k) ?? { currency, day, customers: 0 };
    had.customers += n;
    missing.set(k, had);
  };
  for (const c of await rows(subscriptionDeriveMissingSql(ws)))
    for (const r of JSON.parse(String(c.lacked)) as Array<{ currency: string; day: string }>)
      count(r.currency, r.day, 1);
  for (const r of await rows(subscriptionReadMissingSql(ws, q)))
    count(String(r.currency), String(r.day), Number(r.customers));
  const storedCurrency = customers === 0 || !m?.currency ? null : String(m.currency);
  const amount = (v: unknown) => Number(v ?? 0);
  // (no group: an aggregate without GROUP BY still answers one row)
  const found = (await rows(subscriptionGroupsSql(ws, q))).filter((r) => Number(r.present) > 0);
  const groups = found.map((r) => ({
    group: Object.fromEntries(q.groupBy.map((d, i) => [d, String(r[`g${i}`])])),
    customers: Number(r.customers ?? 0),
    mrr: amount(r.mrr),
    startMrr: amount(r.start_mrr),
    newBusiness: amount(r.new_business),
    expansion: amount(r.expansion),
    contraction: amount(r.contraction),
    churn: amount(r.churn),
    reactivation: amount(r.reactivation),
    newCustomers: Number(r.new_customers ?? 0),
    churnedCustomers: Number(r.churned_customers ?? 0),
    customerMonths: Number(r.customer_months ?? 0),
  }));
  return {
    storedCurrency,
    groups,
    missingRates: [...missing.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, v]) => v),
    matching: { customers, matched, unmatched: customers - matched },
  };
}
