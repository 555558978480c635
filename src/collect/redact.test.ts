import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CLICK_IDS } from '../derive/channels/landing-params.js';
import { compileRedaction, hintWords, redactEmails, redactEvent, redactUrl } from './redact.js';

const rules = compileRedaction();

test('the default list: each name and its close variants are redacted, case-insensitively', () => {
  const redacted = [
    'password',
    'passwd',
    'pwd',
    'pw',
    'pass',
    'secret',
    'token',
    'access_token',
    'id_token',
    'refresh_token',
    'auth',
    'authorization',
    'api_key',
    'apikey',
    'key',
    'session',
    'sid',
    'csrf',
    'xsrf',
    'card',
    'cardnumber',
    'cc',
    'cvv',
    'cvc',
    'ssn',
    'iban',
    'PASSWORD',
    'Token',
    'user[password]',
    'user[newPassword]',
    'new_password',
    'newpassword',
    'card_number',
    'cardNumber',
    'card-number',
    'x-api-key',
    'X-Api-Key',
    'xApiKey',
    'client_secret',
    'oauth_token',
    'accessToken',
    'sessionid',
    'session_id',
    'PHPSESSID',
    'jsessionid',
    'csrfmiddlewaretoken',
    '_csrf',
    'authenticity_token',
    'cc_number',
    'cc-cvc',
    'user.password',
    'pin',
    'otp',
    'passcode',
  ];
  for (const n of redacted) assert.ok(rules.redacts(n), `${n} is redacted`);
  const kept = [
    'q',
    'page',
    'keyword',
    'monkey',
    'author',
    'passenger',
    'sidebar',
    'cardinal',
    'email',
    'ref',
    'lang',
    'id',
    'name',
    'passage',
    'utm_source',
    'utm_term',
    'utm_key',
    'utm_token',
    'UTM_Content',
    ...DEFAULT_CLICK_IDS.map((c) => c.param),
  ];
  for (const n of kept) assert.equal(rules.redacts(n), false, `${n} is kept`);
});

test('query and fragment values become [redacted]; UTMs and click ids are untouched; names are listed', () => {
  const r = redactUrl(
    'https://shop.test/thanks?password=Hunter2&utm_source=x&token=T0K&gclid=Cj0-K&card_number=4111111111111111#access_token=abc&state=ok',
    rules,
  );
  assert.equal(
    r.url,
    'https://shop.test/thanks?password=[redacted]&utm_source=x&token=[redacted]&gclid=Cj0-K&card_number=[redacted]#access_token=[redacted]&state=ok',
  );
  assert.deepEqual(r.names, ['access_token', 'card_number', 'password', 'token']);
  // encoded names, a router's fragment, `;` separators, a bare query string, an empty value
  assert.equal(
    redactUrl('/a?user%5Bpassword%5D=x&pass%77ord=y', rules).url,
    '/a?user%5Bpassword%5D=[redacted]&pass%77ord=[redacted]',
  );
  assert.equal(
    redactUrl('https://x.test/#/reset?token=abc&step=2', rules).url,
    'https://x.test/#/reset?token=[redacted]&step=2',
  );
  assert.equal(redactUrl('?a=1;password=x;b=2&c=3', rules).url, '?a=1;password=[redacted]&c=3');
  assert.equal(redactUrl('password=x&q=shoes', rules).url, 'password=[redacted]&q=shoes');
  assert.equal(redactUrl('/p?token=&q=1', rules).url, '/p?token=[redacted]&q=1');
  // nothing to do: the same string
  const clean = 'https://x.test/p?utm_source=google&utm_medium=cpc&gclid=abc&q=shoes#top';
  assert.equal(redactUrl(clean, rules).url, clean);
  assert.deepEqual(redactUrl(clean, rules).names, []);
});

