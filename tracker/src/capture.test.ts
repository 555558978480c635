// Browser tests of what the snippet captures: landing context, SPA page views, downloads and
// outbound links, forms (never sensitive values) and the global API. One Chromium for the file.
// UTMs and click ids are not parsed by the snippet: the collector reads them from context.page.url.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
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

/** A fresh context (cookies, storage) per case; page errors are collected so a case can assert none. */
async function open(
  path: string,
  options: Parameters<Browser['newContext']>[0] = {},
): Promise<{ context: BrowserContext; page: Page; errors: Error[] }> {
  const context = await browser.newContext(options);
  const page = await context.newPage();
  const errors: Error[] = [];
  page.on('pageerror', (e) => errors.push(e));
  await page.goto(site.url(path));
  return { context, page, errors };
}

const byPath = (path: string) => (events: CollectedEvent[]) =>
  events.find((e) => e.type === 'page' && pathOf(e) === path);

describe('landing page view', () => {
  it('captures the full landing URL (UTMs, click ids), referrer, title, time zone and screen; path, search and locale are left to the collector', async () => {
    site.page('/landing', pageWithSnippet({ title: 'Pricing' }));
    const search =
      '?utm_source=google&utm_medium=cpc&utm_campaign=spring&utm_term=crm&utm_content=ad1&utm_id=c42&gclid=G1&msclkid=M1&partner_click=P1&x=1';
    const context = await browser.newContext({
      locale: 'de-DE',
      timezoneId: 'Europe/Berlin',
      screen: { width: 1440, height: 900 },
    });
    const page = await context.newPage();
    await page.goto(site.url('/landing' + search), {
      referer: 'https://www.google.example/search?q=crm',
    });

    const event = await waitFor(site, byPath('/landing'));
    const body = site.bodies.find((b) => b.batch.includes(event))!;
    assert.equal(body.writeKey, 'wk_test');
    assert.ok(!Number.isNaN(Date.parse(body.sentAt)));
    // The collector derives campaign and click ids from this URL, so it must arrive whole.
    assert.ok(event.context.page.url.endsWith('/landing' + search));
    assert.ok(
      !('campaign' in event.context) && !('clickIds' in event.context),
      'no client-side campaign parsing',
    );
    const expectedPage = {
      url: site.url('/landing' + search),
      referrer: 'https://www.google.example/search?q=crm',
      title: 'Pricing',
    };
    assert.deepEqual(event.context.page, expectedPage);
    assert.deepEqual(event.properties, expectedPage, 'page properties carry url, referrer, title');
    assert.ok(!('locale' in event.context), 'the collector takes the locale from Accept-Language');
    assert.equal(event.context.timezone, 'Europe/Berlin');
    assert.deepEqual(event.context.screen, { width: 1440, height: 900 });
    assert.ok(
      event.messageId.length >= 20 &&
        event.anonymousId.length >= 20 &&
        event.context.sessionId.length >= 20,
    );
    assert.ok(Math.abs(Date.parse(event.timestamp) - Date.now()) < 60_000);

    // The anonymous id lives in a first-party cookie on the registrable domain (shop.test, not www.shop.test).
    const cookies = await context.cookies();
    const idCookie = cookies.find((c) => c.name === '_cl_id');
    assert.equal(
      idCookie?.value.split('.')[0],
      event.anonymousId,
      'the cookie holds "<anonymous id>.<session id>.<time>"',
    );
    assert.equal(idCookie?.value.split('.')[1], event.context.sessionId);
    assert.equal(idCookie?.domain, '.shop.test');
    assert.ok(
      idCookie!.expires * 1000 - Date.now() > 364 * 86400_000,
      'default lifetime is 365 days',
    );
    await context.close();
  });

  it('keeps a plain landing URL and an empty search as they are', async () => {
    site.page('/plain', pageWithSnippet());
    const { context } = await open('/plain');
    const event = await waitFor(site, byPath('/plain'));
    assert.equal(event.context.page.url, site.url('/plain'));
    assert.equal(searchOf(event), '');
    assert.equal(event.context.page.referrer, '');
    await context.close();
  });
});

