// The realtime report's snapshot on the suite's engine, at a fixed time, on a few events of the last
// half hour and one before it: visitors, events, the minute series, the top pages (without query or
// fragment) and the sources of the sessions active in the window.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import type { RawEvent } from '../store/types.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { realtime, realtimeSnapshot } from './realtime.js';

const NOW = Date.parse('2026-03-10T12:00:30Z');
const track = (anon: string, at: string, event: string): RawEvent => ({
  type: 'track',
  messageId: `rt-${anon}-${at}`,
  anonymousId: anon,
  timestamp: at,
  event,
});

test('realtime: the last 30 minutes of visitors, events, pages and sources', async () => {
  await withStore(async (store) => {
    await add(store, [
      // before the window (11:31 to 12:01)
      page('v0', '2026-03-10T11:20:00Z', 'https://acme.io/pricing'),
      page(
        'v1',
        '2026-03-10T11:50:10Z',
        'https://acme.io/pricing?utm_source=google&utm_medium=cpc',
      ),
      page('v1', '2026-03-10T11:50:40Z', 'https://acme.io/docs#install'),
      track('v1', '2026-03-10T11:59:05Z', 'signup'),
      page('v2', '2026-03-10T11:58:00Z', 'https://acme.io/pricing', 'https://www.linkedin.com/'),
      page('v3', '2026-03-10T12:00:20Z', 'https://acme.io/pricing?a=b'),
    ]);
    await rebuild(store, 'w');
    const r = await realtimeSnapshot({ store, workspaceId: 'w' }, realtime.params.parse({}), NOW);
    assert.deepEqual(
      [r.since, r.until, r.visitors, r.events, r.pageViews, r.eventsPerMinute],
      ['2026-03-10T11:31:00.000Z', '2026-03-10T12:01:00.000Z', 3, 5, 4, 0.17],
    );
    assert.equal(r.perMinute.length, 30);
    assert.deepEqual(
      r.perMinute
        .filter((m) => m.events > 0)
        .map((m) => [m.minute.slice(11, 16), m.events, m.visitors]),
      [
        ['11:50', 2, 1],
        ['11:58', 1, 1],
        ['11:59', 1, 1],
        ['12:00', 1, 1],
      ],
    );
    assert.deepEqual(r.topPages, [
      { page: 'https://acme.io/pricing', views: 3, visitors: 3 },
      { page: 'https://acme.io/docs', views: 1, visitors: 1 },
    ]);
    // v0's session ended before the window
    assert.deepEqual(
      r.topSources.map((s) => [s.source, s.medium, s.channel, s.sessions]),
      [
        ['(direct)', '(none)', 'Direct', 1],
        ['google', 'cpc', 'Paid Search', 1],
        // a known social referrer is named by the session derive
        ['linkedin', 'social', 'Organic Social', 1],
      ],
    );

    // a 5-minute window, top 1
    const short = await realtimeSnapshot(
      { store, workspaceId: 'w' },
      realtime.params.parse({ minutes: '5', top: '1' }),
      NOW,
    );
    assert.deepEqual(
      [short.since, short.visitors, short.events, short.perMinute.length, short.topPages.length],
      ['2026-03-10T11:56:00.000Z', 3, 3, 5, 1],
    );
  });
});
