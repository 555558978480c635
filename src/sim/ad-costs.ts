/**
 * Ad platform daily cost rows that agree with the simulated paid clicks: for every day and every ad
 * group (and keyword, for search) of the catalogue, clicks are exactly the paid sessions counted that
 * day, cost is clicks x the keyword's CPC x noise, impressions about clicks / CTR. Noise comes from a
 * stream keyed by (day, row), so a row never depends on the order sessions were rendered in.
 */
import { CAMPAIGNS, type AdGroup, type Campaign, type Keyword } from './ad-campaigns.js';
import { SITE } from './site.js';
import type { ChannelId } from './channels.js';
import { PURPOSE, Rng } from './prng.js';
import type { PaidClick } from './tagging.js';
import { nameOn, type TaggingMistake } from './tagging-mistakes.js';
import type { AdCostRow } from './types.js';

interface CatalogRow {
  campaign: Campaign;
  adGroup: AdGroup;
  keyword: Keyword | null;
}

const ROWS: readonly CatalogRow[] = CAMPAIGNS.flatMap((campaign) =>
  campaign.adGroups.flatMap((adGroup): CatalogRow[] =>
    adGroup.keywords.length > 0
      ? adGroup.keywords.map((keyword) => ({ campaign, adGroup, keyword }))
      : [{ campaign, adGroup, keyword: null }],
  ),
);

function rowKey(
  platform: string,
  campaignId: string,
  adGroupId: string,
  keyword: string | null,
): string {
  return `${platform}|${campaignId}|${adGroupId}|${keyword ?? ''}`;
}

const ROW_INDEX = new Map(
  ROWS.map((r, i) => [
    rowKey(r.campaign.platform, r.campaign.id, r.adGroup.id, r.keyword?.text ?? null),
    i,
  ]),
);

export class AdCostAggregator {
  private clicks: number[] = new Array<number>(ROWS.length).fill(0);

  constructor(
    private readonly seed: number,
    private readonly off: ReadonlySet<ChannelId>,
    private readonly mistakes: readonly TaggingMistake[] = [],
  ) {}

  addClick(click: PaidClick): void {
    const i = ROW_INDEX.get(
      rowKey(click.platform, click.campaign.id, click.adGroup.id, click.keyword?.text ?? null),
    );
    if (i === undefined)
      throw new Error(`paid click outside the catalogue: ${click.campaign.name}`);
    this.clicks[i] = (this.clicks[i] ?? 0) + 1;
  }

  /** The rows of one day (every active ad group or keyword, clicks or not); resets the counts. */
  flushDay(dayIndex: number, date: string): AdCostRow[] {
    const out: AdCostRow[] = [];
    for (let i = 0; i < ROWS.length; i++) {
      const row = ROWS[i];
      if (row === undefined || this.off.has(row.campaign.channel)) continue;
      const clicks = this.clicks[i] ?? 0;
      const rng = Rng.of(this.seed, PURPOSE.cost, dayIndex, i);
      const cpc = row.keyword?.cpc ?? row.adGroup.cpc;
      const ctr = (row.keyword?.ctr ?? row.adGroup.ctr) * rng.lognormal(1, 0.15);
      // A day without clicks still shows some impressions; CPC billing means it costs nothing.
      const impressions =
        clicks > 0 ? Math.max(clicks, Math.round(clicks / ctr)) : rng.poisson(0.6 / ctr);
      const cost = Math.round(clicks * cpc * rng.lognormal(1, 0.2) * 100) / 100;
      out.push({
        date,
        platform: row.campaign.platform,
        account_currency: SITE.currency,
        campaign_id: row.campaign.id,
        campaign_name: nameOn(this.mistakes, row.campaign, date),
        ad_group_id: row.adGroup.id,
        ad_group_name: row.adGroup.name,
        keyword: row.keyword?.text ?? null,
        match_type:
          row.keyword === null
            ? null
            : { e: 'exact', p: 'phrase', b: 'broad' }[row.keyword.matchType],
        impressions,
        clicks,
        cost,
      });
    }
    this.clicks.fill(0);
    return out;
  }
}
