// A small world for the overview and performance reports (docs/reports.md), every number of which the
// tests compute by hand: the costs world's paid traffic and spend (cost-world.ts), one more visit of a
// converting person from an e-mail, and CRM records through the CSV connector's mapping (the path an
// import takes) that make a1 an MQL, an opportunity worth 1000 and a customer, and a2 an SQL with an
// open opportunity worth 500. Range 2026-03-01..2026-03-05 (UTC):
//   day    sessions (persons)        leads  mql sql opp (value)          customer (value)  spend
//   03-01  a1, a2, a6 (organic)       a1 a2                                                  100+30+70
//   03-02  a3, a4, a5, a2 (e-mail)    a4     a1  a2                                          20+80
//   03-03  a7                                        a1 (1000)
//   03-04                                            a2 (500)           a1 (1000)
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { rebuild } from '../derive/derive.js';
import type { Store } from '../store/store.js';
import { world } from './cost-world.js';
import { records } from './crm-records.js';
import { add, page } from './events.js';

export const RANGE = { from: '2026-03-01', to: '2026-03-05' };

export async function reportWorld(store: Store): Promise<void> {
  await world(store);
  await add(store, [
    page('a2', '2026-03-02T15:00:00Z', 'https://acme.io/?utm_source=newsletter&utm_medium=email'),
  ]);
  await recordCrmChanges(store, 'w', [
    ...records('contacts', [
      { record_id: 'c1', contact_email: 'a1@x.io', stage: 'MQL', created_at: '2026-03-02' },
      { record_id: 'c2', contact_email: 'a2@x.io', stage: 'SQL', created_at: '2026-03-02' },
    ]),
    ...records('deals', [
      {
        record_id: 'd1',
        contact_id: 'c1',
        amount: '1000',
        currency: 'USD',
        status: 'won',
        created_at: '2026-03-03',
        closed_at: '2026-03-04',
      },
      {
        record_id: 'd2',
        contact_id: 'c2',
        amount: '500',
        currency: 'USD',
        stage: 'Proposal',
        created_at: '2026-03-04',
      },
    ]),
  ]);
  await rebuild(store, 'w');
}
