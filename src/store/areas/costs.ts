// The store's costs area: ad spend matched to the sessions it bought (issue 16, "Matching costs to
// touchpoints"), and the conversions credited to those sessions. A read over facts (ad costs) and derived
// rows (report_sessions: each session with its parsed campaign parameters, areas/report-sessions.ts;
// credits): the match itself is not stored, as it depends on the range read. docs/costs.md, "Spend
// matched to sessions".
import type { CostMappingRule, COST_RULE_PLATFORMS } from '../../rules/cost-mapping.js';
import type { AdPlatform } from './ad-costs.js';
import type { ValueConversion } from './fx.js';
import type { AdClickRow } from '../../util/ad-click-row.js';

export type { AdClickRow } from '../../util/ad-click-row.js';

// the platforms a mapping rule may name are the store's ad platforms, both ways
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const rulePlatformsAgree: Same<(typeof COST_RULE_PLATFORMS)[number], AdPlatform> = true;
void rulePlatformsAgree;

export const COST_GROUPS = ['platform', 'campaign', 'adGroup', 'ad', 'keyword', 'date'] as const;
export type CostGroup = (typeof COST_GROUPS)[number];

/** How a session was matched to a campaign's spend, in the order the rules are tried. */
export type CostMatchRule = 'click_id' | 'campaign_id' | 'ad_group_id' | 'campaign_name' | 'rule';

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
  /** The workspace's cost mapping rules, tried in order after ids and names (none: no rule step). */
  rules?: readonly CostMappingRule[];
}

export interface CostsQuery extends MatchQuery, ValueConversion {
  groupBy: readonly CostGroup[];
  /** The stored credits read: their model and milestone. */
  model: string;
  milestone: string;
}

/** What the tagging-health report reads beyond the costs report's rows. */
export interface TaggingFacts {
  /**
   * Paid sessions matched to no spend, by platform and the utm_campaign they carried (null: none), most
   * first (at most 50), with the days they were seen.
   */
  unmatched: { platform: AdPlatform; campaign: string | null; sessions: number; days: string[] }[];
  /** Paid sessions per platform, and how many carried that platform's click id. */
  clickIds: { platform: AdPlatform; sessions: number; withClickId: number }[];
  /** Paid sessions with neither utm_campaign nor a campaign id, by landing page (no query string). */
  untagged: { platform: AdPlatform; landingPage: string; sessions: number }[];
  /**
   * Paid sessions whose utm_id names one campaign with spend (carried) while their campaign id
   * parameter or utm_campaign names another (named), per day.
   */
  mismatched: {
    platform: AdPlatform;
    carried: string;
    named: string;
    day: string;
    sessions: number;
  }[];
}

export interface CostsRow {
  /** The group's values; `campaign` is null on the row of paid sessions matched to no spend. */
  platform?: AdPlatform;
  campaign?: string | null;
  /**
   * The ad group, ad and keyword (its name key) where the spend has them; null on the campaign's row
   * of spend and sessions at no finer level (a session whose URL names none, or none with spend).
   */
  adGroup?: string | null;
  ad?: string | null;
  keyword?: string | null;
  date?: string;
  /** The latest name in the range of the campaign, ad group, ad and keyword (as the platform writes it). */
  campaignName?: string | null;
  adGroupName?: string | null;
  adName?: string | null;
  keywordText?: string | null;
  impressions: number;
  clicks: number;
  /** Spend in the query's currency; null when some of it has no exchange rate. */
  cost: number | null;
  sessions: number;
  /** Sessions per rule that matched them. */
  matchedBy: Record<CostMatchRule, number>;
  /** Of the sessions matched by a mapping rule, how many by each (by rule id; rules that matched none left out). */
  rules: Record<string, number>;
  /** Conversions of the milestone credited to these sessions under the model, and their value. */
  conversions: number;
  value: number;
  /** Credits of the lead milestone (count), and the value of the opportunity and customer milestones'. */
  leads: number;
  pipeline: number;
  revenue: number;
}

/** The click-id parameters each ad platform's auto-tagging adds (lower case). */
export type ClickIdsByPlatform = Readonly<Record<AdPlatform, readonly string[]>>;

/** One step of the matching that holds for a session: what it read and the campaign it names. */
export interface CostMatchStep {
  rule: CostMatchRule;
  /** The value the step read: the click id, the campaign or ad group id, the utm_campaign, the rule's field. */
  value: string | null;
  platform: AdPlatform;
  campaign: string;
  /** The ad group the step names (a resolved click's, a rule's); null: none. */
  adGroup: string | null;
  /** The mapping rule's id (step `rule`). */
  ruleId?: string | null;
}

/** The click-id parameter a platform's resolved clicks are keyed by (the session's click_ids key). */
export const RESOLVED_CLICK_PARAM: Partial<Record<AdPlatform, string>> = { google: 'gclid' };

export interface CostsStore {
  /**
   * Records clicks a platform resolved to its campaign, ad group, ad and keyword (facts: appended, never
   * changed; a click fetched twice is read once, the latest fetch's).
   */
  appendAdClicks(
    workspaceId: string,
    source: { platform: AdPlatform; accountId: string },
    rows: readonly AdClickRow[],
  ): Promise<{ rows: number }>;
  /** Every matching step that holds for one session, in the order tried (the first decides); [] for none. */
  explainCostMatch(workspaceId: string, q: MatchQuery, sessionId: string): Promise<CostMatchStep[]>;
  /** The milestones with stored credits under a model (a milestone with none cannot be summed). */
  creditedMilestones(workspaceId: string, model: string): Promise<string[]>;
  /** Spend and the sessions it bought, grouped; paid sessions matched to no spend on a row of their own. */
  costsReport(workspaceId: string, q: CostsQuery): Promise<CostsRow[]>;
  /** The paid sessions' tagging: unmatched campaigns, click-id shares, untagged landing pages. */
  taggingFacts(
    workspaceId: string,
    q: MatchQuery & { click: ClickIdsByPlatform },
  ): Promise<TaggingFacts>;
}

/** Why rows cannot be stored as clicks (null: they can): each needs a click id, a day and a campaign. */
export function adClickProblem(rows: readonly AdClickRow[]): string | null {
  for (const [i, r] of rows.entries()) {
    if (!r.clickId) return `row ${i}: no click id`;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(r.date)) return `row ${i}: date "${r.date}" is not a day`;
    if (!r.campaignId) return `row ${i}: no campaign id`;
  }
  return null;
}
