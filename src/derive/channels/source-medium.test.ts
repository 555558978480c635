import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createSourceMediumDeriver, deriveSourceMedium } from './source-medium.js';
import { parseLandingUrl } from './landing-params.js';

test('UTMs: original case kept for display, lower case for rules; all utm_* kept', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?utm_source=LinkedIn&utm_medium=Paid_Social&utm_campaign=Q3+ABM&utm_term=CRM%20Tool&utm_content=Video-A&utm_id=cmp_9&utm_source_platform=DV360',
  });
  assert.equal(d.source, 'linkedin');
  assert.equal(d.medium, 'paid_social');
  assert.deepEqual(d.display, { source: 'LinkedIn', medium: 'Paid_Social' });
  assert.equal(d.campaign, 'Q3 ABM');
  assert.equal(d.term, 'CRM Tool');
  assert.equal(d.content, 'Video-A');
  assert.equal(d.campaignId, 'cmp_9');
  assert.equal(d.utm['source_platform'], 'DV360');
  assert.equal(d.platform, 'LinkedIn');
  assert.equal(d.decidedBy, 'utm');
});

test('click ids are captured exactly (case-sensitive), several at once', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?GCLID=CjwKCAjw_AbC-dEf&msclkid=5E3F&fbclid=IwAR0XyZ&epik=dj0y',
  });
  assert.deepEqual(d.clickIds, {
    gclid: 'CjwKCAjw_AbC-dEf',
    msclkid: '5E3F',
    fbclid: 'IwAR0XyZ',
    epik: 'dj0y',
  });
  assert.equal(d.source, 'google', 'gclid ranks before msclkid and fbclid');
  assert.equal(d.decidingClickId, 'gclid');
});

test('epik alone decides nothing (captured only)', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?epik=dj0y',
    referrer: 'https://www.pinterest.com/',
  });
  assert.equal(d.decidedBy, 'referrer');
  assert.equal(d.source, 'pinterest');
  assert.equal(d.medium, 'social');
});

test('ValueTrack and hsa_* ad ids', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?gclid=x&campaignid=111&adgroupid=222&creative=333&keyword=crm%20software&matchtype=e&network=g&device=m&placement=&hsa_acc=999',
  });
  assert.deepEqual(d.adIds, {
    campaignId: '111',
    adGroupId: '222',
    adId: '333',
    keyword: 'crm software',
    matchType: 'e',
    network: 'g',
    device: 'm',
    accountId: '999',
  });
  assert.equal(d.campaignId, '111', 'campaign id falls back to the ad platform parameter');
});

test('Meta dynamic parameters', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?utm_source=fb&utm_medium=paid&campaign_id=1&adset_id=2&ad_id=3&site_source_name=ig',
  });
  assert.deepEqual(d.adIds, { campaignId: '1', adGroupId: '2', adId: '3', network: 'ig' });
});

test('utm_id wins over the ad platform campaign id', () => {
  assert.equal(
    deriveSourceMedium({ url: 'https://ex.com/?utm_id=u1&campaignid=c1' }).campaignId,
    'u1',
  );
});

test('empty and whitespace parameters count as absent', () => {
  const d = deriveSourceMedium({
    url: 'https://ex.com/?utm_source=&utm_medium=%20&gclid=',
    referrer: 'https://duckduckgo.com/',
  });
  assert.equal(d.decidedBy, 'referrer');
  assert.equal(d.source, 'duckduckgo');
  assert.deepEqual(d.clickIds, {});
});

test('configurable extra click ids: deciding and captured-only', () => {
  const derive = createSourceMediumDeriver({
    extraClickIds: [
      'irclickid',
      { param: 'Partner_Click', source: 'partnerx', medium: 'affiliate' },
    ],
  });
  const a = derive({ url: 'https://ex.com/?partner_click=P1' });
  assert.equal(a.source, 'partnerx');
  assert.equal(a.medium, 'affiliate');
  assert.equal(a.decidedBy, 'click_id');
  const b = derive({ url: 'https://ex.com/?irclickid=abc' });
  assert.equal(b.clickIds['irclickid'], 'abc');
  assert.equal(b.decidedBy, 'direct');
  // and the default deriver does not know them
  assert.deepEqual(deriveSourceMedium({ url: 'https://ex.com/?irclickid=abc' }).clickIds, {});
});

test('own hosts: www, subdomains and URL forms; unrelated hosts stay referrals', () => {
  const derive = createSourceMediumDeriver({
    ownHosts: ['https://www.Example.com/', 'app.example.io'],
  });
  assert.equal(
    derive({ url: 'https://landing.net/', referrer: 'https://example.com/' }).decidedBy,
    'direct',
  );
  assert.equal(
    derive({ url: 'https://landing.net/', referrer: 'https://docs.example.com/' }).decidedBy,
    'direct',
  );
  assert.equal(
    derive({ url: 'https://landing.net/', referrer: 'https://app.example.io/x' }).decidedBy,
    'direct',
  );
  const other = derive({ url: 'https://landing.net/', referrer: 'https://notexample.com/' });
  assert.equal(other.source, 'notexample.com');
  assert.equal(other.medium, 'referral');
  assert.equal(other.referrerHost, 'notexample.com');
});

test('landing URLs without a scheme or with only a query string', () => {
  assert.equal(deriveSourceMedium({ url: 'example.com/?utm_source=a&utm_medium=b' }).source, 'a');
  assert.equal(deriveSourceMedium({ url: '?gclid=z' }).source, 'google');
  assert.equal(deriveSourceMedium({ url: '/pricing?msclkid=z' }).source, 'bing');
  assert.equal(parseLandingUrl('   '), null);
});

test('unusable referrers count as none', () => {
  for (const referrer of ['', 'not a url', '(direct)', 'http://localhost:3000/']) {
    assert.equal(
      deriveSourceMedium({ url: 'https://ex.com/', referrer }).decidedBy,
      'direct',
      referrer,
    );
  }
});

test('fbclid with a Facebook referrer and with an own-host referrer', () => {
  const fb = deriveSourceMedium({
    url: 'https://ex.com/?fbclid=a',
    referrer: 'https://m.facebook.com/',
  });
  assert.deepEqual([fb.source, fb.medium, fb.decidedBy], ['facebook', 'social', 'click_id']);
  const own = deriveSourceMedium({
    url: 'https://ex.com/?fbclid=a',
    referrer: 'https://ex.com/blog',
  });
  assert.deepEqual([own.source, own.medium], ['facebook', 'social']);
});
