// CRM records for tests, made by the CSV connector's own mapping (the path an import takes), and the
// events of the persons they match: ada and bob identified, carol only visited (her form carried the
// anonymous id into the CRM), dan unknown to the site.
import assert from 'node:assert/strict';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import { resolveCsvMapping, rowRecords, type CsvRow } from '../sources/crm-csv/index.js';
import type { Store } from '../store/store.js';
import { rebuild } from '../derive/derive.js';
import { add, identify, page } from './events.js';

export const csv = resolveCsvMapping();
export function records(type: 'contacts' | 'deals', rows: CsvRow[]): CrmChangeRecord[] {
  return rows.flatMap((row) => {
    const r = rowRecords(row, type, csv);
    assert.ok(r.ok, JSON.stringify(r));
    return r.changes;
  });
}

export const CONTACTS = records('contacts', [
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
export const DEALS = records('deals', [
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

export async function seedEvents(store: Store) {
  await add(store, [
    page('anon-a', '2026-03-01T09:00:00Z', 'https://acme.io/?utm_source=google&utm_medium=cpc'),
    identify('anon-a', '2026-03-02T09:00:00Z', 'ada@acme.io'),
    page('anon-b', '2026-03-02T10:00:00Z', 'https://acme.io/?utm_source=news&utm_medium=email'),
    identify('anon-b', '2026-03-03T10:00:00Z', 'bob@acme.io'),
    page('anon-c', '2026-03-03T11:00:00Z', 'https://acme.io/', 'https://www.linkedin.com/'),
  ]);
  await rebuild(store, 'w');
}

export async function person(store: Store, kind: string, value: string) {
  const [p] = await store.personsByIdentifier('w', kind, value);
  assert.ok(p, `${kind} ${value} has a person`);
  return p;
}

/** The conversions of a milestone: person, ISO time, value. */
export async function reached(store: Store, milestone: string) {
  const { conversions } = await store.attributionInputs('w', milestone, undefined, {
    convertingOnly: true,
  });
  return conversions
    .map((c) => [c.personId, new Date(c.at).toISOString().slice(0, 10), c.value] as const)
    .sort((a, b) => (a[0] < b[0] ? -1 : 1));
}
