// Browser tests of what the snippet keeps and how it delivers: anonymous and session ids, consent
// and DNT/GPC, and delivery when the collector fails. One Chromium for the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTracker } from '../build.js';
import {
  keyed,
  launchBrowser,
  lazyRan,
  pageWithSnippet,
  pathOf,
  sleep,
  startSite,
  waitFor,
  type CollectedEvent,
  type TestSite,
} from './test-helpers/site.js';

let browser: Browser;
let site: TestSite;

before(async () => {
  const [tracker, launched] = await Promise.all([buildTracker(), launchBrowser()]);
  browser = launched;
  site = await startSite(tracker);
});
after(async () => {
  await browser?.close();
  await site?.close();
});

type Api = { track(name: string, props?: object): void; consent(granted: boolean): void };
const api = (page: Page, call: (cl: Api) => void): Promise<void> =>
  page.evaluate(`(${call.toString()})(window.closedloop)`) as Promise<void>;

const tracked = (name: string) => (events: CollectedEvent[]) =>
  events.find((e) => e.event === name);

/** The snippet's cookies and localStorage entries (all prefixed _cl_) for the site. */
async function stored(
  context: BrowserContext,
  page: Page,
): Promise<{ cookies: string[]; local: string[] }> {
  const cookies = (await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('_cl_'));
  const local = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('_cl_')),
  );
  return { cookies, local };
}

