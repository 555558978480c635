import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  createSourceIndex,
  hostOf,
  lookupSource,
  platformOf,
  SOURCE_ENTRIES,
} from './source-lists.js';

const lookups: Array<[string, string | undefined, string | undefined]> = [
  // value, expected entry name, expected category
  ['google', 'google', 'search'],
  ['Google', 'google', 'search'],
  ['www.google.com', 'google', 'search'],
  ['https://www.google.com/search?q=a', 'google', 'search'],
  ['google.co.uk', 'google', 'search'],
  ['google.com.br', 'google', 'search'],
  ['images.google.de', 'google', 'search'],
  ['mail.google.com', 'gmail', 'email'],
  ['mail.google.co.jp', 'gmail', 'email'],
  ['android-app://com.google.android.gm/', 'gmail', 'email'],
  ['com.google.android.gm', 'gmail', 'email'],
  ['android-app://com.google.android.googlequicksearchbox', 'google', 'search'],
  ['l.facebook.com', 'facebook', 'social'],
  ['lm.facebook.com', 'facebook', 'social'],
  ['m.facebook.com', 'facebook', 'social'],
  ['web.facebook.com', 'facebook', 'social'],
  ['l.instagram.com', 'instagram', 'social'],
  ['lnkd.in', 'linkedin', 'social'],
  ['android-app://com.linkedin.android', 'linkedin', 'social'],
  ['t.co', 'twitter', 'social'],
  ['x.com', 'twitter', 'social'],
  ['X', 'twitter', 'social'],
  ['youtu.be', 'youtube', 'video'],
  ['m.youtube.com', 'youtube', 'video'],
  ['amazon.de', 'amazon', 'shopping'],
  ['smile.amazon.co.uk', 'amazon', 'shopping'],
  ['shopping.google.com', 'google shopping', 'shopping'],
  ['search.brave.com', 'brave', 'search'],
  ['perplexity.ai', 'perplexity', 'ai'],
  ['gemini.google.com', 'gemini', 'ai'],
  ['docs.google.com', 'docs.google.com', 'other'],
  // not matched
  ['brave.com', undefined, undefined],
  ['googleusercontent.example', undefined, undefined],
  ['notgoogle.com', undefined, undefined],
  ['google.evil.io', undefined, undefined],
  ['co.uk', undefined, undefined],
  ['', undefined, undefined],
  ['android-app://com.unknown.app', undefined, undefined],
];

for (const [value, name, category] of lookups) {
  test(`lookupSource(${JSON.stringify(value)})`, () => {
    const entry = lookupSource(value);
    assert.equal(entry?.name, name);
    assert.equal(entry?.category, category);
  });
}

test('platforms: the second level', () => {
  assert.equal(platformOf('instagram'), 'Meta');
  assert.equal(platformOf('l.facebook.com'), 'Meta');
  assert.equal(platformOf('lnkd.in'), 'LinkedIn');
  assert.equal(platformOf('t.co'), 'X');
  assert.equal(platformOf('bing'), 'Bing');
  assert.equal(platformOf('youtube'), 'Google');
  assert.equal(platformOf('(direct)'), '(direct)');
  assert.equal(platformOf('my-newsletter'), '(other)');
  assert.equal(platformOf(null), '(other)');
});

test('every entry is lower case and its forms resolve back to it', () => {
  for (const entry of SOURCE_ENTRIES) {
    assert.equal(entry.name, entry.name.toLowerCase(), entry.name);
    for (const form of [
      ...(entry.domains ?? []),
      ...(entry.apps ?? []).map((a) => `android-app://${a}`),
    ]) {
      assert.equal(form, form.toLowerCase(), form);
      assert.equal(lookupSource(form)?.platform, entry.platform, form);
    }
  }
});

test('hostOf reads hosts and app referrers', () => {
  assert.equal(hostOf('https://www.a.com:8080/x?y#z'), 'www.a.com');
  assert.equal(hostOf('a.com.'), 'a.com');
  assert.equal(hostOf('android-app://com.a.b/path'), 'app:com.a.b');
  assert.equal(hostOf('newsletter'), null);
  assert.equal(hostOf('e mail.com'), null);
});

test('a custom index and its memo agree with a fresh lookup', () => {
  const index = createSourceIndex(
    [{ name: 'acme', platform: 'Acme', category: 'social', domains: ['acme.io'] }],
    2,
  );
  for (let i = 0; i < 3; i++) {
    assert.equal(index.lookup('news.acme.io')?.name, 'acme');
    assert.equal(index.lookup('other.io'), undefined);
    assert.equal(index.lookup('ACME')?.name, 'acme');
  }
});
