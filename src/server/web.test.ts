// The dashboard's static serving on a real server: without a build the server still starts and `/` says
// how to build; with one (built here), `/` and the app's pages answer with the app, its hashed assets
// are served with a long cache, and nothing of the API, the ingestion routes or the snippet is shadowed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { clientFor, startTestServer } from '../test-helpers/server.js';
import { tempDir } from '../test-helpers/tmp.js';
import { addUser, sessionHeaders, signIn } from '../test-helpers/users.js';
import {
  buildWeb,
  gzippedBytes,
  pageLoad,
  WEB_INITIAL_JS_TARGET,
} from '../test-helpers/web-build.js';
import { APP_PAGES } from './web.js';

const notFoundJson = async (res: Response, what: string) => {
  assert.equal(res.status, 404, what);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/, what);
  assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found', what);
};

test('no build: the server starts, / says to run the build, the API is untouched', async () => {
  const { dir, cleanup } = tempDir();
  const s = await startTestServer({}, { webDir: join(dir, 'absent') });
  try {
    const home = await fetch(`${s.base}/`);
    assert.equal(home.status, 503);
    assert.match(home.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await home.text(), /npm run build/);
    assert.equal((await fetch(`${s.base}/overview`)).status, 503);
    await notFoundJson(await fetch(`${s.base}/assets/index.js`), 'assets without a build');
    assert.equal((await fetch(`${s.base}/healthz`)).status, 200);
  } finally {
    await s.close();
    cleanup();
  }
});

test('built: pages answer with the app, assets cached, API and ingestion not shadowed', async () => {
  const web = await buildWeb();
  const s = await startTestServer({}, { webDir: web });
  try {
    const index = readFileSync(join(web, 'index.html'), 'utf8');
    for (const path of ['/', ...[...APP_PAGES].map((p) => `/${p}?workspace=w&from=2026-01-01`)]) {
      const res = await fetch(`${s.base}${path}`);
      assert.equal(res.status, 200, path);
      assert.match(res.headers.get('content-type') ?? '', /text\/html/, path);
      assert.equal(res.headers.get('cache-control'), 'no-cache', path);
      assert.equal(await res.text(), index, path);
    }
    // every script and stylesheet the page names is served, cached for good (names carry a hash)
    const assets = [...index.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]!);
    assert.ok(assets.length >= 2, `assets named by index.html: ${assets.join(', ')}`);
    for (const a of assets) {
      const res = await fetch(`${s.base}${a}`);
      assert.equal(res.status, 200, a);
      assert.match(res.headers.get('cache-control') ?? '', /immutable/, a);
      assert.equal(await res.text(), readFileSync(join(web, a), 'utf8'), a);
    }
    await notFoundJson(await fetch(`${s.base}/assets/nope.js`), 'a missing asset');
    await notFoundJson(await fetch(`${s.base}/assets/../../package.json`), 'a path escape');
    await notFoundJson(await fetch(`${s.base}/assets/%2e%2e/index.html`), 'an encoded escape');
    // the app answers only at its own paths: the rest stays the API's JSON 404
    for (const path of ['/nope', '/api', '/api/nope', '/v1', '/hooks', '/collect', '/overview/x'])
      await notFoundJson(await fetch(`${s.base}${path}`), path);
    // the routes beside it are still theirs
    assert.deepEqual(await (await fetch(`${s.base}/healthz`)).json(), { status: 'ok' });
    const snippet = await fetch(`${s.base}/cl.js`);
    assert.equal(snippet.status, 200);
    assert.match(snippet.headers.get('content-type') ?? '', /javascript/);
    const { api } = clientFor(s);
    const me = await fetch(`${s.base}/api/auth/me`);
    assert.equal(me.status, 401);
    const overview = await api('/api/reports/overview?from=2026-03-01&to=2026-03-02');
    assert.equal(overview.status, 200);
    assert.equal(((await overview.json()) as { from: string }).from, '2026-03-01');
    // what the app sends: the session cookie and ?workspace=, which a report's strict schema accepts
    await addUser(s.store, 'viewer@acme.test', 'viewer', s.workspace.id);
    const session = await signIn(s.base, 'viewer@acme.test');
    const asApp = await fetch(
      `${s.base}/api/reports/overview?workspace=${s.workspace.id}&from=2026-03-01&to=2026-03-02`,
      { headers: sessionHeaders(session) },
    );
    assert.equal(asApp.status, 200, await asApp.clone().text());
    assert.equal(((await asApp.json()) as { to: string }).to, '2026-03-02');
  } finally {
    await s.close();
  }
});

test('the first page (overview) loads at most 200 KB of JavaScript, gzipped', async () => {
  const web = await buildWeb();
  const { js } = pageLoad(web, 'overview');
  // the entry, the page's own chunk (which holds the chart library) and their shared chunks
  assert.ok(js.length >= 2, js.join(', '));
  const bytes = gzippedBytes(web, js);
  assert.ok(bytes > 10_000, `${bytes} bytes: the page and its chart library are in the count`);
  assert.ok(bytes <= WEB_INITIAL_JS_TARGET, `${bytes} bytes gzipped`);
});
