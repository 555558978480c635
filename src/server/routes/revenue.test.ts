// GET /api/revenue/mrr over real HTTP: Ada's months from her stored Stripe facts (per customer on
// request), every bad query a 400 naming its field; and the customer value setting names its choices.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { recordStripeReceipts } from '../../derive/stripe-record.js';
import { FIXTURE_NAMES, fixture, fixtureText } from '../../test-helpers/stripe-fixtures.js';
import { clientFor, startTestServer } from '../../test-helpers/server.js';

test('MRR per month and per customer from the Stripe facts; bad queries and settings are 400s naming the field', async () => {
  const s = await startTestServer();
  try {
    const api = clientFor(s).api;
    const ws = s.workspace.id;
    await recordStripeReceipts(
      s.store,
      ws,
      FIXTURE_NAMES.map((name) => ({
        workspaceId: ws,
        vendor: 'stripe',
        key: String(fixture(name).id),
        receivedAt: '2026-07-01T00:00:00.000Z',
        contentType: 'application/json',
        body: fixtureText(name),
      })),
    );
    const res = await api(
      `/api/revenue/mrr?workspace=${ws}&from=2026-02&to=2026-06&customers=true`,
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      months: Array<{
        month: string;
        mrr: number;
        startMrr: number;
        customers: number;
        movements: Record<string, number>;
      }>;
      customers: Array<{ customerId: string; month: string; mrr: number; personId: string | null }>;
      matching: { customers: number; matched: number; unmatched: number };
      currency: string;
      missingRates: unknown[];
      byCurrency: Array<{ month: string; currency: string; mrr: number }>;
    };
    // in the workspace's currency (Ada pays in it: no rate needed), and as sold
    assert.equal(body.currency, s.workspace.currency);
    assert.deepEqual(body.missingRates, []);
    assert.deepEqual(
      body.byCurrency.map((m) => [m.month, m.currency, m.mrr]),
      body.months.map((m) => [m.month, 'usd', m.mrr]),
    );
    assert.deepEqual(
      body.months.map((m) => [
        m.month,
        m.startMrr,
        m.mrr,
        m.movements.expansion,
        m.movements.churn,
        m.customers,
      ]),
      [
        ['2026-02', 117.6, 196, 78.4, 0, 1],
        ['2026-03', 196, 196, 0, 0, 1],
        ['2026-04', 196, 245, 49, 0, 1],
        ['2026-05', 245, 245, 0, 0, 1],
        ['2026-06', 245, 0, 0, -245, 0],
      ],
    );
    assert.equal(body.customers.length, 5);
    assert.ok(body.customers.every((c) => c.customerId === 'cus_Ada' && c.personId === null));
    assert.deepEqual(body.matching, { customers: 2, matched: 0, unmatched: 2 });
    // without customers=true, no customer rows
    const plain = (await (await api('/api/revenue/mrr?from=2026-01&to=2026-01')).json()) as Record<
      string,
      unknown
    >;
    assert.equal(plain.customers, undefined);

    const field = async (path: string) => {
      const r = await api(path);
      const b = (await r.json()) as { error: { field?: string; message: string } };
      return [r.status, b.error.field, b.error.message];
    };
    assert.deepEqual(await field('/api/revenue/mrr?from=2026-13'), [
      400,
      'from',
      'is not a month as YYYY-MM',
    ]);
    assert.deepEqual((await field('/api/revenue/mrr?from=2026-05&to=2026-01')).slice(0, 2), [
      400,
      'from',
    ]);
    assert.deepEqual((await field('/api/revenue/mrr?from=2000-01&to=2026-01')).slice(0, 2), [
      400,
      'from',
    ]);
    assert.deepEqual((await field('/api/revenue/mrr?workspace=ws_other')).slice(0, 2), [
      400,
      'workspace',
    ]);
    assert.equal((await fetch(`${s.base}/api/revenue/mrr`)).status, 401);

    // the customer value is one of the named choices
    const put = (body: unknown) =>
      api('/api/attribution/settings', { method: 'PUT', body: JSON.stringify(body) });
    const refused = await put({ customerValue: 'forever' });
    assert.equal(refused.status, 400);
    const why = (await refused.json()) as { error: { field: string; message: string } };
    assert.equal(why.error.field, 'customerValue');
    assert.match(why.error.message, /first_year/);
    assert.match(why.error.message, /lifetime/);
    assert.equal((await put({ conversion: 'customer', customerValue: 'lifetime' })).status, 200);
  } finally {
    await s.close();
  }
});
