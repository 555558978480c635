// The store's pipeline-report area: reads over the milestones, the CRM facts and the sessions for the
// lead-quality, sales-cycle and subscriptions reports (docs/reports.md). Every person is grouped by
// their **first touch** as the derive step stores it (areas/first-touch.ts), as every report has it; a
// person with none is `(no touchpoint)`. A person enters the funnel at their first milestone of any kind.

/** The first touch's attributes a report may group by (session columns). */
export const TOUCH_DIMENSIONS = ['channel', 'platform', 'source', 'medium', 'campaign'] as const;
export type TouchDimension = (typeof TOUCH_DIMENSIONS)[number];

/** A group's first-touch values, by the dimensions asked for. */
export type TouchGroup = Partial<Record<TouchDimension, string>>;

// the one vocabulary every report labels a missing first touch with
export { NO_TOUCHPOINT, NOT_SET } from './first-touch.js';
import type { FirstTouchAttribute, FirstTouchFilter } from './first-touch.js';

export interface PipelineRange {
  /** [fromAt, toAt), epoch ms: the range's days in the workspace's time zone. */
  fromAt: number;
  toAt: number;
  groupBy: readonly TouchDimension[];
  /** Only the persons whose first touch passes it. */
  filter?: FirstTouchFilter;
}

export interface LeadQualityQuery extends PipelineRange {
  /** Lifecycle stages (lower case) that disqualify a lead: rules/disqualified-stages.ts. */
  disqualifiedStages: readonly string[];
  /** false: the groups' counts alone, no lost reasons (a comparison period's totals need none). */
  lostReasons?: boolean;
}

/** The leads who entered the funnel in the range, of one first-touch group. */
export interface LeadQualityCounts {
  group: TouchGroup;
  leads: number;
  /** Reached any milestone after `lead` (mql, sql, opportunity, customer or one the funnel adds). */
  qualified: number;
  mqls: number;
  sqls: number;
  opportunities: number;
  customers: number;
  /** Whose latest CRM lifecycle stage (of a contact or lead) is a disqualifying one. */
  disqualified: number;
  /** Deals matched to these leads, by their current outcome. */
  deals: number;
  wonDeals: number;
  lostDeals: number;
}

export interface LostReasonCount {
  group: TouchGroup;
  /** As the CRM gave it; null when the lost deal carried none. */
  reason: string | null;
  deals: number;
}

/** The steps of a sales cycle, each from one moment to the next. */
export const CYCLE_STEPS = [
  'touch_to_lead',
  'lead_to_opportunity',
  'opportunity_to_customer',
  'touch_to_customer',
] as const;
export type CycleStep = (typeof CYCLE_STEPS)[number];

export interface SalesCycleQuery extends PipelineRange {
  /** Histogram bucket lower bounds in days, ascending, the first 0 (the last is open-ended). */
  buckets: readonly number[];
}

/** One step's durations in days over one group's persons, whose step ended in the range. */
export interface SalesCycleStats {
  step: CycleStep;
  group: TouchGroup;
  persons: number;
  min: number;
  p25: number;
  median: number;
  p75: number;
  p90: number;
  mean: number;
  max: number;
  /** Persons per bucket, as the query's buckets. */
  histogram: number[];
}

export interface PipelineReportsStore {
  /** Leads who entered the funnel in the range, grouped by first touch, and their lost deals' reasons. */
  leadQuality(
    workspaceId: string,
    q: LeadQualityQuery,
  ): Promise<{ groups: LeadQualityCounts[]; lostReasons: LostReasonCount[] }>;
  /** The days of each step of the sales cycle by first touch (groupBy [] gives one group: all). */
  salesCycle(workspaceId: string, q: SalesCycleQuery): Promise<SalesCycleStats[]>;
  /** Each of these persons' first-touch values (every stored attribute, labelled). */
  firstTouches(
    workspaceId: string,
    persons: readonly string[],
  ): Promise<Map<string, Record<FirstTouchAttribute, string>>>;
}
