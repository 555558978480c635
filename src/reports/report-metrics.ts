// Metric names and the ratios reports derive from summed rows (docs/reports.md, "Metric definitions").
import type { ReportMilestone } from '../store/areas/reports.js';
import { costMatchQuery } from './costs.js';
import type { Common, DayRange } from './common-params.js';
import type { Store } from '../store/store.js';
import type { ReportWindow } from '../store/areas/reports.js';

/** Each funnel milestone's metric name, as issue 17 names them. */
export const MILESTONE_METRIC = {
  lead: 'leads',
  mql: 'mqls',
  sql: 'sqls',
  opportunity: 'opportunities',
  customer: 'customers',
} as const satisfies Record<ReportMilestone, string>;

/** a / b, or null when either is unknown or b is 0 (a rate of nothing is not 0). */
export const ratio = (a: number | null, b: number | null): number | null =>
  a === null || b === null || b === 0 ? null : a / b;

/** Money to the cent (sums of floating-point amounts carry noise past it). */
export const cents = (x: number | null): number | null =>
  x === null ? null : Math.round(x * 100) / 100;

/** Return on ad spend and on investment: revenue / spend and (revenue - spend) / spend. */
export function returns(
  revenue: number | null,
  spend: number,
): { roas: number | null; roi: number | null } {
  return {
    roas: ratio(revenue, spend),
    roi: revenue === null ? null : ratio(revenue - spend, spend),
  };
}

/**
 * The store's window for a range: its days and instants, spend matching, and its money: the currency
 * asked for (default the workspace's) beside the workspace's, in which stored values are kept.
 */
export async function windowFor(
  store: Store,
  workspaceId: string,
  common: Pick<Common, 'timezone'>,
  range: DayRange,
  money?: { currency: string; workspaceCurrency: string },
): Promise<ReportWindow> {
  const match = await costMatchQuery(store, workspaceId, { from: range.from, to: range.to });
  return {
    ...match,
    ...(money ? { currency: money.currency, valueCurrency: money.workspaceCurrency } : {}),
    fromAt: range.fromAt,
    toAt: range.toAt,
    timezone: common.timezone,
  };
}
