// The dashboard world (dashboard-world.ts) and a few more people for the journeys and person pages'
// browser tests, through the same ingestion route; dashboard-e2e.test.ts does not load them, so its
// numbers stay as they are. Days are UTC:
//   03-03  p7: a Google visit of ad group 777 with the keyword "crm software", a form, a lead
//   03-05  p8: a Google visit of ad group 778 with the keyword "cheap crm", a lead
//   03-06  p7: a second visit (a newsletter), after the lead
import { dashboardWorld } from './dashboard-world.js';
import type { TestServer } from './server.js';
import { clientFor } from './server.js';

const GOOGLE = 'utm_source=google&utm_medium=cpc&utm_campaign=Brand';

const visit = (id: string, anon: string, at: string, path: string) => ({
  type: 'page',
  messageId: id,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url: `https://acme.test${path}`, title: path.split('?')[0] } },
});

export const PEOPLE_EVENTS = [
  visit(
    'pw-1',
    'p7',
    '2026-03-03T10:00:00Z',
    `/pricing?${GOOGLE}&adgroupid=777&keyword=crm+software`,
  ),
  visit('pw-2', 'p7', '2026-03-03T10:03:00Z', '/demo'),
  {
    type: 'track',
    messageId: 'pw-3',
    anonymousId: 'p7',
    timestamp: '2026-03-03T10:04:00Z',
    event: 'Form Submitted',
    properties: { form: 'demo-request' },
  },
  {
    type: 'identify',
    messageId: 'pw-4',
    anonymousId: 'p7',
    timestamp: '2026-03-03T10:04:30Z',
    traits: { email: 'p7@acme.test', name: 'Petra Seven' },
  },
  visit('pw-5', 'p8', '2026-03-05T14:00:00Z', `/pricing?${GOOGLE}&adgroupid=778&keyword=cheap+crm`),
  {
    type: 'identify',
    messageId: 'pw-6',
    anonymousId: 'p8',
    timestamp: '2026-03-05T14:02:00Z',
    traits: { email: 'p8@acme.test' },
  },
  visit(
    'pw-7',
    'p7',
    '2026-03-06T09:00:00Z',
    '/blog?utm_source=newsletter&utm_medium=email&utm_campaign=March',
  ),
];

export async function peopleWorld(s: TestServer): Promise<void> {
  await dashboardWorld(s);
  const sent = await clientFor(s).send(PEOPLE_EVENTS);
  if (sent.status !== 200) throw new Error(`events: ${sent.status} ${await sent.text()}`);
  await s.app.ingest.settle();
}
