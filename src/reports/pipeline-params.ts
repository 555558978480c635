// What the pipeline and quality reports (opportunities, revenue, funnel, lead-quality, sales-cycle,
// subscriptions) share beyond the common parameters (common-params.ts, parsed there once): the
// first-touch dimension they group by, the common filters read as filters on each person's first touch,
// and how CRM amounts become the workspace's currency. docs/reports.md, "Common parameters".
import { z } from 'zod';
import { crmMappingFor } from '../derive/crm-milestones.js';
import type { FirstTouchAttribute, FirstTouchFilter } from '../store/areas/first-touch.js';
import { FIRST_TOUCH_DIMENSIONS, type AmountConversion } from '../store/areas/pipeline.js';
import type { Store } from '../store/store.js';
import {
  DIMENSIONS,
  resolveFilters,
  reportCurrency,
  resolveRange,
  workspaceSettings,
  type DayRange,
  type Dimension,
} from './common-params.js';
import { ReportParamError } from './report.js';

export const FirstTouchBy = z
  .enum(FIRST_TOUCH_DIMENSIONS)
  .default('channel')
  .describe(`the person's first visit's: ${FIRST_TOUCH_DIMENSIONS.join(', ')}`);

/**
 * The first-touch attribute each common dimension reads in these reports: they count persons, each by
 * their first touch, so `channel` and `firstTouchChannel` are one. Ad group, ad and keyword are not kept
 * with the first touch (areas/first-touch.ts).
 */
const FIRST_TOUCH_OF: Partial<Record<Dimension, FirstTouchAttribute>> = {
  channel: 'channel',
  platform: 'platform',
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  landingPage: 'landing_page',
  device: 'device',
  country: 'country',
  firstTouchChannel: 'channel',
};
const FILTERABLE = DIMENSIONS.filter((d) => FIRST_TOUCH_OF[d] !== undefined);

type Query = Partial<Record<string, string | undefined>>;
/** The parameters still as the query string had them (a report's own may be parsed into lists). */
const strings = (p: object): Query =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === 'string')) as Query;

/** The common filters as a filter on the first touch, or a ReportParamError naming the parameter. */
export function firstTouchFilter(params: object): FirstTouchFilter {
  const p = strings(params);
  const out: Partial<Record<FirstTouchAttribute, string[]>> = {};
  for (const [d, values] of Object.entries(resolveFilters(p)) as [Dimension, string[]][]) {
    const attribute = FIRST_TOUCH_OF[d];
    if (attribute === undefined)
      throw new ReportParamError(
        p[d] !== undefined ? d : 'filter',
        `${d} is not kept with a person's first touch: filter on ${FILTERABLE.join(', ')}`,
      );
    // two names of one attribute (channel, firstTouchChannel) keep the values either names
    (out[attribute] ??= []).push(...values);
  }
  return out;
}

/** The days (in the workspace's time zone), comparison period, filter and currency of a report. */
export async function pipelineCommon(
  store: Store,
  workspaceId: string,
  p: object,
): Promise<{
  timezone: string;
  currency: string;
  range: DayRange;
  compare: DayRange | null;
  filter: FirstTouchFilter;
}> {
  const { timezone, currency } = await workspaceSettings(store, workspaceId);
  return { timezone, currency, ...resolveRange(strings(p), timezone), filter: firstTouchFilter(p) };
}

/**
 * The report's currency (`currency=`, default the workspace's), the workspace's (in which stored values
 * are kept), and the decimals of each currency its CRM amounts are in.
 */
export async function amountConversion(
  store: Store,
  workspaceId: string,
  p: { currency?: string | undefined } = {},
): Promise<AmountConversion> {
  const { currency, workspaceCurrency } = await reportCurrency(store, workspaceId, p);
  const mapping = await crmMappingFor(store, workspaceId);
  return { currency, valueCurrency: workspaceCurrency, exponents: mapping?.exponents ?? new Map() };
}

/** Money to the cent (sums of floating-point amounts carry noise past it). */
export const cents = (x: number) => Math.round(x * 100) / 100;

/** (now - before) / before, to four places; null where before is 0. */
export const change = (now: number, before: number): number | null =>
  before === 0 ? null : Math.round(((now - before) / before) * 10_000) / 10_000;