describe('ids', () => {
  it('keeps the anonymous id across reloads and sessions; a new session after the inactivity timeout', async () => {
    site.page('/ids', pageWithSnippet({ attrs: 'data-session-minutes="30"' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.clock.install();
    await page.goto(site.url('/ids'));
    await page.clock.runFor(1500); // the 1 s batching timer runs on the fake clock
    await api(page, (cl) => cl.track('first'));
    await page.clock.runFor(1500);
    const first = await waitFor(site, tracked('first'));

    await page.reload();
    await api(page, (cl) => cl.track('after_reload'));
    await page.clock.runFor(1500);
    const afterReload = await waitFor(site, tracked('after_reload'));
    assert.equal(afterReload.anonymousId, first.anonymousId);
    assert.equal(
      afterReload.context.sessionId,
      first.context.sessionId,
      'same session within the timeout',
    );

    await page.clock.fastForward('29:00');
    await api(page, (cl) => cl.track('still_active'));
    await page.clock.runFor(1500);
    assert.equal(
      (await waitFor(site, tracked('still_active'))).context.sessionId,
      first.context.sessionId,
      'activity renews the session',
    );

    await page.clock.fastForward('31:00');
    await page.reload();
    await api(page, (cl) => cl.track('next_visit'));
    await page.clock.runFor(1500);
    const nextVisit = await waitFor(site, tracked('next_visit'));
    assert.equal(nextVisit.anonymousId, first.anonymousId, 'the anonymous id outlives the session');
    assert.notEqual(
      nextVisit.context.sessionId,
      first.context.sessionId,
      'a new session after 30 minutes idle',
    );
    await context.close();
  });

  it('falls back to localStorage when the cookie is gone, and honours data-cookie-days', async () => {
    site.page('/ls', pageWithSnippet({ attrs: 'data-cookie-days="7"' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/ls'));
    const first = await waitFor(site, (events) => events.find((e) => pathOf(e) === '/ls'));
    const cookie = (await context.cookies()).find((c) => c.name === '_cl_id')!;
    const days = (cookie.expires * 1000 - Date.now()) / 86400_000;
    assert.ok(days > 6.9 && days <= 7, `cookie lifetime ${days} days`);
    await context.clearCookies();
    await page.reload();
    await api(page, (cl) => cl.track('after_cookie_loss'));
    const later = await waitFor(site, tracked('after_cookie_loss'));
    assert.equal(later.anonymousId, first.anonymousId);
    assert.equal(
      (await context.cookies()).find((c) => c.name === '_cl_id')?.value.split('.')[0],
      first.anonymousId,
      'the cookie is restored',
    );
    await context.close();
  });
});

describe('consent and privacy signals', () => {
  it('consent-required mode stores nothing and sends nothing until consent, then sends the held events', async () => {
    site.page('/consent', pageWithSnippet({ attrs: 'data-consent="required"' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/consent?utm_source=mail'));
    await api(page, (cl) => cl.track('before_consent'));
    await page.mouse.click(5, 5); // the lazy part runs too (it would keep unsent events in localStorage, once allowed)
    await lazyRan(page);
    await sleep(1500);
    assert.deepEqual(await stored(context, page), { cookies: [], local: [] });
    assert.equal(site.events().filter((e) => pathOf(e) === '/consent').length, 0);

    await api(page, (cl) => cl.consent(true));
    const held = await waitFor(site, tracked('before_consent'));
    const landing = await waitFor(site, (events) =>
      events.find((e) => e.type === 'page' && pathOf(e) === '/consent'),
    );
    assert.equal(
      landing.context.page.url,
      site.url('/consent?utm_source=mail'),
      'the landing view, held until consent, keeps its URL (and so its campaign)',
    );
    assert.equal(landing.anonymousId, held.anonymousId);
    const cookies = await context.cookies();
    assert.equal(
      cookies.find((c) => c.name === '_cl_id')?.value.split('.')[0],
      held.anonymousId,
      'the in-memory id is persisted on consent',
    );

    // Consent is remembered on later pages.
    await page.reload();
    await api(page, (cl) => cl.track('second_page'));
    assert.equal((await waitFor(site, tracked('second_page'))).anonymousId, held.anonymousId);

    // Withdrawal deletes what was stored and stops sending.
    await api(page, (cl) => {
      cl.consent(false);
      cl.track('after_withdrawal');
    });
    await sleep(1500);
    assert.deepEqual(await stored(context, page), { cookies: [], local: [] });
    assert.equal(site.events().filter((e) => e.event === 'after_withdrawal').length, 0);
    await context.close();
  });

  it('sends and stores nothing under Do Not Track / GPC when the site honours them', async () => {
    site.page('/dnt', pageWithSnippet({ attrs: 'data-respect-dnt' }));
    site.page('/gpc', pageWithSnippet({ attrs: 'data-respect-gpc' }));
    site.page('/dnt-ignored', pageWithSnippet());
    const context = await browser.newContext();
    // A string, not a function: tsx's name-keeping helpers do not exist in the page.
    await context.addInitScript(
      `Object.defineProperty(Navigator.prototype, 'doNotTrack', { get: () => '1', configurable: true });
       Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });`,
    );
    const page = await context.newPage();
    await page.goto(site.url('/dnt'));
    await api(page, (cl) => cl.track('dnt_event'));
    await page.goto(site.url('/gpc'));
    await api(page, (cl) => cl.track('gpc_event'));
    await page.goto(site.url('/dnt-ignored'));
    await waitFor(site, (events) => events.find((e) => pathOf(e) === '/dnt-ignored'));
    const paths = site.events().map((e) => pathOf(e));
    assert.ok(!paths.includes('/dnt') && !paths.includes('/gpc'));
    assert.equal(
      site.events().filter((e) => e.event === 'dnt_event' || e.event === 'gpc_event').length,
      0,
    );
    await context.close();
  });
});

describe('delivery', () => {
  it('never throws when the collector is down, keeps the batch and sends it on the next page load', async () => {
    // A port nothing listens on: connection refused.
    const down = 'http://127.0.0.1:9';
    site.page(
      '/down',
      pageWithSnippet({
        attrs: `data-api="${down}"`,
        body: '<button id="b" onclick="this.textContent=\'clicked\'">Click</button><a id="pdf" href="#x.pdf">pdf</a>',
      }),
    );
    site.page('/up', pageWithSnippet());
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors: Error[] = [];
    page.on('pageerror', (e) => errors.push(e));
    await page.goto(site.url('/down'));
    await api(page, (cl) => cl.track('while_down'));
    await page.click('#b');
    assert.equal(await page.textContent('#b'), 'clicked', 'the page keeps working');
    await sleep(1500);
    const outbox = await page.evaluate(() => localStorage.getItem('_cl_q'));
    assert.ok(outbox?.includes('while_down'), 'the failed batch is kept in localStorage');
    assert.deepEqual(errors, []);
    const kept = keyed(JSON.parse(outbox!) as unknown[]).find((e) => e.event === 'while_down')!;

    await page.goto(site.url('/up'));
    await lazyRan(page); // requested at start for the unsent events: no form, no interaction here
    const delivered = await waitFor(site, tracked('while_down'));
    assert.equal(
      delivered.messageId,
      kept.messageId,
      'the same event, so the collector can dedupe',
    );
    await waitFor(site, (events) => events.find((e) => pathOf(e) === '/down' && e.type === 'page'));
    await page.waitForFunction(() => localStorage.getItem('_cl_q') === null, undefined, {
      timeout: 3000,
    });
    await context.close();
  });

  it('a failed send requests the lazy part, which sends the batch again (503, then 200)', async () => {
    site.page('/fail-once', pageWithSnippet());
    const context = await browser.newContext();
    const page = await context.newPage();
    const [lazyBefore, before] = [site.lazyRequests(), site.requests()];
    site.failNext(1);
    await page.goto(site.url('/fail-once'));
    const view = await waitFor(
      site,
      (events) => events.find((e) => e.type === 'page' && pathOf(e) === '/fail-once'),
      8000,
    );
    assert.equal(site.requests() - before, 2, 'the rejected request, then the accepted one');
    assert.equal(
      site.lazyRequests(),
      lazyBefore + 1,
      'requested for the failure: the page has no form and nobody touched it',
    );
    assert.equal(site.events().filter((e) => e.messageId === view.messageId).length, 1);
    await page.waitForFunction(() => localStorage.getItem('_cl_q') === null, undefined, {
      timeout: 3000,
    });
    await context.close();
  });

  it('retries a batch the collector rejected (non-2xx) with backoff', async () => {
    site.page('/flaky', pageWithSnippet());
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/flaky'));
    await waitFor(site, (events) => events.find((e) => pathOf(e) === '/flaky'));
    const before = site.requests();
    site.failNext(2);
    await api(page, (cl) => cl.track('flaky_event'));
    const event = await waitFor(site, tracked('flaky_event'), 8000);
    assert.ok(site.requests() - before >= 3, 'two rejected attempts, then the accepted one');
    assert.equal(site.events().filter((e) => e.messageId === event.messageId).length, 1);
    // The outbox empties once the browser has processed the 2xx (just after the server saw the body).
    await page.waitForFunction(() => localStorage.getItem('_cl_q') === null, undefined, {
      timeout: 3000,
    });
    await context.close();
  });

  it('sends what is pending when the page is left', async () => {
    site.page('/leave', pageWithSnippet());
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/leave'));
    await api(page, (cl) => cl.track('on_leave'));
    await page.goto(site.url('/elsewhere')); // before the 1 s batch timer
    await waitFor(site, tracked('on_leave'));
    await context.close();
  });
});
