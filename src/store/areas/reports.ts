// The store's reports area (issue 17): the overview's totals and daily series, and the performance
// report's metrics by any dimension, each one query inside the engine (neutral/overview-queries.ts,
// neutral/performance-queries.ts). A read over facts and derived rows: nothing is stored.
// docs/reports.md.
import type { MatchQuery } from './costs.js';
import type { ValueConversion } from './fx.js';

/** Dimensions reports group by and filter on: a session's, or its person's first touch. */
export const REPORT_DIMENSIONS = [
  'channel',
  'platform',
  'source',
  'medium',
  'campaign',
  'adGroup',
  'ad',
  'keyword',
  'landingPage',
  'device',
  'country',
  'firstTouchChannel',
] as const;
export type ReportDimension = (typeof REPORT_DIMENSIONS)[number];

/** The funnel's stock milestones, whose counts and values the reports show. */
export const REPORT_MILESTONES = ['lead', 'mql', 'sql', 'opportunity', 'customer'] as const;
export type ReportMilestone = (typeof REPORT_MILESTONES)[number];

/** The dimension value of spend no session of the range was matched to (beyond platform and campaign). */
export const SPEND_WITHOUT_SESSIONS = '(spend without sessions)';

/** A range of days and its instants: sessions and milestones by their instant, spend by its day. */
export interface ReportWindow extends MatchQuery, ValueConversion {
  /** [fromAt, toAt), epoch ms: the days `from`..`to` in the workspace's time zone. */
  fromAt: number;
  toAt: number;
  /** The workspace's IANA time zone (the overview's days). */
  timezone: string;
}

export interface OverviewQuery extends ReportWindow {
  /** One row per day (true) or one row for the range. */
  byDay: boolean;
}

export interface OverviewRow {
  /** The day (YYYY-MM-DD, workspace time zone; spend by its own day); absent on the range's row. */
  day?: string;
  visitors: number;
  sessions: number;
  /** Milestones reached in the range, counted, and their value summed. */
  reached: Record<ReportMilestone, number>;
  pipeline: number;
  revenue: number;
  /** Spend in the workspace's currency (spend without an exchange rate left out). */
  spend: number;
}

export interface PerformanceQuery extends ReportWindow {
  model: string;
  groupBy: readonly ReportDimension[];
  filters: Partial<Record<ReportDimension, readonly string[]>>;
}

export interface PerformanceRow {
  key: Partial<Record<ReportDimension, string | null>>;
  spend: number;
  impressions: number;
  clicks: number;
  sessions: number;
  visitors: number;
  /** Conversions credited under the model per milestone, and the opportunity and customer value. */
  credited: Record<ReportMilestone, number>;
  pipeline: number;
  revenue: number;
}

export interface ReportsStore {
  overviewReport(workspaceId: string, q: OverviewQuery): Promise<OverviewRow[]>;
  /** Rows by q.groupBy (none: one row of totals); rows' visitors are each row's distinct persons. */
  performanceReport(workspaceId: string, q: PerformanceQuery): Promise<PerformanceRow[]>;
  /** Distinct visitors over every row of the report (a person seen in several rows once). */
  performanceVisitors(workspaceId: string, q: PerformanceQuery): Promise<number>;
  /**
   * The UTC days of the window's milestone values (with `model`: its credits' values) that have no rate
   * from q.valueCurrency to q.currency (with `milestone`, of that milestone's only): left out of the value
   * sums (none when no conversion is asked).
   */
  missingValueRates(
    workspaceId: string,
    q: ValueConversion & { fromAt: number; toAt: number; model?: string; milestone?: string },
  ): Promise<{ currency: string; date: string }[]>;
}
