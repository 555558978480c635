// The store's costs area: ad spend matched to the sessions it bought (issue 16, "Matching costs to
// touchpoints"), and the conversions credited to those sessions. A read over facts (ad costs) and derived
// rows (sessions, credits): nothing is stored. docs/costs.md, "Spend matched to sessions".
import type { AdPlatform } from './ad-costs.js';

export const COST_GROUPS = ['platform', 'campaign', 'date'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

/** How a session was matched to a campaign's spend, in the order the rules are tried. */
export type CostMatchRule = 'campaign_id' | 'campaign_name';

/** Which spend and which paid sessions are read, and how they are told apart. */
export interface MatchQuery {
  /** Days, inclusive, YYYY-MM-DD (spend by its day; sessions by their UTC start day). */
  from: string;
  to: string;
  /** The workspace's currency: spend is converted to it at each day's rate. */
  currency: string;
  /** Session platforms (as the channel rules name them) per ad platform. */
  platforms: Readonly<Record<AdPlatform, readonly string[]>>;
  /** Channels whose sessions are paid traffic (a session with a campaign id is, whatever its channel). */
  paidChannels: readonly string[];
}

export interface CostsQuery extends MatchQuery {
  groupBy: readonly CostGroup[];
  /** The stored credits read: their model and milestone. */
  model: string;
  milestone: string;
}

/** What the tagging-health report reads beyond the costs report's rows. */
export interface TaggingFacts {
  /** Paid sessions matched to no spend, by platform and the utm_campaign they carried (null: none). */
  unmatched: { platform: AdPlatform; campaign: string | null; sessions: number }[];
  /** Paid sessions per platform, and how many carried that platform's click id. */
  clickIds: { platform: AdPlatform; sessions: number; withClickId: number }[];
  /** Paid sessions with neither utm_campaign nor a campaign id, by landing page (no query string). */
  untagged: { platform: AdPlatform; landingPage: string; sessions: number }[];
}

export interface CostsRow {
  /** The group's values; `campaign` is null on the row of paid sessions matched to no spend. */
  platform?: AdPlatform;
  campaign?: string | null;
  date?: string;
  /** The campaign's latest name in the range (grouped by campaign). */
  campaignName?: string | null;
  impressions: number;
  clicks: number;
  /** Spend in the query's currency; null when some of it has no exchange rate. */
  cost: number | null;
  sessions: number;
  /** Sessions per rule that matched them. */
  matchedBy: Record<CostMatchRule, number>;
  /** Conversions of the milestone credited to these sessions under the model, and their value. */
  conversions: number;
  value: number;
}

/** The click-id parameters each ad platform's auto-tagging adds (lower case). */
export type ClickIdsByPlatform = Readonly<Record<AdPlatform, readonly string[]>>;

export interface CostsStore {
  /** Spend and the sessions it bought, grouped; paid sessions matched to no spend on a row of their own. */
  costsReport(workspaceId: string, q: CostsQuery): Promise<CostsRow[]>;
  /** The paid sessions' tagging: unmatched campaigns, click-id shares, untagged landing pages. */
  taggingFacts(
    workspaceId: string,
    q: MatchQuery & { click: ClickIdsByPlatform },
  ): Promise<TaggingFacts>;
}
