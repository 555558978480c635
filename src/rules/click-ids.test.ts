import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { fn, sql } from '../store/engines/neutral/sql.js';
import { withClickIdsSql } from '../store/engines/neutral/url-params.js';
import { queryData } from '../test-helpers/engine-access.js';
import { rowsRelation } from '../test-helpers/engine-values.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import type { Store } from '../store/store.js';
import { classifyLandings, DEFAULT_SESSION_SETTINGS, deriveSessions } from '../derive/sessions.js';
import { withPropertyStore } from '../test-helpers/store.js';
import { CLICK_ID_PARAMS, clickIdsOf } from './campaign-params.js';
import { parseLandingUrl } from './landing-url.js';

test('clickIdsOf: names in any case and trimmed, values decoded and trimmed, the first non-empty value of each', () => {
  assert.deepEqual(clickIdsOf('https://a.example/?GCLID=&gclid=%20x+y%20&gclid=z&utm_source=g'), {
    gclid: 'x y',
  });
  assert.deepEqual(clickIdsOf('https://a.example/?g%63lid=1&%20fbclid=2&foo=3#msclkid=4'), {
    gclid: '1',
    fbclid: '2',
  });
  assert.deepEqual(clickIdsOf('https://a.example/?gclid=%E9%80%41'), { gclid: '\ufffdA' });
  assert.deepEqual(clickIdsOf('http://[bad/?gclid=1'), {}, 'a URL that does not parse has none');
  assert.deepEqual(clickIdsOf(null), {});
});

/** The engine's click ids of each URL, through the SQL the sessions derive runs. */
async function engineClickIds(store: Store, urls: readonly string[]): Promise<unknown[]> {
  const staged = sql`(SELECT i, v AS landing_url FROM (${rowsRelation(urls.map((v) => ({ v })))}) u)`;
  const rows = await queryData(
    store,
    sql`SELECT i, ${fn.jsonAsText('click_ids')} AS click_ids FROM ${withClickIdsSql(staged, CLICK_ID_PARAMS)} c ORDER BY i`,
  );
  return rows.map((r) => JSON.parse(String(r.click_ids)) as unknown);
}

test('hand cases on the engine: ill-formed UTF-8, escaped and padded names, a second ? and tabs in the URL', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    const urls = [
      'https://a.example/?gclid=%E9',
      'https://a.example/?gclid=%E0%A0&fbclid=%F0%9F%98%80%C3',
      'https://a.example/?g%63lid=1&%20msclkid%09=2&ttclid=%09',
      'https://a.example/?a=1?gclid=2',
      'https://a.example/?gc\tlid=3\n',
      'https://a.example/?MSCL\u212aID=k&GCL\u0130D=i',
      'a.example/x?gclid=%zz%',
    ];
    assert.deepEqual(
      await engineClickIds(store, urls),
      urls.map((u) => clickIdsOf(u)),
    );
  } finally {
    await store.close();
    cleanup();
  }
});

// URLs as landings arrive: browsers' (already in the URL parser's form) and whatever server-side SDKs
// and imports send: names in any case, escaped, padded; values with every kind of escape (ill-formed
// UTF-8 included), spaces, '=' and '?'; tabs and newlines inside, controls and spaces around.
const hex = fc.constantFrom(...'0123456789abcdefABCDEF'.split(''));
const escape = fc.tuple(hex, hex).map(([a, b]) => `%${a}${b}`);
const utf8Escapes = fc
  .string({ minLength: 1, maxLength: 2, unit: 'binary' })
  .map((s) => encodeURIComponent(s.replaceAll('\u0000', '')));
const nameArb = fc.oneof(
  fc.constantFrom(...CLICK_ID_PARAMS),
  fc.constantFrom('GCLID', 'FbClId', 'g%63lid', '%67clid', 'gclid ', ' gclid', 'gcl\tid', 'gclid+'),
  fc.constantFrom('MSCL\u212aID', 'GCL\u0130D', 'utm_source', 'foo', ''),
);
const valueArb = fc
  .array(
    fc.oneof(
      fc.string({ maxLength: 3 }),
      fc.string({ maxLength: 2, unit: 'binary' }),
      escape,
      utf8Escapes,
      fc.constantFrom('%', '%4', '%zz', '+', ' ', '\u00a0', '\u3000', '%20', '%09', '=', '?', '#'),
    ),
    { maxLength: 4 },
  )
  .map((parts) => parts.join(''));
const pairArb = fc.oneof(
  fc.tuple(nameArb, valueArb).map(([n, v]) => `${n}=${v}`),
  nameArb,
  fc.constant(''),
);
const urlArb = fc
  .tuple(
    fc.constantFrom('', ' ', '\u0001', '\u00a0'),
    fc.constantFrom(
      'https://a.example/p',
      'https://a.example',
      'a.example/x',
      '/path',
      '',
      'mailto:x',
      'https://a.example/p?x#y',
    ),
    fc.array(pairArb, { maxLength: 5 }),
    fc.constantFrom('', '#f', '#gclid=9', '#&msclkid=1', '?gclid=8'),
    fc.constantFrom('', ' ', '\u0001', '\t', '\u00a0\u0001', '\u0001\u00a0'),
  )
  .map(([lead, base, pairs, tail, end]) => `${lead}${base}?${pairs.join('&')}${tail}${end}`);
const anyUrl = fc
  .oneof(
    { arbitrary: urlArb, weight: 4 },
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
  )
  .map((u) => u.replaceAll('\u0000', ''))
  .filter((u) => parseLandingUrl(u) !== null);

test('the engine reads the click ids of a landing exactly as the JavaScript reference does, on arbitrary URLs', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(anyUrl, { minLength: 1, maxLength: 30 }), async (urls) => {
        assert.deepEqual(
          await engineClickIds(store, urls),
          urls.map((u) => clickIdsOf(u)),
        );
      }),
      { numRuns: 200, seed: 20261206 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});

test("sessions through the bulk path: each records its landing's click ids, and the landing key its click ids are blinded in classifies as the landing does", async () => {
  const sorted = (o: Readonly<Record<string, string>>) => Object.entries(o).sort();
  await withPropertyStore(async (nextRun) => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.tuple(
            anyUrl,
            fc.constantFrom('https://www.facebook.com/', 'https://www.google.com/', ''),
          ),
          { minLength: 1, maxLength: 30 },
        ),
        async (landings) => {
          const { store, workspaceId: ws, load } = await nextRun();
          const events = landings.map(([url, referrer], i) => ({
            type: 'page',
            messageId: `m${i}`,
            anonymousId: `a${i}`,
            timestamp: '2026-05-01T10:00:00Z',
            context: { page: { url, ...(referrer ? { referrer } : {}) } },
          }));
          assert.equal(await load(events), events.length);
          await deriveSessions(store, ws);
          const sessions = await store.listSessions(ws);
          assert.equal(sessions.length, landings.length);
          const want = classifyLandings(
            sessions.map((s) => ({
              landingUrl: s.landingUrl,
              referrer: s.referrer,
              campaignContext: null,
            })),
            DEFAULT_SESSION_SETTINGS,
          );
          assert.deepEqual(
            sessions.map((s) => [s.source, s.medium, s.channel, sorted(s.clickIds)]),
            want.map((a) => [a.source, a.medium, a.channel, sorted(a.clickIds)]),
          );
        },
      ),
      { numRuns: 25, seed: 20261206 },
    );
  });
});
