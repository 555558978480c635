import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { APP_PAGES } from '../server/web.js';
import { dashboardPages } from './dashboard-pages.js';
import { WEB_ROOT } from './web-build.js';

test('the pages of web/src/routes.ts, each with its module, all served by the app', () => {
  const pages = dashboardPages();
  assert.deepEqual(
    pages.slice(0, 2).map((p) => [p.name, p.title, p.group, p.module]),
    [
      ['overview', 'Overview', 'Marketing', 'src/pages/overview.tsx'],
      ['channels', 'Channels', 'Marketing', 'src/pages/channels.tsx'],
    ],
  );
  for (const p of pages) {
    assert.ok(existsSync(join(WEB_ROOT, p.module)), p.module);
    assert.ok(APP_PAGES.has(p.name), `${p.name} is not in APP_PAGES (src/server/web.ts)`);
  }
});

test('quoted names, entries over several lines, and a broken entry named', () => {
  const src = `
    export const GROUPS = ['Marketing'];
    export const PAGES: Record<string, PageDef> = {
      overview: { title: 'Overview', group: 'Marketing', load: () => import('./pages/overview') },
      'sales-cycle': {
        title: 'Sales cycle',
        group: 'Sales',
        load: () => import('./pages/channels'),
        nav: false,
      },
    };`;
  assert.deepEqual(
    dashboardPages(src).map((p) => [p.name, p.title, p.group, p.module, p.nav]),
    [
      ['overview', 'Overview', 'Marketing', 'src/pages/overview.tsx', true],
      ['sales-cycle', 'Sales cycle', 'Sales', 'src/pages/channels.tsx', false],
    ],
  );
  assert.throws(
    () => dashboardPages(`export const PAGES = { x: { title: 'X', group: 'Sales' } };`),
    /PAGES\.x/,
  );
  assert.throws(() => dashboardPages('export const OTHER = {};'), /no PAGES object/);
});
