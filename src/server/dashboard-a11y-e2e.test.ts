// Accessibility of the dashboard in real Chromium, on a real server holding the dashboard world
// (a11y-walk.ts says what is checked): the sign-in form, then the first half of the pages that
// web/src/routes.ts registers (PAGES, every other one from the first, so a page added there is walked
// without editing a test); dashboard-a11y-more-e2e.test.ts walks the other half (a file has 120 s).
// No serious or critical axe-core violation, one h1, Tab reaches the navigation and the controls with a
// visible focus ring; screenshots of each page at 1280x720 and 1920x1080 in artifacts/.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyboard, noteMinor, problems, settled, walkPages } from '../test-helpers/a11y-walk.js';
import { axeViolations } from '../test-helpers/axe.js';
import { dashboardSuite, screenshots } from '../test-helpers/browser.js';
import { dashboardPages } from '../test-helpers/dashboard-pages.js';
import { dashboardWorld } from '../test-helpers/dashboard-world.js';

const suite = dashboardSuite({
  world: dashboardWorld,
  users: [['owner@acme.test', 'owner']],
});

test('the sign-in page: no serious axe-core violation, one h1, Tab reaches the form', async () => {
  const context = await suite.browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    await page.goto(`${suite.s.base}/login`);
    await settled(page);
    const violations = await axeViolations(page);
    noteMinor('login', violations);
    await screenshots(page, 'page-login');
    const k = await keyboard(page, false);
    assert.deepEqual(k.unreached, []);
    assert.deepEqual(problems('login', violations, k), []);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test(
  'the pages of PAGES, first half: no serious axe-core violation, one h1, the keyboard reaches the navigation and controls',
  { timeout: 100_000 },
  async () => {
    const all = dashboardPages();
    const mine = all.filter((_, i) => i % 2 === 0);
    assert.ok(mine.some((p) => p.name === 'overview'));
    await walkPages(suite.s, suite.browser, 'owner@acme.test', mine, all);
  },
);
