// The snippet end to end: real Chromium, the real server (serving /cl.js and /collect) and the real
// store. A visitor lands from a Google ad, browses a single-page app, downloads a whitepaper, leaves,
// comes back days later from Google search and fills in a form.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTestServer, type TestServer } from '../test-helpers/server.js';
import type { StoredEvent } from '../store/types.js';

let s: TestServer;
let site: Server;
let sitePort: number;
let browser: Browser;

const PASSWORD = 'hunter2-SECRET-pw';
const SITE_HOST = 'www.shop.test'; // mapped to 127.0.0.1 for the browser

function html(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title>
<script defer src="${s.base}/cl.js" data-key="${s.workspace.writeKey}"></script></head><body>${body}</body></html>`;
}

before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
  site = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/whitepaper.pdf') {
      res
        .writeHead(200, {
          'content-type': 'application/pdf',
          'content-disposition': 'attachment; filename="whitepaper.pdf"',
        })
        .end('%PDF-1.4\n%%EOF\n');
      return;
    }
    if (path === '/signup') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(
        html(
          'Sign up',
          `<form id="signup" method="get" action="/thanks">
             <input name="email" type="email"><input name="first_name" value="Lin"><input name="password" type="password" value="${PASSWORD}">
             <input type="hidden" name="token" value="hidden-token-value"><input name="number" value="4242 4242 4242 4242">
             <input name="cc-csc" value="918"><button id="send" type="submit">Send</button>
           </form>`,
        ),
      );
      return;
    }
    if (path === '/thanks') {
      res.writeHead(200, { 'content-type': 'text/html' }).end(html('Thanks', '<p>Thanks</p>'));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html' }).end(
      html(
        'Acme',
        `<a id="spa" href="/features" onclick="event.preventDefault(); history.pushState({}, '', '/features'); document.title='Features'">Features</a>
         <a id="pdf" href="/whitepaper.pdf">Whitepaper</a>
         <form id="demo" action="/thanks" method="post">
           <input name="email" type="email"><input name="company"><input name="password" type="password">
           <input type="hidden" name="token" value="hidden-token-value"><button id="go" type="submit">Go</button>
         </form>`,
      ),
    );
  });
  await new Promise<void>((r) => site.listen(0, '127.0.0.1', r));
  sitePort = (site.address() as AddressInfo).port;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
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

async function storedUntil(
  check: (events: StoredEvent[]) => boolean,
  what: string,
): Promise<StoredEvent[]> {
  for (let i = 0; i < 100; i++) {
    await s.app.ingest.flush();
    const events = await s.store.queryEvents(s.workspace.id, { limit: 1000 });
    if (check(events)) return events;
    await new Promise((r) => setTimeout(r, 100));
  }
  const events = await s.store.queryEvents(s.workspace.id, { limit: 1000 });
  throw new Error(
    `timed out waiting for ${what}; stored: ${events.map((e) => `${e.type}:${e.event ?? e.pageUrl}`).join(', ')}`,
  );
}

test('two visits days apart, one anonymous id: first-landing UTMs and gclid, SPA page, download, identify and form; no password stored', async () => {
  const context = await browser.newContext();
  const t0 = new Date('2026-06-01T09:00:00Z');
  await context.clock.install({ time: t0 });
  const landing = `http://${SITE_HOST}:${sitePort}/?utm_source=google&utm_medium=cpc&utm_campaign=brand_q2&utm_term=acme%20crm&gclid=TeSt-GCLID-123`;

  // visit 1: paid landing, SPA navigation, whitepaper download
  const page1 = await context.newPage();
  await page1.goto(landing, { referer: 'https://www.google.com/' });
  await page1.clock.runFor(1500);
  await page1.click('#spa');
  const download = page1.waitForEvent('download');
  await page1.click('#pdf');
  await download;
  await page1.clock.runFor(1500);
  await storedUntil(
    (ev) =>
      ev.some((e) => e.event === 'file_download') &&
      ev.filter((e) => e.type === 'page').length >= 2,
    'visit 1',
  );
  await page1.close();

  // visit 2, three days later, from Google search: a form with an email and a password
  await context.clock.setSystemTime(new Date(t0.getTime() + 3 * 86_400_000));
  const page2 = await context.newPage();
  await page2.goto(`http://${SITE_HOST}:${sitePort}/pricing`, {
    referer: 'https://www.google.com/',
  });
  await page2.fill('input[name=email]', 'Ada.Lovelace@Example.com');
  await page2.fill('input[name=company]', 'Analytical Engines');
  await page2.fill('input[name=password]', PASSWORD);
  await Promise.all([page2.waitForURL('**/thanks'), page2.click('#go')]);
  await page2.clock.runFor(1500);
  const events = await storedUntil(
    (ev) => ev.some((e) => e.type === 'identify') && ev.some((e) => e.event === 'form_submitted'),
    'visit 2',
  );
  await context.close();

  const anonIds = new Set(events.map((e) => e.anonymousId));
  assert.equal(anonIds.size, 1, 'both visits carry the same first-party anonymous id');
  // (event times are corrected for the browser's clock, which the test moved: group by the snippet's session instead)
  const pages = events.filter((e) => e.type === 'page');
  const sessionOf = (e: StoredEvent) => (e.context as { sessionId?: string }).sessionId;
  const landingPage = pages.find((p) => /gclid=TeSt-GCLID-123/.test(p.pageUrl ?? ''));
  assert.ok(landingPage, 'the landing page view keeps the click id');
  assert.match(landingPage.pageUrl ?? '', /utm_source=google&utm_medium=cpc&utm_campaign=brand_q2/);
  assert.equal(landingPage.pageReferrer, 'https://www.google.com/');
  const visit1 = pages.filter((p) => sessionOf(p) === sessionOf(landingPage));
  assert.ok(
    visit1.some((p) => (p.pageUrl ?? '').endsWith('/features')),
    'the SPA navigation is a page view of the same visit',
  );
  const pricing = pages.find((p) => (p.pageUrl ?? '').endsWith('/pricing'));
  assert.equal(pricing?.pageReferrer, 'https://www.google.com/');
  assert.notEqual(
    sessionOf(pricing!),
    sessionOf(landingPage),
    'the return days later is another session',
  );
  assert.equal(new Set(pages.map(sessionOf)).size, 2);
  const dl = events.find((e) => e.event === 'file_download');
  assert.match(String((dl?.properties as { url?: string }).url), /whitepaper\.pdf$/);
  const identify = events.find((e) => e.type === 'identify');
  assert.equal(
    String((identify?.traits as { email?: string }).email).toLowerCase(),
    'ada.lovelace@example.com',
  );
  const form = events.find((e) => e.event === 'form_submitted');
  assert.ok(JSON.stringify(form?.properties).includes('Analytical Engines'));
  const everything = JSON.stringify(await s.store.queryEvents(s.workspace.id, { limit: 10_000 }));
  assert.ok(!everything.includes(PASSWORD), 'no password value anywhere');
  assert.ok(!everything.includes('hidden-token-value'), 'no hidden field value anywhere');
  assert.ok(events.every((e) => e.origin === 'collect'));
});

