// What the dashboard's browser tests check on a page, against the API of the same test server: a
// table's numbers (cells' data-value), the KPI cards' numbers, and a table's CSV link (fetched with the
// page's session) against the API's own CSV.
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { clientFor, type TestServer } from './server.js';

export async function apiJson<T>(s: TestServer, path: string): Promise<T> {
  const res = await clientFor(s).api(path);
  assert.equal(res.status, 200, path);
  return (await res.json()) as T;
}

export async function apiText(s: TestServer, path: string): Promise<string> {
  const res = await clientFor(s).api(path);
  assert.equal(res.status, 200, path);
  return res.text();
}

export const str = (v: number | null | undefined) =>
  v === null || v === undefined ? '' : String(v);

/** A table's numbers as the page holds them: `row|col` -> data-value (the totals row is `(total)`). */
export function tableValues(page: Page, table: string): Promise<Record<string, string>> {
  return page.$eval(table, (el) => {
    const out: Record<string, string> = {};
    for (const tr of Array.from(el.querySelectorAll('tbody tr[data-row], tfoot tr[data-row]')))
      for (const td of Array.from(tr.querySelectorAll('td[data-col][data-value]')))
        out[`${tr.getAttribute('data-row')}|${td.getAttribute('data-col')}`] =
          td.getAttribute('data-value')!;
    return out;
  });
}

/** Only the named columns of tableValues. */
export const onlyCols = (v: Record<string, string>, cols: string[]) =>
  Object.fromEntries(Object.entries(v).filter(([k]) => cols.includes(k.split('|')[1]!)));

/** A table's body rows as the page holds them: each listed column's data-value, else its text. */
export function tableRows(page: Page, table: string, cols: string[]) {
  return page.$$eval(
    `${table} tbody tr:not(:has(.empty-row))`,
    (trs, cols) =>
      trs.map((tr) =>
        cols.map((c) => {
          const cell = tr.querySelector(`[data-col="${c}"]`);
          return cell?.getAttribute('data-value') ?? cell?.textContent ?? '(missing)';
        }),
      ),
    cols,
  );
}

/** Rows in a fixed order (to compare sets of rows). */
export const sorted = (rows: string[][]) =>
  [...rows].sort((a, b) => a.join('|').localeCompare(b.join('|')));

export const kpis = (page: Page) =>
  page.$$eval('.kpi', (els) =>
    Object.fromEntries(
      els.map((e) => [e.getAttribute('data-metric')!, e.getAttribute('data-value')]),
    ),
  );

/**
 * The table's "Export CSV" link fetched with the page's cookies (the session) equals the API's CSV for
 * `query`; the link is the page's request with format=csv.
 */
export async function sameCsv(
  s: TestServer,
  page: Page,
  table: string,
  path: string,
  query: string,
) {
  const href = await page.locator(table).locator('xpath=..').locator('a.csv').getAttribute('href');
  assert.ok(href, 'a CSV link');
  const link = new URL(href, s.base);
  assert.equal(link.pathname, path);
  const expected = new URLSearchParams(`${query}&format=csv`);
  for (const [k, v] of expected) assert.equal(link.searchParams.get(k), v, `csv link ${k}`);
  const got = await page.context().request.get(link.toString());
  assert.equal(got.status(), 200);
  const api = await clientFor(s).api(`${path}?${query}&format=csv`);
  assert.equal(api.status, 200);
  const body = await got.text();
  assert.equal(body, await api.text());
  assert.ok(body.split('\n').length > 2, 'the CSV has rows');
}

/** The CSV behind the "Export CSV" link of the table box holding `table`, fetched with the page's session. */
export async function linkedCsv(
  s: TestServer,
  page: Page,
  table: string,
): Promise<{ href: string; body: string }> {
  const href = await page.locator(`.table-box:has(${table}) a.csv`).getAttribute('href');
  assert.ok(href, `${table}: an Export CSV link`);
  const res = await page.context().request.get(`${s.base}${href}`);
  assert.equal(res.status(), 200, href);
  return { href, body: await res.text() };
}
