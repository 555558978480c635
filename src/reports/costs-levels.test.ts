// The costs report below the campaign on the suite's engine: ad group, ad and keyword matched by the
// ids the URL carried (else the campaign's row), and leads from the stored credits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { G, level, row, spend, world } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { costs } from './costs.js';
import type { Store } from '../store/store.js';

const run = (store: Store, groupBy: string) =>
  costs.run(
    { store, workspaceId: 'w' },
    costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy }),
  );

test('ad group, ad and keyword: matched by the ids the URL carried, else on the campaign row', async () => {
  await withStore(async (store) => {
    await add(store, [
      // ValueTrack: campaign, ad group, ad and keyword
      page(
        'b1',
        '2026-03-01T09:00:00Z',
        `${G}&campaignid=500&adgroupid=51&creative=5101&keyword=running%20shoes`,
      ),
      // only an ad group id (Microsoft-style {AdGroupId} template): its campaign found through it
      page('b2', '2026-03-01T10:00:00Z', `${G}&AdGroupId=52`),
      // by name, no ad group
      page('b3', '2026-03-02T09:00:00Z', `${G}&utm_campaign=Shoes`),
      // an ad group with no spend: the campaign's row
      page('b4', '2026-03-02T10:00:00Z', `${G}&campaignid=500&adgroupid=99`),
      // the keyword from utm_term, broad match modifiers and case aside
      page('b5', '2026-03-02T11:00:00Z', `${G}&utm_campaign=shoes&utm_term=%2BRunning+%2Bshoes`),
    ]);
    await spend(store, 'google', 'g-1', [
      // a campaign-level row first: the ad group rows after it keep their ids
      row('2026-03-01', '700', 'Hats', 2),
      level('2026-03-01', '51', 'Runners', '5101', 'running shoes', 10),
      level('2026-03-02', '52', 'Trail', '5201', 'trail shoes', 5),
    ]);
    await rebuild(store, 'w');

    const groups = await run(store, 'platform,campaign,adGroup');
    assert.deepEqual(
      groups.rows.map((x) => [
        x.campaign,
        x.adGroup,
        x.adGroupName,
        x.cost,
        x.sessions,
        x.matchedBy.campaign_id,
        x.matchedBy.ad_group_id,
        x.matchedBy.campaign_name,
      ]),
      [
        ['500', null, null, 0, 3, 1, 0, 2],
        ['500', '51', 'Runners', 10, 1, 1, 0, 0],
        ['500', '52', 'Trail', 5, 1, 0, 1, 0],
        ['700', null, null, 2, 0, 0, 0, 0],
      ],
    );

    const ads = await run(store, 'ad');
    assert.deepEqual(
      ads.rows.map((x) => [x.ad, x.adName, x.cost, x.sessions]),
      [
        [null, null, 2, 4],
        ['5101', 'Ad 5101', 10, 1],
        ['5201', 'Ad 5201', 5, 0],
      ],
    );

    const keywords = await run(store, 'campaign,keyword');
    assert.deepEqual(
      keywords.rows.map((x) => [x.campaign, x.keyword, x.keywordText, x.cost, x.sessions]),
      [
        ['500', null, null, 0, 3],
        ['500', 'running shoes', 'running shoes', 10, 2],
        ['500', 'trail shoes', 'trail shoes', 5, 0],
        ['700', null, null, 2, 0],
      ],
    );
  });
});

test('leads come from stored credits; a milestone with no stored credits is null, not zero', async () => {
  await withStore(async (store) => {
    await world(store);
    const r = await run(store, 'platform');
    assert.deepEqual(
      r.rows.map((x) => [x.platform, x.leads, x.pipeline, x.revenue]),
      [
        ['google', 3, null, null],
        ['linkedin', 0, null, null],
      ],
    );
  });
});
