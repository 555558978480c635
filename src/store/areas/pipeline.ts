// The store's pipeline area: open pipeline as of a moment, won revenue over time and by first-touch
// cohort, and the funnel by first touch (the `opportunities`, `revenue` and `funnel` reports,
// docs/reports.md). Reads over facts (crm_changes) and derived rows (milestones, person_first_touch):
// nothing is stored. Each read keeps only the persons whose first touch passes the query's `filter`.

import type { FirstTouchFilter } from './first-touch.js';
import type { ValueConversion } from './fx.js';

/** What a person's first touch is grouped by (areas/first-touch.ts: their first visit). */
export const FIRST_TOUCH_DIMENSIONS = ['channel', 'source', 'medium', 'campaign'] as const;
export type FirstTouchDimension = (typeof FIRST_TOUCH_DIMENSIONS)[number];

/** How CRM amounts become the workspace's currency (as the CRM milestones convert them). */
export interface AmountConversion extends ValueConversion {
  /** The report's currency (ISO 4217, upper case): the workspace's unless asked otherwise. */
  currency: string;
  /** Decimals of each CRM currency's major unit (lower-case code; 2 when absent). */
  exponents: ReadonlyMap<string, number>;
}

export interface OpenPipelineQuery extends AmountConversion {
  /** The moment the pipeline is read at (epoch ms, exclusive: changes before it count). */
  asOf: number;
  by: FirstTouchDimension;
  filter?: FirstTouchFilter;
}

/** Open deals of one stage and one first-touch value at the moment asked. */
export interface OpenPipelineRow {
  /** The CRM (`hubspot`, `salesforce`, `pipedrive`, `csv`). */
  crm: string;
  pipeline: string | null;
  /** The deal's stage at that moment, as the CRM names it (null: the change named none). */
  stage: string | null;
  /** The first-touch value of the deal's person: `(no touchpoint)` (no person, no visit), `(not set)`. */
  firstTouch: string;
  deals: number;
  /** Their amounts in the workspace's currency (each at the rate of the day its amount was set). */
  value: number;
  /** Deals whose value is unknown: no amount, or no exchange rate on its day. */
  unvalued: number;
}

/** What the revenue report counts as a close: won CRM deals, or `customer` milestones (CRM and Stripe). */
export const REVENUE_BASES = ['deals', 'customers'] as const;
export type RevenueBasis = (typeof REVENUE_BASES)[number];
export const INTERVALS = ['day', 'week', 'month'] as const;
export type Interval = (typeof INTERVALS)[number];

export interface RevenueQuery extends AmountConversion {
  basis: RevenueBasis;
  /** Close times in [from, to) (epoch ms); cohorts: first visits in [from, to). */
  from: number;
  to: number;
  /** The IANA time zone of the periods' and cohorts' days, weeks and months. */
  timezone: string;
  filter?: FirstTouchFilter;
}

export interface RevenueSeriesQuery extends RevenueQuery {
  interval: Interval;
  by: FirstTouchDimension;
}

export interface RevenueSeriesRow {
  /** The interval's first day (YYYY-MM-DD in the query's zone; a week starts on Monday). */
  period: string;
  /** As OpenPipelineRow's. */
  firstTouch: string;
  /** Won deals, or customers. */
  closes: number;
  revenue: number;
  /** Closes whose value is unknown: no amount, or no exchange rate on the close day. */
  unvalued: number;
}

export interface RevenueCohortRow {
  /** The month of the person's first visit (YYYY-MM, in the query's zone). */
  cohort: string;
  /** Months from the cohort's month to the close's month (0: the same month). */
  monthsSince: number;
  closes: number;
  revenue: number;
  unvalued: number;
}

export interface RevenueCohorts {
  rows: RevenueCohortRow[];
  /** Persons whose first visit was in each cohort month (of the months asked). */
  sizes: { cohort: string; visitors: number }[];
}

export interface FunnelQuery {
  /** Persons whose first visit (or, with none, first funnel milestone) is in [from, to) (epoch ms). */
  from: number;
  to: number;
  by: FirstTouchDimension;
  /** The funnel's milestones in order (the workspace's funnel). */
  milestones: readonly string[];
  filter?: FirstTouchFilter;
}

export interface FunnelCountsRow {
  /** As OpenPipelineRow's (`(no touchpoint)` on the row of persons with no tracked visit). */
  firstTouch: string;
  /** False on the row of persons with funnel milestones but no tracked visit. */
  visited: boolean;
  visitors: number;
  /** Per milestone of the query, in order: persons who reached it or a later one. */
  reached: number[];
}

export interface PipelineStore {
  /** Deals open at the moment, by CRM, pipeline, stage at that moment and the person's first touch. */
  openPipeline(workspaceId: string, q: OpenPipelineQuery): Promise<OpenPipelineRow[]>;
  /** Closes (won deals or customers) per interval of their close time and first-touch value. */
  revenueSeries(workspaceId: string, q: RevenueSeriesQuery): Promise<RevenueSeriesRow[]>;
  /** Closes before `to` of persons whose first visit's month is a month of [from, to). */
  revenueCohorts(workspaceId: string, q: RevenueQuery): Promise<RevenueCohorts>;
  /** Each first-touch value's persons and how far down the funnel they got. */
  funnelCounts(workspaceId: string, q: FunnelQuery): Promise<FunnelCountsRow[]>;
}
