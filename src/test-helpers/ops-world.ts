// What the Operations pages' browser tests add to the dashboard world (dashboard-world.ts), in their own
// server only (the dashboard-e2e numbers are not touched): tracking mistakes for the health page, put in
// through the same ingestion and CRM import routes.
//   tagging:  paid Google visits tagged utm_campaign=Spring (no campaign with spend: sessions without
//             spend) on 03-02 and 03-03, and paid Google visits with no campaign landing on /offer
//             (untagged landing page) on 03-04 and 03-06; Generic's spend meets no session already
//   identity: a kiosk's anonymous id identified with four e-mails (over the limit of three: quarantined);
//             five CRM contacts whose e-mails no visitor was identified with (unmatched CRM records)
import type { TestServer } from './server.js';
import { clientFor } from './server.js';

const page = (id: string, anon: string, at: string, url: string) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url } },
});

const identify = (id: string, anon: string, at: string, email: string) => ({
  type: 'identify',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});

const SPRING = 'https://acme.test/spring?utm_source=google&utm_medium=cpc&utm_campaign=Spring';
const UNTAGGED = 'https://acme.test/offer?utm_source=google&utm_medium=cpc';

const CRM_CSV = [
  'Type,Id,E-mail,Contact Id,Stage,created_at,stage_changed_at,Status,Amount,Currency,Paid at,Deal id',
  ...[1, 2, 3, 4, 5].map((n) => `contact,u${n},nobody${n}@elsewhere.test,,,2026-03-0${n},,,,,,`),
].join('\n');

export async function opsWorld(s: TestServer): Promise<void> {
  const { send, api } = clientFor(s);
  const events = [
    page('ops-s1', 'q1', '2026-03-02T10:00:00Z', SPRING),
    page('ops-s2', 'q2', '2026-03-03T10:00:00Z', SPRING),
    page('ops-s3', 'q3', '2026-03-03T14:00:00Z', SPRING),
    page('ops-u1', 'q4', '2026-03-04T09:00:00Z', UNTAGGED),
    page('ops-u2', 'q5', '2026-03-06T09:00:00Z', UNTAGGED),
    page('ops-k0', 'kiosk', '2026-03-05T08:00:00Z', 'https://acme.test/'),
    ...[1, 2, 3, 4].map((n) =>
      identify(`ops-k${n}`, 'kiosk', `2026-03-05T08:0${n}:00Z`, `visitor${n}@acme.test`),
    ),
  ];
  const sent = await send(events);
  if (sent.status !== 200) throw new Error(`events: ${sent.status} ${await sent.text()}`);
  const crm = await api('/api/crm/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: CRM_CSV,
  });
  if (crm.status !== 200) throw new Error(`crm: ${crm.status} ${await crm.text()}`);
  await s.app.ingest.settle();
}
