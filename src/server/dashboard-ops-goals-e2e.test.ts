// The goals page in real Chromium against a real server (the app built by Vite in this test): an owner
// sets targets through the form (PUT /api/goals with the CSRF token) and the goals report reflects them,
// the page's progress and pace equal to the report's, a duplicate target refused naming the field; a
// viewer and an analyst see the goals read-only. Data: the dashboard world (dashboard-world.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Page } from 'playwright-core';
import { apiJson, str } from '../test-helpers/dashboard-checks.js';
import { dashboardSuite, screenshots, signedInPage } from '../test-helpers/browser.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [
    ['owner@acme.test', 'owner'],
    ['viewer@acme.test', 'viewer'],
    ['analyst@acme.test', 'analyst'],
  ],
});

interface GoalsReport {
  goals: {
    period: string;
    metric: string;
    target: number;
    actual: number | null;
    progress: number | null;
    projected: number | null;
    status: string;
  }[];
}

/** The goal cards agree with the report: target, actual, status, and the bar's value. */
async function sameGoals(page: Page, report: GoalsReport) {
  assert.equal(await page.locator('.goal').count(), report.goals.length);
  for (const g of report.goals) {
    const card = page.locator(`.goal[data-period="${g.period}"][data-metric="${g.metric}"]`);
    assert.equal(await card.getAttribute('data-status'), g.status);
    assert.equal(
      await card.locator('[data-col="target"]').getAttribute('data-value'),
      str(g.target),
    );
    assert.equal(
      await card.locator('[data-col="actual"]').getAttribute('data-value'),
      str(g.actual),
    );
    const bar = card.getByRole('progressbar');
    assert.equal(await bar.getAttribute('data-progress'), str(g.progress));
    const pct = g.progress === null ? 0 : Math.round(Math.min(1, g.progress) * 100);
    assert.equal(await bar.getAttribute('aria-valuenow'), String(pct));
    assert.equal(await card.locator('.pace').getAttribute('data-projected'), str(g.projected));
  }
}

test('goals: an owner sets targets through the form and the report reflects them', async () => {
  const { context, page, errors } = await signedInPage(
    suite.browser,
    suite.s.base,
    'owner@acme.test',
  );
  try {
    const ws = suite.s.workspace.id;
    const month = new Date().toISOString().slice(0, 7);
    await page.goto(`${suite.s.base}/goals?workspace=${ws}`);
    await page.waitForSelector('.empty-goals');
    const add = page.getByRole('button', { name: 'Add a goal' });
    const goals = [
      { period: '2026-03', metric: 'leads', target: '8' },
      { period: '2026-03', metric: 'revenue', target: '2000' },
      { period: month, metric: 'leads', target: '10' },
    ];
    for (const [i, g] of goals.entries()) {
      await add.click();
      await page.getByLabel(`Period of goal ${i + 1}`).fill(g.period);
      await page.getByLabel(`Metric of goal ${i + 1}`).selectOption(g.metric);
      await page.getByLabel(`Target of goal ${i + 1}`).fill(g.target);
    }
    await page.getByRole('button', { name: 'Save goals' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved 3 goals.' }).waitFor();
    // the API holds what the form sent, and the goals report of this month shows its target
    const set = await apiJson<{ goals: unknown[] }>(suite.s, '/api/goals');
    assert.deepEqual(
      set.goals,
      goals.map((g) => ({ ...g, target: Number(g.target) })),
    );
    const current = await apiJson<GoalsReport>(suite.s, '/api/reports/goals');
    assert.deepEqual(
      current.goals.map((g) => [g.period, g.metric, g.target]),
      [[month, 'leads', 10]],
    );
    await page.waitForSelector(`.goal[data-period="${month}"][data-metric="leads"]`);
    await sameGoals(page, current);

    // March, chosen from the period list: its leads and revenue against their targets
    await page.getByLabel('Period', { exact: true }).selectOption('2026-03');
    await page.waitForURL(/period=2026-03/);
    await page.waitForSelector('.goal[data-period="2026-03"][data-metric="revenue"]');
    const march = await apiJson<GoalsReport>(suite.s, '/api/reports/goals?period=2026-03');
    assert.ok(march.goals.every((g) => (g.actual ?? 0) > 0));
    await sameGoals(page, march);
    // the bar's text says it in words
    const leads = march.goals.find((g) => g.metric === 'leads')!;
    assert.match(
      (await page
        .getByRole('progressbar', { name: 'Leads · Mar 2026' })
        .getAttribute('aria-valuetext')) ?? '',
      new RegExp(`^(Met|Missed): ${leads.actual} of 8 leads`),
    );
    // a bad target is refused by the API, which names the field; the list is unchanged
    await page.getByLabel('Period of goal 1').fill('2026-03');
    await page.getByLabel('Metric of goal 2').selectOption('leads');
    await page.getByRole('button', { name: 'Save goals' }).click();
    assert.match(
      (await page.getByRole('alert').textContent()) ?? '',
      /Not saved: goals\[1\]\.metric: a second leads goal for 2026-03/,
    );
    assert.equal((await apiJson<{ goals: unknown[] }>(suite.s, '/api/goals')).goals.length, 3);
    await page.getByLabel('Metric of goal 2').selectOption('revenue');
    await screenshots(page, 'goals');
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('goals: a viewer and an analyst see the goals read-only', async () => {
  for (const email of ['viewer@acme.test', 'analyst@acme.test']) {
    const { context, page, errors } = await signedInPage(suite.browser, suite.s.base, email);
    try {
      await page.goto(`${suite.s.base}/goals?workspace=${suite.s.workspace.id}&period=2026-03`);
      await page.waitForSelector('.goal[data-metric="revenue"]');
      await sameGoals(
        page,
        await apiJson<GoalsReport>(suite.s, '/api/reports/goals?period=2026-03'),
      );
      await page.waitForSelector('[data-read-only="true"]');
      assert.equal(await page.locator('form.goals-form').count(), 0);
      assert.equal(await page.getByRole('button', { name: 'Save goals' }).count(), 0);
      assert.equal(await page.locator('.goals input').count(), 0);
      if (email.startsWith('viewer')) await screenshots(page, 'goals-viewer');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  }
});
