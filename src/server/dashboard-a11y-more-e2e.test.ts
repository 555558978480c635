// Accessibility of the dashboard in real Chromium, the second half of the pages of web/src/routes.ts
// (PAGES, every other one from the second): what dashboard-a11y-e2e.test.ts checks on the first half
// (a11y-walk.ts), split so each file keeps within the runner's 120 s as pages are added.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { walkPages } from '../test-helpers/a11y-walk.js';
import { dashboardSuite } from '../test-helpers/browser.js';
import { dashboardPages } from '../test-helpers/dashboard-pages.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['owner@acme.test', 'owner']],
});

test(
  'the pages of PAGES, second half: no serious axe-core violation, one h1, the keyboard reaches the navigation and controls',
  { timeout: 100_000 },
  async () => {
    const all = dashboardPages();
    const mine = all.filter((_, i) => i % 2 === 1);
    assert.ok(mine.some((p) => p.name === 'channels'));
    await walkPages(suite.s, suite.browser, 'owner@acme.test', mine, all);
  },
);
