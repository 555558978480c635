// A Salesforce change event that closes an opportunity carries no Amount when the amount did not change.
// With API credentials the opportunity is read again for it (salesforce-world.test.ts); without them the
// events still load, the stage dated by its commit and its amount unknown, rather than waiting for
// credentials only a gap event truly needs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from '../test-helpers/receipt-hooks.js';
import { startTestServer } from '../test-helpers/server.js';

const TOKEN = 'sf-cdc-relay-token-amounts-8c2f';
const DEAL = '0065e0000AMNT01AAA';

test('salesforce: a won opportunity’s change event without an amount loads without API credentials', async () => {
  const s = await startTestServer();
  try {
    await connect(s, 'salesforce', { webhookSecret: TOKEN });
    const event = {
      data: {
        schema: 'x',
        payload: {
          ChangeEventHeader: {
            entityName: 'Opportunity',
            recordIds: [DEAL],
            changeType: 'UPDATE',
            transactionKey: 'tx-amounts-1',
            sequenceNumber: 1,
            commitTimestamp: Date.parse('2026-02-20T16:00:00Z'),
            commitNumber: 7001,
            changedFields: ['StageName', 'IsClosed', 'IsWon'],
          },
          StageName: 'Closed Won',
          IsClosed: true,
          IsWon: true,
        },
        event: { replayId: 1 },
      },
      channel: '/data/OpportunityChangeEvent',
    };
    const res = await fetch(`${s.base}/hooks/salesforce/${s.workspace.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify([event]),
    });
    assert.equal(res.status, 200, await res.text());
    await s.app.receipts.idle();
    const ws = s.workspace.id;
    assert.equal(
      (await s.store.listWebhookReceipts({ workspaceId: ws, unloaded: true })).length,
      0,
    );
    const deals = await s.store.crmDeals(ws);
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.stage, d.outcome, d.amount]),
      [[DEAL, 'Closed Won', 'won', null]],
    );
  } finally {
    await s.close();
  }
});
