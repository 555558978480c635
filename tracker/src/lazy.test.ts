// Browser tests of the split: cl.js requests its lazy part (forms, links) only when the page needs it,
// and hands over the submits and link clicks that happen before the part runs. One Chromium for the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { buildTracker } from '../build.js';
import {
  launchBrowser,
  lazyRan,
  pageWithSnippet,
  pathOf,
  searchOf,
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

const pageView = (path: string) => (events: CollectedEvent[]) =>
  events.find((e) => e.type === 'page' && pathOf(e) === path);

/** The lazy part's requests as the page makes them (import() leaves nothing in the DOM to look at). */
function lazyAsked(page: Page): string[] {
  const urls: string[] = [];
  page.on('request', (request) => {
    if (/\/cl\.js\?/.test(request.url())) urls.push(request.url());
  });
  return urls;
}

describe('when the lazy part is requested', () => {
  it('not by a page without forms that nobody touches; by the first pointer press there', async () => {
    site.page(
      '/plain',
      pageWithSnippet({ body: '<p id="text">Nothing to fill in</p><a href="/next">next</a>' }),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const asked = lazyAsked(page);
    const before = site.lazyRequests();
    await page.goto(site.url('/plain')); // resolves after the load event
    await waitFor(site, pageView('/plain'));
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(resolve)));
    assert.equal(site.lazyRequests(), before, 'no form, no interaction: only cl.js');
    assert.deepEqual(asked, [], 'nor on its way');
    assert.equal(
      await page.evaluate(() => localStorage.getItem('_cl_q')),
      null,
      'delivered: nothing kept for a later page',
    );

    await page.mouse.click(5, 5);
    await lazyRan(page);
    assert.equal(site.lazyRequests(), before + 1);
    await context.close();
  });

  it('under a nonce-only Content-Security-Policy too (import() carries the nonce of cl.js)', async () => {
    site.page(
      '/csp',
      pageWithSnippet({
        head: `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-n0nce'">`,
        attrs: 'nonce="n0nce"',
      }),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const refused: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy/.test(message.text())) refused.push(message.text());
    });
    await page.goto(site.url('/csp'));
    await waitFor(site, pageView('/csp'));
    await page.mouse.click(5, 5);
    await lazyRan(page);
    assert.deepEqual(refused, []);
    await context.close();
  });

  it('after load by a page with a form, which then captures the identify and the submit', async () => {
    site.page(
      '/signup',
      pageWithSnippet({
        body: '<form id="f" action="/welcome" method="post"><input type="email" name="email"><input name="company" value="Acme"><button>Go</button></form>',
      }),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const before = site.lazyRequests();
    await page.goto(site.url('/signup'));
    await lazyRan(page); // without any interaction
    assert.equal(site.lazyRequests(), before + 1);
    const view = await waitFor(site, pageView('/signup'));
    await page.fill('input[name=email]', 'lazy.form@example.com');
    await Promise.all([page.waitForURL('**/welcome'), page.click('button')]);
    const identify = await waitFor(site, (events) =>
      events.find((e) => e.type === 'identify' && e.traits?.email === 'lazy.form@example.com'),
    );
    assert.equal(identify.anonymousId, view.anonymousId);
    const submitted = await waitFor(site, (events) =>
      events.find((e) => e.event === 'form_submitted' && e.anonymousId === view.anonymousId),
    );
    assert.deepEqual(submitted.properties.fields, {
      email: 'lazy.form@example.com',
      company: 'Acme',
    });
    await context.close();
  });
});

describe('events before the lazy part runs', () => {
  it('a link click and a submit (whose fields the app then clears) are delivered, in order, once it arrives', async () => {
    // A single-page app: it handles the link and the form itself (no navigation) and resets the form.
    site.page(
      '/app',
      pageWithSnippet({
        body: `<a id="dl" href="/files/price-list.pdf">Prices</a>
<form id="lead" action="/lead"><input type="email" name="email"><input type="password" name="pwd" value="early-secret"><button>Send</button></form>
<script>
  document.getElementById('dl').addEventListener('click', (e) => e.preventDefault());
  document.getElementById('lead').addEventListener('submit', (e) => { e.preventDefault(); e.target.reset(); });
</script>`,
      }),
    );
    const context = await browser.newContext();
    const page = await context.newPage();
    const release = site.holdLazy();
    await page.goto(site.url('/app'));
    const view = await waitFor(site, pageView('/app'));
    await page.click('#dl');
    await page.fill('input[name=email]', 'early@example.com');
    await page.click('#lead button');
    assert.equal(await page.inputValue('input[name=email]'), '', 'the app cleared the form');
    // The API does not wait for the lazy part.
    await page.evaluate(() =>
      (window as unknown as { closedloop: { track(name: string): void } }).closedloop.track(
        'api_meanwhile',
      ),
    );
    await waitFor(site, (events) => events.find((e) => e.event === 'api_meanwhile'));
    assert.ok(site.lazyRequests() >= 1, 'requested, and held by the test');
    const mine = (): CollectedEvent[] =>
      site.events().filter((e) => e.anonymousId === view.anonymousId);
    assert.ok(
      !mine().some((e) => e.event === 'file_download' || e.type === 'identify'),
      'nothing handled before the part runs',
    );

    release();
    await lazyRan(page);
    await waitFor(site, () => mine().some((e) => e.event === 'form_submitted'));
    await waitFor(site, () => mine().some((e) => e.event === 'file_download'));
    // in the order the visitor acted: the click's event is sent at once (it usually leaves the page) and
    // the submit's with the next flush, as two requests that may arrive either way round, so the order
    // is the events' own times, which the server orders by
    const at = (name: string) =>
      Date.parse(mine().find((e) => (e.event ?? e.type) === name)!.timestamp);
    const times = ['file_download', 'identify', 'form_submitted'].map(at);
    assert.ok(
      times.every((t, n) => n === 0 || t >= times[n - 1]!),
      `in order: ${times.join(', ')}`,
    );
    const identify = mine().find((e) => e.type === 'identify')!;
    assert.equal(
      identify.traits?.email,
      'early@example.com',
      'the fields as they were at the submit',
    );
    assert.ok(!JSON.stringify(site.bodies).includes('early-secret'));
    await context.close();
  });

  it('an SPA navigation made before it runs is a page view once it does, with the previous URL as referrer', async () => {
    site.page('/spa-start', pageWithSnippet({ title: 'Start' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    const asked = lazyAsked(page);
    const release = site.holdLazy();
    await page.goto(site.url('/spa-start'));
    const view = await waitFor(site, pageView('/spa-start'));
    assert.deepEqual(asked, [], 'not requested before the navigation');
    await page.evaluate(() => {
      history.pushState({}, '', '/spa-next?tab=2');
      document.title = 'Next';
    });
    // cl.js requests the lazy part when the URL changes (the test holds it).
    await waitFor(site, () => asked.length > 0);
    assert.equal(
      site.events().filter((e) => e.anonymousId === view.anonymousId && e.type === 'page').length,
      1,
    );
    release();
    const next = await waitFor(site, pageView('/spa-next'));
    assert.equal(next.anonymousId, view.anonymousId);
    assert.equal(next.context.page.title, 'Next');
    assert.equal(next.context.page.referrer, site.url('/spa-start'));
    assert.equal(searchOf(next), '?tab=2');
    await context.close();
  });
});