describe('single-page-app navigation', () => {
  it('sends a page view on pushState and popstate, with the previous URL as referrer', async () => {
    site.page('/app', pageWithSnippet({ title: 'App' }));
    const { context, page } = await open('/app?utm_source=news');
    await waitFor(site, byPath('/app'));
    await page.evaluate(() => {
      history.pushState({}, '', '/app/settings');
      document.title = 'Settings';
    });
    const settings = await waitFor(site, byPath('/app/settings'));
    assert.equal(settings.context.page.referrer, site.url('/app?utm_source=news'));
    assert.equal(
      settings.properties.title,
      'Settings',
      'the title set right after pushState is picked up',
    );

    // Same URL again (replaceState of state only) and a hash change: no new page view by default.
    await page.evaluate(() => {
      history.replaceState({ step: 2 }, '');
      location.hash = 'section';
    });
    await page.goBack(); // popstate back to /app (the hash entry first)
    await page.goBack();
    const back = await waitFor(site, (events) =>
      events.find(
        (e) =>
          e.type === 'page' &&
          pathOf(e) === '/app' &&
          e.context.page.referrer === site.url('/app/settings'),
      ),
    );
    assert.ok(back);
    const settingsViews = site
      .events()
      .filter((e) => e.type === 'page' && pathOf(e) === '/app/settings');
    assert.equal(
      settingsViews.length,
      1,
      'state-only replaceState and hash changes are not page views',
    );

    // An app that sets the title a moment after navigating (after its render): still picked up, and
    // a redirect right after a navigation counts once.
    await page.evaluate(() => {
      history.pushState({}, '', '/app/billing');
      setTimeout(() => (document.title = 'Billing'), 60);
      history.pushState({}, '', '/app/invoices');
      setTimeout(() => history.replaceState({}, '', '/app/billing'), 10);
    });
    const billing = await waitFor(site, byPath('/app/billing'));
    assert.equal(billing.properties.title, 'Billing');
    assert.equal(billing.context.page.referrer, site.url('/app?utm_source=news'));
    await page.evaluate(() => history.pushState({}, '', '/app/done'));
    await waitFor(site, byPath('/app/done'));
    assert.equal(
      site.events().filter((e) => e.type === 'page' && pathOf(e) === '/app/invoices').length,
      0,
    );
    assert.equal(
      site.events().filter((e) => e.type === 'page' && pathOf(e) === '/app/billing').length,
      1,
    );
    await context.close();
  });

  it('counts hash routes as pages with data-spa="hash", and none with data-spa="off"', async () => {
    site.page('/hashapp', pageWithSnippet({ attrs: 'data-spa="hash"' }));
    site.page('/noauto', pageWithSnippet({ attrs: 'data-spa="off"' }));
    const { context, page } = await open('/hashapp');
    await waitFor(site, byPath('/hashapp'));
    await page.evaluate(() => (location.hash = '#/inbox'));
    const inbox = await waitFor(site, (events) =>
      events.find((e) => e.type === 'page' && e.context.page.url.endsWith('/hashapp#/inbox')),
    );
    assert.equal(inbox.context.page.referrer, site.url('/hashapp'));

    await page.goto(site.url('/noauto'));
    await waitFor(site, byPath('/noauto'));
    await page.evaluate(() => history.pushState({}, '', '/noauto/next'));
    await page.evaluate(() =>
      (window as unknown as { closedloop: { track(n: string): void } }).closedloop.track('marker'),
    );
    await waitFor(site, (events) => events.find((e) => e.event === 'marker'));
    assert.equal(
      site.events().filter((e) => pathOf(e) === '/noauto/next' && e.type === 'page').length,
      0,
    );
    await context.close();
  });
});

