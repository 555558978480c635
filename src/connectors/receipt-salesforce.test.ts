// A Salesforce Change Data Capture gap event over a real listening server, on the suite's engine: the
// records it names are read again by id from the replayed REST API with the connector's token and My
// Domain URL, and the opportunity's stage history reaches the contact's person as milestones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NEW_TOKEN, salesforce } from '../test-helpers/salesforce-replay.js';
import { startReplay } from '../test-helpers/replay-server.js';
import { connect, trackVisitor } from '../test-helpers/receipt-hooks.js';
import { startTestServer } from '../test-helpers/server.js';

const TOKEN = 'sf-cdc-relay-token-3e9a1c7b5d';

const gap = (entityName: string, recordId: string, replayId: number) => ({
  data: {
    schema: 'IeRuaY6cbI_HsV8Rv1Mc5g',
    payload: {
      ChangeEventHeader: {
        entityName,
        recordIds: [recordId],
        changeType: 'GAP_UPDATE',
        changeOrigin: 'com/salesforce/api/rest/62.0',
        transactionKey: `0001c0de-${replayId}`,
        sequenceNumber: 1,
        commitTimestamp: 1772600000000,
        commitNumber: 10769924300500 + replayId,
        commitUser: '0055e0000USER01AAA',
        changedFields: [],
        nulledFields: [],
        diffFields: [],
      },
    },
    event: { replayId },
  },
  channel: `/data/${entityName}ChangeEvent`,
});

test('salesforce: a CDC gap event is re-fetched by id into the contact’s opportunity and customer milestones', async () => {
  // the fixtures' opportunities in the workspace's currency (amounts compare without exchange rates)
  const org = salesforce(new Set([NEW_TOKEN]));
  const api = await startReplay((req) => {
    const answer = org(req);
    if (
      typeof answer === 'symbol' ||
      !/\bFROM Opportunity\b/.test(req.url.searchParams.get('q') ?? '')
    )
      return answer;
    return {
      ...answer,
      body: String(answer.body ?? '').replace(
        /"CurrencyIsoCode":\s*"EUR"/g,
        '"CurrencyIsoCode": "USD"',
      ),
    };
  });
  const s = await startTestServer();
  try {
    await trackVisitor(s, 'anon-ada', 'ada@example.com', {
      visit: '2026-01-10T08:00:00.000Z',
      identify: '2026-01-12T08:00:00.000Z',
    });
    const [ada] = await s.store.personsByIdentifier(s.workspace.id, 'email', 'ada@example.com');
    assert.ok(ada);
    await connect(s, 'salesforce', {
      webhookSecret: TOKEN,
      accessToken: NEW_TOKEN,
      baseUrl: api.baseUrl,
    });
    const res = await fetch(`${s.base}/hooks/salesforce/${s.workspace.id}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify([
        gap('Opportunity', '0065e0000DEAL01AAA', 501),
        gap('Contact', '0035e0000ADA001AAA', 502),
      ]),
    });
    assert.equal(res.status, 200, await res.text());
    await s.app.receipts.idle();

    assert.equal(
      (await s.store.listWebhookReceipts({ workspaceId: s.workspace.id, unloaded: true })).length,
      0,
    );
    const queried = api.requests.map(
      (r) => /\bFROM (\w+)/.exec(r.url.searchParams.get('q') ?? '')?.[1],
    );
    for (const object of ['Opportunity', 'OpportunityHistory', 'OpportunityContactRole', 'Contact'])
      assert.ok(queried.includes(object), `${object}: ${queried.join()}`);
    assert.ok(api.requests.every((r) => r.headers.authorization === `Bearer ${NEW_TOKEN}`));
    const reached = async (m: string) =>
      (
        await s.store.attributionInputs(s.workspace.id, m, undefined, { convertingOnly: true })
      ).conversions.map((c) => [c.personId, new Date(c.at).toISOString(), c.value]);
    assert.deepEqual(await reached('opportunity'), [[ada, '2026-01-20T14:00:00.000Z', 10000]]);
    assert.deepEqual(await reached('customer'), [[ada, '2026-02-14T10:00:00.000Z', 12000.5]]);
    // only the records asked for: the other opportunity the replay answers with is not stored
    const deals = await s.store.crmDeals(s.workspace.id);
    assert.deepEqual(
      deals.map((d) => [d.dealId, d.outcome, d.personId]),
      [['0065e0000DEAL01AAA', 'won', ada]],
    );
  } finally {
    await s.close();
    await api.close();
  }
});
