// A person's journey holds their CRM side on the suite's engine: milestone values (pipeline, revenue),
// the CRM changes of the objects resolved to them (a contact's, a deal's through its contact), and the
// revenue records naming them (by e-mail, by contact id, by deal id), on the one time axis.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rowRecords } from '../../../sources/crm-csv/index.js';
import { csv, person } from '../../../test-helpers/crm-records.js';
import { withStore } from '../../../test-helpers/events.js';
import { EUR_USD, insightsWorld } from '../../../test-helpers/insights-world.js';

test("a person's journey: milestone values, CRM changes and revenue records, on one time axis", async () => {
  await withStore(async (store) => {
    await insightsWorld(store);
    const revenue = [
      {
        record_id: 'r1',
        contact_email: 'ada@acme.io',
        amount: '100',
        currency: 'EUR',
        occurred_at: '2026-03-21',
      },
      {
        record_id: 'r2',
        contact_id: 'c1',
        amount: '-20',
        currency: 'EUR',
        occurred_at: '2026-03-22',
      },
      { record_id: 'r3', deal_id: 'd1', amount: '30', currency: 'EUR', occurred_at: '2026-03-23' },
      {
        record_id: 'r4',
        contact_email: 'bob@acme.io',
        amount: '7',
        currency: 'EUR',
        occurred_at: '2026-03-23',
      },
    ].flatMap((row) => {
      const r = rowRecords(row, 'revenue', csv);
      assert.ok(r.ok, JSON.stringify(r));
      return r.revenue;
    });
    await store.appendRevenueRecords('w', revenue);
    const ada = await person(store, 'email', 'ada@acme.io');
    const j = await store.personJourney('w', ada);
    assert.ok(j);
    const line = j.timeline.filter(
      (i) => i.kind === 'milestone' || i.kind === 'crm' || i.kind === 'revenue',
    );
    assert.deepEqual(
      line.map((i) => {
        if (i.kind === 'milestone') return [i.at.slice(0, 10), 'milestone', i.milestone, i.value];
        if (i.kind === 'crm')
          return [
            i.at.slice(0, 10),
            'crm',
            i.objectType,
            i.objectId,
            i.change,
            i.stage,
            i.outcome,
            i.amountMinor,
            i.currency,
          ];
        return [i.at.slice(0, 10), 'revenue', i.paymentId, i.amountMinor, i.currency];
      }),
      [
        ['2026-03-02', 'milestone', 'mql', null],
        ['2026-03-02', 'crm', 'contact', 'c1', 'lifecycle_stage', null, null, null, null],
        ['2026-03-02', 'crm', 'contact', 'c1', 'lifecycle_stage', 'MQL', null, null, null],
        ['2026-03-02', 'milestone', 'lead', null],
        // the deal, through its contact: its value in the workspace currency on the milestone
        ['2026-03-05', 'milestone', 'opportunity', 12000.5 * EUR_USD],
        ['2026-03-05', 'crm', 'deal', 'd1', 'deal_stage', null, 'open', 1200050, 'eur'],
        ['2026-03-20', 'milestone', 'customer', 12000.5 * EUR_USD],
        ['2026-03-20', 'crm', 'deal', 'd1', 'deal_stage', null, 'won', 1200050, 'eur'],
        // by e-mail, by contact id, by deal id; bob's payment is not hers
        ['2026-03-21', 'revenue', 'r1', 10000, 'eur'],
        ['2026-03-22', 'revenue', 'r2', -2000, 'eur'],
        ['2026-03-23', 'revenue', 'r3', 3000, 'eur'],
      ],
    );
    // the timeline stays in time order
    const ats = j.timeline.map((i) => i.at);
    assert.deepEqual(ats, [...ats].sort());
  });
});
