// The tagging-health report on the suite's engine: each seeded tagging mistake of the cost world is a
// finding with the right spend and sessions (a campaign no session matches, a utm_campaign that names no
// campaign, paid landings with no campaign tag, a platform whose clicks lack its click id, clicks the
// site never saw, spend without an exchange rate).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { G, LI, row, spend, world } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { taggingHealth } from './tagging-health.js';

test('each seeded tagging mistake is a finding with its spend and sessions', async () => {
  await withStore(async (store) => {
    await world(store);
    // a campaign with spend and no tagged traffic
    await spend(store, 'google', 'g-2', [row('2026-03-02', '333', 'Summer', 40)]);
    // spend in a currency with no rate
    await spend(store, 'meta', 'm-1', [row('2026-03-02', 'm5', 'Retarget', 10, 'EUR')]);
    // auto-tagged clicks with no UTMs on /pricing, and enough tagged Google traffic without a gclid
    // that the gclid share is low
    await add(store, [
      page('u1', '2026-03-01T15:00:00Z', 'https://acme.io/pricing?gclid=abc'),
      ...Array.from({ length: 10 }, (_, i) =>
        page(`t${i}`, '2026-03-02T08:00:00Z', `${G}&utm_campaign=Brand&utm_id=111`),
      ),
    ]);
    await rebuild(store, 'w');

    const r = await taggingHealth.run(
      { store, workspaceId: 'w' },
      taggingHealth.params.parse({ from: '2026-03-01', to: '2026-03-02' }),
    );
    const of = (check: string) => r.findings.filter((f) => f.check === check);
    assert.deepEqual(
      of('spend_without_sessions').map((f) => [f.platform, f.campaign, f.spend]),
      [
        // LinkedIn's campaign 9 has sessions on 03-02 only: its spend of 03-01 met none
        ['linkedin', '9', 70],
        ['google', '333', 40],
        ['meta', 'm5', null],
      ],
    );
    assert.deepEqual(of('spend_without_sessions')[0]!.days, ['2026-03-01']);
    assert.match(of('spend_without_sessions')[1]!.fix, /utm_campaign=Summer or utm_id=333/);
    assert.deepEqual(
      of('sessions_without_spend').map((f) => [f.platform, f.campaign, f.sessions, f.candidate]),
      // Summer (333) has spend and no session on that day, but none later: no rename to suggest
      [['google', 'untracked', 1, undefined]],
    );
    assert.deepEqual(
      of('untagged_landing_page').map((f) => [
        f.platform,
        f.sessions,
        f.detail.includes('https://acme.io/pricing'),
      ]),
      [['google', 1, true]],
    );
    // 1 of 15 paid Google sessions carried a gclid; the spend concerned is Google's
    assert.deepEqual(
      of('auto_tagging_off').map((f) => [f.platform, f.sessions, f.spend]),
      [['google', 15, 190]],
    );
    // 40 clicks a day reported: Brand's 11 sessions on 03-02 are too few, and so on
    const clicks = of('clicks_without_sessions').map(
      (f) => `${f.campaign} ${f.date} ${f.sessions}`,
    );
    assert.ok(clicks.includes('111 2026-03-01 1'), clicks.join('; '));
    assert.ok(clicks.includes('333 2026-03-02 0'), clicks.join('; '));
    assert.deepEqual(
      of('spend_without_rate').map((f) => [f.date, f.detail.includes('EUR')]),
      [['2026-03-02', true]],
    );
    // findings come check by check
    const order = r.findings.map((f) => f.check);
    assert.equal(order.indexOf('spend_without_rate'), order.length - 1);
  });
});

test('a clean account has no findings', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('c1', '2026-03-01T09:00:00Z', `${G}&utm_campaign=Brand&utm_id=111&gclid=x1`),
    ]);
    await spend(store, 'google', 'g-1', [{ ...row('2026-03-01', '111', 'Brand', 5), clicks: 1 }]);
    await rebuild(store, 'w');
    const r = await taggingHealth.run(
      { store, workspaceId: 'w' },
      taggingHealth.params.parse({ from: '2026-03-01', to: '2026-03-02' }),
    );
    assert.deepEqual(r.findings, []);
  });
});

