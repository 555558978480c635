// `attribution`: credited conversions and value by any touch dimension under one model. Stored credits
// when the workspace's settings apply; computed for this query when it overrides a setting.
import { z } from 'zod';
import { AttributionSettingsError } from '../derive/attribution-settings.js';
import { ALL_MODEL_NAMES, attributionReport, ReportError } from '../derive/attribution-report.js';
import type { StoredModelName } from '../derive/attribution-credits.js';
import type { MissingRate } from '../derive/crm-milestones.js';
import { CURRENCY, reportCurrency } from './common-params.js';
import { CommaList, Dimensions, Int, Range, rangeInOrder, round2 } from './params.js';
import { defineReport, ReportParamError } from './report.js';

const params = z
  .object({
    model: z
      .enum(ALL_MODEL_NAMES as [StoredModelName, ...StoredModelName[]])
      .default('linear')
      .describe(`one of ${ALL_MODEL_NAMES.join(', ')}`),
    groupBy: Dimensions,
    ...Range,
    // per-query settings: computed on the fly, not stored
    conversion: z.string().optional().describe('the milestone credited, for this report only'),
    lookbackDays: Int.optional().describe('lookback window in days, for this report only'),
    excludeChannels: CommaList.optional().describe(
      'comma list of channels to drop, for this report only',
    ),
    transforms: CommaList.optional().describe(
      'comma list of path transforms, for this report only',
    ),
    stepLimit: Int.optional().describe('keep only the last N touches, for this report only'),
    halfLifeDays: z.coerce
      .number()
      .optional()
      .describe('time-decay half-life in days, for this report only'),
    markovOrder: Int.optional().describe('Markov chain order, for this report only'),
    ...CURRENCY,
  })
  .strict()
  .superRefine(rangeInOrder);

const OVERRIDES = [
  'conversion',
  'lookbackDays',
  'excludeChannels',
  'transforms',
  'stepLimit',
  'halfLifeDays',
  'markovOrder',
] as const;

/** What the value leaves out for want of exchange rates, in words (empty when nothing). */
function missingRatesNote(missing: readonly MissingRate[]): string {
  if (missing.length === 0) return '';
  const n = missing.reduce((s, m) => s + m.conversions, 0);
  const pairs = missing.slice(0, 3).map((m) => `${m.currency} on ${m.day}`);
  const more = missing.length > 3 ? ` and ${missing.length - 3} more` : '';
  return ` (value unknown for ${n} conversions: no exchange rate for ${pairs.join(', ')}${more}; import them with closedloop import fx)`;
}

export const attribution = defineReport({
  name: 'attribution',
  summary: 'Credited conversions and value by any touch dimension under one model',
  params,
  async run({ store, workspaceId }, p) {
    const overrides = Object.fromEntries(
      OVERRIDES.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]),
    );
    try {
      return await attributionReport(store, workspaceId, {
        model: p.model,
        groupBy: p.groupBy,
        ...(p.from !== undefined ? { from: p.from } : {}),
        ...(p.to !== undefined ? { to: p.to } : {}),
        overrides,
        currency: (await reportCurrency(store, workspaceId, p)).currency,
      });
    } catch (err) {
      if (err instanceof ReportError || err instanceof AttributionSettingsError)
        throw new ReportParamError(err.field, err.reason);
      throw err;
    }
  },
  table(report) {
    return {
      headline: `${report.model}, ${report.milestone} conversions, lookback ${report.settings.lookbackDays} days${report.stored ? '' : ' (computed for this report)'}: ${round2(report.totals.conversions)} conversions, ${round2(report.totals.value)} ${report.currency} value${missingRatesNote(report.missingRates)}`,
      rows: report.rows.map((r) => ({
        ...r.key,
        conversions: round2(r.conversions),
        value: round2(r.value),
        'conversions touched': r.touchedConversions,
      })),
    };
  },
});
