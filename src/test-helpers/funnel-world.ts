// The sales pages' world (funnel, lead quality, sales cycle): the dashboard's world (dashboard-world.ts,
// unchanged) and, beside it, lifecycle stages, disqualified leads, lost deals with their reasons and
// longer cycles, put in through the same paths a customer's data takes: visits and identifies to
// /v1/batch, a CRM CSV to /api/crm/import. Days are UTC:
//   p1 (Google, 03-01)   MQL 03-02, SQL 03-03 (its deal d1 won 03-05, dashboard-world)
//   p2 (Google, 03-02)   MQL 03-03 (its deal d2 open, dashboard-world)
//   p3 (e-mail, 03-04)   unqualified 03-05
//   p4 (Google, 03-06)   MQL 03-07
//   p7 (Facebook ads)    first visit 02-01, lead 02-10, deal d3 opened 02-20, won 03-06 for 2000
//   p8 (Facebook ads)    visit and lead 03-02, SQL 03-03, deal d4 opened 03-04, lost 03-06 ("Price")
//   p9 (e-mail, March)   visit and lead 03-05, deal d5 opened 03-05, lost 03-07 ("Timing")
//   p10 (Google, 03-03)  visit and lead 03-03, junk 03-04
import { dashboardWorld } from './dashboard-world.js';
import type { TestServer } from './server.js';
import { clientFor } from './server.js';

const GOOGLE = 'utm_source=google&utm_medium=cpc&utm_campaign=Brand';
const FACEBOOK = 'utm_source=facebook&utm_medium=paid_social&utm_campaign=Spring';
const EMAIL = 'utm_source=newsletter&utm_medium=email&utm_campaign=March';

const visit = (n: number, anon: string, at: string, query: string) => ({
  type: 'page',
  messageId: `fw-pv-${n}`,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url: `https://acme.test/pricing?${query}` } },
});
const lead = (n: number, anon: string, at: string, email: string) => ({
  type: 'identify',
  messageId: `fw-id-${n}`,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});

const CRM_CSV = [
  'Type,Id,Object,E-mail,Contact Id,Stage,created_at,stage_changed_at,Status,Closed at,Lost reason,Amount,Currency',
  // lifecycle stages of the dashboard world's contacts and of new ones
  'stage,c1,contact,p1@acme.test,,mql,,2026-03-02,,,,,',
  'stage,c1,contact,p1@acme.test,,sql,,2026-03-03,,,,,',
  'stage,c2,contact,p2@acme.test,,mql,,2026-03-03,,,,,',
  'contact,c3,,p3@acme.test,,unqualified,2026-03-04,2026-03-05,,,,,',
  'contact,c4,,p4@acme.test,,mql,2026-03-06,2026-03-07,,,,,',
  'contact,c7,,p7@acme.test,,,2026-02-10,,,,,,',
  'contact,c8,,p8@acme.test,,sql,2026-03-02,2026-03-03,,,,,',
  'contact,c9,,p9@acme.test,,,2026-03-05,,,,,,',
  'contact,c10,,p10@acme.test,,junk,2026-03-03,2026-03-04,,,,,',
  // deals: one won after a long cycle, two lost with their reasons
  'deal,d3,,p7@acme.test,c7,,2026-02-20,,won,2026-03-06,,2000,USD',
  'deal,d4,,p8@acme.test,c8,,2026-03-04,,lost,2026-03-06,Price,800,USD',
  'deal,d5,,p9@acme.test,c9,,2026-03-05,,lost,2026-03-07,Timing,300,USD',
].join('\n');

export async function funnelWorld(s: TestServer): Promise<void> {
  await dashboardWorld(s);
  const { send, api } = clientFor(s);
  const events = [
    visit(7, 'p7', '2026-02-01T09:00:00Z', FACEBOOK),
    lead(7, 'p7', '2026-02-10T09:00:00Z', 'p7@acme.test'),
    visit(8, 'p8', '2026-03-02T10:00:00Z', FACEBOOK),
    lead(8, 'p8', '2026-03-02T10:04:00Z', 'p8@acme.test'),
    visit(9, 'p9', '2026-03-05T13:00:00Z', EMAIL),
    lead(9, 'p9', '2026-03-05T13:02:00Z', 'p9@acme.test'),
    visit(10, 'p10', '2026-03-03T14:00:00Z', GOOGLE),
    lead(10, 'p10', '2026-03-03T14:01:00Z', 'p10@acme.test'),
  ];
  const sent = await send(events);
  if (sent.status !== 200) throw new Error(`events: ${sent.status} ${await sent.text()}`);
  await s.app.ingest.settle();
  const crm = await api('/api/crm/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: CRM_CSV,
  });
  if (crm.status !== 200) throw new Error(`crm: ${crm.status} ${await crm.text()}`);
  const report = (await crm.json()) as { errorCount: number };
  if (report.errorCount) throw new Error(`crm rows refused: ${JSON.stringify(report)}`);
  await s.app.ingest.settle();
}
