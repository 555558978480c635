// The browsable API reference (GET /api/docs) on a real listening server, opened in real Chromium: the
// page loads from our own origin alone (the reference's scripts are the package's, nothing is fetched
// from elsewhere), reads the same document as /api/openapi.json, and lists the routes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chromium } from 'playwright-core';
import { startTestServer } from '../test-helpers/server.js';
import { DOCS_PATH } from './openapi.js';

test('GET /api/docs: a reference page that loads offline from the server and names the routes', async () => {
  const s = await startTestServer();
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    // public, as the document is: no credential asked
    const html = await fetch(`${s.base}${DOCS_PATH}`);
    assert.equal(html.status, 200);
    assert.match(html.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await html.text(), /swagger-ui-bundle\.js/);
    const copy = (await (await fetch(`${s.base}${DOCS_PATH}/json`)).json()) as unknown;
    const doc = (await (await fetch(`${s.base}/api/openapi.json`)).json()) as unknown;
    assert.deepEqual(copy, doc);

    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    const res = await page.goto(`${s.base}${DOCS_PATH}`);
    assert.equal(res?.status(), 200);
    // the operations render, by path and summary
    await page.waitForSelector('.opblock-summary-path', { timeout: 60_000 });
    const paths = await page.$$eval('.opblock-summary-path', (els) =>
      els.map((e) => e.getAttribute('data-path') ?? e.textContent ?? ''),
    );
    for (const p of ['/api/reports/funnel', '/api/reports/overview', '/api/openapi.json'])
      assert.ok(
        paths.some((x) => x.replace(/\u200b/g, '') === p),
        `${p} not on the page: ${paths.slice(0, 10).join(', ')}`,
      );
    assert.match((await page.textContent('body')) ?? '', /Closedloop API/);
    // everything came from the server itself
    const elsewhere = requests.filter((u) => !u.startsWith(s.base) && !u.startsWith('data:'));
    assert.deepEqual(elsewhere, []);
    // and the reference's own routes are declared public in the route table, like the document
    const docs = s.app.declaredRoutes.filter((r) => r.url.startsWith(DOCS_PATH));
    assert.ok(docs.length >= 4, JSON.stringify(docs));
    assert.ok(docs.every((r) => r.access.who === 'anyone'));
  } finally {
    await browser.close();
    await s.close();
  }
});
