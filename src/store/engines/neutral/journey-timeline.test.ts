// The timeline's assembly, alone: which of a shared device's sessions and events are the person's, which
// page views fold into a session, and the order at one instant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SessionRow } from '../../areas/sessions.js';
import {
  journeyIds,
  journeyTimeline,
  type JourneyEvent,
  type JourneyIdentity,
  type JourneyParts,
} from './journey-timeline.js';

const T = (h: number, m = 0) => new Date(Date.UTC(2026, 5, 1, h, m)).toISOString();
const ms = (h: number, m = 0) => Date.UTC(2026, 5, 1, h, m);

function session(id: string, anon: string, from: string, to: string): SessionRow {
  return {
    sessionId: id,
    anonymousId: anon,
    startedAt: from,
    endedAt: to,
    landingUrl: null,
    referrer: null,
    source: '(direct)',
    medium: '(none)',
    campaign: null,
    term: null,
    content: null,
    campaignId: null,
    clickIds: {},
    adIds: {},
    channel: 'Direct',
    platform: '',
    channelRule: 'direct',
    decidedBy: 'rule',
    pageViews: 1,
    eventCount: 1,
    userAgent: null,
    country: null,
  };
}

function event(
  at: string,
  type: string,
  anon: string | null,
  user: string | null = null,
): JourneyEvent {
  return {
    at,
    type,
    event: type === 'track' ? 'Clicked' : null,
    anonymousId: anon,
    userId: user,
    url: type === 'page' ? `https://acme.io/${at}` : null,
    title: null,
    properties: { at },
    traits: null,
  };
}

// a laptop shared with someone else: this person's from 10:00 to 12:00 only
const identities: JourneyIdentity[] = [
  { kind: 'anonymous_id', value: 'laptop', from: ms(10), until: ms(12) },
  { kind: 'anonymous_id', value: 'laptop', from: ms(14), until: null },
  { kind: 'anonymous_id', value: 'phone', from: null, until: null },
  { kind: 'email', value: 'ann@acme.io', from: null, until: null },
  { kind: 'user_id', value: 'u-ann', from: null, until: null },
];

const parts = (over: Partial<JourneyParts> = {}): JourneyParts => ({
  personId: 'p1',
  identities,
  sessions: [],
  events: [],
  milestones: [],
  changes: [],
  ...over,
});

test('the ids of a person: each identifier once, the anonymous and user ids to read', () => {
  assert.deepEqual(journeyIds(identities), {
    identifiers: [
      { kind: 'anonymous_id', value: 'laptop' },
      { kind: 'anonymous_id', value: 'phone' },
      { kind: 'email', value: 'ann@acme.io' },
      { kind: 'user_id', value: 'u-ann' },
    ],
    anonymousIds: ['laptop', 'phone'],
    userIds: ['u-ann'],
  });
});

test('a shared device: only the sessions and events in the person’s spans, unless the event carries their user id', () => {
  const j = journeyTimeline(
    parts({
      sessions: [
        session('s-before', 'laptop', T(9), T(9, 30)),
        session('s-in', 'laptop', T(10), T(10, 30)),
        session('s-end', 'laptop', T(12), T(12, 10)),
        session('s-again', 'laptop', T(15), T(15, 5)),
        session('s-phone', 'phone', T(8), T(8, 5)),
      ],
      events: [
        event(T(8, 1), 'page', 'phone'),
        event(T(9, 10), 'track', 'laptop'),
        event(T(9, 20), 'track', 'laptop', 'u-ann'),
        event(T(10, 5), 'page', 'laptop'),
        event(T(11, 59), 'track', 'laptop'),
        event(T(12, 0), 'track', 'laptop'),
        event(T(13), 'identify', null, 'u-ann'),
      ],
    }),
  );
  const shown = j.timeline.map((i) =>
    i.kind === 'session'
      ? `session ${i.session.sessionId} ${i.pages.map((p) => p.at).join(',')}`
      : `${i.kind} ${i.at}`,
  );
  assert.deepEqual(shown, [
    `session s-phone ${T(8, 1)}`,
    `event ${T(9, 20)}`,
    `session s-in ${T(10, 5)}`,
    `event ${T(11, 59)}`,
    `event ${T(13)}`,
    'session s-again ',
  ]);
  assert.equal(j.firstSeen, T(8));
  assert.equal(j.lastSeen, T(15));
});

