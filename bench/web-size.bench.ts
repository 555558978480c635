// The dashboard's JavaScript as a browser loads it, per page (docs/dashboard.md, "Size"): for the sign-in
// page and every page of web/src/routes.ts PAGES (read by dashboard-pages.ts, so a page added there is
// measured without editing this file), gzipped: the initial JS of a cold start on the page (the entry
// plus the page's chunk and what they import), what moving to it from another page fetches at most (its
// JS beyond the entry's), and its CSS. The target is for the first page (the overview, where a signed-in
// user lands): <= 200 KB; web.test.ts holds the overview to the same limit. The entry alone is the
// baseline every page starts from.
import { dashboardPages } from '../src/test-helpers/dashboard-pages.js';
import {
  buildWeb,
  entryLoad,
  gzippedBytes,
  pageLoad,
  WEB_INITIAL_JS_TARGET,
} from '../src/test-helpers/web-build.js';
import type { BenchResult } from './types.js';

export async function run(): Promise<BenchResult[]> {
  const dir = await buildWeb();
  const entry = entryLoad(dir);
  const out: BenchResult[] = [
    {
      name: 'dashboard entry (every page loads it first): JS, gzipped (baseline)',
      value: gzippedBytes(dir, entry.js),
      unit: 'bytes',
      note: `${entry.js.length} files`,
    },
  ];
  const pages = [
    { name: 'login', module: 'src/pages/login.tsx' },
    ...dashboardPages().map((p) => ({ name: p.name, module: p.module })),
  ];
  for (const page of pages) {
    const { js, css } = pageLoad(dir, page.module);
    const own = js.filter((f) => !entry.js.includes(f));
    out.push({
      name: `dashboard ${page.name}: initial JS, gzipped`,
      value: gzippedBytes(dir, js),
      unit: 'bytes',
      ...(page.name === 'overview' ? { target: `<= ${WEB_INITIAL_JS_TARGET}` } : {}),
      note: `${js.length} files`,
    });
    out.push({
      name: `dashboard ${page.name}: JS beyond the entry (on moving to it), gzipped`,
      value: gzippedBytes(dir, own),
      unit: 'bytes',
      note: `${own.length} files; less when another page already fetched a shared chunk`,
    });
    out.push({
      name: `dashboard ${page.name}: CSS, gzipped`,
      value: gzippedBytes(dir, css),
      unit: 'bytes',
    });
  }
  return out;
}

const isMain =
  process.argv[1] !== undefined && import.meta.url === new URL(`file://${process.argv[1]}`).href;
if (isMain) process.stdout.write(`${JSON.stringify(await run(), null, 2)}\n`);
