// A small hand-built world for the pipeline reports (opportunities, revenue, funnel): visits, identifies
// and CRM records through the real intake paths (the event import, then the CSV connector's mapping
// handed to recordCrmChanges), every number of the reports' tests computed from it by hand.
//
//   person  first visit                  lead   CRM                               deals
//   ada     2026-02-20 google cpc        03-02  SQL 03-02                         d1 1000 USD 03-05, won 03-20
//   bob     2026-03-02 newsletter        03-03  MQL 03-03                         d2 500 USD 03-06, Proposal 03-07 (open)
//                                                                                 d6 700 USD 03-01, deleted 03-11
//                                                                                 d7 400 USD 03-14, won 03-15,
//                                                                                    Negotiation 03-18, won 03-25
//   carol   2026-03-03 linkedin      -      MQL 03-04 (her form's anonymous id)  d5 300 EUR 03-12 (open)
//   eve     2026-03-04 google organic 03-04 SQL 03-05                         d4 2000 USD 03-10, won 04-02
//   frank   2026-03-05 direct        -      -                                 -
//   gina    (no visit: identify only) 03-06 -                                 -
//   dan     (unknown to the site)            SQL 03-04                         d3 900 USD 03-06, lost 03-08
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { rebuild } from '../derive/derive.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { Store } from '../store/store.js';
import { records } from './crm-records.js';
import { identify, page } from './events.js';

const CONTACTS = records('contacts', [
  { record_id: 'c1', contact_email: 'ada@acme.io', stage: 'SQL', created_at: '2026-03-02' },
  { record_id: 'c2', contact_email: 'bob@acme.io', stage: 'MQL', created_at: '2026-03-03' },
  {
    record_id: 'c3',
    contact_email: 'carol@acme.io',
    anonymous_id: 'anon-c',
    stage: 'MQL',
    created_at: '2026-03-04',
  },
  { record_id: 'c4', contact_email: 'dan@elsewhere.io', stage: 'SQL', created_at: '2026-03-04' },
  { record_id: 'c5', contact_email: 'eve@acme.io', stage: 'SQL', created_at: '2026-03-05' },
]);

const deal = (id: string, contact: string, amount: string, currency: string, created: string) => ({
  record_id: id,
  contact_id: contact,
  amount,
  currency,
  created_at: created,
});

const DEALS = records('deals', [
  { ...deal('d1', 'c1', '1000', 'USD', '2026-03-05'), status: 'won', closed_at: '2026-03-20' },
  {
    ...deal('d2', 'c2', '500', 'USD', '2026-03-06'),
    stage: 'Proposal',
    stage_changed_at: '2026-03-07',
  },
  {
    ...deal('d3', 'c4', '900', 'USD', '2026-03-06'),
    status: 'lost',
    lost_reason: 'price',
    closed_at: '2026-03-08',
  },
  { ...deal('d4', 'c5', '2000', 'USD', '2026-03-10'), status: 'won', closed_at: '2026-04-02' },
  deal('d5', 'c3', '300', 'EUR', '2026-03-12'),
  deal('d6', 'c2', '700', 'USD', '2026-03-01'),
  // won, re-opened, won again: it closed at the second win
  { ...deal('d7', 'c2', '400', 'USD', '2026-03-14'), status: 'won', closed_at: '2026-03-15' },
  {
    ...deal('d7', 'c2', '400', 'USD', '2026-03-14'),
    stage: 'Negotiation',
    stage_changed_at: '2026-03-18',
  },
  { ...deal('d7', 'c2', '400', 'USD', '2026-03-14'), status: 'won', closed_at: '2026-03-25' },
]);

/**
 * A deal deleted, restored or merged into another in the CRM on a day, as a connector hands such a
 * change on (the deal's own record with the change, its stage, outcome and amount cleared).
 */
export function dealLifecycle(
  id: string,
  change: 'deleted' | 'restored' | 'merged',
  day: string,
  mergedInto: string | null = null,
): CrmChangeRecord {
  const template = DEALS.find((r) => r.objectId === id);
  if (!template) throw new Error(`no deal ${id}`);
  const at = Date.parse(`${day}T00:00:00Z`);
  return {
    ...template,
    key: `csv:deal:${id}:${change}:${at}`,
    change,
    occurredAt: at,
    timeSource: 'event',
    stage: null,
    milestone: null,
    outcome: null,
    amount: null,
    lostReason: null,
    mergedInto,
  };
}

export async function pipelineWorld(store: Store, workspaceId = 'w'): Promise<void> {
  const events = [
    page('anon-a', '2026-02-20T09:00:00Z', 'https://acme.io/?utm_source=google&utm_medium=cpc'),
    identify('anon-a', '2026-03-02T09:00:00Z', 'ada@acme.io'),
    page('anon-b', '2026-03-02T10:00:00Z', 'https://acme.io/?utm_source=news&utm_medium=email'),
    identify('anon-b', '2026-03-03T10:00:00Z', 'bob@acme.io'),
    page('anon-c', '2026-03-03T11:00:00Z', 'https://acme.io/', 'https://www.linkedin.com/'),
    page('anon-e', '2026-03-04T08:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
    identify('anon-e', '2026-03-04T08:30:00Z', 'eve@acme.io'),
    page('anon-f', '2026-03-05T12:00:00Z', 'https://acme.io/'),
    identify('anon-g', '2026-03-06T12:00:00Z', 'gina@acme.io'),
  ];
  await store.appendEvents(workspaceId, events, { origin: 'import', receivedAt: new Date() });
  await rebuild(store, workspaceId);
  await recordCrmChanges(store, workspaceId, [
    ...CONTACTS,
    ...DEALS,
    dealLifecycle('d6', 'deleted', '2026-03-11'),
  ]);
}
