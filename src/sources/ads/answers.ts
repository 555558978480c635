// Each platform's saved API answer as the streamed JSON read (./json-answer.ts) takes it: where its rows
// are, and the platform's own row reader (zod schema and mapping) and answer schema, the very ones a
// whole document's read (costRecordsOfStream, ...InsightsFile, ...AnalyticsFile) runs. docs/costs.md.
import { costRecordOfResult, GoogleAdsRowError, isResultBatch } from '../google-ads/stream.js';
import { costRecordOfInsightsRow, InsightsPage, MetaRowError } from '../meta-ads/insights.js';
import {
  AnalyticsAnswer,
  analyticsCurrency,
  costRecordOfAnalyticsElement,
  LinkedInRowError,
} from '../linkedin-ads/analytics.js';
import type { AnswerShape } from './json-answer.js';

// what an answer's schema reads beside its rows, and what names its account
const KEPT: ReadonlySet<string> = new Set([
  'results',
  'data',
  'elements',
  'paging',
  'account_id',
  'customer',
]);

/** A searchStream answer: an array of batches, each `{results: [...]}`. */
export function searchStreamShape(): AnswerShape {
  const refuse = () => new GoogleAdsRowError('answer', 'is not an array of result batches');
  return {
    rowsKey: 'results',
    single: false,
    kept: KEPT,
    refuse,
    answer: (members) => {
      if (!isResultBatch(members)) throw refuse();
    },
    row: (raw, n, i) => costRecordOfResult(raw, n ?? 0, i),
  };
}

/** Insights pages: one `{data: [...], paging}`, or an array of them. */
export function insightsShape(opts: { currency?: string }): AnswerShape {
  const refuse = (n: number | undefined) =>
    new MetaRowError(
      n === undefined ? '(answer)' : `[${n}]`,
      'is not an Insights page ({data: [...]})',
    );
  return {
    rowsKey: 'data',
    single: true,
    kept: KEPT,
    refuse,
    answer: (members, n) => {
      if (!InsightsPage.safeParse(members).success) throw refuse(n);
    },
    row: (raw, n, i) =>
      costRecordOfInsightsRow(raw, i, opts, n === undefined ? 'data' : `[${n}].data`),
  };
}

/** adAnalytics answers: one `{elements: [...]}`, or an array of them; the currency is the account's. */
export function analyticsShape(opts: { currency: string }): AnswerShape {
  const refuse = (n: number | undefined) =>
    new LinkedInRowError(
      n === undefined ? '(answer)' : `[${n}]`,
      'is not an adAnalytics answer ({elements: [...]})',
    );
  return {
    rowsKey: 'elements',
    single: true,
    kept: KEPT,
    refuse,
    open: () => void analyticsCurrency(opts),
    answer: (members, n) => {
      if (!AnalyticsAnswer.safeParse(members).success) throw refuse(n);
    },
    row: (raw, n, i) =>
      costRecordOfAnalyticsElement(raw, i, opts, n === undefined ? 'elements' : `[${n}].elements`),
  };
}
