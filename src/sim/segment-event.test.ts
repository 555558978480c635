import assert from 'node:assert/strict';
import { test } from 'node:test';
import { householdPeople } from './people.js';
import {
  buildContext,
  emitPageView,
  eventMaker,
  whitepaperDownload,
  type EventSink,
} from './segment-event.js';
import { pageAt, SITE } from './site.js';
import type { SegmentEvent } from './types.js';

const person = householdPeople(1, 0)[0]!;
const device = person.devices[0]!;
const page = { url: `${SITE.origin}/`, path: '/', referrer: '', title: 'Home', search: '' };

test('the campaign context holds only the UTMs of the landing, under analytics.js names', () => {
  const ctx = buildContext(person, device, page, [
    ['utm_source', 'google'],
    ['utm_medium', 'cpc'],
    ['utm_campaign', 'Brand'],
    ['utm_term', 'closed loop'],
    ['utm_id', '123'],
    ['gclid', 'abc'],
  ]);
  assert.deepEqual(ctx.campaign, {
    source: 'google',
    medium: 'cpc',
    name: 'Brand',
    term: 'closed loop',
  });
  assert.equal(ctx.userAgent, device.userAgent);
  assert.equal(ctx.ip, device.ip);
  assert.equal('campaign' in buildContext(person, device, page, null), false);
  assert.equal('campaign' in buildContext(person, device, page, [['gclid', 'abc']]), false);
});

test('each event made gets the next message id of its session, its time and the fields given', () => {
  const make = eventMaker('sim-1-a-0-', device.anonymousId);
  const ctx = buildContext(person, device, page, null);
  const a = make('track', Date.parse('2026-01-01T00:00:00Z'), { event: 'x' }, ctx);
  const b = make('identify', Date.parse('2026-01-01T00:00:01Z'), { traits: { a: 1 } }, ctx);
  assert.deepEqual(
    [a.messageId, b.messageId, a.timestamp, a.properties, b.properties, a.anonymousId],
    ['sim-1-a-0-0', 'sim-1-a-0-1', '2026-01-01T00:00:00.000Z', {}, {}, device.anonymousId],
  );
});

test('a page view carries its URL, referrer and search in the context and the properties alike', () => {
  const events: SegmentEvent[] = [];
  const sink: EventSink = {
    make: eventMaker('r-', device.anonymousId),
    emit: (e) => events.push(e),
  };
  const view = {
    page: pageAt('/pricing'),
    ts: 0,
    referrer: 'https://www.google.com/',
    search: '?a=1',
  };
  const ctx = emitPageView(sink, { person, device }, view, null);
  const url = `${SITE.origin}/pricing?a=1`;
  assert.equal(events.length, 1);
  assert.equal(events[0]!.name, 'Pricing');
  assert.deepEqual(events[0]!.properties, {
    path: '/pricing',
    referrer: 'https://www.google.com/',
    search: '?a=1',
    title: view.page.title,
    url,
  });
  assert.equal(events[0]!.context, ctx);
  assert.equal(ctx.page.url, url);
  assert.deepEqual(whitepaperDownload('/whitepapers/revops-maturity-model').properties, {
    url: `${SITE.origin}/assets/whitepapers/revops-maturity-model.pdf`,
    file_type: 'pdf',
  });
});