test('judged day by day: a campaign untagged for a day, a renamed campaign, a copied utm_id', async () => {
  await withStore(async (store) => {
    await add(store, [
      // Brand (111) is tagged on 03-01 and loses its UTMs on 03-02 (auto-tagging still adds gclid)
      page('d1', '2026-03-01T09:00:00Z', `${G}&utm_campaign=Brand&utm_id=111`),
      page('d2', '2026-03-02T09:00:00Z', 'https://acme.io/?gclid=zz'),
      // LinkedIn 9, tagged by name only, renamed: the costs report only its new name
      page('d3', '2026-03-01T10:00:00Z', `${LI}&utm_campaign=Old%20Name`),
      page('d4', '2026-03-02T10:00:00Z', `${LI}&utm_campaign=New%20Name`),
      // Generic (222) copied from Search (333): on 03-02 its URLs carry Search's utm_id beside its own
      // ValueTrack campaign id and name
      page('d5', '2026-03-01T11:00:00Z', `${G}&utm_campaign=Generic&utm_id=222&campaignid=222`),
      page('d6', '2026-03-02T11:00:00Z', `${G}&utm_campaign=Generic&utm_id=333&campaignid=222`),
      page('d7', '2026-03-01T12:00:00Z', `${G}&utm_campaign=Search&utm_id=333`),
      // one by its name alone; and one whose ValueTrack id alone says Brand
      page('d8', '2026-03-02T13:00:00Z', `${G}&utm_campaign=Generic&utm_id=333`),
      page('d9', '2026-03-02T14:00:00Z', `${G}&utm_campaign=whatever&utm_id=333&campaignid=111`),
    ]);
    await spend(store, 'google', 'g-1', [
      row('2026-03-01', '111', 'Brand', 10),
      row('2026-03-02', '111', 'Brand', 12),
      row('2026-03-01', '222', 'Generic', 5),
      row('2026-03-02', '222', 'Generic', 7),
      row('2026-03-01', '333', 'Search', 3),
      row('2026-03-02', '333', 'Search', 4),
    ]);
    await spend(store, 'linkedin', 'li-1', [
      row('2026-03-01', '9', 'New Name', 20),
      row('2026-03-02', '9', 'New Name', 30),
    ]);
    await rebuild(store, 'w');

    const r = await taggingHealth.run(
      { store, workspaceId: 'w' },
      taggingHealth.params.parse({ from: '2026-03-01', to: '2026-03-02' }),
    );
    const of = (check: string) => r.findings.filter((f) => f.check === check);
    // each campaign has sessions on one day and none on the other: that day's spend is named
    assert.deepEqual(
      of('spend_without_sessions').map((f) => [f.platform, f.campaign, f.spend, f.days]),
      [
        ['linkedin', '9', 20, ['2026-03-01']],
        ['google', '111', 12, ['2026-03-02']],
        ['google', '222', 7, ['2026-03-02']],
      ],
    );
    assert.match(of('spend_without_sessions')[1]!.fix, /utm_id=111 on every day/);
    // the old name meets no spend on the day campaign 9 has spend and no session
    const renamed = of('sessions_without_spend');
    assert.deepEqual(
      renamed.map((f) => [f.platform, f.campaign, f.candidate, f.spend, f.sessions, f.days]),
      [['linkedin', 'Old Name', '9', 20, 1, ['2026-03-01']]],
    );
    assert.match(renamed[0]!.detail, /probably campaign "New Name" \(9\) renamed/);
    // Generic's sessions of 03-02 count for Search, whose id they carried: d6 once, though both its
    // campaign id parameter and its name say Generic; d9 names Brand by its campaign id parameter
    const copied = of('campaign_id_mismatch');
    assert.deepEqual(
      copied.map((f) => [f.platform, f.campaign, f.spend, f.sessions, f.days]),
      [
        ['google', '111', 12, 1, ['2026-03-02']],
        ['google', '222', 7, 2, ['2026-03-02']],
      ],
    );
    assert.match(copied[1]!.fix, /utm_id=222/);
  });
});
