// The store's costs area: ad spend matched to the sessions it bought (issue 16, "Matching costs to
// touchpoints"), and the conversions credited to those sessions. A read over facts (ad costs) and derived
// rows (sessions, credits): nothing is stored. docs/costs.md, "Spend matched to sessions".
import type { AdPlatform } from './ad-costs.js';

export const COST_GROUPS = ['platform', 'campaign', 'date'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

/** How a session was matched to a campaign's spend, in the order the rules are tried. */
export type CostMatchRule = 'campaign_id' | 'campaign_name';

export interface CostsQuery {
  /** Days, inclusive, YYYY-MM-DD (spend by its day; sessions by their UTC start day). */
  from: string;
  to: string;
  groupBy: readonly CostGroup[];
  /** The workspace's currency: spend is converted to it at each day's rate. */
  currency: string;
  /** The stored credits read: their model and milestone. */
  model: string;
  milestone: string;
  /** Session platforms (as the channel rules name them) per ad platform. */
  platforms: Readonly<Record<AdPlatform, readonly string[]>>;
  /** Channels whose sessions are paid traffic (a session with a campaign id is, whatever its channel). */
  paidChannels: readonly string[];
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

export interface CostsStore {
  /** Spend and the sessions it bought, grouped; paid sessions matched to no spend on a row of their own. */
  costsReport(workspaceId: string, q: CostsQuery): Promise<CostsRow[]>;
}
