// `lead-quality`: of the leads who entered the funnel in a range, how many qualified (MQL, SQL and any
// later milestone), how many sales disqualified, how their deals ended and why they were lost, by the
// first touch of each lead (issue 17; docs/reports.md, "lead-quality"). Days are the workspace's time
// zone's; the common filters keep the leads whose first touch passes them; the total is compared with
// the comparison period's. Counted in the engine (neutral/pipeline-report-queries.ts); only the shares
// are divided here.
import { z } from 'zod';
import { DISQUALIFIED_STAGES } from '../rules/disqualified-stages.js';
import type { LeadQualityCounts, TouchGroup } from '../store/areas/pipeline-reports.js';
import { COMPARE, FILTERS, RANGE, type DayRange } from './common-params.js';
import { groupColumns, groupKey, rate, touchGroupBy } from './first-touch.js';
import { pipelineCommon } from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    ...RANGE,
    ...COMPARE,
    groupBy: touchGroupBy(['channel', 'campaign']),
    ...FILTERS,
  })
  .strict();

type Counts = Omit<LeadQualityCounts, 'group'>;

export interface LeadQualityRates {
  /** qualified / leads: reached any milestone after lead. */
  qualificationRate: number | null;
  mqlRate: number | null;
  sqlRate: number | null;
  opportunityRate: number | null;
  disqualificationRate: number | null;
  /** lostDeals / (wonDeals + lostDeals): of the closed deals, the share lost. */
  lossRate: number | null;
}

export interface LeadQualityRow extends Counts, LeadQualityRates {
  group: TouchGroup;
  /** This group's lost deals by reason, most first (null: the CRM gave none). */
  lostReasons: { reason: string | null; deals: number }[];
}

const ratesOf = (c: Counts): LeadQualityRates => ({
  qualificationRate: rate(c.qualified, c.leads),
  mqlRate: rate(c.mqls, c.leads),
  sqlRate: rate(c.sqls, c.leads),
  opportunityRate: rate(c.opportunities, c.leads),
  disqualificationRate: rate(c.disqualified, c.leads),
  lossRate: rate(c.lostDeals, c.wonDeals + c.lostDeals),
});

const COUNT_KEYS = [
  'leads',
  'qualified',
  'mqls',
  'sqls',
  'opportunities',
  'customers',
  'disqualified',
  'deals',
  'wonDeals',
  'lostDeals',
] as const satisfies readonly (keyof Counts)[];

export const leadQuality = defineReport({
  name: 'lead-quality',
  summary: 'Qualification, disqualification and loss rates and lost reasons by first touch',
  params,
  async run({ store, workspaceId }, p) {
    const { timezone, range, compare, filter } = await pipelineCommon(store, workspaceId, p);
    const query = (r: DayRange, groupBy: typeof p.groupBy) => ({
      fromAt: r.fromAt,
      toAt: r.toAt,
      groupBy,
      filter,
      disqualifiedStages: DISQUALIFIED_STAGES,
    });
    const { groups, lostReasons } = await store.leadQuality(workspaceId, query(range, p.groupBy));
    const reasonsOf = new Map<string, { reason: string | null; deals: number }[]>();
    for (const r of lostReasons) {
      const k = groupKey(p.groupBy, r.group);
      reasonsOf.set(k, [...(reasonsOf.get(k) ?? []), { reason: r.reason, deals: r.deals }]);
    }
    const rows: LeadQualityRow[] = groups.map((g) => ({
      ...g,
      ...ratesOf(g),
      lostReasons: reasonsOf.get(groupKey(p.groupBy, g.group)) ?? [],
    }));
    // each lead is in exactly one group, so the groups' counts add up to the whole
    const sumOf = (gs: readonly Counts[]) =>
      Object.fromEntries(COUNT_KEYS.map((k) => [k, gs.reduce((s, g) => s + g[k], 0)])) as Counts;
    const sum = sumOf(groups);
    const allReasons = new Map<string | null, number>();
    for (const r of lostReasons)
      allReasons.set(r.reason, (allReasons.get(r.reason) ?? 0) + r.deals);
    const before = compare
      ? sumOf(
          (await store.leadQuality(workspaceId, { ...query(compare, []), lostReasons: false }))
            .groups,
        )
      : null;
    return {
      from: range.from,
      to: range.to,
      timezone,
      groupBy: p.groupBy,
      filter,
      rows,
      total: { ...sum, ...ratesOf(sum) },
      lostReasons: [...allReasons]
        .map(([reason, deals]) => ({ reason, deals }))
        .sort((a, b) => b.deals - a.deals || String(a.reason).localeCompare(String(b.reason))),
      compare: compare ? { from: compare.from, to: compare.to } : null,
      /** The comparison period's leads, counted and rated as the total. */
      previous: before ? { ...before, ...ratesOf(before) } : null,
    };
  },
  table(r) {
    const pct = (x: number | null) => (x === null ? '-' : `${Math.round(x * 1000) / 10}%`);
    return {
      headline: `leads who entered the funnel ${r.from} to ${r.to} (${r.timezone}): ${r.total.leads}${r.previous && r.compare ? ` (${r.previous.leads} in ${r.compare.from} to ${r.compare.to})` : ''}, ${pct(r.total.qualificationRate)} qualified, ${pct(r.total.disqualificationRate)} disqualified, ${pct(r.total.lossRate)} of closed deals lost`,
      rows: r.rows.map((x) => ({
        ...groupColumns(r.groupBy, x.group),
        leads: x.leads,
        qualified: x.qualified,
        mqls: x.mqls,
        sqls: x.sqls,
        opportunities: x.opportunities,
        customers: x.customers,
        disqualified: x.disqualified,
        'won deals': x.wonDeals,
        'lost deals': x.lostDeals,
        'qualification rate': x.qualificationRate,
        'mql rate': x.mqlRate,
        'sql rate': x.sqlRate,
        'disqualification rate': x.disqualificationRate,
        'loss rate': x.lossRate,
        'lost reasons': x.lostReasons
          .map((l) => `${l.reason ?? '(none given)'}: ${l.deals}`)
          .join('; '),
      })),
    };
  },
});
