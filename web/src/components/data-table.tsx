// A report's rows as a sortable table with totals and a CSV export: one look and one behaviour for every
// page's tables. The sort is in the URL (`<prefix>sort`, `<prefix>dir`, so two tables on one page keep
// their own); cells carry `data-col` and `data-value` (the API's number) so tests compare them with the
// API. The CSV is the API's own (`format=csv` on the same request), never a copy made in the browser.
import type { ComponentChildren } from 'preact';
import { apiUrl, type Query } from '../api';
import { count, days, money, percent, times } from '../format';
import { withQuery } from '../location';

export type Cell = string | number | boolean | null | undefined;
export type Row = Record<string, Cell>;

export type Kind = 'text' | 'count' | 'money' | 'percent' | 'times' | 'days';

export interface Column {
  key: string;
  label: string;
  kind: Kind;
  /** A link for the cell (a drill-down); absent: plain text. */
  href?: (row: Row) => string | null;
  /** False for a column of links or actions, which has nothing to sort by. */
  sortable?: boolean;
}

const num = (v: Cell) => (typeof v === 'number' ? v : null);

/** A cell as the page shows it. */
export function show(kind: Kind, v: Cell, currency: string): string {
  switch (kind) {
    case 'text':
      return v === null || v === undefined || v === '' ? '(none)' : String(v);
    case 'money':
      return money(num(v), currency);
    case 'percent':
      return percent(num(v));
    case 'times':
      return times(num(v));
    case 'days':
      return days(num(v));
    default:
      return count(num(v));
  }
}

function compare(a: Cell, b: Cell, kind: Kind): number {
  if (kind === 'text') return String(a ?? '').localeCompare(String(b ?? ''));
  return (num(a) ?? -Infinity) - (num(b) ?? -Infinity);
}

export function DataTable(props: {
  /** What the table shows, for screen readers and the CSV's file name. */
  caption: string;
  columns: Column[];
  rows: Row[];
  totals?: Row | null;
  currency?: string;
  query: URLSearchParams;
  /** Prefix of this table's URL keys when a page has several tables. */
  prefix?: string;
  /** The API request behind the rows: the CSV link is the same request with `format=csv`. */
  csv?: { path: string; query: Query };
  /** Default sort column (else the first numeric column), always descending. */
  defaultSort?: string;
  empty?: ComponentChildren;
  /** A stable key per row (else the first column's value and the index). */
  rowKey?: (row: Row) => string;
  /** data-* attributes for the table (what it shows, for tests and styles). */
  attrs?: Record<`data-${string}`, string>;
}) {
  const { columns, currency = 'USD', prefix = '' } = props;
  const sortKey =
    props.query.get(`${prefix}sort`) ??
    props.defaultSort ??
    columns.find((c) => c.kind !== 'text')?.key ??
    columns[0]!.key;
  const dir = props.query.get(`${prefix}dir`) === 'asc' ? 'asc' : 'desc';
  const sortCol = columns.find((c) => c.key === sortKey) ?? columns[0]!;
  const rows = [...props.rows].sort((a, b) => {
    const c = compare(a[sortCol.key], b[sortCol.key], sortCol.kind);
    return dir === 'asc' ? c : -c;
  });
  const first = columns[0]!;
  const header = (c: Column) => {
    if (c.sortable === false)
      return (
        <th key={c.key} scope="col" data-kind={c.kind}>
          {c.label}
        </th>
      );
    const active = c.key === sortCol.key;
    const next = active && dir === 'desc' ? 'asc' : 'desc';
    return (
      <th
        key={c.key}
        scope="col"
        data-kind={c.kind}
        aria-sort={active ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      >
        <a href={withQuery({ [`${prefix}sort`]: c.key, [`${prefix}dir`]: next })}>
          {c.label}
          {active ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
        </a>
      </th>
    );
  };
  const cell = (c: Column, r: Row, i: number) => {
    const text = show(c.kind, r[c.key], currency);
    const href = c.href?.(r) ?? null;
    const body = href ? <a href={href}>{text}</a> : text;
    const value = c.kind === 'text' ? undefined : (num(r[c.key]) ?? '');
    return i === 0 ? (
      <th key={c.key} scope="row" data-col={c.key}>
        {body}
      </th>
    ) : (
      <td key={c.key} data-col={c.key} data-value={value}>
        {body}
      </td>
    );
  };
  return (
    <div class="table-box">
      <table class="report" aria-label={props.caption} {...props.attrs}>
        <thead>
          <tr>{columns.map(header)}</tr>
        </thead>
        <tbody>
          {rows.length === 0 && (
            <tr>
              <td class="empty-row" colSpan={columns.length}>
                {props.empty ?? 'Nothing in this range.'}
              </td>
            </tr>
          )}
          {rows.map((r, i) => (
            <tr
              key={props.rowKey ? props.rowKey(r) : `${String(r[first.key])}#${i}`}
              data-row={show('text', r[first.key], currency)}
            >
              {columns.map((c, j) => cell(c, r, j))}
            </tr>
          ))}
        </tbody>
        {props.totals && (
          <tfoot>
            <tr data-row="(total)">
              <th scope="row">Total</th>
              {columns.slice(1).map((c) =>
                c.kind === 'text' ? (
                  <td key={c.key} />
                ) : (
                  <td key={c.key} data-col={c.key} data-value={num(props.totals![c.key]) ?? ''}>
                    {show(c.kind, props.totals![c.key], currency)}
                  </td>
                ),
              )}
            </tr>
          </tfoot>
        )}
      </table>
      {props.csv && (
        <p class="table-actions">
          <a
            class="csv"
            href={apiUrl(props.csv.path, { ...props.csv.query, format: 'csv' })}
            download={`${props.caption.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.csv`}
          >
            Export CSV
          </a>
        </p>
      )}
    </div>
  );
}
