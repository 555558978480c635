// `costs`: ad spend beside the sessions it bought and the conversions credited to them (issue 16,
// "Matching costs to touchpoints"): cost per conversion and return on spend by platform, campaign and
// day, each session's match explained by its rule, paid sessions that match no spend on a row of their
// own. docs/costs.md, "Spend matched to sessions".
import { z } from 'zod';
import type { StoredModelName } from '../derive/attribution-credits.js';
import { ALL_MODEL_NAMES } from '../derive/attribution-report.js';
import { attributionSettingsFor } from '../derive/attribution-settings.js';
import { costMappingRulesFor } from '../derive/cost-mapping-settings.js';
import { PAID_CHANNELS, SESSION_PLATFORMS } from '../derive/channels/paid-platforms.js';
import { COST_GROUPS, type CostGroup, type MatchQuery } from '../store/areas/costs.js';
import type { Store } from '../store/store.js';
import { CURRENCY, reportCurrency } from './common-params.js';
import { CommaList, round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

export const Day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day, YYYY-MM-DD')
  // read back, so that a day the calendar lacks (2026-02-30, which Date.parse rolls over) is refused
  .refine((d) => {
    const t = Date.parse(`${d}T00:00:00Z`);
    return !Number.isNaN(t) && new Date(t).toISOString().slice(0, 10) === d;
  }, 'must be a real day');

const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** The report's days: `to` defaults to today (UTC), `from` to 30 days before; in order. */
export function reportRange(p: { from?: string | undefined; to?: string | undefined }): {
  from: string;
  to: string;
} {
  const to = p.to ?? dayOf(Date.now());
  const from = p.from ?? dayOf(Date.parse(`${to}T00:00:00Z`) - 30 * DAY_MS);
  if (from > to) throw new ReportParamError('to', 'must not be before from');
  return { from, to };
}

/** How spend and sessions are matched for a workspace over a range: its currency and mapping rules. */
export async function costMatchQuery(
  store: Store,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<MatchQuery> {
  const ws = await store.getWorkspace(workspaceId);
  if (!ws) throw new ReportParamError('workspace', 'no such workspace');
  return {
    ...range,
    currency: ws.currency,
    platforms: SESSION_PLATFORMS,
    paidChannels: PAID_CHANNELS,
    rules: await costMappingRulesFor(store, workspaceId),
  };
}

const params = z
  .object({
    from: Day.optional().describe('first day of spend and sessions (default: 30 days before to)'),
    to: Day.optional().describe('last day, inclusive (default: today, UTC)'),
    groupBy: CommaList.default(['platform', 'campaign'])
      .pipe(z.array(z.enum(COST_GROUPS)))
      .describe(`comma list of: ${COST_GROUPS.join(', ')}`),
    model: z
      .enum(ALL_MODEL_NAMES as [StoredModelName, ...StoredModelName[]])
      .default('linear')
      .describe(`the model whose credits are read: one of ${ALL_MODEL_NAMES.join(', ')}`),
    ...CURRENCY,
  })
  .strict();

export const costs = defineReport({
  name: 'costs',
  summary: 'Ad spend with the sessions it bought and the conversions credited to them',
  params,
  async run({ store, workspaceId }, p) {
    const { from, to } = reportRange(p);
    const money = await reportCurrency(store, workspaceId, p);
    const match = {
      ...(await costMatchQuery(store, workspaceId, { from, to })),
      currency: money.currency,
      valueCurrency: money.workspaceCurrency,
    };
    const ws = { currency: match.currency };
    const settings = await attributionSettingsFor(store, workspaceId);
    const groupBy = [...new Set(p.groupBy)] as CostGroup[];
    const credited = new Set(await store.creditedMilestones(workspaceId, p.model));
    const raw = await store.costsReport(workspaceId, {
      ...match,
      groupBy,
      model: p.model,
      milestone: settings.conversion,
    });
    // a milestone with no stored credits under the model is unknown, not zero (credits are stored for
    // the workspace's conversion milestone: docs/attribution.md)
    const known = (m: string, x: number) => (credited.has(m) ? x : null);
    // money to the cent (sums of floating-point amounts carry noise past it); credited counts stay
    // fractional, as credits are
    const cents = (x: number | null) => (x === null ? null : round2(x));
    const rows = raw.map((x) => ({
      ...x,
      cost: cents(x.cost),
      value: round2(x.value),
      leads: known('lead', x.leads),
      pipeline: cents(known('opportunity', x.pipeline)),
      revenue: cents(known('customer', x.revenue)),
    }));
    // the (currency, day) pairs alone: no totals query
    const missingRates = await store.missingAdCostRates(workspaceId, {
      from,
      to,
      currency: ws.currency,
    });
    return {
      from,
      to,
      currency: ws.currency,
      model: p.model,
      milestone: settings.conversion,
      rows,
      /** Spend with no exchange rate to the currency: its rows' cost is null. */
      missingRates,
      /**
       * Days of the model's credit values (kept in the workspace's currency, from the range's first day
       * on) with no rate to the asked one: those values are left out (empty in the workspace's currency).
       */
      missingValueRates: await store.missingValueRates(workspaceId, {
        currency: money.currency,
        valueCurrency: money.workspaceCurrency,
        model: p.model,
        fromAt: Date.parse(`${from}T00:00:00Z`),
        // a credit comes after the session it credits: any conversion from the range's first day on
        toAt: Date.now() + DAY_MS,
      }),
    };
  },
  table(r) {
    const missing = r.missingRates.length
      ? ` (no exchange rate for ${r.missingRates
          .slice(0, 3)
          .map((m) => `${m.currency} on ${m.date}`)
          .join(', ')}${r.missingRates.length > 3 ? ' and more' : ''}: that spend is left out)`
      : '';
    return {
      headline: `spend ${r.from} to ${r.to} in ${r.currency}, ${r.milestone} conversions credited by ${r.model}${missing}`,
      rows: r.rows.map((x) => ({
        ...(x.platform !== undefined ? { platform: x.platform } : {}),
        ...(x.campaign !== undefined
          ? {
              campaign:
                x.campaign === null ? '(no matching spend)' : (x.campaignName ?? x.campaign),
            }
          : {}),
        ...(x.adGroup !== undefined
          ? { 'ad group': x.adGroup === null ? '-' : (x.adGroupName ?? x.adGroup) }
          : {}),
        ...(x.ad !== undefined ? { ad: x.ad === null ? '-' : (x.adName ?? x.ad) } : {}),
        ...(x.keyword !== undefined
          ? { keyword: x.keyword === null ? '-' : (x.keywordText ?? x.keyword) }
          : {}),
        ...(x.date !== undefined ? { date: x.date } : {}),
        cost: x.cost === null ? '-' : round2(x.cost),
        clicks: x.clicks,
        sessions: x.sessions,
        'by id': x.matchedBy.campaign_id,
        'by ad group': x.matchedBy.ad_group_id,
        'by name': x.matchedBy.campaign_name,
        'by rule': x.matchedBy.rule,
        conversions: round2(x.conversions),
        value: round2(x.value),
        'cost/conversion':
          x.cost !== null && x.conversions > 0 ? round2(x.cost / x.conversions) : '-',
        ROAS: x.cost !== null && x.cost > 0 ? round2(x.value / x.cost) : '-',
      })),
    };
  },
});
