import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { axeViolations, blocking, describeViolations } from './axe.js';
import { launchBrowser } from './browser.js';

let browser: Browser;
before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
});

test('axe-core in Chromium finds what a page gets wrong, and nothing on a page that does it right', async () => {
  const page = await browser.newPage();
  try {
    await page.setContent(`<!doctype html><html lang="en"><head><title>Bad</title></head><body><main>
      <h1>Bad</h1>
      <p style="color:#bbb;background:#fff">faint text</p>
      <img src="data:," id="pic">
      <label>Unrelated</label><input id="nameless">
      <button id="empty"></button>
    </main></body></html>`);
    const found = await axeViolations(page);
    const rules = Object.fromEntries(found.map((v) => [v.rule, v]));
    assert.deepEqual(rules['image-alt']?.targets, ['#pic']);
    assert.deepEqual(rules['label']?.targets, ['#nameless']);
    assert.deepEqual(rules['button-name']?.targets, ['#empty']);
    assert.equal(rules['color-contrast']?.impact, 'serious');
    assert.ok(blocking(found).some((v) => v.rule === 'image-alt'));
    assert.match(describeViolations(found), /image-alt \(critical\): .* at #pic/);

    await page.setContent(`<!doctype html><html lang="en"><head><title>Good</title></head><body><main>
      <h1>Good</h1><p>Readable text</p><img src="data:," alt="A dot">
      <label>Name <input></label><button>Send</button>
    </main></body></html>`);
    assert.deepEqual(blocking(await axeViolations(page)), []);
  } finally {
    await page.close();
  }
});
