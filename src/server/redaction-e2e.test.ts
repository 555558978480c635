// Acceptance for URL redaction (issue #12 item 5): real Chromium, the real server and snippet, and the
// real Segment Node SDK. A GET form (e-mail, password, hidden token, card number) posts its fields into
// the thank-you page's URL, and the landing URL carries an e-mail and a token beside its UTMs and gclid.
// Afterwards every column of every table is searched for the secrets: none may be stored anywhere.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Analytics } from '@segment/analytics-node';
import { chromium, type Browser } from 'playwright-core';
import { basicAuth, startTestServer, type TestServer } from '../test-helpers/server.js';
import { columnCount, scanDatabase } from '../test-helpers/scan-db.js';

const PASSWORD = 'e2ePassWORD9q';
const HIDDEN_TOKEN = 'e2eHiddenTok77';
const LANDING_TOKEN = 'e2eLandTok31';
const CARD = '4242424242424242';
const URL_EMAIL = 'leakmail7'; // local part of the landing URL's e-mail: it must never be stored
const FORM_EMAIL = 'formowner.e2e'; // the visitor's own e-mail, typed into the form: identity may keep it
const SITE_HOST = 'www.forms.test';

/**
 * Where the form's own e-mail may be stored: the identify's traits and the form event's properties (the
 * facts that name the sender), the projected `events.email` column, and identity resolution's tables
 * (identities.value, identity_edges' ends). Never in a URL, a context, or a session.
 */
const IDENTITY_FIELDS = new Set([
  'events.traits',
  'events.properties',
  'events.email',
  'identities.value',
  'identity_edges.a_value',
  'identity_edges.b_value',
]);

let s: TestServer;
let site: Server;
let sitePort: number;
let browser: Browser;

before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const head = `<!doctype html><html><head><meta charset="utf-8"><title>${path === '/thanks' ? 'Thanks' : 'Sign up'}</title>
<script defer src="${s.base}/cl.js" data-key="${s.workspace.writeKey}"></script></head>`;
    const body =
      path === '/thanks'
        ? '<body><p>Thanks</p></body></html>'
        : `<body><form id="f" action="/thanks" method="get">
             <input name="email" type="email"><input name="password" type="password">
             <input type="hidden" name="token" value="${HIDDEN_TOKEN}">
             <input name="card_number" autocomplete="cc-number"><button id="go" type="submit">Go</button>
           </form></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html' }).end(head + body);
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  sitePort = (site.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      `--host-resolver-rules=MAP ${SITE_HOST} 127.0.0.1`,
    ],
  });
});

after(async () => {
  await browser?.close();
  site?.closeAllConnections();
  await new Promise((r) => site?.close(r));
  await s?.close();
});

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    await s.app.ingest.flush();
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test(
  'a GET form and a leaky landing URL in real Chromium: no password, token, card number or URL e-mail in any table; UTMs and gclid kept',
  { timeout: 120_000 },
  async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(
        `http://${SITE_HOST}:${sitePort}/?email=${URL_EMAIL}@example.com&token=${LANDING_TOKEN}&utm_source=x&gclid=y`,
      );
      await page.fill('input[name=email]', `${FORM_EMAIL}@example.com`);
      await page.fill('input[name=password]', PASSWORD);
      await page.fill('input[name=card_number]', CARD);
      await Promise.all([page.waitForURL('**/thanks?**'), page.click('#go')]);
      assert.ok(
        page.url().includes(PASSWORD) && page.url().includes(HIDDEN_TOKEN),
        'the browser really put the fields in the URL',
      );
      await until(async () => {
        const ev = await s.store.queryEvents(s.workspace.id, { limit: 1000 });
        return (
          ev.some((e) => (e.pageUrl ?? '').includes('/thanks')) &&
          ev.some((e) => e.event === 'form_submitted')
        );
      }, 'the landing, the form and the thank-you page');
    } finally {
      await context.close();
    }
    await s.app.ingest.settle();

    const { tables, columns } = await columnCount(s.store);
    assert.ok(tables >= 15 && columns >= 100, `scanned ${tables} tables, ${columns} columns`);
    const hits = await scanDatabase(s.store, [
      PASSWORD,
      HIDDEN_TOKEN,
      LANDING_TOKEN,
      CARD,
      URL_EMAIL,
      FORM_EMAIL,
    ]);
    for (const secret of [PASSWORD, HIDDEN_TOKEN, LANDING_TOKEN, CARD, URL_EMAIL]) {
      assert.deepEqual(
        hits.get(secret),
        [],
        `${secret} stored in ${JSON.stringify(hits.get(secret))}`,
      );
    }
    const formEmailAt = hits.get(FORM_EMAIL)!.map((h) => `${h.table}.${h.column}`);
    assert.ok(
      formEmailAt.includes('events.email') && formEmailAt.includes('identities.value'),
      `stitching uses the form's e-mail: ${formEmailAt.join(', ')}`,
    );
    for (const where of formEmailAt)
      assert.ok(IDENTITY_FIELDS.has(where), `the form's e-mail is stored in ${where}`);

    // the UTMs and click id survive into the facts and the derived session
    const landing = (await s.store.queryEvents(s.workspace.id, { type: 'page', limit: 100 })).find(
      (e) => (e.pageUrl ?? '').includes('gclid=y'),
    );
    assert.match(
      landing?.pageUrl ?? '',
      /\?email=\[email\]&token=\[redacted\]&utm_source=x&gclid=y$/,
    );
    const sessions = await s.store.listSessions(s.workspace.id);
    assert.ok(
      sessions.some((x) => x.source === 'x' && x.clickIds.gclid === 'y'),
      JSON.stringify(sessions.map((x) => [x.source, x.clickIds])),
    );
    const thanks = (await s.store.queryEvents(s.workspace.id, { type: 'page', limit: 100 })).find(
      (e) => (e.pageUrl ?? '').includes('/thanks'),
    );
    const redacted = (thanks?.context as { redacted?: string[] }).redacted ?? [];
    for (const n of ['card_number', 'email', 'password', 'token'])
      assert.ok(redacted.includes(n), `context.redacted names ${n}: ${redacted.join(',')}`);
  },
);

