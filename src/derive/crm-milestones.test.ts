// CRM facts through the production path (recordCrmChanges: the store method every webhook, backfill
// and import calls), on the suite's engine: stored once per key, matched to persons by the tracker's
// anonymous id, e-mail and CRM contact ids, milestones with their amounts, credits of the CRM
// milestones, and a funnel change re-deriving them while the facts stay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { resolveCsvMapping, rowRecords, type CsvRow } from '../sources/crm-csv/index.js';
import type { Store } from '../store/store.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { attributionReport, changeAttributionSettings } from './attribution-report.js';
import { recordCrmChanges } from './crm-milestones.js';
import { deriveAffected, rebuild } from './derive.js';
import { changeFunnel } from './funnel-change.js';

const csv = resolveCsvMapping();
function records(type: 'contacts' | 'deals', rows: CsvRow[]): CrmChangeRecord[] {
  return rows.flatMap((row) => {
    const r = rowRecords(row, type, csv);
    assert.ok(r.ok, JSON.stringify(r));
    return r.changes;
  });
}

const CONTACTS = records('contacts', [
  { record_id: 'c1', contact_email: 'Ada@Acme.io', stage: 'MQL', created_at: '2026-03-02' },
  { record_id: 'c2', contact_email: 'bob@acme.io', stage: 'SQL', created_at: '2026-03-03' },
  // no e-mail the tracker saw: the form's hidden field carried the visitor's anonymous id
  {
    record_id: 'c3',
    contact_email: 'carol@acme.io',
    anonymous_id: 'anon-c',
    stage: 'Demo booked',
    created_at: '2026-03-04',
  },
  { record_id: 'c4', contact_email: 'dan@elsewhere.io', stage: 'SQL', created_at: '2026-03-04' },
]);
const DEALS = records('deals', [
  {
    record_id: 'd1',
    contact_id: 'c1',
    amount: '12000.50',
    currency: 'EUR',
    status: 'won',
    created_at: '2026-03-05',
    closed_at: '2026-03-20',
  },
  {
    record_id: 'd2',
    contact_id: 'c2',
    amount: '5000',
    currency: 'EUR',
    stage: 'Proposal',
    stage_changed_at: '2026-03-07',
    created_at: '2026-03-06',
  },
  {
    record_id: 'd3',
    contact_id: 'c4',
    amount: '900',
    currency: 'JPY',
    status: 'lost',
    lost_reason: 'price',
    created_at: '2026-03-06',
    closed_at: '2026-03-08',
  },
]);

async function seedEvents(store: Store) {
  await add(store, [
    page('anon-a', '2026-03-01T09:00:00Z', 'https://acme.io/?utm_source=google&utm_medium=cpc'),
    identify('anon-a', '2026-03-02T09:00:00Z', 'ada@acme.io'),
    page('anon-b', '2026-03-02T10:00:00Z', 'https://acme.io/?utm_source=news&utm_medium=email'),
    identify('anon-b', '2026-03-03T10:00:00Z', 'bob@acme.io'),
    page('anon-c', '2026-03-03T11:00:00Z', 'https://acme.io/', 'https://www.linkedin.com/'),
  ]);
  await rebuild(store, 'w');
}

async function person(store: Store, kind: string, value: string) {
  const [p] = await store.personsByIdentifier('w', kind, value);
  assert.ok(p, `${kind} ${value} has a person`);
  return p;
}

