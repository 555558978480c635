// A small hand-computed world for the lead-quality and sales-cycle reports: seven persons, each
// with a first page view (its channel and campaign), an identify that makes the lead, and CRM contacts and
// deals entered through the CSV connector's mapping and the real intake (recordCrmChanges). The dates are
// chosen so that every duration is a round number of hours (the expectations are in the tests).
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { rebuild } from '../derive/derive.js';
import type { Store } from '../store/store.js';
import { records } from './crm-records.js';
import { identify, page } from './events.js';

const G = 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=spring';
const E = 'https://acme.io/?utm_source=news&utm_medium=email&utm_campaign=march';

/** Who is who: the first touch, the lead moment, what the CRM says. */
export const QUALITY_PERSONS = {
  ada: { channel: 'Paid Search', campaign: 'spring' },
  bob: { channel: 'Email', campaign: 'march' },
  carol: { channel: 'Organic Social', campaign: '(not set)' },
  eve: { channel: 'Paid Search', campaign: 'spring' },
  frank: { channel: 'Direct', campaign: '(not set)' },
  hal: { channel: 'Email', campaign: 'march' },
  // entered the funnel in February: outside a March range, though her deal closed in March
  gina: { channel: 'Paid Search', campaign: 'spring' },
} as const;

export async function qualityWorld(store: Store, workspaceId = 'w'): Promise<void> {
  await store.appendEvents(
    workspaceId,
    [
      page('anon-ada', '2026-03-01T09:00:00Z', G),
      identify('anon-ada', '2026-03-02T09:00:00Z', 'ada@acme.io'),
      page('anon-bob', '2026-03-02T10:00:00Z', E),
      identify('anon-bob', '2026-03-04T10:00:00Z', 'bob@acme.io'),
      page('anon-carol', '2026-03-03T11:00:00Z', 'https://acme.io/', 'https://www.linkedin.com/'),
      identify('anon-carol', '2026-03-03T23:00:00Z', 'carol@acme.io'),
      page('anon-eve', '2026-03-04T08:00:00Z', G),
      identify('anon-eve', '2026-03-08T08:00:00Z', 'eve@acme.io'),
      page('anon-frank', '2026-03-05T00:00:00Z', 'https://acme.io/'),
      identify('anon-frank', '2026-03-15T00:00:00Z', 'frank@acme.io'),
      page('anon-hal', '2026-03-06T00:00:00Z', E),
      identify('anon-hal', '2026-03-09T00:00:00Z', 'hal@acme.io'),
      page('anon-gina', '2026-02-01T00:00:00Z', G),
      identify('anon-gina', '2026-02-02T00:00:00Z', 'gina@acme.io'),
    ],
    { origin: 'import', receivedAt: new Date() },
  );
  await rebuild(store, workspaceId);
  const contact = (id: string, email: string, stage: string, day: string) => ({
    record_id: id,
    contact_email: email,
    stage,
    created_at: day,
  });
  const deal = (id: string, contact: string, created: string, status: string, o: object = {}) => ({
    record_id: id,
    contact_id: contact,
    amount: '1000',
    currency: 'USD',
    status,
    created_at: created,
    ...o,
  });
  await recordCrmChanges(store, workspaceId, [
    ...records('contacts', [
      contact('c1', 'ada@acme.io', 'MQL', '2026-03-03'),
      contact('c2', 'bob@acme.io', 'SQL', '2026-03-05'),
      contact('c3', 'carol@acme.io', 'Unqualified', '2026-03-05'),
      contact('c5', 'eve@acme.io', 'SQL', '2026-03-09'),
      // disqualified, then qualified again: the latest stage counts
      contact('c8', 'hal@acme.io', 'Unqualified', '2026-03-10'),
      { ...contact('c8', 'hal@acme.io', 'MQL', '2026-03-10'), stage_changed_at: '2026-03-11' },
      contact('c7', 'gina@acme.io', 'MQL', '2026-03-10'),
    ]),
    ...records('deals', [
      deal('d1', 'c1', '2026-03-05', 'won', { closed_at: '2026-03-20' }),
      deal('d2', 'c2', '2026-03-06', 'lost', { closed_at: '2026-03-08', lost_reason: 'price' }),
      deal('d4', 'c5', '2026-03-10', 'lost', { closed_at: '2026-03-12', lost_reason: 'timing' }),
      deal('d5', 'c5', '2026-03-10', 'lost', { closed_at: '2026-03-13', lost_reason: 'price' }),
      deal('d7', 'c7', '2026-03-12', 'won', { closed_at: '2026-03-25' }),
    ]),
  ]);
}
