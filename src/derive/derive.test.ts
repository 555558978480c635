import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CHANNEL_EFFECTS,
  segmentHttpWriter,
  simulate,
  type ChannelId,
  type SegmentEvent,
} from '../sim/index.js';
import {
  MAX_EMAILS_PER_ANONYMOUS_ID,
  ResolvableIdentities,
  type ObservedEvent,
} from '../sim/resolution.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { startTestServer } from '../test-helpers/server.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { deriveAffected, rebuild } from './derive.js';
import { DEFAULT_MAX_EMAILS_PER_IDENTIFIER } from './identity/graph.js';

const leadsByFirstTouch = async (store: Store, ws: string) =>
  Object.fromEntries((await store.leadsByFirstTouchChannel(ws)).map((l) => [l.channel, l.leads]));

test('a simulated world replayed through the ingestion API: sessions per channel, persons and leads by first touch match the simulator’s record', async () => {
  const s = await startTestServer({ ingestRateLimit: 0 });
  const { dir, cleanup } = tempDir();
  try {
    const sender = segmentHttpWriter({ baseUrl: s.base, writeKey: s.workspace.writeKey });
    const sim = await simulate(
      { seed: 5, days: 30, visitorsPerDay: 60, end: '2026-09-30' },
      { outDir: dir, extraWriters: [sender] },
    );
    assert.equal(sender.stats.events, sim.record.events.total);
    await s.app.ingest.flush();
    assert.equal(await s.store.countEvents(s.workspace.id), sim.record.events.total);
    const summary = await rebuild(s.store, s.workspace.id);

    const byChannel = Object.fromEntries(
      (await s.store.sessionsByChannel(s.workspace.id)).map((c) => [c.channel, c.sessions]),
    );
    assert.deepEqual(
      byChannel,
      Object.fromEntries(
        Object.entries(sim.record.sessions.byGa4ChannelGroup).filter(([, n]) => n > 0),
      ),
    );
    assert.equal(await s.store.countPersons(s.workspace.id), sim.record.identity.resolvablePersons);
    assert.equal(summary.leads, sim.record.leads.resolvable.total);
    assert.deepEqual(
      await leadsByFirstTouch(s.store, s.workspace.id),
      sim.record.leads.resolvable.byFirstTouchGa4ChannelGroup,
    );

    // a rebuild over unchanged facts gives identical derived tables, and reports no identity change
    const sessions = await s.store.listSessions(s.workspace.id);
    const identities = (await s.store.currentIdentities(s.workspace.id)).sort((a, b) =>
      `${a.kind}${a.value}`.localeCompare(`${b.kind}${b.value}`),
    );
    const again = await rebuild(s.store, s.workspace.id);
    assert.deepEqual(await s.store.listSessions(s.workspace.id), sessions);
    assert.deepEqual(
      (await s.store.currentIdentities(s.workspace.id)).sort((a, b) =>
        `${a.kind}${a.value}`.localeCompare(`${b.kind}${b.value}`),
      ),
      identities,
    );
    assert.deepEqual([again.identity.merges, again.identity.splits], [0, 0]);
  } finally {
    await s.close();
    cleanup();
  }
});

