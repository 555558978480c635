// Two people on one browser, end to end on a real store: two persons, two leads, each of the device's
// sessions credited to the person whose identify came next, and each journey holding only its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { rebuild } from './derive.js';

const day = (d: number, h = 10, m = 0): string =>
  new Date(Date.UTC(2026, 5, d, h, m)).toISOString();

/** The laptop's sessions, by landing: before ann's identify, between ann's and bo's, after bo's. */
function family(): RawEvent[] {
  return [
    page('laptop', day(1), 'https://acme.io/', 'https://www.google.com/'), // s1: ann's, her form follows
    identify('laptop', day(1, 10, 5), 'ann@home.io'),
    {
      type: 'track',
      messageId: 'form-ann',
      event: 'form_submitted',
      anonymousId: 'laptop',
      timestamp: day(1, 10, 5),
      properties: { fields: { email: 'ann@home.io' } },
    },
    page('laptop', day(1, 10, 6), 'https://acme.io/thanks'), // the thank-you page of ann's session
    page('laptop', day(2), 'https://acme.io/blog', 'https://www.bing.com/'), // s2: bo's (his identify comes next)
    page(
      'laptop',
      day(3),
      'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
      'https://www.linkedin.com/',
    ), // s3: bo's
    identify('laptop', day(3, 10, 5), 'Bo@Home.io'),
    {
      type: 'track',
      messageId: 'chat-bo',
      event: 'chat_started',
      anonymousId: 'laptop',
      timestamp: day(3, 10, 6),
      properties: { email: 'bo@home.io' },
    },
    page('laptop', day(5), 'https://acme.io/pricing'), // s4: after the last identify, bo's
    // ann's own phone: hers alone
    page('ann-phone', day(6), 'https://acme.io/?utm_source=newsletter&utm_medium=email'),
    identify('ann-phone', day(6, 10, 1), 'ann@home.io'),
  ];
}

async function personOf(store: Store, email: string): Promise<string> {
  const ps = await store.personsByIdentifier('w', 'email', email);
  assert.equal(ps.length, 1, email);
  return ps[0]!;
}

