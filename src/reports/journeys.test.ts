// The journeys report on the suite's engine, on the insights world (test-helpers/insights-world.ts):
// the segment's persons newest first with their paths up to the conversion, each filter (channel,
// campaign, ad group, ad, keyword, e-mail and name search), paging, and another milestone's paths.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { person } from '../test-helpers/crm-records.js';
import { identify, page, withStore } from '../test-helpers/events.js';
import { EUR_USD, insightsWorld } from '../test-helpers/insights-world.js';
import { journeys } from './journeys.js';

test('journeys: the segment newest first, each path up to the conversion, filters and paging', async () => {
  await withStore(async (store) => {
    await insightsWorld(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    const bob = await person(store, 'email', 'bob@acme.io');
    const zed = await person(store, 'email', 'zed@acme.io');
    const run = (q: Record<string, string>) =>
      journeys.run(
        { store, workspaceId: 'w' },
        journeys.params.parse({ from: '2026-03-01', to: '2026-03-31', ...q }),
      );

    const leads = await run({});
    // three leads: zed (03-05), bob (03-03), ada (03-02)
    assert.equal(leads.total, 3);
    assert.equal(leads.next, null);
    assert.deepEqual(
      leads.persons.map((p) => [p.personId, p.reachedAt, p.email, p.touchCount]),
      [
        [zed, '2026-03-05T12:00:00.000Z', 'zed@acme.io', 0],
        [bob, '2026-03-03T10:00:00.000Z', 'bob@acme.io', 1],
        [ada, '2026-03-02T09:00:00.000Z', 'ada@acme.io', 2],
      ],
    );
    const adaRow = leads.persons[2]!;
    assert.equal(adaRow.journey, `/api/people/${ada}/journey`);
    // ada's visit of 03-04 came after her lead: not on its path
    assert.deepEqual(
      adaRow.path.map((t) => [t.at, t.channel, t.source, t.medium, t.campaign]),
      [
        ['2026-03-01T09:00:00.000Z', 'Paid Search', 'google', 'cpc', null],
        ['2026-03-01T12:00:00.000Z', 'Organic Social', 'fb', 'social', 'spring'],
      ],
    );
    assert.deepEqual([adaRow.firstTouch, adaRow.lastTouch], ['Paid Search', 'Organic Social']);
    assert.deepEqual(
      leads.persons[1]!.path.map((t) => [t.channel, t.source, t.medium]),
      [['Email', 'news', 'email']],
    );

    // filters: a channel of a touch, a campaign, an e-mail, a name (any case)
    const ids = async (q: Record<string, string>) => (await run(q)).persons.map((p) => p.personId);
    assert.deepEqual(await ids({ channel: 'Email' }), [bob]);
    assert.deepEqual(await ids({ channel: 'Email,Paid Search' }), [bob, ada]);
    assert.deepEqual(await ids({ campaign: 'spring' }), [ada]);
    assert.deepEqual(await ids({ search: 'ADA@acme' }), [ada]);
    assert.deepEqual(await ids({ search: 'smith' }), [bob]);
    assert.deepEqual(await ids({ search: 'acme.io' }), [zed, bob, ada]);
    assert.deepEqual(await ids({ search: 'nobody' }), []);
    // the range: only ada reached lead on 03-02
    assert.deepEqual(await ids({ from: '2026-03-02', to: '2026-03-02' }), [ada]);

    // paging
    const first = await run({ limit: '2' });
    assert.deepEqual(
      [first.total, first.next, first.persons.map((p) => p.personId)],
      [3, 2, [zed, bob]],
    );
    const second = await run({ limit: '2', offset: '2' });
    assert.deepEqual(
      [second.total, second.next, second.persons.map((p) => p.personId)],
      [3, null, [ada]],
    );
    const past = await run({ limit: '2', offset: '10' });
    assert.deepEqual([past.total, past.persons.length], [3, 0]);

    // opportunities: their values, and ada's path now holds her visit of 03-04
    const opps = await run({ milestone: 'opportunity' });
    assert.deepEqual(
      opps.persons.map((p) => [p.personId, p.value, p.touchCount]),
      [
        [bob, 5000 * EUR_USD, 1],
        [ada, 12000.5 * EUR_USD, 3],
      ],
    );
    assert.equal(opps.persons[1]!.path[2]!.at, '2026-03-04T08:00:00.000Z');
  });
});

test('journeys: the ad group, ad and keyword filters read the touches as the performance report does', async () => {
  await withStore(async (store) => {
    const ad = 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring';
    await insightsWorld(store, [
      // kim: ad group g1, ad a1, the keyword of the URL; lee: ad group g2 and a utm_term
      page('anon-k', '2026-03-06T09:00:00Z', `${ad}&adgroupid=g1&creative=a1&keyword=crm+software`),
      identify('anon-k', '2026-03-06T10:00:00Z', 'kim@acme.io'),
      page('anon-l', '2026-03-07T09:00:00Z', `${ad}&adgroupid=g2&utm_term=cheap+crm`),
      identify('anon-l', '2026-03-07T10:00:00Z', 'lee@acme.io'),
      // lee's later visit of g1 came after the lead: not a touch
      page('anon-l', '2026-03-08T09:00:00Z', `${ad}&adgroupid=g1`),
    ]);
    const ada = await person(store, 'email', 'ada@acme.io');
    const kim = await person(store, 'email', 'kim@acme.io');
    const lee = await person(store, 'email', 'lee@acme.io');
    const ids = async (q: Record<string, string>) =>
      (
        await journeys.run(
          { store, workspaceId: 'w' },
          journeys.params.parse({ from: '2026-03-01', to: '2026-03-31', ...q }),
        )
      ).persons.map((p) => p.personId);
    assert.deepEqual(await ids({ campaign: 'spring' }), [lee, kim, ada]);
    assert.deepEqual(await ids({ adGroup: 'g1' }), [kim]);
    assert.deepEqual(await ids({ adGroup: 'g1,g2' }), [lee, kim]);
    assert.deepEqual(await ids({ ad: 'a1' }), [kim]);
    assert.deepEqual(await ids({ keyword: 'crm software' }), [kim]);
    assert.deepEqual(await ids({ keyword: 'cheap crm' }), [lee]);
    // the drill path: every level at once
    assert.deepEqual(
      await ids({
        channel: 'Paid Search',
        campaign: 'spring',
        adGroup: 'g1',
        keyword: 'crm software',
      }),
      [kim],
    );
    assert.deepEqual(await ids({ campaign: 'spring', adGroup: 'g2', keyword: 'crm software' }), []);
  });
});