test(
  'a simulated world with shared devices on which two people became leads: two persons and two leads, as the record counts them',
  { timeout: 120_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const sim = await simulate(
        { seed: 4, days: 20, visitorsPerDay: 20, end: '2026-09-30' },
        { outDir: dir },
      );
      // The world must hold the case, or this test would pass without testing it: a device on which two
      // emails identified, read from the events themselves.
      const events = readFileSync(join(dir, 'events.ndjson'), 'utf8')
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l) as SegmentEvent);
      const emailsByDevice = new Map<string, Set<string>>();
      for (const e of events) {
        const email = e.type === 'identify' ? e.traits?.['email'] : undefined;
        if (typeof email === 'string')
          emailsByDevice.set(
            e.anonymousId,
            (emailsByDevice.get(e.anonymousId) ?? new Set()).add(email),
          );
      }
      const shared = [...emailsByDevice].filter(([, emails]) => emails.size > 1);
      assert.ok(shared.length > 0, 'the world has a shared device with two leads');

      await withStore(async (store) => {
        await store.importEventsFile('w', join(dir, 'events.ndjson'));
        const summary = await rebuild(store, 'w');
        assert.equal(summary.leads, sim.record.leads.resolvable.total);
        assert.equal(await store.countPersons('w'), sim.record.identity.resolvablePersons);
        assert.deepEqual(
          await leadsByFirstTouch(store, 'w'),
          sim.record.leads.resolvable.byFirstTouchGa4ChannelGroup,
        );
        for (const [device, emails] of shared) {
          const persons = new Set<string>();
          for (const email of emails)
            for (const p of await store.personsByIdentifier('w', 'email', email)) persons.add(p);
          assert.equal(persons.size, emails.size, `one person each for ${[...emails].join(', ')}`);
          assert.deepEqual(
            new Set(await store.personsByIdentifier('w', 'anonymous_id', device)),
            persons,
            'the device is split between them',
          );
          for (const p of persons) {
            const journey = await store.personJourney('w', p);
            assert.equal(
              journey!.timeline.filter((i) => i.kind === 'milestone' && i.milestone === 'lead')
                .length,
              1,
            );
          }
        }
      });
    } finally {
      cleanup();
    }
  },
);

test('the record’s model of identity resolution agrees with the product: over the quarantine limit, a shared device at it, and by phone', async () => {
  assert.equal(
    MAX_EMAILS_PER_ANONYMOUS_ID,
    DEFAULT_MAX_EMAILS_PER_IDENTIFIER,
    'the simulator models the product’s default limit',
  );
  let n = 0;
  const at = (day: number, minute: number) =>
    `2026-05-${String(day).padStart(2, '0')}T09:${String(minute).padStart(2, '0')}:00.000Z`;
  const ev = (
    anonymousId: string,
    timestamp: string,
    e: Pick<ObservedEvent, 'type' | 'event' | 'traits'> & {
      properties?: ObservedEvent['properties'];
    },
  ): ObservedEvent & { messageId: string } => ({
    messageId: `r${n++}`,
    anonymousId,
    timestamp,
    ...e,
    properties: e.properties ?? {},
  });
  const linkedin = [
    'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
    'https://www.linkedin.com/',
  ] as const;
  // per device: its page views (each a session, with the simulator's channel for it), then what it sent
  const devices: {
    anon: string;
    pages: (readonly [day: number, url: string, referrer?: string])[];
    channels: ChannelId[];
    sent: ReturnType<typeof ev>[];
  }[] = [
    // a kiosk with one email over the limit is quarantined: one person, one lead; its emails join no one
    {
      anon: 'kiosk',
      pages: [[3, 'https://acme.io/']],
      channels: ['direct'],
      sent: Array.from({ length: MAX_EMAILS_PER_ANONYMOUS_ID + 1 }, (_, i) =>
        ev('kiosk', at(3, 5 + i), { type: 'identify', traits: { email: `k${i}@x.io` } }),
      ),
    },
    // k0's own laptop stays its own person, with its own lead
    {
      anon: 'laptop',
      pages: [[1, ...linkedin]],
      channels: ['paid_social_linkedin'],
      sent: [ev('laptop', at(1, 5), { type: 'identify', traits: { email: 'K0@x.io' } })],
    },
    // two people on one desk, below the limit: two persons and two leads; ann's first touch is the desk's
    // first visit, bo's the LinkedIn visit after her form and before his identify
    {
      anon: 'desk',
      pages: [
        [2, 'https://acme.io/pricing', 'https://www.google.com/'],
        [5, ...linkedin],
      ],
      channels: ['organic_search', 'paid_social_linkedin'],
      sent: [
        ev('desk', at(2, 5), {
          type: 'track',
          event: 'form_submitted',
          properties: { fields: { email: 'ann@y.io' } },
        }),
        ev('desk', at(5, 5), { type: 'identify', traits: { email: 'bo@y.io' } }),
      ],
    },
    // a call identified only by phone is a lead too
    {
      anon: 'mobile',
      pages: [[6, 'https://acme.io/']],
      channels: ['direct'],
      sent: [
        ev('mobile', at(6, 5), { type: 'identify', traits: { phone: '+447700900123' } }),
        ev('mobile', at(6, 6), {
          type: 'track',
          event: 'phone_call',
          properties: { phone: '+447700900123' },
        }),
      ],
    },
  ];
  const model = new ResolvableIdentities();
  const raw: RawEvent[] = [];
  for (const d of devices) {
    const sessions = d.pages.map(([day], i) => ({
      t: Date.parse(at(day, 0)),
      channel: d.channels[i]!,
    }));
    for (const [day, url, referrer] of d.pages) raw.push(page(d.anon, at(day, 0), url, referrer));
    for (const e of d.sent) {
      model.observe(e, sessions);
      raw.push(e);
    }
  }
  const resolved = model.resolve(devices.length);
  const groups: Record<string, number> = {};
  for (const l of resolved.leads) {
    const g = l.firstTouch === null ? '(no touchpoint)' : CHANNEL_EFFECTS[l.firstTouch].ga4;
    groups[g] = (groups[g] ?? 0) + 1;
  }
  // kiosk; k1, k2, k3; laptop with k0; ann; bo (the desk is no one's as a whole); mobile with its phone
  assert.deepEqual(
    [resolved.persons, resolved.leads.length, resolved.sharedDevices, groups],
    [8, 5, 1, { Direct: 2, 'Paid Social': 2, 'Organic Search': 1 }],
  );
  await withStore(async (store) => {
    await add(store, raw);
    const summary = await rebuild(store, 'w');
    assert.deepEqual(
      (await store.quarantinedIdentifiers('w')).map((q) => q.value),
      ['kiosk'],
    );
    assert.deepEqual(
      [await store.countPersons('w'), summary.leads, await leadsByFirstTouch(store, 'w')],
      [resolved.persons, resolved.leads.length, groups],
    );
  });
});

