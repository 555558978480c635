// CRM facts through the production path (recordCrmChanges: the store method every webhook, backfill
// and import calls), on the suite's engine: a contact unmatched at intake matched by a later identify, and
// one-off revenue records stored as facts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csv, CONTACTS, DEALS, person, reached, seedEvents } from '../test-helpers/crm-records.js';
import { rowRecords, type CsvRow } from '../sources/crm-csv/index.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { recordCrmChanges } from './crm-milestones.js';
import { deriveAffected } from './derive.js';

test('an unmatched contact is matched later: the live derive of a new identify gives its person the CRM milestones', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    const unmatched = (await store.crmMatchCounts('w')).find((c) => c.objectType === 'contact');
    assert.equal(unmatched?.matched, 3);

    // dan fills a form on the site: the events' live derive matches his CRM contact
    await add(store, [
      page('anon-d', '2026-03-09T09:00:00Z', 'https://acme.io/?utm_source=bing&utm_medium=cpc'),
      identify('anon-d', '2026-03-09T09:01:00Z', 'dan@elsewhere.io'),
    ]);
    await deriveAffected(store, 'w', ['anon-d']);
    const dan = await person(store, 'email', 'dan@elsewhere.io');
    assert.ok((await reached(store, 'sql')).some(([p, at]) => p === dan && at === '2026-03-04'));
    assert.deepEqual(
      (await store.crmMatchCounts('w')).map((c) => [c.objectType, c.objects, c.matched]),
      [
        ['contact', 4, 4],
        ['deal', 3, 3],
      ],
    );
    // his lost deal reached no milestone; its state keeps the reason and now names him
    const d3 = (await store.crmDeals('w')).find((d) => d.dealId === 'd3');
    assert.deepEqual([d3?.outcome, d3?.lostReason, d3?.personId], ['lost', 'price', dan]);
  });
});

test('one-off revenue records are facts stored once per key and read back as handed in', async () => {
  await withStore(async (store) => {
    const rows: CsvRow[] = [
      {
        record_id: 'inv-1',
        contact_email: 'ada@acme.io',
        amount: '499',
        currency: 'USD',
        occurred_at: '2026-03-21',
        description: 'setup',
      },
      // a refund, in a zero-decimal currency
      {
        record_id: 'inv-2',
        contact_email: 'bob@acme.io',
        amount: '-1500',
        currency: 'JPY',
        occurred_at: '2026-03-22',
      },
    ];
    const revenue = rows.flatMap((row) => {
      const r = rowRecords(row, 'revenue', csv);
      assert.ok(r.ok, JSON.stringify(r));
      return r.revenue;
    });
    assert.equal(revenue.length, 2);
    assert.deepEqual(await store.appendRevenueRecords('w', revenue), {
      inserted: 2,
      duplicates: 0,
      erased: 0,
    });
    assert.deepEqual(await store.appendRevenueRecords('w', [...revenue].reverse()), {
      inserted: 0,
      duplicates: 2,
      erased: 0,
    });
    assert.deepEqual(await store.revenueRecords('w'), revenue);
    // their match keys stay apart from the changes': no CRM object is made of them
    assert.deepEqual(await store.crmMatchCounts('w'), []);
  });
});
