// The costs report's first step on the suite's engine: a gclid Google resolved (click_view facts)
// decides the campaign, ad group and keyword; other sessions fall to the next steps; each match explained.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { G, level, row, spend } from '../test-helpers/cost-world.js';
import { add, page, withStore } from '../test-helpers/events.js';
import { costMatchQuery, costs } from './costs.js';
import type { Store } from '../store/store.js';

const run = (store: Store, groupBy: string) =>
  costs.run(
    { store, workspaceId: 'w' },
    costs.params.parse({ from: '2026-03-01', to: '2026-03-02', groupBy }),
  );

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

test('clicks recorded after a read are matched at the next read, one of the day before the range too', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('d1', '2026-03-01T00:30:00Z', `${G}&utm_campaign=Socks&gclid=LATE-1`),
      page('d2', '2026-03-02T09:00:00Z', `${G}&utm_campaign=Socks`),
    ]);
    await spend(store, 'google', 'g-1', [
      row('2026-03-01', '500', 'Runners', 10),
      row('2026-03-01', '600', 'Socks', 3),
    ]);
    await rebuild(store, 'w');
    const byCampaign = async () =>
      (await run(store, 'campaign')).rows.map((x) => [
        x.campaign,
        x.sessions,
        x.matchedBy.click_id,
        x.matchedBy.campaign_name,
      ]);
    // no resolved clicks yet: both sessions by their utm_campaign
    assert.deepEqual(await byCampaign(), [
      ['500', 0, 0, 0],
      ['600', 2, 0, 2],
    ]);
    // Google's word arrives later, for a click of the day before the range (a session just past
    // midnight UTC): no re-derive, the next read has it
    await store.appendAdClicks('w', { platform: 'google', accountId: 'g-1' }, [
      {
        clickId: 'LATE-1',
        date: '2026-02-28',
        campaignId: '500',
        adGroupId: null,
        adId: null,
        keyword: null,
        matchType: null,
      },
    ]);
    assert.deepEqual(await byCampaign(), [
      ['500', 1, 1, 0],
      ['600', 1, 0, 1],
    ]);
  });
});
