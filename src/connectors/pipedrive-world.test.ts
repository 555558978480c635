// One simulated world (the fast `demo` CRM) as Pipedrive webhooks v2, delivered to the webhook receiver
// and loaded by the receipt path on the suite's engine: with the workspace's stages mapped to its MQL
// and SQL, each person reaches the simulator's milestones at the same second, valued as the truth
// values them, and each customer has the truth's won revenue.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuild } from '../derive/derive.js';
import { PIPEDRIVE_WORLD_MAPPING, pipedriveSimWriter } from '../sim/pipedrive-writer.js';
import {
  crmTruthWriter,
  differences,
  expectedView,
  simulateCrmWorld,
  storedView,
} from '../test-helpers/crm-world-paths.js';
import { PIPEDRIVE_SECRET, connect, postPipedrive } from '../test-helpers/receipt-hooks.js';
import { startTestServer } from '../test-helpers/server.js';
import { tempDir } from '../test-helpers/tmp.js';

test(
  'pipedrive: a simulated world through webhooks v2 gives the truth’s milestones per person and won revenue per customer',
  { timeout: 600_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const truth = crmTruthWriter();
    const pd = pipedriveSimWriter();
    await simulateCrmWorld(dir, [truth, pd]);
    // deliveries arriving within 20 seconds are loaded together, as a busy receiver would
    const s = await startTestServer({}, { receiptLoader: { settleMs: 20_000 } });
    const ws = s.workspace.id;
    try {
      await s.store.importEventsFile(ws, join(dir, 'events.ndjson'));
      await rebuild(s.store, ws);
      const res = await fetch(`${s.base}/api/funnel`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${s.secretKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ crm: { pipedrive: PIPEDRIVE_WORLD_MAPPING } }),
      });
      assert.equal(res.status, 200, await res.text());
      await connect(s, 'pipedrive', { webhookSecret: PIPEDRIVE_SECRET, webhookUser: 'closedloop' });
      // one webhook a request, as Pipedrive sends them, 32 at a time (so they may land out of order)
      const hooks = pd.world.webhooks;
      for (let i = 0; i < hooks.length; i += 32)
        await Promise.all(hooks.slice(i, i + 32).map((h) => postPipedrive(s, ws, h)));
      await s.app.receipts.idle();
      assert.equal(
        (await s.store.listWebhookReceipts({ workspaceId: ws, unloaded: true })).length,
        0,
      );

      const expected = await expectedView(s.store, ws, truth);
      assert.ok(expected.revenue.size >= 10, `${expected.revenue.size} customers`);
      const stored = await storedView(s.store, ws, truth);
      assert.deepEqual(differences(stored.milestones, expected.milestones), []);
      assert.deepEqual(differences(stored.revenue, expected.revenue), []);
    } finally {
      await s.close();
      cleanup();
    }
  },
);