test('identity: two devices joined by one email are one person, and the journey holds both devices’ sessions', async () => {
  await withStore(async (store) => {
    await add(store, [
      page(
        'laptop',
        '2026-03-01T09:00:00Z',
        'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
        'https://www.linkedin.com/',
      ),
      identify('laptop', '2026-03-01T09:05:00Z', 'Ada@Acme.io'),
      page('phone', '2026-03-03T20:00:00Z', 'https://acme.io/pricing', 'https://www.google.com/'),
      identify('phone', '2026-03-03T20:02:00Z', 'ada@acme.io '),
      page('stranger', '2026-03-02T10:00:00Z', 'https://acme.io/'),
    ]);
    await rebuild(store, 'w');
    const [person, ...more] = await store.personsByIdentifier('w', 'email', 'ada@acme.io');
    assert.equal(more.length, 0);
    assert.equal(await store.countPersons('w'), 2);
    const journey = await store.personJourney('w', person!);
    const sessions = journey!.timeline.filter((i) => i.kind === 'session');
    assert.deepEqual(
      sessions.map((x) => (x.kind === 'session' ? x.session.channel : '')),
      ['Paid Social', 'Organic Search'],
    );
    assert.deepEqual(
      journey!.timeline
        .filter((i) => i.kind === 'milestone')
        .map((m) => (m.kind === 'milestone' ? [m.milestone, m.at] : [])),
      [['lead', '2026-03-01T09:05:00.000Z']],
    );
  });
});