test('a page view folds into its device’s session when within it, else stays an event', () => {
  const j = journeyTimeline(
    parts({
      sessions: [session('s1', 'phone', T(8), T(8, 10))],
      events: [
        event(T(8), 'page', 'phone'),
        event(T(8, 10), 'screen', 'phone'),
        event(T(8, 11), 'page', 'phone'),
        // another device's page at the same time is not this session's
        event(T(8, 5), 'page', null, 'u-ann'),
        event(T(8, 5), 'track', 'phone'),
      ],
    }),
  );
  assert.deepEqual(
    j.timeline.map((i) => [
      i.kind,
      i.at,
      i.kind === 'session' ? i.pages.length : i.kind === 'event' ? i.type : null,
    ]),
    [
      ['session', T(8), 2],
      ['event', T(8, 5), 'page'],
      ['event', T(8, 5), 'track'],
      ['event', T(8, 11), 'page'],
    ],
  );
  const s = j.timeline[0]!;
  assert.ok(s.kind === 'session');
  assert.deepEqual(s.pages, [
    { at: T(8), url: `https://acme.io/${T(8)}`, title: null },
    { at: T(8, 10), url: null, title: null },
  ]);
  const e = j.timeline[2]!;
  assert.ok(e.kind === 'event');
  assert.deepEqual(e, {
    kind: 'event',
    at: T(8, 5),
    type: 'track',
    event: 'Clicked',
    anonymousId: 'phone',
    userId: null,
    properties: { at: T(8, 5) },
    traits: null,
  });
});

test('at one instant: events, then sessions, milestones, identity changes, CRM changes and revenue, each in its given order', () => {
  const at = T(9);
  const j = journeyTimeline(
    parts({
      sessions: [session('s1', 'phone', at, at)],
      events: [event(at, 'track', 'phone'), event(at, 'identify', 'phone')],
      milestones: [
        { at: T(10), milestone: 'customer', source: 'crm', messageId: null, value: 1000 },
        { at, milestone: 'lead', source: 'form', messageId: 'm1' },
      ],
      changes: [
        { at, change: 'merge', others: ['p0'], reason: null, detail: null },
        { at: T(8), change: 'split', others: [], reason: 'quarantine', detail: 'kiosk' },
      ],
      revenue: [
        {
          at,
          source: 'csv',
          paymentId: 'r1',
          amountMinor: 500,
          currency: 'usd',
          dealId: null,
          description: null,
        },
      ],
      crm: [
        {
          at,
          source: 'csv',
          objectType: 'deal',
          objectId: 'd1',
          change: 'deal_stage',
          stage: null,
          pipeline: null,
          outcome: 'won',
          amountMinor: 100000,
          currency: 'usd',
          lostReason: null,
        },
      ],
    }),
  );
  assert.deepEqual(
    j.timeline.map((i) => `${i.at.slice(11, 16)} ${i.kind === 'event' ? i.type : i.kind}`),
    [
      '08:00 identity',
      '09:00 track',
      '09:00 identify',
      '09:00 session',
      '09:00 milestone',
      '09:00 identity',
      '09:00 crm',
      '09:00 revenue',
      '10:00 milestone',
    ],
  );
  assert.deepEqual(j.timeline[0], {
    kind: 'identity',
    at: T(8),
    change: 'split',
    others: [],
    reason: 'quarantine',
    detail: 'kiosk',
  });
  assert.deepEqual(j.timeline.at(-1), {
    kind: 'milestone',
    at: T(10),
    milestone: 'customer',
    source: 'crm',
    messageId: null,
    value: 1000,
  });
});

test('a person with nothing on the timeline has no first or last time', () => {
  assert.deepEqual(journeyTimeline(parts()), {
    personId: 'p1',
    identifiers: journeyIds(identities).identifiers,
    firstSeen: null,
    lastSeen: null,
    timeline: [],
  });
});
