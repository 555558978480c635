// The dashboard's JavaScript as a browser loads it, per page (docs/dashboard.md, "Size"): the entry plus
// the page's chunk and what they import, gzipped, against the target for the first page (the overview,
// where a signed-in user lands): <= 200 KB. web.test.ts holds the overview to the same limit.
import {
  buildWeb,
  gzippedBytes,
  pageLoad,
  WEB_INITIAL_JS_TARGET,
} from '../src/test-helpers/web-build.js';
import type { BenchResult } from './types.js';

const PAGES = ['overview', 'login', 'channels', 'pipeline', 'revenue', 'subscriptions'];

export async function run(): Promise<BenchResult[]> {
  const dir = await buildWeb();
  const out: BenchResult[] = [];
  for (const page of PAGES) {
    const { js, css } = pageLoad(dir, page);
    out.push({
      name: `dashboard ${page}: initial JS, gzipped`,
      value: gzippedBytes(dir, js),
      unit: 'bytes',
      ...(page === 'overview' ? { target: `<= ${WEB_INITIAL_JS_TARGET}` } : {}),
      note: `${js.length} files`,
    });
    out.push({
      name: `dashboard ${page}: CSS, gzipped`,
      value: gzippedBytes(dir, css),
      unit: 'bytes',
    });
  }
  return out;
}