describe('links', () => {
  it('records file downloads and outbound links', async () => {
    site.page(
      '/resources',
      pageWithSnippet({
        attrs: 'data-download-ext="dwg"',
        body: `<a id="pdf" href="/files/Whitepaper.PDF?v=2">Whitepaper</a>
<a id="dwg" href="/files/plan.dwg">Plan</a>
<a id="out" href="http://partner.test:${site.port}/hello">Partner</a>
<a id="in" href="/about">About</a>`,
      }),
    );
    const { context, page } = await open('/resources');
    await waitFor(site, byPath('/resources'));
    // A page without forms loads the lazy part (links, forms) at the first focus or pointer press.
    // Each click here leaves the page, so the part must have run before it (a person's press does
    // that; a scripted click is too quick).
    const press = async (selector: string): Promise<void> => {
      await page.focus(selector);
      await lazyRan(page);
      await page.click(selector);
    };
    await press('#pdf');
    const pdf = await waitFor(site, (events) =>
      events.find((e) => e.event === 'file_download' && e.properties.file_type === 'pdf'),
    );
    assert.equal(pdf.properties.url, site.url('/files/Whitepaper.PDF?v=2'));

    await page.goto(site.url('/resources'));
    await press('#dwg');
    await waitFor(site, (events) =>
      events.find((e) => e.event === 'file_download' && e.properties.file_type === 'dwg'),
    );

    await page.goto(site.url('/resources'));
    await press('#out'); // navigates away: the event must still get out
    const out = await waitFor(site, (events) =>
      events.find((e) => e.event === 'outbound_link_clicked'),
    );
    assert.equal(out.properties.url, `http://partner.test:${site.port}/hello`);

    await page.goto(site.url('/resources'));
    await press('#in'); // the /about page has no snippet: wait for the click's flush window instead
    await page.waitForURL('**/about');
    await page.goto(site.url('/resources'));
    await waitFor(
      site,
      (events) => events.filter((e) => pathOf(e) === '/resources' && e.type === 'page').length >= 5,
    );
    assert.equal(
      site.events().filter((e) => e.event === 'outbound_link_clicked').length,
      1,
      'same-site links are not outbound',
    );
    await context.close();
  });
});

describe('forms', () => {
  const form = `<form id="demo-form" name="demo" action="/thanks" method="post">
  <input type="email" name="work_email" value="">
  <input type="text" name="first_name" value="Ada">
  <input type="text" name="company" value="Acme">
  <input type="password" name="pwd" value="hunter2-secret">
  <input type="hidden" name="utm_hidden" value="hidden-value-xyz">
  <input type="text" name="card_number" value="4111 1111 1111 1111">
  <input type="text" autocomplete="cc-exp" name="expiry" value="12/29">
  <input type="text" name="cvc" value="737">
  <input type="text" name="notes" value="5500-0000-0000-0004">
  <input type="text" name="account" value="A-77">
  <input type="checkbox" name="newsletter" value="yes">
  <input type="checkbox" name="terms" value="agreed" checked>
  <select name="size"><option>1-10</option><option selected>11-50</option></select>
  <textarea name="message">Hello there</textarea>
  <button type="submit" name="go" value="send">Send</button>
</form>`;

  it('identifies by the email and sends form_submitted without passwords, hidden fields or card data', async () => {
    site.page('/contact', pageWithSnippet({ body: form }));
    const { context, page } = await open('/contact');
    const view = await waitFor(site, byPath('/contact'));
    await page.fill('input[name=work_email]', 'ada@example.com');
    await page.click('button[type=submit]');
    const identify = await waitFor(site, (events) =>
      events.find((e) => e.type === 'identify' && e.traits?.email === 'ada@example.com'),
    );
    const submitted = await waitFor(site, (events) =>
      events.find((e) => e.event === 'form_submitted' && e.anonymousId === view.anonymousId),
    );
    assert.equal(identify.anonymousId, view.anonymousId);
    assert.equal(identify.userId, undefined);
    assert.deepEqual(submitted.properties, {
      fields: {
        work_email: 'ada@example.com',
        first_name: 'Ada',
        company: 'Acme',
        account: 'A-77',
        terms: 'agreed',
        size: '11-50',
        message: 'Hello there',
      },
      form_id: 'demo-form',
      form_name: 'demo',
      form_action: '/thanks',
    });
    const everything = JSON.stringify(
      site
        .events()
        .filter((e) => e.anonymousId === view.anonymousId)
        .map((e) => [e.properties, e.traits]),
    );
    for (const secret of [
      'hunter2-secret',
      'hidden-value-xyz',
      '4111',
      '5500-0000',
      '737',
      '12/29',
    ]) {
      assert.ok(!everything.includes(secret), `${secret} must never be sent`);
    }
    await context.close();
  });

  it('applies data-form-allow and data-form-deny, and ignores forms without an email', async () => {
    site.page(
      '/allow',
      pageWithSnippet({ attrs: 'data-form-allow="work_email, company"', body: form }),
    );
    site.page('/deny', pageWithSnippet({ attrs: 'data-form-deny="company,message"', body: form }));
    site.page(
      '/search',
      pageWithSnippet({
        body: '<form id="s" action="/results"><input name="q" value="pricing"><button>Go</button></form>',
      }),
    );
    const { context, page } = await open('/search');
    await waitFor(site, byPath('/search'));
    await page.click('#s button');
    await waitFor(site, byPath('/results'), 0).catch(() => undefined);

    await page.goto(site.url('/allow'));
    await page.fill('input[name=work_email]', 'allow@example.com');
    await page.click('button[type=submit]');
    const allowed = await waitFor(site, (events) =>
      events.find(
        (e) =>
          e.event === 'form_submitted' &&
          (e.properties.fields as Record<string, string>).work_email === 'allow@example.com',
      ),
    );
    assert.deepEqual(allowed.properties.fields, {
      work_email: 'allow@example.com',
      company: 'Acme',
    });

    await page.goto(site.url('/deny'));
    await page.fill('input[name=work_email]', 'deny@example.com');
    await page.click('button[type=submit]');
    const denied = await waitFor(site, (events) =>
      events.find(
        (e) =>
          e.event === 'form_submitted' &&
          (e.properties.fields as Record<string, string>).work_email === 'deny@example.com',
      ),
    );
    const fields = denied.properties.fields as Record<string, string>;
    assert.equal(fields.company, undefined);
    assert.equal(fields.message, undefined);
    assert.equal(fields.first_name, 'Ada');

    assert.equal(
      site
        .events()
        .filter((e) => e.event === 'form_submitted' && JSON.stringify(e).includes('pricing'))
        .length,
      0,
    );
    await context.close();
  });
});

