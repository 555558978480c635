// Browser tests (real Chromium): a form's hidden `closedloop_anonymous_id` input carries the visitor's
// anonymous id when the form is submitted, for a CRM that stores the form's fields; a form added later
// gets it too; without consent (consent-required mode, not given) the page gives no id.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildTracker } from '../build.js';
import {
  launchBrowser,
  lazyRan,
  pageWithSnippet,
  startSite,
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

const FORM = `<form id="f" method="post" action="/thanks">
  <input name="email" type="email"><input type="hidden" name="closedloop_anonymous_id" value="">
  <button>Send</button></form>`;

describe('the anonymous id in forms', () => {
  it('fills the hidden input of a form on the page and of one added later, with the id of the cookie', async () => {
    site.page('/form', pageWithSnippet({ body: FORM }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/form'));
    await lazyRan(page);
    const anon = (await context.cookies()).find((c) => c.name === '_cl_id')!.value.split('.')[0]!;
    assert.match(anon, /^\w{16,}$/);
    assert.equal(await page.inputValue('input[name=closedloop_anonymous_id]'), anon);

    // a form rendered after the part ran (a popup, a form builder's embed): filled when focused
    await page.evaluate(() => {
      const f = document.createElement('form');
      f.innerHTML =
        '<input name="email" id="late"><input type="hidden" name="closedloop_anonymous_id">';
      document.body.append(f);
    });
    assert.equal(
      await page.inputValue('form:last-of-type input[name=closedloop_anonymous_id]'),
      '',
    );
    await page.focus('#late');
    assert.equal(
      await page.inputValue('form:last-of-type input[name=closedloop_anonymous_id]'),
      anon,
    );

    // what the form posts carries it
    const posted = page.waitForRequest((r) => r.url().endsWith('/thanks'));
    await page.fill('#f input[name=email]', 'ann@example.com');
    await page.click('#f button');
    assert.match((await posted).postData() ?? '', new RegExp(`closedloop_anonymous_id=${anon}`));
    await context.close();
  });

  it('gives no id while consent is required and not given', async () => {
    site.page('/consent', pageWithSnippet({ body: FORM, attrs: 'data-consent="required"' }));
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(site.url('/consent'));
    await page.focus('#f input[name=email]');
    await lazyRan(page);
    await page.focus('#f button');
    assert.equal(await page.inputValue('input[name=closedloop_anonymous_id]'), '');
    // consent given: the id is stored, and the next focus fills it in
    await page.evaluate(() =>
      (window as unknown as { closedloop: { consent(g: boolean): void } }).closedloop.consent(true),
    );
    await page.focus('#f input[name=email]');
    assert.match(await page.inputValue('input[name=closedloop_anonymous_id]'), /^\w{16,}$/);
    await context.close();
  });
});
