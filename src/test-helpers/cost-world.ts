// A small world of paid traffic and ad spend for the costs and tagging-health reports: Google sessions
// matched by campaign id and by name, one paid campaign no spend explains, a LinkedIn campaign renamed
// mid-range, organic traffic and a session outside the range.
import { rebuild } from '../derive/derive.js';
import { newAdCostImportId, type AdCostRow, type AdPlatform } from '../store/areas/ad-costs.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { identify, page } from './events.js';

export const row = (
  date: string,
  campaignId: string,
  name: string,
  usd: number,
  currency = 'USD',
): AdCostRow => ({
  date,
  currency,
  campaignId,
  campaignName: name,
  adGroupId: null,
  adGroupName: null,
  adId: null,
  adName: null,
  keyword: null,
  matchType: null,
  impressions: 1000,
  clicks: 40,
  costMicros: usd * 1_000_000,
  conversions: 0,
  conversionValue: 0,
});

/** A row of campaign 500 "Shoes" at keyword level: its ad group, ad and keyword. */
export const level = (
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

export async function spend(
  store: Store,
  platform: AdPlatform,
  account: string,
  rows: AdCostRow[],
  ws = 'w',
) {
  await store.appendAdCosts(
    ws,
    {
      importId: newAdCostImportId(),
      platform,
      accountId: account,
      from: '2026-03-01',
      to: '2026-03-02',
      source: 'api',
    },
    rows,
  );
}

export const G = 'https://acme.io/?utm_source=google&utm_medium=cpc';
export const LI = 'https://acme.io/?utm_source=linkedin&utm_medium=paid_social';

/** The world in workspace `ws` (default: the test store's "w"). */
export async function world(store: Store, ws = 'w') {
  const add = (events: RawEvent[]) =>
    store.appendEvents(ws, events, { origin: 'import', receivedAt: new Date() });
  await add([
    // by id: the campaign id rides in utm_id, whatever the name says
    page('a1', '2026-03-01T09:00:00Z', `${G}&utm_campaign=whatever&utm_id=111`),
    identify('a1', '2026-03-01T09:05:00Z', 'a1@x.io'),
    // by name: "spring_sale" is the "Spring Sale" campaign's key
    page('a2', '2026-03-01T10:00:00Z', `${G}&utm_campaign=spring_sale`),
    identify('a2', '2026-03-01T10:05:00Z', 'a2@x.io'),
    page('a3', '2026-03-02T10:00:00Z', `${G}&utm_campaign=Spring%20Sale`),
    // paid, but no campaign of the platform has that name
    page('a4', '2026-03-02T11:00:00Z', `${G}&utm_campaign=untracked`),
    identify('a4', '2026-03-02T11:05:00Z', 'a4@x.io'),
    // renamed on LinkedIn between the two days: the old name still matches
    page('a5', '2026-03-02T12:00:00Z', `${LI}&utm_campaign=B2B-Launch`),
    // organic search: not paid traffic, not in the report
    page('a6', '2026-03-01T12:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
    // outside the range
    page('a7', '2026-03-03T09:00:00Z', `${G}&utm_campaign=spring_sale`),
  ]);
  await spend(
    store,
    'google',
    'g-1',
    [
      row('2026-03-01', '111', 'Brand', 100),
      row('2026-03-01', '222', 'Spring Sale', 30),
      row('2026-03-02', '222', 'Spring Sale', 20),
    ],
    ws,
  );
  await spend(
    store,
    'linkedin',
    'li-1',
    [row('2026-03-01', '9', 'B2B Launch', 70), row('2026-03-02', '9', 'B2B launch v2', 80)],
    ws,
  );
  await rebuild(store, ws);
}