test('e-mail addresses anywhere in a URL become [email]: path, values, fragment, %40 and %2540', () => {
  const cases: [string, string][] = [
    [
      'https://x.test/?email=leak@example.com&utm_source=x',
      'https://x.test/?email=[email]&utm_source=x',
    ],
    ['https://x.test/?email=leak%40example.com', 'https://x.test/?email=[email]'],
    ['https://x.test/?e=leak%2540example.com', 'https://x.test/?e=[email]'],
    [
      'https://x.test/users/john.doe+news@mail.example.co.uk/profile',
      'https://x.test/users/[email]/profile',
    ],
    ['https://x.test/#contact=Jane.Roe%2Btag%40Example.ORG', 'https://x.test/#contact=[email]'],
    ['https://x.test/?to=a%40b.io&cc2=c@d.io', 'https://x.test/?to=[email]&cc2=[email]'],
    ['mailto:someone@example.com', 'mailto:[email]'],
    // an e-mail inside a UTM value is still an e-mail: the parameter stays, the address goes
    [
      'https://x.test/?utm_content=leak@example.com&utm_source=news',
      'https://x.test/?utm_content=[email]&utm_source=news',
    ],
  ];
  for (const [input, want] of cases) {
    const r = redactUrl(input, rules);
    assert.equal(r.url, want, input);
    assert.ok(r.names.includes('email'), input);
  }
  // a marker the snippet already wrote is listed, and stays
  assert.deepEqual(redactUrl('https://x.test/?email=[email]&password=[redacted]', rules), {
    url: 'https://x.test/?email=[email]&password=[redacted]',
    names: ['email', 'password'],
  });
  // not e-mails: no domain, a bare @, a handle
  for (const s of [
    'https://x.test/@handle',
    'https://x.test/?q=@',
    'https://x.test/a@b',
    'https://x.test/?v=1%40',
  ])
    assert.equal(redactUrl(s, rules).url, s);
});

test('user:password@host is redacted; nested encoded URLs are redacted inside their parameter', () => {
  assert.equal(redactUrl('https://bob:s3cret@x.test/a', rules).url, 'https://[redacted]@x.test/a');
  const r = redactUrl(
    'https://x.test/login?next=https%3A%2F%2Fy.test%2Fcb%3Ftoken%3Dsecret%26a%3D1&utm_source=x',
    rules,
  );
  assert.ok(!r.url.includes('secret'), r.url);
  assert.ok(r.url.includes('utm_source=x'));
  assert.ok(r.names.includes('token'));
});

test('redaction is idempotent', () => {
  const inputs = [
    'https://bob:pw@x.test/u/a@b.io?password=x&email=c%40d.io&utm_source=y#token=t',
    '/p?next=https%3A%2F%2Fy.test%2F%3Fpassword%3Dx',
    '?a=1;pass=2',
  ];
  for (const input of inputs) {
    const once = redactUrl(input, rules).url;
    assert.equal(redactUrl(once, rules).url, once, input);
  }
});

test('extra names match whole names and words of names; UTMs and click ids stay kept', () => {
  const extra = compileRedaction({ extraNames: ['nonce', 'member.ref'] });
  assert.ok(extra.redacts('nonce'));
  assert.ok(extra.redacts('NONCE_x'));
  assert.ok(extra.redacts('form[nonce]'));
  assert.ok(extra.redacts('member.ref'));
  assert.ok(!extra.redacts('nonces'));
  assert.ok(!rules.redacts('nonce'));
  assert.ok(!compileRedaction({ extraNames: ['gclid'] }).redacts('gclid'));
});

test('an e-mail scan is linear: a long hostile string is handled quickly', () => {
  const hostile = `${'a'.repeat(30_000)}@${'b'.repeat(30_000)}%40${'c.'.repeat(10_000)}`;
  const t = performance.now();
  redactEmails(hostile, new Set());
  redactUrl(`/x?${'a=%40&'.repeat(5000)}`, rules);
  redactUrl(`/x?r=${'%25'.repeat(10_000)}3D`, rules);
  assert.ok(performance.now() - t < 500, `took ${performance.now() - t} ms`);
});

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

test('hint words: every redacted name contains one (the stored-facts pre-filter relies on it)', () => {
  const rr = { extraNames: ['nonce', 'Member.Ref'], identifyParam: 'cl_email' };
  const compiled = compileRedaction(rr);
  const hints = hintWords(rr);
  const names = [
    'user[newPassword]',
    'X-Api-Key',
    'cardNumber',
    'PHPSESSID',
    'nonce_x',
    'member.ref',
    'cc-cvc',
    'oauth_token',
    'pin',
    'sid',
    'pass+word',
  ];
  for (const n of names) {
    assert.ok(compiled.redacts(n.replace('+', ' ')), n);
    assert.ok(
      [...hints.anywhere, ...hints.words].some((h) => n.toLowerCase().includes(h)),
      `${n} contains a hint word`,
    );
  }
});
