import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRedaction } from './redaction-rules.js';
import { redactEvent } from './redact-event.js';
import { redactUrl } from './redact-url.js';

const rules = compileRedaction();

test('redactEvent: every context.page string (not the title), context.referrer.url and URL-like properties; names in context.redacted', () => {
  const leaky = 'https://shop.test/thanks?email=me%40x.io&password=pw1&utm_source=news';
  const event = {
    type: 'page',
    messageId: 'm1',
    anonymousId: 'a1',
    context: {
      page: {
        url: leaky,
        search: '?email=me%40x.io&password=pw1&utm_source=news',
        referrer: 'https://shop.test/login?token=abc',
        path: '/thanks',
        title: 'Thanks',
        initial_url: leaky,
      },
      referrer: { type: 'email', url: 'https://mail.test/?sid=9' },
      ip: '1.2.3.0',
    },
    properties: {
      url: leaky,
      path: '/thanks?pw=1',
      referrer: 'https://shop.test/?key=k',
      email: 'me@x.io',
      plan: 'pro',
    },
  };
  const r = redactEvent(event, rules);
  const ctx = r.event.context as {
    page: Record<string, string>;
    referrer: { url: string };
    redacted: string[];
    ip: string;
  };
  const props = r.event.properties as Record<string, string>;
  const expected = 'https://shop.test/thanks?email=[email]&password=[redacted]&utm_source=news';
  assert.equal(ctx.page.url, expected);
  assert.equal(ctx.page.initial_url, expected);
  assert.equal(ctx.page.search, '?email=[email]&password=[redacted]&utm_source=news');
  assert.equal(ctx.page.referrer, 'https://shop.test/login?token=[redacted]');
  assert.equal(ctx.page.title, 'Thanks');
  assert.equal(ctx.referrer.url, 'https://mail.test/?sid=[redacted]');
  assert.equal(ctx.ip, '1.2.3.0');
  assert.equal(props.url, expected);
  assert.equal(props.path, '/thanks?pw=[redacted]');
  assert.equal(props.referrer, 'https://shop.test/?key=[redacted]');
  // the sender's own e-mail as a property is not a URL: identity stitching reads it
  assert.equal(props.email, 'me@x.io');
  assert.deepEqual(ctx.redacted, ['email', 'key', 'password', 'pw', 'sid', 'token']);
  assert.equal(r.identify, undefined);
  // the input is not mutated; a clean event comes back as the same object
  assert.equal(event.context.page.url, leaky);
  const clean = {
    type: 'track',
    event: 'x',
    context: { page: { url: 'https://x.test/?utm_source=a' } },
    properties: { url: 'https://x.test/' },
  };
  assert.equal(redactEvent(clean, rules).event, clean);
});

test('the identify parameter: removed from the URL, and a page event gets an identify with the same ids and time', () => {
  const withParam = compileRedaction({ identifyParam: 'cl_email' });
  const page = {
    type: 'page',
    messageId: 'p1',
    anonymousId: 'a1',
    timestamp: '2026-01-02T03:04:05.000Z',
    context: {
      page: {
        url: 'https://x.test/offer?utm_source=newsletter&cl_email=Jane%40Example.com',
        search: '?utm_source=newsletter&cl_email=Jane%40Example.com',
      },
    },
  };
  const r = redactEvent(page, withParam);
  const ctx = r.event.context as { page: { url: string; search: string }; redacted: string[] };
  assert.equal(ctx.page.url, 'https://x.test/offer?utm_source=newsletter');
  assert.equal(ctx.page.search, '?utm_source=newsletter');
  assert.deepEqual(ctx.redacted, ['cl_email']);
  assert.deepEqual(r.identify?.traits, { email: 'Jane@Example.com' });
  assert.equal(r.identify?.type, 'identify');
  assert.equal(r.identify?.anonymousId, 'a1');
  assert.equal(r.identify?.timestamp, page.timestamp);
  assert.equal(r.identify?.messageId, 'p1:identify');
  assert.ok(!JSON.stringify(r.identify?.context).includes('Jane'));
  // only a page event identifies; a value that is not an e-mail stays; without the setting it is an ordinary e-mail
  assert.equal(redactEvent({ ...page, type: 'track', event: 'x' }, withParam).identify, undefined);
  assert.equal(redactUrl('/o?cl_email=nobody', withParam).url, '/o?cl_email=nobody');
  assert.equal(redactUrl('/o?cl_email=jane%40example.com', rules).url, '/o?cl_email=[email]');
  // a redacted event, redacted again: no second identify
  assert.equal(redactEvent(r.event, withParam).identify, undefined);
});
