import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRedaction } from './redaction-rules.js';
import { redactUrl } from './redact-url.js';

const rules = compileRedaction();

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