test(
  'two emails identified on one anonymous id: two persons, two leads, each session and credit going to the right one',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store) => {
      await add(store, family());
      const summary = await rebuild(store, 'w');
      const ann = await personOf(store, 'ann@home.io');
      const bo = await personOf(store, 'bo@home.io');
      assert.notEqual(ann, bo);
      assert.equal(await store.countPersons('w'), 2, 'the laptop is no third person');
      assert.equal(summary.leads, 2);
      assert.deepEqual(
        (await store.personsByIdentifier('w', 'anonymous_id', 'laptop')).sort(),
        [ann, bo].sort(),
      );
      assert.equal(
        await store.personsByIdentifier('w', 'anonymous_id', 'ann-phone').then((p) => p[0]),
        ann,
      );

      // touches: the laptop's sessions split by the identifies, ann's phone hers
      const inputs = await store.attributionInputs('w', 'lead');
      const touches = (p: string): string[] =>
        inputs.touches
          .filter((t) => t.personId === p)
          .map((t) => `${new Date(t.at).toISOString().slice(0, 10)} ${t.channel}`);
      assert.deepEqual(touches(ann), ['2026-06-01 Organic Search', '2026-06-06 Email']);
      assert.deepEqual(touches(bo), [
        '2026-06-02 Organic Search',
        '2026-06-03 Paid Social',
        '2026-06-05 Direct',
      ]);
      assert.deepEqual(
        inputs.conversions.map((c) => [c.personId, new Date(c.at).toISOString()]).sort(),
        [
          [ann, day(1, 10, 5)],
          [bo, day(3, 10, 5)],
        ].sort(),
      );

      // credits: each lead credited to its own person's sessions before it
      const credited = async (p: string, model: string): Promise<string[]> =>
        (await store.personCredits('w', p))
          .filter((c) => c.model === model)
          .map((c) => `${c.channel} ${c.weight}`);
      assert.deepEqual(await credited(ann, 'last_touch'), ['Organic Search 1']);
      assert.deepEqual(await credited(bo, 'first_touch'), ['Organic Search 1']);
      assert.deepEqual(await credited(bo, 'last_touch'), ['Paid Social 1']);
      const report = await store.creditReport('w', {
        model: 'linear',
        milestone: 'lead',
        groupBy: ['channel'],
      });
      assert.deepEqual(Object.fromEntries(report.map((g) => [g.key.channel, g.conversions])), {
        'Organic Search': 1.5,
        'Paid Social': 0.5,
      });
      assert.deepEqual(
        await store.leadsByFirstTouchChannel('w'),
        [{ channel: 'Organic Search', leads: 2 }],
        'bo’s first touch is the Bing visit before his identify, not ann’s Google one',
      );

      // journeys: each holds only its own sessions and events from the laptop
      const journey = async (p: string) => (await store.personJourney('w', p))!;
      const a = await journey(ann);
      const b = await journey(bo);
      const sessions = (j: typeof a): string[] =>
        j.timeline.flatMap((i) =>
          i.kind === 'session'
            ? [`${i.at.slice(0, 10)} ${i.session.anonymousId} ${i.pages.length}`]
            : [],
        );
      assert.deepEqual(sessions(a), ['2026-06-01 laptop 2', '2026-06-06 ann-phone 1']);
      assert.deepEqual(sessions(b), [
        '2026-06-02 laptop 1',
        '2026-06-03 laptop 1',
        '2026-06-05 laptop 1',
      ]);
      const events = (j: typeof a): string[] =>
        j.timeline.flatMap((i) =>
          i.kind === 'event' ? [`${i.type} ${i.event ?? ''}`.trim()] : [],
        );
      assert.deepEqual(events(a).sort(), ['identify', 'identify', 'track form_submitted']);
      assert.deepEqual(events(b).sort(), ['identify', 'track chat_started']);
      assert.deepEqual(
        a.identifiers.map((i) => `${i.kind}:${i.value}`),
        ['anonymous_id:ann-phone', 'anonymous_id:laptop', 'email:ann@home.io'],
      );
      const leadOf = (j: typeof a) =>
        j.timeline.flatMap((i) => (i.kind === 'milestone' ? [[i.source, i.at]] : []));
      assert.deepEqual(leadOf(a), [['form', day(1, 10, 5)]]);
      assert.deepEqual(leadOf(b), [['chat', day(3, 10, 5)]]);

      // a rebuild over the same facts changes nothing and reports nothing
      const rows = (await store.currentIdentities('w')).map((r) => JSON.stringify(r)).sort();
      const again = await rebuild(store, 'w');
      assert.deepEqual([again.identity.merges, again.identity.splits], [0, 0]);
      assert.deepEqual(
        (await store.currentIdentities('w')).map((r) => JSON.stringify(r)).sort(),
        rows,
      );
    });
  },
);

test(
  'when the second person identifies, the device’s person splits (recorded with its reason); a login joining both addresses rejoins them',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store) => {
      const events = family();
      const cut = events.findIndex(
        (e) => e.type === 'identify' && JSON.stringify(e).includes('Bo@Home.io'),
      );
      await add(store, events.slice(0, cut));
      await rebuild(store, 'w');
      const [before] = await store.personsByIdentifier('w', 'anonymous_id', 'laptop');
      assert.equal(
        await personOf(store, 'ann@home.io'),
        before,
        'one person so far: the laptop and ann',
      );

      await add(store, events.slice(cut));
      const r = await rebuild(store, 'w');
      assert.equal(r.identity.splits, 1);
      const ann = await personOf(store, 'ann@home.io');
      const split = (await store.personJourney('w', ann))!.timeline.find(
        (i) => i.kind === 'identity' && i.change === 'split',
      );
      assert.ok(
        split && split.kind === 'identity' && split.reason === 'shared_device',
        JSON.stringify(split),
      );
      assert.deepEqual(split.others.sort(), [ann, await personOf(store, 'bo@home.io')].sort());

      // the same user account names both addresses: one person after all, and the laptop wholly theirs
      await add(store, [
        {
          type: 'identify',
          messageId: 'srv-1',
          userId: 'acct-1',
          timestamp: day(7),
          traits: { email: 'ann@home.io' },
        },
        {
          type: 'identify',
          messageId: 'srv-2',
          userId: 'acct-1',
          timestamp: day(7, 11),
          traits: { email: 'bo@home.io' },
        },
      ]);
      const joined = await rebuild(store, 'w');
      const one = await personOf(store, 'ann@home.io');
      assert.equal(await personOf(store, 'bo@home.io'), one);
      assert.deepEqual(await store.personsByIdentifier('w', 'anonymous_id', 'laptop'), [one]);
      assert.equal(joined.leads, 1);
      assert.ok(
        (await store.currentIdentities('w')).every((row) => row.span === undefined),
        'no spans left',
      );
    });
  },
);
