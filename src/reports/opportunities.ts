// `opportunities`: the open pipeline as of a day (issue 17): deals open at that moment (their first stage
// change before it, their latest stage change by then neither won nor lost, not deleted or merged
// away), counted and valued by CRM, pipeline, the stage they were in then, and the first touch of their
// person. Read from the CRM change facts, so any past day can be asked. The day ends at midnight of the
// workspace's time zone; the common filters keep the deals of persons whose first touch passes them.
// docs/reports.md, "opportunities".
import { z } from 'zod';
import { Day } from './costs.js';
import { addDays, CURRENCY, dayStart, FILTERS, today, workspaceSettings } from './common-params.js';
import { amountConversion, cents, FirstTouchBy, firstTouchFilter } from './pipeline-params.js';
import { defineReport } from './report.js';

const params = z
  .object({
    asOf: Day.optional().describe(
      'the pipeline at the end of this day, in the workspace time zone (default: today)',
    ),
    by: FirstTouchBy,
    ...FILTERS,
    ...CURRENCY,
  })
  .strict();

export const opportunities = defineReport({
  name: 'opportunities',
  summary: 'Open pipeline as of a day: deals and their value by stage and first-touch source',
  params,
  async run({ store, workspaceId }, p) {
    const filter = firstTouchFilter(p);
    const { timezone } = await workspaceSettings(store, workspaceId);
    const asOf = p.asOf ?? today(timezone);
    const conversion = await amountConversion(store, workspaceId, p);
    const raw = await store.openPipeline(workspaceId, {
      ...conversion,
      asOf: dayStart(addDays(asOf, 1), timezone),
      by: p.by,
      filter,
    });
    const rows = raw.map((r) => ({ ...r, value: cents(r.value) }));
    const total = {
      deals: rows.reduce((n, r) => n + r.deals, 0),
      value: cents(raw.reduce((n, r) => n + r.value, 0)),
      unvalued: rows.reduce((n, r) => n + r.unvalued, 0),
    };
    return { asOf, timezone, currency: conversion.currency, by: p.by, filter, rows, total };
  },
  table(r) {
    const unvalued = r.total.unvalued
      ? ` (${r.total.unvalued} without a known value: no amount, or no exchange rate)`
      : '';
    return {
      headline: `open pipeline at the end of ${r.asOf} (${r.timezone}): ${r.total.deals} deals worth ${r.total.value} ${r.currency}${unvalued}, by first-touch ${r.by}`,
      rows: r.rows.map((x) => ({
        crm: x.crm,
        pipeline: x.pipeline ?? '-',
        stage: x.stage ?? '(none)',
        [`first ${r.by}`]: x.firstTouch,
        deals: x.deals,
        value: x.value,
        unvalued: x.unvalued,
      })),
    };
  },
});
