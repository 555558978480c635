// A small workspace for the dashboard's browser tests, put in through the paths a customer's data
// takes: visits and identifies to /v1/batch (leads), a Google Ads export to /api/ad-costs (spend), a CRM
// CSV to /api/crm/import (a won deal and an open one: pipeline, revenue, a customer). Days are UTC:
//   02-25      a visit and a lead (p0), spend 40        (the comparison period of 03-01..03-07)
//   03-01..07  visits of p1..p6 from Google and e-mail, leads p1 (03-01) p2 (03-02) p3 (03-04) p4 (03-06),
//              spend 50 + 10 a day; d1 (p1) opened 03-03, won 03-05 for 1000; d2 (p2) opened 03-04, 500
import type { TestServer } from './server.js';
import { clientFor } from './server.js';

const GOOGLE = 'utm_source=google&utm_medium=cpc&utm_campaign=Brand';
const EMAIL = 'utm_source=newsletter&utm_medium=email&utm_campaign=March';

const visit = (n: number, anon: string, at: string, query: string) => ({
  type: 'page',
  messageId: `pv-${n}`,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url: `https://acme.test/pricing?${query}` } },
});
const lead = (n: number, anon: string, at: string, email: string) => ({
  type: 'identify',
  messageId: `id-${n}`,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});

const costDay = (d: number) => {
  const day = `"Mar ${d}, 2026"`;
  return [`${day},Brand,111,USD,10,100,50.00,0,0`, `${day},Generic,112,USD,2,40,10.00,0,0`];
};
const GOOGLE_CSV = [
  'Campaign report',
  '"Feb 25, 2026 - Mar 7, 2026"',
  'Day,Campaign,Campaign ID,Currency code,Clicks,Impr.,Cost,Conversions,Conv. value',
  '"Feb 25, 2026",Brand,111,USD,8,80,40.00,0,0',
  ...[1, 2, 3, 4, 5, 6, 7].flatMap(costDay),
].join('\n');

const CRM_CSV = [
  'Type,Id,E-mail,Contact Id,Stage,created_at,stage_changed_at,Status,Amount,Currency,Paid at,Deal id',
  'contact,c1,p1@acme.test,,,2026-03-01,,,,,,',
  'contact,c2,p2@acme.test,,,2026-03-02,,,,,,',
  'deal,d1,p1@acme.test,c1,,2026-03-03,,open,1000,USD,,',
  'stage,d1,,c1,,,2026-03-05,won,1000,USD,,',
  'deal,d2,p2@acme.test,c2,,2026-03-04,,open,500,USD,,',
].join('\n');

export async function dashboardWorld(s: TestServer): Promise<void> {
  const { send, api } = clientFor(s);
  const events = [
    visit(0, 'p0', '2026-02-25T10:00:00Z', GOOGLE),
    lead(0, 'p0', '2026-02-25T10:01:00Z', 'p0@acme.test'),
    visit(1, 'p1', '2026-03-01T09:00:00Z', GOOGLE),
    lead(1, 'p1', '2026-03-01T09:02:00Z', 'p1@acme.test'),
    visit(2, 'p2', '2026-03-02T11:00:00Z', GOOGLE),
    lead(2, 'p2', '2026-03-02T11:05:00Z', 'p2@acme.test'),
    visit(3, 'p3', '2026-03-04T12:00:00Z', EMAIL),
    lead(3, 'p3', '2026-03-04T12:01:00Z', 'p3@acme.test'),
    visit(4, 'p4', '2026-03-06T08:00:00Z', GOOGLE),
    lead(4, 'p4', '2026-03-06T08:03:00Z', 'p4@acme.test'),
    visit(5, 'p5', '2026-03-03T15:00:00Z', GOOGLE),
    visit(6, 'p6', '2026-03-07T16:00:00Z', EMAIL),
    visit(7, 'p1', '2026-03-05T10:00:00Z', EMAIL),
  ];
  const sent = await send(events);
  if (sent.status !== 200) throw new Error(`events: ${sent.status} ${await sent.text()}`);
  await s.app.ingest.settle();
  const costs = await api('/api/ad-costs?platform=google&account=123-456-7890&file=costs.csv', {
    method: 'POST',
    headers: { 'content-type': 'application/octet-stream' },
    body: GOOGLE_CSV,
  });
  if (costs.status !== 200) throw new Error(`ad costs: ${costs.status} ${await costs.text()}`);
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
