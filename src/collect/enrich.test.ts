import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { enrichLive, GeoIp, localeFrom, truncateIp } from './enrich.js';
import { redactEvent } from './redact-event.js';
import { compileRedaction } from './redaction-rules.js';
import { parseUserAgent } from './user-agent.js';

// A free MaxMind-format country database shipped as an npm package (CC0), used as a real .mmdb file.
const MMDB = join(
  dirname(
    createRequire(import.meta.url).resolve(
      '@ip-location-db/geo-whois-asn-country-mmdb/package.json',
    ),
  ),
  'geo-whois-asn-country.mmdb',
);

test('GeoIP: IPv4 and IPv6 to country; private or malformed addresses give nothing', async () => {
  const geo = await GeoIp.open(MMDB);
  assert.equal(geo.country('8.8.8.8'), 'US');
  assert.equal(geo.country('81.2.69.160'), 'GB');
  assert.equal(typeof geo.country('2a00:1450:4009:80b::200e'), 'string');
  assert.equal(geo.country('127.0.0.1'), undefined);
  assert.equal(geo.country('not an ip'), undefined);
});

test('IP truncation keeps the network, drops the host', () => {
  assert.equal(truncateIp('81.2.69.160'), '81.2.69.0');
  assert.equal(truncateIp('2a00:1450:4009:80b::200e'), '2a00:1450:4009::');
  assert.equal(truncateIp('garbage'), 'garbage');
});

test('live enrichment: request IP and UA fill client-side events, country is looked up before the IP is truncated', async () => {
  const geo = await GeoIp.open(MMDB);
  const out = enrichLive(
    { type: 'page', anonymousId: 'a' },
    { ip: '81.2.69.160', userAgent: 'UA/1', clientSide: true },
    { geo, truncateIps: true },
  );
  assert.deepEqual(out.context, {
    ip: '81.2.69.0',
    userAgent: 'UA/1',
    location: { country: 'GB' },
  });
  const server = enrichLive(
    { type: 'page', anonymousId: 'a', context: { ip: '8.8.8.8', location: { city: 'X' } } },
    { ip: '10.0.0.1', clientSide: false },
    { geo, truncateIps: false },
  );
  assert.deepEqual(
    server.context,
    { ip: '8.8.8.8', location: { city: 'X', country: 'US' } },
    'server-side events keep their own IP',
  );
  const untouched = { type: 'page', anonymousId: 'a' };
  assert.equal(enrichLive(untouched, { clientSide: false }, { truncateIps: false }), untouched);
});

test('user agents: browser, OS, device type; bots and headless browsers flagged', () => {
  const chrome = parseUserAgent(
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36',
  );
  assert.deepEqual(
    [chrome.browser, chrome.os, chrome.deviceType, chrome.bot],
    ['Chrome', 'Windows', 'desktop', false],
  );
  const iphone = parseUserAgent(
    'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  );
  assert.deepEqual([iphone.os, iphone.deviceType, iphone.bot], ['iOS', 'mobile', false]);
  assert.equal(
    parseUserAgent('Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)').bot,
    true,
  );
  const headless = parseUserAgent(
    'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36',
  );
  assert.deepEqual([headless.bot, headless.botReason], [true, 'automation: HeadlessChrome']);
  assert.equal(parseUserAgent('curl/8.1.2').bot, true);
});

test('snippet events: path and search come from the page URL, the locale from Accept-Language, when the client left them out', () => {
  const url = 'https://www.example.com/pricing?utm_source=google&gclid=G1#plans';
  const event = {
    type: 'page',
    anonymousId: 'a',
    properties: { url, title: 'Pricing' },
    context: { page: { url, referrer: '', title: 'Pricing' }, timezone: 'Europe/Berlin' },
  };
  const out = enrichLive(
    event,
    { acceptLanguage: 'de-DE,de;q=0.9,en;q=0.8', clientSide: true },
    { truncateIps: false },
  );
  const expectedPage = {
    url,
    referrer: '',
    title: 'Pricing',
    path: '/pricing',
    search: '?utm_source=google&gclid=G1',
  };
  assert.deepEqual(out.context, { page: expectedPage, timezone: 'Europe/Berlin', locale: 'de-DE' });
  assert.deepEqual(
    out.properties,
    { url, title: 'Pricing', path: '/pricing', search: '?utm_source=google&gclid=G1' },
    "a page event's properties too",
  );
  assert.deepEqual(
    event.context.page,
    { url, referrer: '', title: 'Pricing' },
    'the received event is not changed',
  );

  const plain = enrichLive(
    { type: 'page', context: { page: { url: 'https://x.example' } } },
    { clientSide: true },
    { truncateIps: false },
  );
  assert.deepEqual(
    plain.context,
    { page: { url: 'https://x.example', path: '/', search: '' } },
    'no query: an empty search, as location.search; no header: no locale',
  );
});

test('derivation keeps what the client sent, skips what it cannot parse, and leaves server-side events alone', () => {
  const sent = {
    type: 'page',
    properties: { url: 'https://x.example/a?b=1', path: '/mine', search: '?mine' },
    context: { locale: 'fr-FR', page: { url: 'https://x.example/a?b=1', path: '/mine' } },
  };
  const out = enrichLive(
    sent,
    { acceptLanguage: 'de-DE', clientSide: true },
    { truncateIps: false },
  );
  assert.deepEqual(out.context, {
    locale: 'fr-FR',
    page: { url: 'https://x.example/a?b=1', path: '/mine', search: '?b=1' },
  });
  assert.equal(out.properties, sent.properties, 'nothing missing: the same object');
  const track = enrichLive(
    {
      type: 'track',
      properties: { url: 'https://x.example/f.pdf' },
      context: { page: { url: 'not a url' } },
    },
    { acceptLanguage: '*', clientSide: true },
    { truncateIps: false },
  );
  assert.deepEqual(
    track.properties,
    { url: 'https://x.example/f.pdf' },
    "only a page event's properties describe the page",
  );
  assert.deepEqual(
    track.context,
    { page: { url: 'not a url' } },
    'an unparsable URL and a wildcard language give nothing',
  );
  const server = { type: 'page', context: { page: { url: 'https://x.example/a?b=1' } } };
  assert.equal(
    enrichLive(server, { acceptLanguage: 'de-DE', clientSide: false }, { truncateIps: false }),
    server,
  );
  assert.equal(localeFrom(' en-US ;q=1, en'), 'en-US');
  assert.equal(localeFrom('<script>'), undefined);
});

test('a derived search is redacted like the URL it comes from (enrichment runs before redaction)', () => {
  const url = 'https://www.example.com/reset?token=s3cret&email=ada%40example.com&utm_source=mail';
  const enriched = enrichLive(
    { type: 'page', properties: { url }, context: { page: { url } } },
    { clientSide: true },
    { truncateIps: false },
  );
  const { event } = redactEvent(enriched, compileRedaction());
  const page = (event.context as { page: Record<string, string> }).page;
  for (const v of [page, event.properties as Record<string, string>]) {
    assert.equal(v.search, '?token=[redacted]&email=[email]&utm_source=mail');
    assert.equal(v.path, '/reset');
    assert.ok(!JSON.stringify(v).includes('s3cret') && !JSON.stringify(v).includes('ada%40'));
  }
});
