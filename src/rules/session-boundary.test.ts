import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rebuild } from '../derive/derive.js';
import { withPropertyStore, PROPERTY_TIMEOUT_MS, storeRuns } from '../test-helpers/store.js';
import { CLICK_ID_PARAMS } from './campaign-params.js';
import { campaignOf, sessionNumbers, type SessionHit } from './session-boundary.js';

test('campaignOf: UTMs and every click id name a campaign, order and case of the URL do not matter, other parameters do not count', () => {
  const hit = (pageUrl: string, campaign: SessionHit['campaign'] = null, type = 'page') =>
    campaignOf({ type, pageUrl, campaign });
  assert.equal(
    hit('https://a.example/?utm_source=x&gclid=1'),
    hit('https://a.example/?GCLID=1&utm_source=X&foo=2'),
  );
  assert.equal(hit('https://a.example/?foo=1'), null);
  assert.equal(hit('https://a.example/?utm_source=x', null, 'track'), null);
  assert.equal(hit('https://a.example/#x?gclid=1'), null);
  assert.notEqual(hit('https://a.example/', { source: 'news' }), null);
  // the click ids the channel rules know all split sessions (one list: rules/campaign-params.ts)
  for (const p of ['rdt_cid', 'sccid', 'yclid', 'tblci', 'dicbo', 'epik']) {
    assert.ok(CLICK_ID_PARAMS.includes(p));
    assert.notEqual(hit(`https://a.example/?${p}=1`), null, p);
  }
});

// Small vocabularies so that histories repeat campaigns, break them and straddle the 30-minute gap.
const QUERY_PARTS = [
  'utm_source=x',
  'UTM_SOURCE=X',
  'utm_medium=cpc',
  'gclid=1',
  'gclid=2',
  'rdt_cid=9',
  'yclid=3',
  'epik=z',
  'foo=1',
  'Utm_Campaign=Sale',
  // lower-cased as JavaScript does: a word-final sigma, a dotted capital I
  'utm_campaign=ΑΣ',
  'UTM_CAMPAIGN=ας',
  'utm_campaign=ασ',
  'utm_term=İ',
  'utm_term=i\u0307',
];
const hitArb = fc.record({
  anon: fc.constantFrom('a1', 'a2', 'a3'),
  minute: fc.integer({ min: 0, max: 240 }),
  second: fc.integer({ min: 0, max: 59 }),
  type: fc.constantFrom('page', 'page', 'track', 'identify', 'screen'),
  query: fc.subarray(QUERY_PARTS, { maxLength: 3 }),
  fragment: fc.constantFrom('', '', '#top', '#x?gclid=7'),
  secondQuery: fc.boolean(),
  campaign: fc.constantFrom(null, null, { source: 'news' }, { name: 'spring', medium: 'email' }),
});

test(
  'the engine splits sessions exactly as the JavaScript reference does, on random histories loaded through the bulk path',
  { timeout: PROPERTY_TIMEOUT_MS },
  async () => {
    await withPropertyStore(async (nextRun) => {
      await fc.assert(
        fc.asyncProperty(fc.array(hitArb, { minLength: 1, maxLength: 40 }), async (drawn) => {
          const { store, workspaceId: ws, load } = await nextRun();
          const base = Date.parse('2026-03-01T00:00:00Z');
          const hits: SessionHit[] = drawn.map((d, i) => {
            const q = d.query.length
              ? `?${d.query.join('&')}${d.secondQuery ? '?gclid=9' : ''}`
              : '';
            return {
              anonymousId: d.anon,
              messageId: `m${String(i).padStart(3, '0')}`,
              ts: (base + d.minute * 60_000 + d.second * 1000) * 1000,
              type: d.type,
              pageUrl:
                d.type === 'page' || d.type === 'screen'
                  ? `https://a.example/p${q}${d.fragment}`
                  : null,
              campaign: d.campaign,
            };
          });
          const lines = hits.map((h) => ({
            type: h.type,
            messageId: h.messageId,
            anonymousId: h.anonymousId,
            timestamp: new Date(h.ts / 1000).toISOString(),
            ...(h.type === 'track' ? { event: 'Clicked' } : {}),
            ...(h.type === 'screen' ? { name: 'Home' } : {}),
            context: {
              ...(h.pageUrl ? { page: { url: h.pageUrl } } : {}),
              ...(h.campaign ? { campaign: h.campaign } : {}),
            },
          }));
          const inserted = await load(lines);
          assert.equal(inserted, hits.length);
          await rebuild(store, ws);

          // the reference's sessions: per anonymous id and number, the start and the event count
          const numbers = sessionNumbers(hits, 30);
          const expected = new Map<string, { start: number; events: number }>();
          for (const h of hits) {
            const key = `${h.anonymousId}#${numbers.get(h.messageId)}`;
            const s = expected.get(key) ?? { start: h.ts, events: 0 };
            expected.set(key, { start: Math.min(s.start, h.ts), events: s.events + 1 });
          }
          const want = [...expected.entries()]
            .map(
              ([k, s]) =>
                `${k.split('#')[0]} ${new Date(s.start / 1000).toISOString()} ${s.events}`,
            )
            .sort();
          const got = (await store.listSessions(ws))
            .map((s) => `${s.anonymousId} ${new Date(s.startedAt).toISOString()} ${s.eventCount}`)
            .sort();
          assert.deepEqual(got, want);
        }),
        { numRuns: storeRuns(60), seed: 20261206 },
      );
    });
  },
);

test('a campaign compared lower-cased as JavaScript does: ΑΣ is ας (one session), ασ another campaign', async () => {
  await withPropertyStore(async (nextRun) => {
    const { store, workspaceId: ws, load } = await nextRun();
    const queries = [
      'utm_campaign=ΑΣ',
      'UTM_CAMPAIGN=ας',
      'utm_campaign=ασ',
      'utm_term=İ&utm_campaign=ασ',
    ];
    const hits: SessionHit[] = queries.map((q, i) => ({
      anonymousId: 'a1',
      messageId: `m${i}`,
      ts: (Date.parse('2026-03-01T00:00:00Z') + i * 60_000) * 1000,
      type: 'page',
      pageUrl: `https://a.example/?${q}`,
      campaign: null,
    }));
    const lines = hits.map((h) => ({
      type: 'page',
      messageId: h.messageId,
      anonymousId: h.anonymousId,
      timestamp: new Date(h.ts / 1000).toISOString(),
      context: { page: { url: h.pageUrl } },
    }));
    assert.equal(await load(lines), lines.length);
    await rebuild(store, ws);
    const numbers = sessionNumbers(hits, 30);
    assert.deepEqual([...numbers.values()], [1, 1, 2, 3]);
    assert.equal((await store.listSessions(ws)).length, 3);
  });
});