/** The conversions of a milestone: person, ISO time, value. */
async function reached(store: Store, milestone: string) {
  const { conversions } = await store.attributionInputs('w', milestone, undefined, {
    convertingOnly: true,
  });
  return conversions
    .map((c) => [c.personId, new Date(c.at).toISOString().slice(0, 10), c.value] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}

test('CRM changes are facts stored once per key; contacts and deals reach persons and their milestones carry the amounts', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    const bob = await person(store, 'email', 'bob@acme.io');
    const carol = await person(store, 'anonymous_id', 'anon-c');

    const first = await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    assert.equal(first.inserted, CONTACTS.length + DEALS.length);
    assert.equal(first.duplicates, 0);
    // re-delivered (and repeated within a batch): nothing changes
    const again = await recordCrmChanges(store, 'w', [...DEALS, ...CONTACTS, DEALS[0]!]);
    assert.deepEqual([again.inserted, again.duplicates], [0, CONTACTS.length + DEALS.length + 1]);
    const stored = await store.crmChanges('w');
    assert.equal(stored.length, CONTACTS.length + DEALS.length);
    // a fact reads back as it was handed in
    const won = DEALS.find((d) => d.outcome === 'won')!;
    assert.deepEqual(
      stored.find((s) => s.key === won.key),
      won,
    );

    const sort = (rows: Array<readonly [string, string, number]>) =>
      [...rows].sort((a, b) => (a[0] < b[0] ? -1 : 1));
    assert.deepEqual(await reached(store, 'mql'), [[ada, '2026-03-02', 0]]);
    assert.deepEqual(await reached(store, 'sql'), [[bob, '2026-03-03', 0]]);
    assert.deepEqual(
      await reached(store, 'opportunity'),
      sort([
        [ada, '2026-03-05', 12000.5],
        [bob, '2026-03-06', 5000],
      ]),
    );
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5]]);
    // the lead stays the tracker's: ada and bob identified; carol is not a lead by the CRM
    assert.deepEqual((await reached(store, 'lead')).map((r) => r[0]).sort(), [ada, bob].sort());
    // "Demo booked" names no milestone of the default funnel: carol reached none
    assert.ok(!(await reached(store, 'mql')).some((r) => r[0] === carol));

    // unmatched records stay and are counted: dan and his lost deal
    assert.deepEqual(await store.crmMatchCounts('w'), [
      { source: 'csv', objectType: 'contact', objects: 4, matched: 3 },
      { source: 'csv', objectType: 'deal', objects: 3, matched: 2 },
    ]);
    const deals = await store.crmDeals('w');
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.outcome, d.amount, d.lostReason, d.personId]),
      [
        ['d1', 'won', { minor: 1200050, currency: 'eur' }, null, ada],
        ['d2', 'open', { minor: 500000, currency: 'eur' }, null, bob],
        ['d3', 'lost', { minor: 900, currency: 'jpy' }, 'price', null],
      ],
    );

    // credits of the CRM milestones, with the deal amounts
    await changeAttributionSettings(store, 'w', { conversion: 'customer' });
    const customers = await attributionReport(store, 'w', {
      model: 'linear',
      groupBy: ['channel'],
    });
    assert.equal(customers.totals.conversions, 1);
    assert.ok(Math.abs(customers.totals.value - 12000.5) < 1e-9);
    assert.deepEqual(
      customers.rows.map((r) => r.key.channel),
      ['Paid Search'],
    );
    await changeAttributionSettings(store, 'w', { conversion: 'opportunity' });
    const opps = await attributionReport(store, 'w', { model: 'linear', groupBy: ['channel'] });
    assert.equal(opps.totals.conversions, 2);
    assert.ok(Math.abs(opps.totals.value - 17000.5) < 1e-9);

    // a rebuild of unchanged facts gives the same milestones
    const before = await reached(store, 'opportunity');
    await rebuild(store, 'w');
    assert.deepEqual(await reached(store, 'opportunity'), before);
  });
});

test('changing the funnel re-derives the CRM milestones from the same facts', async () => {
  await withStore(async (store) => {
    await seedEvents(store);
    const ada = await person(store, 'email', 'ada@acme.io');
    const carol = await person(store, 'anonymous_id', 'anon-c');
    await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5]]);

    const change = await changeFunnel(store, 'w', {
      milestones: ['lead', 'meeting_booked', 'opportunity', 'customer', 'won_deal'],
      crm: {
        csv: { contactStages: { 'Demo booked': 'meeting_booked' }, wonDealMilestone: 'won_deal' },
      },
    });
    assert.ok(change.milestones > 0);
    // carol's contact matched through the hidden field's anonymous id
    assert.deepEqual(await reached(store, 'meeting_booked'), [[carol, '2026-03-04', 0]]);
    assert.deepEqual(await reached(store, 'won_deal'), [[ada, '2026-03-20', 12000.5]]);
    assert.deepEqual(await reached(store, 'customer'), []);
    // mql and sql are not milestones of this funnel: the stock stages map to nothing
    assert.deepEqual(await reached(store, 'mql'), []);
    assert.equal((await store.crmChanges('w')).length, CONTACTS.length + DEALS.length);

    await changeFunnel(store, 'w', {});
    assert.deepEqual(await reached(store, 'customer'), [[ada, '2026-03-20', 12000.5]]);
    assert.deepEqual(await reached(store, 'meeting_booked'), []);
  });
});

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