test(
  'the same leaks from the Segment Node SDK and POST /v1/page: nothing stored anywhere',
  { timeout: 60_000 },
  async () => {
    const url = `https://shop.test/thanks?email=sdk${URL_EMAIL}%40example.com&password=${PASSWORD}&token=${LANDING_TOKEN}&card_number=${CARD}&utm_source=x&gclid=sdk-y`;
    const analytics = new Analytics({
      writeKey: s.workspace.writeKey,
      host: s.base,
      flushAt: 1,
      maxRetries: 2,
    });
    analytics.page({
      anonymousId: 'sdk-anon',
      name: 'Thanks',
      properties: { url, search: url.slice(url.indexOf('?')), referrer: url },
      context: { page: { url, referrer: url } } as never,
    });
    await analytics.closeAndFlush({ timeout: 10_000 });
    const direct = await fetch(`${s.base}/v1/page`, {
      method: 'POST',
      headers: {
        authorization: basicAuth(s.workspace.writeKey),
        'content-type': 'application/json',
      },
      body: JSON.stringify({
        anonymousId: 'api-anon',
        properties: { url, path: `/thanks?password=${PASSWORD}` },
        context: { page: { url, search: url.slice(url.indexOf('?')) } },
      }),
    });
    assert.equal(direct.status, 200);
    await until(
      async () =>
        (await s.store.queryEvents(s.workspace.id, { anonymousId: 'sdk-anon' })).length === 1,
      'the SDK page',
    );
    await s.app.ingest.settle();
    assert.equal(
      (await s.store.queryEvents(s.workspace.id, { anonymousId: 'api-anon' })).length,
      1,
    );
    const hits = await scanDatabase(s.store, [PASSWORD, LANDING_TOKEN, CARD, URL_EMAIL]);
    for (const [secret, where] of hits)
      assert.deepEqual(where, [], `${secret} stored in ${JSON.stringify(where)}`);
    const sdk = (await s.store.queryEvents(s.workspace.id, { anonymousId: 'sdk-anon' }))[0]!;
    assert.match(sdk.pageUrl ?? '', /utm_source=x&gclid=sdk-y$/);
    assert.equal((sdk.properties as { url: string }).url, sdk.pageUrl);
  },
);