test('identity: a shared device with 8 emails is quarantined and listed; its 8 people stay apart', async () => {
  await withStore(async (store) => {
    const events: RawEvent[] = [page('kiosk', '2026-03-01T09:00:00Z', 'https://acme.io/')];
    for (let i = 0; i < 8; i++)
      events.push(identify('kiosk', `2026-03-01T1${i}:00:00Z`, `visitor${i}@example.com`));
    await add(store, events);
    await rebuild(store, 'w');
    const q = await store.quarantinedIdentifiers('w');
    assert.deepEqual(
      q.map((x) => [x.kind, x.value, x.distinctEmails]),
      [['anonymous_id', 'kiosk', 8]],
    );
    const people = new Set<string>();
    for (let i = 0; i < 8; i++)
      for (const p of await store.personsByIdentifier('w', 'email', `visitor${i}@example.com`))
        people.add(p);
    assert.equal(people.size, 8);
  });
});

test('identity: a late identify merges earlier anonymous sessions retroactively, and the merge is recorded', async () => {
  await withStore(async (store) => {
    await add(store, [
      page(
        'old-browser',
        '2026-02-01T09:00:00Z',
        'https://acme.io/?gclid=abc',
        'https://www.google.com/',
      ),
      page('new-browser', '2026-02-20T09:00:00Z', 'https://acme.io/demo'),
      identify('new-browser', '2026-02-20T09:01:00Z', 'bo@acme.io'),
    ]);
    await rebuild(store, 'w');
    const before = await store.personsByIdentifier('w', 'email', 'bo@acme.io');
    // the old browser identifies weeks later (and the event arrives out of order, dated in the past)
    await add(store, [identify('old-browser', '2026-02-01T09:10:00Z', 'bo@acme.io')]);
    await deriveAffected(store, 'w', ['old-browser']);
    const [person] = await store.personsByIdentifier('w', 'email', 'bo@acme.io');
    const journey = await store.personJourney('w', person!);
    const channels = journey!.timeline.flatMap((i) =>
      i.kind === 'session' ? [i.session.channel] : [],
    );
    assert.deepEqual(
      channels,
      ['Paid Search', 'Direct'],
      'the earlier paid session joined the journey',
    );
    const changes = journey!.timeline.filter((i) => i.kind === 'identity');
    assert.ok(
      changes.some((c) => c.kind === 'identity' && c.change === 'merge'),
      'the merge is in the journey',
    );
    assert.ok(before.length === 1);
    const leads = journey!.timeline.filter((i) => i.kind === 'milestone');
    assert.equal(
      leads[0]!.at,
      '2026-02-01T09:10:00.000Z',
      'the lead moment moves to the earlier identify',
    );
  });
});

test('identity: a person split never happens silently (a quarantine that starts is recorded with its reason)', async () => {
  await withStore(async (store) => {
    // a team login (a user id, not a device) used with two addresses is one person with both
    const login = (n: number, email: string, at: string): RawEvent => ({
      type: 'identify',
      messageId: `team-${n}`,
      anonymousId: `pc-${n}`,
      userId: 'team',
      timestamp: at,
      traits: { email },
    });
    await add(store, [
      page('pc-0', '2026-04-01T09:00:00Z', 'https://acme.io/'),
      login(0, 'a@x.io', '2026-04-01T09:01:00Z'),
      login(1, 'b@x.io', '2026-04-01T09:02:00Z'),
    ]);
    await rebuild(store, 'w');
    assert.equal(
      (await store.personsByIdentifier('w', 'email', 'a@x.io'))[0],
      (await store.personsByIdentifier('w', 'email', 'b@x.io'))[0],
    );
    await add(store, [
      login(2, 'c@x.io', '2026-04-02T09:00:00Z'),
      login(3, 'd@x.io', '2026-04-02T09:01:00Z'),
    ]);
    const r = await rebuild(store, 'w');
    assert.equal(r.identity.splits, 1);
    const [a] = await store.personsByIdentifier('w', 'email', 'a@x.io');
    const [b] = await store.personsByIdentifier('w', 'email', 'b@x.io');
    assert.notEqual(a, b);
    const journey = await store.personJourney('w', a!);
    const split = journey!.timeline.find((i) => i.kind === 'identity' && i.change === 'split');
    assert.ok(
      split && split.kind === 'identity' && split.reason === 'quarantine',
      JSON.stringify(journey!.timeline),
    );
  });
});
