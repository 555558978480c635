// The funnel over HTTP: its defaults and the CRMs' stock mappings, a custom funnel saved and read back,
// milestones the funnel does not define refused (naming the known ones) in the funnel's CRM mappings and
// in the attribution settings and reports, and the route in the OpenAPI document.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { clientFor, startTestServer, type TestServer } from '../../test-helpers/server.js';

let s: TestServer;
before(async () => {
  s = await startTestServer({ ingestRateLimit: 0 });
});
after(async () => s.close());

const api = (path: string, init?: RequestInit) => clientFor(s).api(path, init);
const put = (path: string, body: unknown) =>
  api(path, { method: 'PUT', body: JSON.stringify(body) });
const errorOf = async (r: Response) =>
  ((await r.json()) as { error: { code: string; message: string; field: string } }).error;

interface FunnelBody {
  funnel: { milestones: string[]; crm: Record<string, unknown> };
  defaults: { milestones: string[] };
  stock: Record<string, Record<string, unknown>>;
}

test('the default funnel and each CRM stock mapping; a custom funnel is saved and read back', async () => {
  const got = (await (await api('/api/funnel')).json()) as FunnelBody;
  assert.deepEqual(got.funnel.milestones, ['lead', 'mql', 'sql', 'opportunity', 'customer']);
  assert.deepEqual(got.defaults.milestones, got.funnel.milestones);
  // the stock values come from the connectors' own mappings
  const hubspot = got.stock.hubspot!.lifecycleStages as Record<string, string | null>;
  assert.equal(hubspot.marketingqualifiedlead, 'mql');
  const sf = got.stock.salesforce!.leadStatuses as Record<string, string | null>;
  assert.equal(sf['Closed - Converted'], 'sql');
  assert.equal(got.stock.pipedrive!.wonDealMilestone, 'customer');
  assert.equal((got.stock.csv!.contactStages as Record<string, string>).mql, 'mql');

  const custom = {
    milestones: ['lead', 'meeting_booked', 'opportunity', 'customer'],
    crm: {
      hubspot: { lifecycleStages: { '1234': 'meeting_booked' } },
      pipedrive: { activityTypes: { meeting: 'meeting_booked' }, lostDealMilestone: null },
      csv: { contactStages: { 'Demo Booked': 'meeting_booked' } },
    },
  };
  const saved = await put('/api/funnel', custom);
  assert.equal(saved.status, 200, await saved.clone().text());
  const after = (await (await api('/api/funnel')).json()) as FunnelBody;
  assert.deepEqual(after.funnel.milestones, custom.milestones);
  assert.deepEqual(after.funnel.crm, custom.crm);

  // the attribution settings may credit any milestone of the funnel, even one with no data yet
  assert.equal(
    (await put('/api/attribution/settings', { conversion: 'meeting_booked' })).status,
    200,
  );
  // ... and the funnel may not drop the one they credit
  const dropped = await put('/api/funnel', { milestones: ['lead', 'customer'] });
  assert.equal(dropped.status, 400);
  const e = await errorOf(dropped);
  assert.equal(e.field, 'milestones');
  assert.match(e.message, /meeting_booked/);
  assert.equal((await put('/api/attribution/settings', { conversion: 'lead' })).status, 200);
  assert.equal((await put('/api/funnel', {})).status, 200);
});

test('milestones the funnel does not define are refused with a 400 naming the known ones', async () => {
  const cases: Array<[unknown, string, RegExp]> = [
    [{ milestones: ['mql', 'sql'] }, 'milestones', /"lead"/],
    [{ milestones: ['lead', 'lead'] }, 'milestones[1]', /twice/],
    [{ milestones: ['lead', 'Meeting Booked'] }, 'milestones[1]', /lower case/],
    [{ crm: { zoho: {} } }, 'crm', /zoho|unrecognized/i],
    [
      { crm: { hubspot: { lifecycleStages: { lead: 'meeting_booked' } } } },
      'crm.hubspot.lifecycleStages.lead',
      /"meeting_booked" is not a milestone of the funnel \(lead, mql, sql, opportunity, customer\)/,
    ],
    [
      { crm: { salesforce: { opportunityStages: { Demo: { milestone: 'demo' } } } } },
      'crm.salesforce.opportunityStages.Demo.milestone',
      /"demo" is not a milestone/,
    ],
    [
      { crm: { pipedrive: { wonDealMilestone: 'paying' } } },
      'crm.pipedrive.wonDealMilestone',
      /"paying"/,
    ],
    [{ crm: { csv: { lostDealMilestone: 'lost' } } }, 'crm.csv.lostDealMilestone', /"lost"/],
    [{ crm: { hubspot: { currency: 'euros' } } }, 'crm.hubspot.currency', /ISO 4217/],
  ];
  for (const [body, field, message] of cases) {
    const r = await put('/api/funnel', body);
    assert.equal(r.status, 400, JSON.stringify(body));
    const e = await errorOf(r);
    assert.equal(e.field, field, JSON.stringify(body));
    assert.match(e.message, message, JSON.stringify(body));
  }
  // nothing was stored
  const got = (await (await api('/api/funnel')).json()) as FunnelBody;
  assert.deepEqual(got.funnel.crm, {});

  // a funnel without mql needs no mapping to say so: the stock mql stages then map to nothing
  assert.equal((await put('/api/funnel', { milestones: ['lead', 'customer'] })).status, 200);
  assert.equal((await put('/api/funnel', {})).status, 200);

  for (const conversion of ['foo', 'meeting_booked']) {
    const r = await put('/api/attribution/settings', { conversion });
    assert.equal(r.status, 400, conversion);
    const e = await errorOf(r);
    assert.equal(e.field, 'conversion');
    assert.match(e.message, /the known ones are lead, mql, sql, opportunity, customer/);
  }
  const report = await api('/api/reports/attribution?conversion=foo');
  assert.equal(report.status, 400);
  assert.equal((await errorOf(report)).field, 'conversion');
  // defined but with no data yet: accepted, an empty report
  assert.equal((await put('/api/attribution/settings', { conversion: 'customer' })).status, 200);
  assert.equal((await put('/api/attribution/settings', { conversion: 'lead' })).status, 200);
});

test('the funnel routes need the secret key and are in the OpenAPI document', async () => {
  assert.equal((await fetch(`${s.base}/api/funnel`)).status, 401);
  const doc = (await (await fetch(`${s.base}/api/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { requestBody?: unknown; security?: unknown[] }>>;
  };
  const path = doc.paths['/api/funnel'];
  assert.ok(path?.get && path.put, 'GET and PUT /api/funnel are documented');
  assert.ok(path.put.requestBody, 'the funnel body schema is documented');
  assert.ok((path.put.security ?? []).length > 0);
});