/** Every file the server wrote (journal, store), as text: a value found nowhere here was never kept. */
function filesUnder(dir: string): string {
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .map((path) => (statSync(path).isDirectory() ? filesUnder(path) : readFileSync(path, 'latin1')))
    .join('\n');
}

test(
  'a GET form and a landing URL full of secrets: nothing sensitive reaches the store, UTMs and gclid kept',
  { timeout: 120_000 },
  async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const landing = `http://${SITE_HOST}:${sitePort}/?email=lin.url%40example.com&token=landing-token-value&utm_source=x&utm_medium=cpc&gclid=y`;
    await page.goto(landing);
    await page.goto(`http://${SITE_HOST}:${sitePort}/signup`);
    await page.fill('input[name=email]', 'lin@example.com');
    await Promise.all([page.waitForURL('**/thanks?**'), page.click('#send')]);
    assert.match(page.url(), /hidden-token-value/, 'the browser put the form fields in the URL');
    await s.app.ingest.settle();
    const events = await storedUntil(
      (ev) =>
        ev.some(
          (e) =>
            e.event === 'form_submitted' &&
            e.anonymousId === ev.find((p) => p.pageUrl?.includes('first_name=Lin'))?.anonymousId,
        ),
      'the thank-you page and the form',
    );
    await context.close();
    await s.app.ingest.settle();

    // This visitor: the one whose thank-you page came from the GET form.
    const thanks = events.find((e) => e.type === 'page' && e.pageUrl?.includes('first_name=Lin'))!;
    const mine = events.filter((e) => e.anonymousId === thanks.anonymousId);
    assert.equal(
      thanks.pageUrl,
      `http://${SITE_HOST}:${sitePort}/thanks?email=[email]&first_name=Lin&password=[redacted]&token=[redacted]&number=[redacted]&cc-csc=[redacted]`,
    );
    const landed = mine.find((e) => e.type === 'page' && e.pageUrl?.includes('utm_source'))!;
    assert.equal(
      landed.pageUrl,
      `http://${SITE_HOST}:${sitePort}/?email=[email]&token=[redacted]&utm_source=x&utm_medium=cpc&gclid=y`,
    );
    // The snippet sends neither path, search nor locale: the collector derives them (from the URL, before redaction; from Accept-Language).
    const landedContext = landed.context as { page: Record<string, unknown>; locale?: string };
    assert.deepEqual(
      [landedContext.page.path, landedContext.page.search],
      ['/', '?email=[email]&token=[redacted]&utm_source=x&utm_medium=cpc&gclid=y'],
    );
    assert.equal((landed.properties as { search?: string }).search, landedContext.page.search);
    // (Playwright's locale emulation does not reach keepalive requests' Accept-Language: the browser's own language it is.)
    assert.match(landedContext.locale ?? '', /^[a-z]{2,3}(-[A-Za-z0-9]+)*$/);
    const sessions = await s.store.listSessions(s.workspace.id, {
      anonymousIds: [landed.anonymousId!],
    });
    const landedSession = sessions.find((x) => x.landingUrl?.includes('utm_source'));
    assert.equal(landedSession?.source, 'x', 'the UTMs still drive acquisition');
    assert.equal(landedSession?.clickIds.gclid, 'y');

    const stored =
      JSON.stringify(await s.store.queryEvents(s.workspace.id, { limit: 10_000 })) +
      JSON.stringify(sessions) +
      filesUnder(s.dir);
    for (const secret of [
      PASSWORD,
      'hidden-token-value',
      'landing-token-value',
      '4242 4242',
      '4242+4242',
      'csc=918',
      'lin.url',
      'lin%40',
    ]) {
      assert.ok(!stored.includes(secret), `${secret} is stored somewhere`);
    }
    // The form's e-mail identifies the lead (traits), but no URL-bearing field carries it.
    const urls = JSON.stringify(
      mine.map((e) => [
        e.pageUrl,
        e.pageReferrer,
        (e.context as { page?: unknown }).page,
        (e.properties as { url?: string }).url,
      ]),
    );
    assert.ok(!/@|%40/.test(urls), urls);
  },
);

