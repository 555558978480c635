// The dashboard world (dashboard-world.ts) and more for the Sales pages' browser tests, through the
// paths a customer's data takes: two more open deals at named stages by a second CRM CSV import, and
// three Stripe customers' subscription stories delivered, signed, to the Stripe webhook receiver
// (/hooks/stripe/:workspace) and loaded by the server's receipt loader. Days are UTC:
//   d3 (p3, newsletter) opened 03-06 at Proposal, 750; d4 (p4, google) opened 03-06 at Qualified, 300
//   cus_p1 (p1, google) $100 a month from 03-05, $150 from 05-01
//   cus_p3 (p3, newsletter) $80 a month from 03-10, ended 05-15
//   cus_x  (nobody the site saw) $30 a month from 04-01
import { stripeSignatureHeader } from '../sources/stripe/index.js';
import { dashboardWorld } from './dashboard-world.js';
import { connect } from './receipt-hooks.js';
import { clientFor, type TestServer } from './server.js';
import { customerStory } from './stripe-story.js';

const STRIPE_SECRET = 'whsec_sales_world_0123456789abcdef';

const CRM_CSV = [
  'Type,Id,E-mail,Contact Id,Stage,created_at,stage_changed_at,Status,Amount,Currency,Paid at,Deal id',
  'contact,c3,p3@acme.test,,,2026-03-04,,,,,,',
  'contact,c4,p4@acme.test,,,2026-03-06,,,,,,',
  'deal,d3,p3@acme.test,c3,Proposal,2026-03-06,,open,750,USD,,',
  'deal,d4,p4@acme.test,c4,Qualified,2026-03-06,,open,300,USD,,',
].join('\n');

const stories = () => [
  ...customerStory({
    customer: 'cus_p1',
    email: 'p1@acme.test',
    currency: 'usd',
    steps: [
      { at: '2026-03-05', unit: 10_000 },
      { at: '2026-05-01', unit: 15_000 },
    ],
  }),
  ...customerStory({
    customer: 'cus_p3',
    email: 'p3@acme.test',
    currency: 'usd',
    steps: [{ at: '2026-03-10', unit: 8_000 }],
    endedAt: '2026-05-15',
  }),
  ...customerStory({
    customer: 'cus_x',
    email: 'x@elsewhere.test',
    currency: 'usd',
    steps: [{ at: '2026-04-01', unit: 3_000 }],
  }),
];

export async function salesWorld(s: TestServer): Promise<void> {
  await dashboardWorld(s);
  const { api } = clientFor(s);
  const crm = await api('/api/crm/import', {
    method: 'POST',
    headers: { 'content-type': 'text/csv' },
    body: CRM_CSV,
  });
  if (crm.status !== 200) throw new Error(`crm: ${crm.status} ${await crm.text()}`);
  const report = (await crm.json()) as { errorCount: number };
  if (report.errorCount) throw new Error(`crm rows refused: ${JSON.stringify(report)}`);

  await connect(s, 'stripe', { webhookSecret: STRIPE_SECRET });
  for (const receipt of stories()) {
    const res = await fetch(`${s.base}/hooks/stripe/${s.workspace.id}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': stripeSignatureHeader(receipt.body, STRIPE_SECRET, Date.now() / 1000),
      },
      body: receipt.body,
    });
    if (res.status !== 200) throw new Error(`stripe hook: ${res.status} ${await res.text()}`);
  }
  await s.app.receipts.idle();
  await s.app.ingest.settle();
}
