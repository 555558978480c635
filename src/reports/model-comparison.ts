// `model-comparison`: one grouping under every stored model, side by side. Its parameters are the common
// ones (common-params.ts): days in the workspace's time zone (without from and to: every conversion),
// groupBy by the common dimension names, of those the stored credits carry, and the currency of the
// credited values (kept in the workspace's, converted at read time as the attribution report's).
import { z } from 'zod';
import { compareModels } from '../derive/attribution-report.js';
import type { CreditDimension } from '../store/types.js';
import {
  CURRENCY,
  RANGE,
  reportCurrency,
  resolveGroupBy,
  resolveRange,
  workspaceSettings,
  type Dimension,
} from './common-params.js';
import { round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

const params = z
  .object({
    groupBy: z
      .string()
      .default('channel')
      .describe(
        'comma list of: channel, platform, source, medium, campaign, keyword, ad, landingPage, country',
      ),
    ...RANGE,
    ...CURRENCY,
  })
  .strict();

/** The credits' column of each common dimension they carry (a touch's keyword is its term, its ad the content). */
const CREDIT_OF: Partial<Record<Dimension, CreditDimension>> = {
  channel: 'channel',
  platform: 'platform',
  source: 'source',
  medium: 'medium',
  campaign: 'campaign',
  keyword: 'term',
  ad: 'content',
  landingPage: 'landing_page',
  country: 'country',
};

export const modelComparison = defineReport({
  name: 'model-comparison',
  summary: 'One grouping under every stored attribution model, side by side',
  params,
  async run({ store, workspaceId }, p) {
    const dims = resolveGroupBy(p);
    const groupBy = dims.map((d) => {
      const c = CREDIT_OF[d];
      if (c === undefined)
        throw new ReportParamError(
          'groupBy',
          `${d} is not kept with a credit: one of ${Object.keys(CREDIT_OF).join(', ')}`,
        );
      return c;
    });
    let bounds: { from?: number; to?: number } = {};
    if (p.from !== undefined || p.to !== undefined) {
      const { timezone } = await workspaceSettings(store, workspaceId);
      const { range } = resolveRange(p, timezone);
      bounds = { from: range.fromAt, to: range.toAt };
    }
    const { currency, workspaceCurrency } = await reportCurrency(store, workspaceId, p);
    const money = { currency, valueCurrency: workspaceCurrency };
    const compared = await compareModels(store, workspaceId, groupBy, bounds, money);
    // every model credits the same conversions, so the days without a rate are the same for each
    const first = Object.keys(compared.models)[0];
    const missingValueRates =
      first === undefined
        ? []
        : await store.missingValueRates(workspaceId, {
            ...money,
            model: first,
            milestone: compared.milestone,
            fromAt: bounds.from ?? 0,
            toAt: bounds.to ?? Date.now() + 86_400_000,
          });
    return { groupBy: dims, currency, ...compared, missingValueRates };
  },
  table(result) {
    // one row per group, one column per model
    const groups = new Map<string, Record<string, unknown>>();
    for (const [model, rows] of Object.entries(result.models)) {
      for (const r of rows) {
        const k = JSON.stringify(r.key);
        const row = groups.get(k) ?? { ...r.key };
        row[model] = round2(r.conversions);
        groups.set(k, row);
      }
    }
    const models = Object.keys(result.models);
    const column = (d: Dimension) => CREDIT_OF[d]!;
    return {
      headline: `${result.milestone} conversions credited by each model`,
      rows: [...groups.values()].map((g) => ({
        ...Object.fromEntries(result.groupBy.map((d) => [d, g[column(d)]])),
        ...Object.fromEntries(models.map((m) => [m, g[m] ?? 0])),
      })),
    };
  },
});
