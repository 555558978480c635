// A small world for the journeys and identity-health reports: the CRM records of crm-records.ts and the
// visits of their persons, entered through the real paths (events appended as an import, CRM changes
// through recordCrmChanges, a rebuild), with touches before and after the conversions.
//   ada:  Paid Search (google cpc) 03-01 09:00, a spring campaign visit 03-01 12:00 (utm_source=fb,
//         utm_medium=social), identify 03-02 09:00 (lead), a direct visit 03-04 08:00; deal won.
//   bob ("Robert Smith"): news e-mail 03-02 10:00, identify 03-03 10:00 (lead); open deal.
//   carol: a LinkedIn visit 03-03 11:00, never identified; her contact carries her anonymous id.
//   zed: identified 03-05 12:00 by a server-side call, never visited (a lead with no history).
//   dan: only in the CRM (a contact and a lost deal): unmatched.
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { recordCrmChanges } from '../derive/crm-milestones.js';
import { rebuild } from '../derive/derive.js';
import { importFxRates } from '../derive/fx-rates.js';
import { CONTACTS, DEALS } from './crm-records.js';
import { add, identify, page } from './events.js';

export const EUR_USD = 1.25;

let n = 0;
const named = (anon: string, at: string, email: string, name: string): RawEvent => ({
  type: 'identify',
  messageId: `iw${n++}`,
  anonymousId: anon,
  timestamp: at,
  traits: { email, name },
});

export async function insightsWorld(store: Store, extra: RawEvent[] = []): Promise<void> {
  await add(store, [
    page('anon-a', '2026-03-01T09:00:00Z', 'https://acme.io/?utm_source=google&utm_medium=cpc'),
    page(
      'anon-a',
      '2026-03-01T12:00:00Z',
      'https://acme.io/pricing?utm_source=fb&utm_medium=social&utm_campaign=spring',
    ),
    identify('anon-a', '2026-03-02T09:00:00Z', 'ada@acme.io'),
    page('anon-a', '2026-03-04T08:00:00Z', 'https://acme.io/docs'),
    page('anon-b', '2026-03-02T10:00:00Z', 'https://acme.io/?utm_source=news&utm_medium=email'),
    named('anon-b', '2026-03-03T10:00:00Z', 'bob@acme.io', 'Robert Smith'),
    page('anon-c', '2026-03-03T11:00:00Z', 'https://acme.io/', 'https://www.linkedin.com/'),
    identify('anon-z', '2026-03-05T12:00:00Z', 'zed@acme.io'),
    ...extra,
  ]);
  await rebuild(store, 'w');
  await importFxRates(store, 'w', [
    { date: '2026-03-01', base: 'EUR', quote: 'USD', rate: EUR_USD },
  ]);
  await recordCrmChanges(store, 'w', [...CONTACTS, ...DEALS]);
}
