// The health page in real Chromium against a real server (the app built by Vite in this test): its two
// tables are the tagging and identity reports' rows, each CSV link gives the API's own CSV, the tables
// sort apart, another date range moves the tagging table. Data: the dashboard world plus tracking
// mistakes (ops-world.ts), through the ingestion and import routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  apiJson,
  apiText,
  linkedCsv,
  sorted,
  str,
  tableRows,
} from '../test-helpers/dashboard-checks.js';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';
import { opsWorld } from '../test-helpers/ops-world.js';

const suite = dashboardSuite({
  world: async (s) => {
    await dashboardWorld(s);
    await opsWorld(s);
  },
  users: [['owner@acme.test', 'owner']],
});

interface Finding {
  detail: string;
  fix: string;
  spend: number | null;
  sessions: number;
  platform: string | null;
  campaign: string | null;
}

interface Identity {
  matchRates: {
    milestone: string;
    source: string;
    persons: number;
    stitched: number;
    rate: number;
    fix: string | null;
  }[];
  crm: {
    source: string;
    objectType: string;
    objects: number;
    unmatched: number;
    rate: number;
    fix: string | null;
  }[];
  quarantined: {
    kind: string;
    value: string;
    distinctEmails: number;
    distinctUsers: number;
    fix: string;
  }[];
  unmatchedCrm: { source: string; objectType: string; objectId: string; fix: string }[];
}

const TAGGING = 'table[data-report="tagging-health"]';
const IDENTITY = 'table[data-report="identity-health"]';
const TAGGING_COLS = ['platform', 'campaign', 'spend', 'sessions', 'detail', 'fix'];

const taggingExpected = (findings: Finding[]) =>
  sorted(
    findings.map((f) => [
      f.platform ?? '(none)',
      f.campaign ?? '(none)',
      str(f.spend),
      str(f.sessions),
      f.detail,
      f.fix,
    ]),
  );

test('health: both tables equal the reports, each CSV is the API’s, the range moves tagging', async () => {
  const { context, page, errors } = await signedInPage(
    suite.browser,
    suite.s.base,
    'owner@acme.test',
  );
  try {
    const ws = suite.s.workspace.id;
    await page.goto(`${suite.s.base}/health?workspace=${ws}&from=2026-02-25&to=2026-03-07`);
    await page.waitForSelector(`${TAGGING} tbody tr`);
    await page.waitForSelector(`${IDENTITY} tbody tr`);

    // tagging health: every finding, with its spend, sessions, what was seen and the fix
    const range = 'from=2026-02-25&to=2026-03-07';
    const tagging = await apiJson<{ findings: Finding[] }>(
      suite.s,
      `/api/reports/tagging-health?${range}`,
    );
    const checks = new Set(tagging.findings.map((f) => (f as unknown as { check: string }).check));
    for (const c of ['spend_without_sessions', 'sessions_without_spend', 'untagged_landing_page'])
      assert.ok(checks.has(c), c);
    assert.deepEqual(
      sorted(await tableRows(page, TAGGING, TAGGING_COLS)),
      taggingExpected(tagging.findings),
    );

    // identity health: the four lists as one table, each row with what it concerns and its fix
    const identity = await apiJson<Identity>(suite.s, '/api/reports/identity-health');
    assert.ok(identity.quarantined.length > 0 && identity.unmatchedCrm.length > 0);
    const identityExpected = [
      ...identity.matchRates.map((m) => [
        `${m.milestone} via ${m.source}`,
        str(m.persons - m.stitched),
        str(m.persons),
        str(m.rate),
        m.fix ?? 'Nothing to fix',
      ]),
      ...identity.crm.map((c) => [
        `${c.source} ${c.objectType}`,
        str(c.unmatched),
        str(c.objects),
        str(c.rate),
        c.fix ?? 'Nothing to fix',
      ]),
      ...identity.unmatchedCrm.map((u) => [
        `${u.source} ${u.objectType} ${u.objectId}`,
        '1',
        '',
        '',
        u.fix,
      ]),
      ...identity.quarantined.map((q) => [
        `${q.kind} ${q.value}`,
        str(q.distinctEmails + q.distinctUsers),
        '',
        '',
        q.fix,
      ]),
    ];
    assert.deepEqual(
      sorted(await tableRows(page, IDENTITY, ['of', 'affected', 'total', 'rate', 'fix'])),
      sorted(identityExpected),
    );

    // each table's CSV is its report's, asked with the page's session
    const tCsv = await linkedCsv(suite.s, page, TAGGING);
    assert.match(tCsv.href, /^\/api\/reports\/tagging-health\?/);
    assert.equal(
      tCsv.body,
      await apiText(suite.s, `/api/reports/tagging-health?${range}&format=csv`),
    );
    const iCsv = await linkedCsv(suite.s, page, IDENTITY);
    assert.equal(iCsv.body, await apiText(suite.s, '/api/reports/identity-health?format=csv'));
    assert.match(iCsv.body, /^what,of,count,rate,fix\n/);
    await screenshots(page, 'health');

    // the two tables sort apart: the identity table's sort is its own in the URL
    await page.locator(`${IDENTITY} thead a`, { hasText: 'Concerned' }).click();
    await page.waitForURL(/identity_sort=affected&identity_dir=asc/);
    assert.doesNotMatch(page.url(), /tagging_sort/);
    assert.equal(
      await page.locator(`${IDENTITY} th[aria-sort="ascending"]`).textContent(),
      'Concerned ▲',
    );
    assert.equal(await page.locator(`${TAGGING} th[aria-sort="descending"]`).count(), 1);

    // a shorter range: the tagging table becomes that range's findings (identity is all data)
    await page.getByLabel('To', { exact: true }).fill('2026-03-03');
    await page.getByLabel('To', { exact: true }).dispatchEvent('change');
    await page.waitForURL(/to=2026-03-03/);
    const shorter = await apiJson<{ findings: Finding[] }>(
      suite.s,
      '/api/reports/tagging-health?from=2026-02-25&to=2026-03-03',
    );
    assert.notDeepEqual(taggingExpected(shorter.findings), taggingExpected(tagging.findings));
    await page.waitForFunction(
      ([sel, n]) => document.querySelectorAll(`${sel} tbody tr`).length === n,
      [TAGGING, shorter.findings.length] as const,
    );
    assert.deepEqual(
      sorted(await tableRows(page, TAGGING, TAGGING_COLS)),
      taggingExpected(shorter.findings),
    );
    // (the CSV link follows the range: it is the table's request with format=csv)
    assert.match(
      (await page.locator(`.table-box:has(${TAGGING}) a.csv`).getAttribute('href')) ?? '',
      /[?&]to=2026-03-03&format=csv$/,
    );
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
