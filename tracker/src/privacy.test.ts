// Browser tests of what never leaves the page: redacted URLs (sensitive parameters, e-mails, and the
// fields a GET form put in the next page's URL), the visitor's persistent opt-out, and Global Privacy
// Control. One Chromium for the file.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildTracker } from '../build.js';
import {
  launchBrowser,
  pageWithSnippet,
  pathOf,
  searchOf,
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

const R = '[redacted]';
type Api = {
  track(name: string): void;
  optOut(): void;
  optIn(): void;
  consent(granted: boolean): void;
};
const api = (page: Page, call: (cl: Api) => void): Promise<void> =>
  page.evaluate(`(${call.toString()})(window.closedloop)`) as Promise<void>;
const tracked = (name: string) => (events: CollectedEvent[]) =>
  events.find((e) => e.event === name);
const pageView = (path: string) => (events: CollectedEvent[]) =>
  events.find((e) => e.type === 'page' && pathOf(e) === path);
/** Everything the collector received, as one string (to prove a value never arrived). */
const received = (): string => JSON.stringify(site.bodies);

async function stored(
  context: BrowserContext,
  page: Page,
): Promise<{ cookies: string[]; local: string[] }> {
  const cookies = (await context.cookies()).map((c) => c.name).filter((n) => n.startsWith('_cl_'));
  const local = await page.evaluate(() =>
    Object.keys(localStorage).filter((k) => k.startsWith('_cl_')),
  );
  return { cookies: cookies.sort(), local: local.sort() };
}

/** An event an earlier page left unsent, put in the outbox the way the snippet keeps it. */
async function leaveUnsent(page: Page, name: string): Promise<void> {
  await page.goto(site.url('/no-snippet')); // same origin, no snippet
  const event = {
    type: 'track',
    event: name,
    messageId: `m-${name}`,
    anonymousId: `a-${name}`,
    timestamp: new Date().toISOString(),
    properties: {},
    context: {},
  };
  await page.evaluate((json) => localStorage.setItem('_cl_q', json), JSON.stringify([event]));
}

describe('URL redaction in the browser', () => {
  it(
    'redacts the page URL (so the path and search the collector derives), referrer and link URLs; keeps UTMs and click ids',
    { timeout: 60_000 },
    async () => {
      site.page(
        '/u/ada@example.com',
        pageWithSnippet({
          body: `<a id="out" href="http://partner.test:${site.port}/x?api_key=key-999&to=bob%40example.org&ok=1">out</a>`,
        }),
      );
      const context = await browser.newContext();
      const page = await context.newPage();
      const query =
        '?email=ada%40example.com&token=tok-123&Password=pw-123&utm_source=x&utm_campaign=spring&gclid=G-1&fbclid=F-1&plan=pro';
      await page.goto(site.url('/u/ada@example.com' + query + '#access_token=frag-123&tab=2'), {
        referer: 'https://idp.example/cb?session=sess-123&x=1&user=eve@example.net',
      });
      const view = await waitFor(site, pageView('/u/[email]'));
      const search = `?email=[email]&token=${R}&Password=${R}&utm_source=x&utm_campaign=spring&gclid=G-1&fbclid=F-1&plan=pro`;
      assert.deepEqual(view.context.page, {
        url: site.url('/u/[email]' + search + `#access_token=${R}&tab=2`),
        referrer: `https://idp.example/cb?session=${R}&x=1&user=[email]`,
        title: 'Test page',
      });
      assert.deepEqual(view.properties, view.context.page);

      await page.click('#out');
      const out = await waitFor(site, tracked('outbound_link_clicked'));
      assert.equal(
        out.properties.url,
        `http://partner.test:${site.port}/x?api_key=${R}&to=[email]&ok=1`,
      );
      for (const secret of [
        'tok-123',
        'pw-123',
        'frag-123',
        'sess-123',
        'key-999',
        'ada@',
        'ada%40',
        'eve@',
        'bob%40',
      ]) {
        assert.ok(!received().includes(secret), `${secret} was sent`);
      }
      await context.close();
    },
  );

  it(
    'redacts, on the next pages of the tab, the fields a GET form submit refused',
    { timeout: 60_000 },
    async () => {
      const form = `<form id="f" method="get" action="/thanks">
  <input type="email" name="email"><input name="first_name" value="Ada"><input name="company" value="Acme">
  <input type="password" name="code4" value="pw-secret-1"><input type="hidden" name="nonce_x" value="hidden-nonce-1">
  <input name="number1" value="4111 1111 1111 1111"><input name="pin" value="pin-code-0042"><button>Send</button></form>`;
      site.page('/signup', pageWithSnippet({ attrs: 'data-form-deny="company"', body: form }));
      site.page(
        '/thanks',
        pageWithSnippet({ title: 'Thanks', body: '<a id="next" href="/next">next</a>' }),
      );
      site.page('/next', pageWithSnippet({ title: 'Next' }));
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(site.url('/signup'));
      await waitFor(site, pageView('/signup'));
      await page.fill('input[name=email]', 'grace@example.com');
      await Promise.all([page.waitForURL('**/thanks?**'), page.click('#f button')]);
      assert.match(
        page.url(),
        /nonce_x=hidden-nonce-1/,
        'the browser did put the hidden field in the URL',
      );

      const thanks = await waitFor(site, pageView('/thanks'));
      const search = `?email=[email]&first_name=Ada&company=${R}&code4=${R}&nonce_x=${R}&number1=${R}&pin=${R}`;
      assert.equal(searchOf(thanks), search);
      assert.equal(thanks.context.page.url, site.url('/thanks' + search));
      const submitted = await waitFor(site, tracked('form_submitted'));
      assert.deepEqual(submitted.properties.fields, {
        email: 'grace@example.com',
        first_name: 'Ada',
      });

      // Only names are kept (sessionStorage), and they still apply a page later: the referrer.
      const names = await page.evaluate(() => sessionStorage.getItem('_cl_f'));
      assert.ok(
        names?.includes('nonce_x=') &&
          names.includes('code4=') &&
          !names.includes('hidden-nonce-1'),
        String(names),
      );
      await page.click('#next');
      const next = await waitFor(site, pageView('/next'));
      assert.equal(next.context.page.referrer, site.url('/thanks' + search));
      const sent = JSON.stringify(
        site
          .events()
          .filter((e) => e.anonymousId === thanks.anonymousId)
          .map((e) => [e.context.page, e.properties]),
      );
      for (const secret of [
        'pw-secret-1',
        'hidden-nonce-1',
        '4111+1111',
        '4111 1111',
        'pin-code-0042',
        'Acme',
        'grace%40',
      ]) {
        assert.ok(!sent.includes(secret), secret);
      }
      await context.close();
    },
  );
});

describe('opt-out', () => {
  it(
    'optOut() drops what is queued, stores and sends nothing on later pages, until optIn()',
    { timeout: 60_000 },
    async () => {
      site.page('/opt', pageWithSnippet());
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(site.url('/opt'));
      const first = await waitFor(site, pageView('/opt'));
      await api(page, (cl) => {
        cl.track('queued_then_opted_out'); // still in the 1 s batch window
        cl.optOut();
        cl.track('while_opted_out');
        cl.consent(true); // consent is not an opt-in
        cl.track('after_consent_call');
      });
      assert.deepEqual(await stored(context, page), { cookies: ['_cl_o'], local: ['_cl_o'] });
      await page.reload();
      await api(page, (cl) => cl.track('next_page_opted_out'));
      await sleep(1500);
      for (const name of [
        'queued_then_opted_out',
        'while_opted_out',
        'after_consent_call',
        'next_page_opted_out',
      ])
        assert.equal(site.events().filter((e) => e.event === name).length, 0, name);
      assert.equal(
        site.events().filter((e) => e.type === 'page' && e.anonymousId === first.anonymousId)
          .length,
        1,
        'no page view after the opt-out',
      );
      assert.deepEqual(await stored(context, page), { cookies: ['_cl_o'], local: ['_cl_o'] });

      await api(page, (cl) => {
        cl.optIn();
        cl.track('opted_back_in');
      });
      const back = await waitFor(site, tracked('opted_back_in'));
      assert.notEqual(back.anonymousId, first.anonymousId, 'the old id was deleted at the opt-out');
      assert.ok(!(await stored(context, page)).cookies.includes('_cl_o'));
      await page.reload();
      await waitFor(site, (events) =>
        events.find((e) => e.type === 'page' && e.anonymousId === back.anonymousId),
      );
      await context.close();
    },
  );

  it(
    'honours a _cl_o cookie the site sets itself, and drops what an earlier page left unsent',
    { timeout: 60_000 },
    async () => {
      site.page('/site-opt', pageWithSnippet());
      const context = await browser.newContext();
      const page = await context.newPage();
      await leaveUnsent(page, 'left_before_site_opt_out');
      await page.evaluate(() => (document.cookie = '_cl_o=1; path=/'));
      await page.goto(site.url('/site-opt'));
      await api(page, (cl) => cl.track('site_opted_out'));
      await sleep(1500);
      assert.equal(
        site.events().filter((e) => (e.context.page && pathOf(e)) === '/site-opt').length,
        0,
      );
      assert.ok(!received().includes('left_before_site_opt_out'));
      assert.deepEqual((await stored(context, page)).local, [], 'the outbox is deleted');
      await context.close();
    },
  );
});

describe('Global Privacy Control', () => {
  it(
    'with data-respect-gpc, a GPC signal alone stops everything, and neither consent nor optIn overrides it',
    { timeout: 60_000 },
    async () => {
      site.page('/gpc-only', pageWithSnippet({ attrs: 'data-respect-gpc' }));
      site.page('/gpc-ignored', pageWithSnippet());
      const context = await browser.newContext();
      await context.addInitScript(
        `Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true, configurable: true });`,
      );
      const page = await context.newPage();
      await leaveUnsent(page, 'left_before_gpc');
      await page.goto(site.url('/gpc-only'));
      assert.equal(await page.evaluate(() => navigator.doNotTrack), null, 'no DNT: GPC alone');
      await api(page, (cl) => {
        cl.consent(true);
        cl.optIn();
        cl.track('gpc_event');
      });
      await sleep(1500);
      assert.equal(
        site
          .events()
          .filter((e) => e.event === 'gpc_event' || (e.context.page && pathOf(e)) === '/gpc-only')
          .length,
        0,
      );
      assert.ok(!received().includes('left_before_gpc'));
      assert.deepEqual(await stored(context, page), { cookies: [], local: [] });

      // The same browser on a site that does not ask for it is tracked.
      await page.goto(site.url('/gpc-ignored'));
      await waitFor(site, pageView('/gpc-ignored'));
      await context.close();
    },
  );
});
