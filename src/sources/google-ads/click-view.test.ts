// Google Ads click_view through the searchStream client against a local server replaying the API: the
// day's query (one day, as click_view demands), each gclid read with its campaign, ad group, the ad id
// out of the ad_group_ad resource name and the keyword; a click without a gclid skipped; a refused row
// named by batch, result and field.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { json, startReplay } from '../../test-helpers/replay-server.js';
import { clickViewGaql, fetchClicks } from './click-view.js';
import { createGoogleAdsClient } from './client.js';

const answer = JSON.parse(
  readFileSync(new URL('./fixtures/search-stream-click-view.json', import.meta.url), 'utf8'),
) as { results: { clickView: Record<string, unknown> }[] }[];
const PATH = 'POST /v19/customers/1234567890/googleAds:searchStream';

test('click_view: one day asked, each gclid with its campaign, ad group, ad and keyword', async () => {
  const bad = structuredClone(answer);
  bad[0]!.results[0]!.clickView.adGroupAd = 'adGroupAds/5501';
  const server = await startReplay({ [PATH]: [json(200, answer), json(200, bad)] });
  try {
    const client = createGoogleAdsClient({
      baseUrl: server.baseUrl,
      developerToken: 'DEVTOKEN-abc',
      oauth: { accessToken: 'ya29.x', refresh: async () => 'ya29.y' },
    });
    const rows = await fetchClicks(client.searchStream, '123-456-7890', '2024-05-01');
    assert.deepEqual(rows, [
      {
        clickId: 'Cj0KCQjw-gclid-one',
        date: '2024-05-01',
        campaignId: '111',
        adGroupId: '5501',
        adId: '770001',
        keyword: 'crm software',
        matchType: 'PHRASE',
      },
      {
        clickId: 'EAIaIQob-gclid-two',
        date: '2024-05-01',
        campaignId: '112',
        adGroupId: '5601',
        adId: '880002',
        keyword: null,
        matchType: null,
      },
    ]);
    const query = (server.requests[0]!.json as { query: string }).query;
    assert.match(
      query,
      /^SELECT click_view\.gclid, .* FROM click_view WHERE segments\.date = '2024-05-01'$/,
    );
    assert.equal(server.requests[0]!.headers['developer-token'], 'DEVTOKEN-abc');
    await assert.rejects(
      fetchClicks(client.searchStream, '1234567890', '2024-05-01'),
      /batch 0, result 0, clickView\.adGroupAd: must be customers/,
    );
  } finally {
    await server.close();
  }
});

test('click_view is asked for a day, and nothing else reaches the query', () => {
  assert.throws(() => clickViewGaql("2024-05-01' OR '1"), /not a day/);
  assert.throws(() => clickViewGaql('2024-02-30x'), /not a day/);
});
