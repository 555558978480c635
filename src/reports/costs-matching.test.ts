// The costs report's matching beyond campaign ids and names, on the suite's engine: the workspace's
// mapping rules (tried after ids and names, first rule wins, re-applied to history when they change),
// and the ad group, ad and keyword level (ids carried in the URL, else the campaign's row).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { setCostMappingRules } from '../derive/cost-mapping-settings.js';
import type { AdCostRow } from '../store/areas/ad-costs.js';
import { G, row, spend, world } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { costMatchQuery, costs } from './costs.js';

const run = (store: Parameters<typeof setCostMappingRules>[0], groupBy: string) =>
  costs.run(
    { store, workspaceId: 'w' },
    costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy }),
  );

test('mapping rules give unmatched sessions a campaign, after ids and names, first rule first; a change re-applies to history', async () => {
  await withStore(async (store) => {
    await world(store);
    await add(store, [
      // not paid traffic: only a rule brings it in
      page(
        'r1',
        '2026-03-01T13:00:00Z',
        'https://acme.io/?utm_source=PartnerX&utm_medium=referral',
      ),
      // organic, on a landing page a rule names
      page(
        'r2',
        '2026-03-02T13:00:00Z',
        'https://acme.io/pricing/team?x=1',
        'https://www.bing.com/',
      ),
    ]);
    await spend(store, 'meta', 'm-1', [row('2026-03-01', 'm5', 'Retarget', 10)]);
    await rebuild(store, 'w');
    await setCostMappingRules(store, 'w', {
      rules: [
        // would take a2/a3 (matched by name) and a4: only a4 is left to the rules
        {
          id: 'untr',
          field: 'utm_campaign',
          op: 'contains',
          value: 'UNTR',
          platform: 'google',
          campaign: '111',
        },
        {
          id: 'never',
          field: 'utm_campaign',
          op: 'equals',
          value: 'untracked',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'spring',
          field: 'utm_campaign',
          op: 'matches',
          value: '^spring',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'partner',
          field: 'utm_source',
          op: 'equals',
          value: 'partnerx',
          platform: 'meta',
          campaign: 'm5',
        },
        {
          id: 'pricing',
          field: 'landing_path',
          op: 'starts_with',
          value: '/Pricing',
          platform: 'linkedin',
          campaign: '9',
          adGroup: 'g9',
        },
      ],
    });
    const r = await run(store, 'platform,campaign');
    const brief = r.rows.map((x) => [
      x.platform,
      x.campaign,
      x.sessions,
      x.matchedBy.campaign_id,
      x.matchedBy.campaign_name,
      x.matchedBy.rule,
      x.rules,
    ]);
    assert.deepEqual(brief, [
      ['google', '111', 2, 1, 0, 1, { untr: 1 }],
      ['google', '222', 2, 0, 2, 0, {}],
      ['linkedin', '9', 2, 0, 1, 1, { pricing: 1 }],
      ['meta', 'm5', 1, 0, 0, 1, { partner: 1 }],
    ]);
    // a rule's ad group is the sessions' ad group
    const byGroup = await run(store, 'platform,campaign,adGroup');
    assert.deepEqual(
      byGroup.rows.filter((x) => x.platform === 'linkedin').map((x) => [x.adGroup, x.sessions]),
      [
        [null, 1],
        ['g9', 1],
      ],
    );

    // the rules changed: history is read with the new ones at once
    await setCostMappingRules(store, 'w', {
      rules: [
        {
          id: 'partner',
          field: 'utm_source',
          op: 'equals',
          value: 'partnerx',
          platform: 'meta',
          campaign: 'm5',
        },
      ],
    });
    const after = await run(store, 'platform,campaign');
    assert.deepEqual(
      after.rows.map((x) => [x.platform, x.campaign, x.sessions, x.matchedBy.rule]),
      [
        ['google', null, 1, 0],
        ['google', '111', 1, 0],
        ['google', '222', 2, 0],
        ['linkedin', '9', 1, 0],
        ['meta', 'm5', 1, 1],
      ],
    );
  });
});

const level = (
  date: string,
  adGroupId: string,
  adGroupName: string,
  adId: string,
  keyword: string,
  usd: number,
): AdCostRow => ({
  ...row(date, '500', 'Shoes', usd),
  adGroupId,
  adGroupName,
  adId,
  adName: `Ad ${adId}`,
  keyword,
  matchType: 'BROAD',
});

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

test('a gclid Google resolved (click_view) matches first, with its ad group and keyword; others fall to the next steps', async () => {
  await withStore(async (store) => {
    await add(store, [
      // the URL names campaign 600 by name, but Google says the click was campaign 500's
      page('c1', '2026-03-01T09:00:00Z', `${G}&utm_campaign=Socks&gclid=CLICK-1`),
      // auto-tagged only (no UTMs): Paid Search by its gclid, resolved to an ad group and keyword
      page('c2', '2026-03-02T09:00:00Z', 'https://acme.io/?gclid=CLICK-2'),
      // a gclid Google did not report: matched by name as before
      page('c3', '2026-03-02T10:00:00Z', `${G}&utm_campaign=Socks&gclid=CLICK-9`),
    ]);
    await spend(store, 'google', 'g-1', [
      level('2026-03-01', '51', 'Runners', '5101', 'running shoes', 10),
      { ...row('2026-03-01', '600', 'Socks', 3) },
    ]);
    const click = (clickId: string, date: string, adGroupId: string, keyword: string | null) => ({
      clickId,
      date,
      campaignId: '500',
      adGroupId,
      adId: null,
      keyword,
      matchType: keyword ? 'EXACT' : null,
    });
    // fetched twice: read once
    await store.appendAdClicks('w', { platform: 'google', accountId: 'g-1' }, [
      click('CLICK-1', '2026-03-01', '51', null),
    ]);
    await store.appendAdClicks('w', { platform: 'google', accountId: 'g-1' }, [
      click('CLICK-1', '2026-03-01', '51', null),
      click('CLICK-2', '2026-03-02', '51', 'Running Shoes'),
    ]);
    await rebuild(store, 'w');

    const r = await run(store, 'campaign,adGroup');
    assert.deepEqual(
      r.rows.map((x) => [
        x.campaign,
        x.adGroup,
        x.cost,
        x.sessions,
        x.matchedBy.click_id,
        x.matchedBy.campaign_name,
      ]),
      [
        ['500', '51', 10, 2, 2, 0],
        ['600', null, 3, 1, 0, 1],
      ],
    );
    // each match explained: every step that holds, the value it read, the first deciding
    const explain = async (anon: string) => {
      const [session] = await store.listSessions('w', { anonymousIds: [anon] });
      const q = await costMatchQuery(store, 'w', { from: '2026-03-01', to: '2026-03-02' });
      return (await store.explainCostMatch('w', q, session!.sessionId)).map((x) => [
        x.rule,
        x.value,
        x.campaign,
        x.adGroup,
      ]);
    };
    assert.deepEqual(await explain('c1'), [
      ['click_id', 'CLICK-1', '500', '51'],
      ['campaign_name', 'Socks', '600', null],
    ]);
    assert.deepEqual(await explain('c3'), [['campaign_name', 'Socks', '600', null]]);

    const kw = await run(store, 'keyword');
    assert.deepEqual(
      kw.rows.map((x) => [x.keyword, x.sessions]),
      [
        [null, 2],
        ['running shoes', 1],
      ],
    );
  });
});
