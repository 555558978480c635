import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CAMPAIGNS } from './ad-campaigns.js';
import { pageAt, PAGES, SITE, WHITEPAPERS } from './site.js';
import { NEWSLETTER_LANDINGS, NURTURE_LANDINGS, REFERRAL_SITES } from './traffic-sources.js';

test('every page has its own path and a title naming the site; an unknown path is refused', () => {
  assert.equal(new Set(PAGES.map((p) => p.path)).size, PAGES.length);
  for (const p of PAGES) {
    assert.equal(pageAt(p.path), p);
    assert.ok(p.title.endsWith(` | ${SITE.name}`), p.title);
  }
  for (const w of WHITEPAPERS) assert.equal(pageAt(`/whitepapers/${w}`).section, 'whitepaper');
  assert.throws(() => pageAt('/nowhere'), /unknown page \/nowhere/);
});

test('every landing the ads, e-mails and referring sites send visitors to is a page of the site', () => {
  const landings = [
    ...CAMPAIGNS.flatMap((c) => c.adGroups.flatMap((g) => g.landing)),
    ...NEWSLETTER_LANDINGS,
    ...NURTURE_LANDINGS,
    ...REFERRAL_SITES.flatMap(([r]) => r.landing),
  ];
  for (const path of landings) assert.doesNotThrow(() => pageAt(path), path);
});
