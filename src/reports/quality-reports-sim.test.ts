// The lead-quality, sales-cycle and subscriptions reports on a simulated world, on the suite's
// engine: its events imported, its CRM through the CRM CSV import, its Stripe webhooks recorded through
// the Stripe intake. Each report runs and renders as CSV and Parquet without error, and its groups add up
// to its whole; the subscriptions' MRR is the MRR report's.
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { crmCsvSimWriter, SIM_CRM_CSV } from '../cli/sim-crm-csv.js';
import { importCrm } from '../derive/crm-import.js';
import { rebuild } from '../derive/derive.js';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { mrrReport } from '../derive/stripe-report.js';
import { simulate } from '../sim/index.js';
import { StripeSimWriter } from '../sim/stripe-writer.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { leadQuality } from './lead-quality.js';
import { renderReport } from './output.js';
import { salesCycle } from './sales-cycle.js';
import { subscriptions } from './subscriptions.js';
import type { Report } from './report.js';

const END = '2026-03-31';

test(
  'lead-quality, sales-cycle and subscriptions on a simulated world',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const csv = crmCsvSimWriter(join(dir, SIM_CRM_CSV));
      const stripe = new StripeSimWriter('q');
      await simulate(
        { seed: 17, days: 120, visitorsPerDay: 50, end: END },
        { outDir: dir, extraWriters: [csv, stripe] },
      );
      await withStore(async (store) => {
        await store.importEventsFile('w', join(dir, 'events.ndjson'));
        await rebuild(store, 'w');
        const crm = await importCrm(store, 'w', createReadStream(csv.file.path));
        assert.deepEqual(crm.errors, []);
        await recordStripeReceipts(
          store,
          'w',
          stripe.events.map((e) => ({
            workspaceId: 'w',
            vendor: 'stripe',
            key: String(e.id),
            receivedAt: '2026-04-01T00:00:00.000Z',
            contentType: 'application/json',
            body: JSON.stringify(e),
          })),
          Date.parse('2026-04-01T00:00:00Z'),
        );
        const ctx = { store, workspaceId: 'w' };
        const range = { from: '2025-12-01', to: END };

        const lq = await leadQuality.run(
          ctx,
          leadQuality.params.parse({ ...range, groupBy: 'channel' }),
        );
        assert.ok(lq.total.leads > 50, `${lq.total.leads} leads`);
        assert.ok(lq.total.qualified > 0 && lq.total.deals > 0, JSON.stringify(lq.total));
        for (const r of lq.rows) {
          assert.ok(r.qualified <= r.leads && r.mqls <= r.leads && r.disqualified <= r.leads);
          assert.ok(r.wonDeals + r.lostDeals <= r.deals);
          assert.equal(
            r.lostReasons.reduce((s, x) => s + x.deals, 0),
            r.lostDeals,
          );
        }

        const sc = await salesCycle.run(ctx, salesCycle.params.parse(range));
        for (const step of sc.overall) {
          const groups = sc.rows.filter((r) => r.step === step.step);
          assert.equal(
            groups.reduce((s, r) => s + r.persons, 0),
            step.persons,
            step.step,
          );
          assert.ok(step.min <= step.p25 && step.p25 <= step.median && step.median <= step.p75);
          assert.ok(step.p75 <= step.p90 && step.p90 <= step.max);
          assert.equal(
            Object.values(step.histogram).reduce((s, n) => s + n, 0),
            step.persons,
          );
        }
        assert.ok(sc.overall.some((s) => s.step === 'touch_to_lead' && s.persons > 50));

        const months = { from: '2025-12', to: '2026-03' };
        const subs = await subscriptions.run(ctx, subscriptions.params.parse(months));
        const mrr = await mrrReport(store, 'w', { ...months, perCustomer: false });
        const march = mrr.months.find((m) => m.month === '2026-03');
        assert.ok(march && march.mrr > 0, 'a world with MRR');
        assert.equal(subs.total.mrr, march.mrr);
        assert.equal(subs.total.customers, march.customers);
        assert.ok(
          Math.abs(subs.rows.reduce((s, r) => s + r.mrr, 0) - subs.total.mrr) < 0.01,
          'the groups add up',
        );

        const runs: [Report, unknown, unknown][] = [
          [leadQuality as unknown as Report, lq, leadQuality.params.parse(range)],
          [salesCycle as unknown as Report, sc, salesCycle.params.parse(range)],
          [subscriptions as unknown as Report, subs, subscriptions.params.parse(months)],
        ];
        for (const [report, result, p] of runs)
          for (const format of ['csv', 'parquet'] as const) {
            const out = await renderReport(report, result, p as never, format);
            assert.ok(out.body.length > 0, `${report.name} ${format}`);
          }
      });
    } finally {
      cleanup();
    }
  },
);
