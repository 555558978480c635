// One simulated world (the fast `demo` CRM) as a Salesforce org, on the suite's engine: the org read up
// to a moment by the Salesforce sync (SOQL pages joined by nextRecordsUrl, LeadHistory, Opportunity,
// OpportunityHistory, OpportunityContactRole) gives the simulator's truth up to that moment, per person:
// the same MQL, SQL, opportunity and customer milestones at the same second, valued at the pipeline and
// won amounts, and the same won revenue. The later writes then arrive as Change Data Capture events
// through the webhook receipt path, and the final state is the whole world's truth (the CRM CSV path's
// test, crm-csv-world.test.ts, holds the same world's CSV to the same truth).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { salesforceSimWriter } from '../sim/salesforce-writer.js';
import {
  crmTruthWriter,
  differences,
  expectedView,
  simulateCrmWorld,
  storedView,
} from '../test-helpers/crm-world-paths.js';
import { connect } from '../test-helpers/receipt-hooks.js';
import { startWorldOrg } from '../test-helpers/salesforce-world.js';
import { startTestServer, type TestServer } from '../test-helpers/server.js';
import { tempDir } from '../test-helpers/tmp.js';

const TOKEN = '00DSIM000000001AAA!AQ4AQworldSESSIONtoken.sim_0042';
const RELAY = 'sf-world-cdc-relay-token-5b2e91';

async function api(s: TestServer, method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.base}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${s.secretKey}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: ${res.status} ${text}`);
  return JSON.parse(text) as unknown;
}

test(
  'salesforce: a simulated world through the SOQL backfill, then its later changes as CDC events, gives the truth’s milestones and revenue',
  { timeout: 600_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const truth = crmTruthWriter();
    const sf = salesforceSimWriter({ multiCurrency: true });
    await simulateCrmWorld(dir, [truth, sf]);
    // the backfill reads the org as it stood three quarters of the way through its writes
    const writes = sf.world.writes;
    const cut = writes[Math.floor(writes.length * 0.75)]!.at;
    const later = sf.world.changeEvents(cut);
    assert.ok(later.length > 50, `${later.length} change events after the cut`);

    const org = await startWorldOrg(sf.world, { token: TOKEN, now: cut, pageSize: 100 });
    const s = await startTestServer();
    const ws = s.workspace.id;
    try {
      await s.store.importEventsFile(ws, join(dir, 'events.ndjson'));
      await rebuild(s.store, ws);
      // a multi-currency org: each opportunity's amount comes with its CurrencyIsoCode
      await connect(s, 'salesforce', {
        webhookSecret: RELAY,
        accessToken: TOKEN,
        baseUrl: org.baseUrl,
        multiCurrency: true,
      });
      const synced = (await api(s, 'POST', '/api/connectors/salesforce/sync?wait=true')) as {
        sync: { status: string; message?: string };
      };
      assert.equal(synced.sync.status, 'ok', synced.sync.message);
      const paths = org.requests.map((r) => r.url.pathname);
      assert.ok(
        paths.some((p) => /\/query\/01gSIM\d+-\d+$/.test(p)),
        'pages were read by nextRecordsUrl',
      );
      const soql = org.requests.map((r) => r.url.searchParams.get('q') ?? '');
      assert.ok(soql.some((q) => /\bFROM LeadHistory WHERE LeadId IN\b/.test(q)));
      assert.ok(soql.some((q) => /^SELECT [^]*\bCurrencyIsoCode\b[^]* FROM Opportunity\b/.test(q)));

      const atCut = await expectedView(s.store, ws, truth, cut);
      assert.ok(atCut.revenue.size >= 5, `${atCut.revenue.size} customers at the cut`);
      const backfilled = await storedView(s.store, ws, truth);
      assert.deepEqual(differences(backfilled.milestones, atCut.milestones), []);
      assert.deepEqual(differences(backfilled.revenue, atCut.revenue), []);

      // the later writes, as a relay posts CDC events: a few hundred at a time, in commit order (what
      // the events leave unknown is read again from the org as it is by then)
      org.now = Infinity;
      for (let i = 0; i < later.length; i += 500) {
        const res = await fetch(`${s.base}/hooks/salesforce/${ws}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${RELAY}` },
          body: JSON.stringify(later.slice(i, i + 500)),
        });
        assert.equal(res.status, 200, await res.text());
      }
      const before = org.requests.length;
      await s.app.receipts.idle();
      // the opportunities opened before the cut and closed after it: re-read for their amounts
      const reread = org.requests.slice(before).map((r) => r.url.searchParams.get('q') ?? '');
      assert.ok(reread.some((q) => /\bFROM Opportunity WHERE Id IN\b/.test(q)));
      const unloaded = await s.store.listWebhookReceipts({ workspaceId: ws, unloaded: true });
      assert.equal(unloaded.length, 0);

      const whole = await expectedView(s.store, ws, truth);
      const final = await storedView(s.store, ws, truth);
      assert.ok(whole.milestones.size > atCut.milestones.size);
      assert.deepEqual(differences(final.milestones, whole.milestones), []);
      assert.deepEqual(differences(final.revenue, whole.revenue), []);
    } finally {
      await s.close();
      await org.close();
      cleanup();
    }
  },
);