test('/cl.js is served gzipped when accepted, with caching headers', async () => {
  const r = await fetch(`${s.base}/cl.js`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type') ?? '', /javascript/);
  assert.equal(r.headers.get('content-encoding'), 'gzip');
  assert.match(r.headers.get('cache-control') ?? '', /max-age/);
  const core = await r.text();
  assert.ok(core.length > 500);

  // Its lazy part: <the same path>?<hash>, named by its content, so it is cached for good.
  const hash = /"\?([0-9a-f]{8})"/.exec(core)?.[1];
  assert.ok(hash, 'cl.js names its lazy part');
  const lazy = await fetch(`${s.base}/cl.js?${hash}`, { headers: { 'accept-encoding': 'gzip' } });
  assert.equal(lazy.status, 200);
  assert.equal(lazy.headers.get('content-encoding'), 'gzip');
  assert.match(lazy.headers.get('cache-control') ?? '', /immutable/);
  assert.match(await lazy.text(), /form_submitted/);
  assert.equal(
    (await fetch(`${s.base}/cl.js?${hash === '00000000' ? '11111111' : '00000000'}`)).status,
    404,
    'another version: not found',
  );
  assert.equal(
    await (await fetch(`${s.base}/cl.js?v=2`)).text(),
    core,
    'other queries (cache busting) get cl.js',
  );
});