describe('global API', () => {
  it('track, identify (email or userId) and page, none of which throws', async () => {
    site.page('/api', pageWithSnippet({ title: 'API' }));
    const { context, page, errors } = await open('/api');
    await page.waitForFunction(() => 'closedloop' in window);
    await page.evaluate(() => {
      const cl = (window as unknown as { closedloop: Record<string, (...a: unknown[]) => void> })
        .closedloop;
      cl.identify!('jane@example.com', { plan: 'pro' });
      cl.identify!('user-42', { role: 'admin' });
      cl.track!('demo_requested', { tier: 'gold' });
      cl.page!({ section: 'docs' });
      // Bad input never throws into the page.
      cl.track!(undefined as unknown as string);
      cl.identify!(null as unknown as string);
      cl.identify!(Symbol('x') as unknown as string);
      cl.page!(Symbol('y') as unknown as object);
    });
    const emailIdentify = await waitFor(site, (events) =>
      events.find((e) => e.type === 'identify' && e.traits?.email === 'jane@example.com'),
    );
    assert.deepEqual(emailIdentify.traits, { email: 'jane@example.com', plan: 'pro' });
    assert.equal(emailIdentify.userId, undefined);
    const userIdentify = await waitFor(site, (events) =>
      events.find((e) => e.type === 'identify' && e.userId === 'user-42'),
    );
    assert.deepEqual(userIdentify.traits, { role: 'admin' });
    const tracked = await waitFor(site, (events) =>
      events.find((e) => e.event === 'demo_requested'),
    );
    assert.equal(tracked.type, 'track');
    assert.equal(tracked.userId, 'user-42', 'events after identify(userId) carry the userId');
    assert.deepEqual(tracked.properties, { tier: 'gold' });
    const manual = await waitFor(site, (events) =>
      events.find((e) => e.type === 'page' && e.properties.section === 'docs'),
    );
    assert.equal(new URL(manual.properties.url as string).pathname, '/api');
    assert.equal(manual.properties.title, 'API');
    assert.deepEqual(errors, []);
    await context.close();
  });
});

describe('install', () => {
  it('without a data-key (missing or empty) does nothing and throws nothing', async () => {
    for (const [path, attrs] of [
      ['/no-key', ''],
      ['/empty-key', 'data-key=""'],
    ] as const) {
      site.page(
        path,
        `<!doctype html><html><head><script defer src="/cl.js" ${attrs}></script></head><body><form><input name="q"></form></body></html>`,
      );
      const requests = site.requests();
      const lazy = site.lazyRequests();
      const { context, page, errors } = await open(path);
      await page.waitForLoadState('load');
      assert.equal(await page.evaluate(() => 'closedloop' in window), false, path);
      await page.evaluate(() => history.pushState({}, '', '?moved=1'));
      await page.mouse.click(5, 5);
      assert.equal(site.requests(), requests, `${path}: nothing sent`);
      assert.equal(site.lazyRequests(), lazy, `${path}: nothing more loaded`);
      assert.deepEqual(errors, []);
      await context.close();
    }
  });
});
