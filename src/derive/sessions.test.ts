import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { simulate } from '../sim/index.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { DEFAULT_CLICK_IDS, readLandingParams } from './channels/index.js';
import {
  classifyLandings,
  DEFAULT_SESSION_SETTINGS,
  deriveSessions,
  landingUrlWithCampaign,
} from './sessions.js';

const ws = {
  id: 'w',
  name: 'w',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'k',
  secretKeyHash: 'h',
};

test('a simulated world: sessions per channel match the simulator’s own record exactly; rebuild and incremental agree', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(join(dir, 'db'));
  try {
    const sim = await simulate(
      { seed: 11, days: 21, visitorsPerDay: 60, end: '2026-10-31' },
      { outDir: dir },
    );
    await store.createWorkspace(ws);
    await store.importEventsFile('w', join(dir, 'events.ndjson'));
    const r = await deriveSessions(store, 'w');
    assert.equal(r.sessions, sim.record.sessions.total);
    const byChannel = Object.fromEntries(
      (await store.sessionsByChannel('w')).map((c) => [c.channel, c.sessions]),
    );
    const expected = Object.fromEntries(
      Object.entries(sim.record.sessions.byGa4ChannelGroup).filter(([, n]) => n > 0),
    );
    assert.deepEqual(byChannel, expected);

    // a rebuild over unchanged facts gives identical sessions
    const before = await store.listSessions('w');
    await deriveSessions(store, 'w');
    assert.deepEqual(await store.listSessions('w'), before);

    // incremental: re-deriving some anonymous ids replaces exactly theirs
    const some = [...new Set(before.map((s) => s.anonymousId))].slice(0, 25);
    const part = await deriveSessions(store, 'w', undefined, some);
    assert.equal(part.sessions, before.filter((s) => some.includes(s.anonymousId)).length);
    assert.deepEqual(await store.listSessions('w'), before);

    // landings are classified with click id values blinded: each session still gets its own values,
    // the same the parser reads from its landing URL
    const clickParams = new Set(DEFAULT_CLICK_IDS.map((c) => c.param));
    const withClicks = before.filter((s) => Object.keys(s.clickIds).length > 0);
    assert.ok(withClicks.length > 50, `the world has paid clicks (${withClicks.length})`);
    assert.ok(
      part.landings < new Set(withClicks.map((s) => s.landingUrl)).size,
      'fewer landings classified than distinct paid URLs',
    );
    for (const s of before)
      assert.deepEqual(
        s.clickIds,
        readLandingParams(s.landingUrl, clickParams).clickIds,
        s.landingUrl ?? '',
      );
  } finally {
    await store.close();
    cleanup();
  }
});

test('session rules: 30 minutes of inactivity or a new campaign start a session; midnight does not', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await store.createWorkspace(ws);
    const page = (id: string, at: string, url: string, referrer?: string) => ({
      type: 'page',
      messageId: id,
      anonymousId: 'a',
      timestamp: at,
      context: { page: { url, ...(referrer ? { referrer } : {}) } },
    });
    await store.appendEvents(
      'w',
      [
        page(
          '1',
          '2026-05-01T23:50:00Z',
          'https://acme.io/?utm_source=google&utm_medium=cpc&gclid=G1',
          'https://www.google.com/',
        ),
        page('2', '2026-05-02T00:10:00Z', 'https://acme.io/pricing', 'https://acme.io/'), // past midnight, same session
        page(
          '3',
          '2026-05-02T00:15:00Z',
          'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
          'https://www.linkedin.com/',
        ), // new campaign
        page(
          '4',
          '2026-05-02T00:20:00Z',
          'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
          'https://acme.io/',
        ), // reload: same
        page('5', '2026-05-02T00:51:00Z', 'https://acme.io/blog', 'https://acme.io/'), // 31 minutes later: new, direct (own referrer)
        {
          type: 'track',
          messageId: '6',
          anonymousId: 'a',
          event: 'file_download',
          timestamp: '2026-05-02T00:52:00Z',
          context: { page: { url: 'https://acme.io/blog' } },
        },
      ],
      { origin: 'import', receivedAt: new Date() },
    );
    await deriveSessions(store, 'w');
    const s = await store.listSessions('w');
    assert.deepEqual(
      s.map((x) => [x.channel, x.source, x.medium, x.pageViews, x.eventCount]),
      [
        ['Paid Search', 'google', 'cpc', 2, 2],
        ['Paid Social', 'linkedin', 'paid_social', 2, 2],
        ['Direct', '(direct)', '(none)', 1, 2],
      ],
    );
    assert.equal(s[0]!.clickIds.gclid, 'G1');
  } finally {
    await store.close();
    cleanup();
  }
});

test('click ids: exact values per session, decoded like URLSearchParams, first non-empty wins, names in any case', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await store.createWorkspace(ws);
    const urls = [
      'https://acme.io/?gclid=Cj0_aB-9',
      'https://acme.io/?GCLID=UpperCaseName&utm_source=x',
      'https://acme.io/?gclid=&gclid=second',
      'https://acme.io/?fbclid=a%2Bb+c%C3%A9',
      'https://acme.io/?msclkid=m1&li_fat_id=l1#frag&gclid=notme',
      'https://acme.io/?ttclid=t1',
    ];
    const events = urls.map((url, i) => ({
      type: 'page',
      messageId: `m${i}`,
      anonymousId: `a${i}`,
      timestamp: '2026-05-01T10:00:00Z',
      context: { page: { url, referrer: 'https://www.facebook.com/' } },
    }));
    await store.appendEvents('w', events, { origin: 'import', receivedAt: new Date() });
    await deriveSessions(store, 'w');
    const byAnon = new Map((await store.listSessions('w')).map((s) => [s.anonymousId, s]));
    assert.deepEqual(
      urls.map((_, i) => byAnon.get(`a${i}`)?.clickIds),
      [
        { gclid: 'Cj0_aB-9' },
        { gclid: 'UpperCaseName' },
        { gclid: 'second' },
        { fbclid: 'a+b cé' },
        { msclkid: 'm1', li_fat_id: 'l1' },
        { ttclid: 't1' },
      ],
    );
    // and the classification is the one of the real URL
    const explained = classifyLandings(
      urls.map((u) => ({
        landingUrl: u,
        referrer: 'https://www.facebook.com/',
        campaignContext: null,
      })),
      DEFAULT_SESSION_SETTINGS,
    );
    assert.deepEqual(
      urls.map((_, i) => byAnon.get(`a${i}`)?.channel),
      explained.map((a) => a.channel),
    );
    assert.deepEqual(
      urls.map((_, i) => byAnon.get(`a${i}`)?.clickIds),
      explained.map((a) => a.clickIds),
    );
  } finally {
    await store.close();
    cleanup();
  }
});

test('UTMs sent in context.campaign (server-side SDKs) count like UTMs in the URL', () => {
  assert.equal(
    landingUrlWithCampaign(
      'https://acme.io/x',
      JSON.stringify({ source: 'newsletter', medium: 'email', name: 'nov' }),
    ),
    'https://acme.io/x?utm_source=newsletter&utm_medium=email&utm_campaign=nov',
  );
  assert.equal(
    landingUrlWithCampaign('https://acme.io/x?utm_source=a', JSON.stringify({ source: 'b' })),
    'https://acme.io/x?utm_source=a',
  );
  assert.equal(landingUrlWithCampaign(null, null), null);
});
