// Exchange rates over HTTP on a real server: a rate file in (long and ECB layouts), re-importing changes
// nothing, bad files and bad queries are 4xx naming the field, and a conversion shows its rate and date
// or says which rate is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { clientFor, startTestServer } from '../../test-helpers/server.js';

const csv = (body: string) => ({
  method: 'POST',
  headers: { 'content-type': 'text/csv' },
  body,
});

test(
  'rates imported from CSV, listed, and an amount converted with its rate and date',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    try {
      const ecb =
        'Date,USD,GBP,\n2026-01-05,1.20,0.80,\n2026-01-02,1.10,N/A,\n2026-01-01,oops,0.79,\n';
      const first = await api('/api/fx-rates?base=eur', csv(ecb));
      assert.equal(first.status, 200);
      assert.deepEqual(await first.json(), {
        shape: 'wide',
        lines: 3,
        rates: 4,
        added: 4,
        unchanged: 0,
        rejectedCount: 1,
        rejected: [{ line: 4, field: 'USD', reason: 'not a positive number: "oops"' }],
      });
      const again = (await (await api('/api/fx-rates?base=EUR', csv(ecb))).json()) as {
        added: number;
      };
      assert.equal(again.added, 0);

      const list = (await (await api('/api/fx-rates?quote=usd')).json()) as {
        currency: string;
        rates: unknown[];
      };
      assert.equal(list.currency, 'USD');
      assert.deepEqual(list.rates, [
        { date: '2026-01-02', base: 'EUR', quote: 'USD', rate: 1.1 },
        { date: '2026-01-05', base: 'EUR', quote: 'USD', rate: 1.2 },
      ]);

      // to the workspace's currency (USD) by default: GBP -> EUR -> USD on Jan 6
      const conv = await api('/api/fx-rates/convert?from=GBP&date=2026-01-06&amount=100');
      assert.equal(conv.status, 200);
      const c = (await conv.json()) as Record<string, unknown>;
      assert.deepEqual(
        { ...c, converted: undefined, rate: undefined },
        {
          from: 'GBP',
          to: 'USD',
          date: '2026-01-06',
          amount: 100,
          rate: undefined,
          rateDate: '2026-01-05',
          via: 'EUR',
          converted: undefined,
        },
      );
      assert.ok(Math.abs((c.converted as number) - 150) < 1e-9, String(c.converted));

      const missing = await api('/api/fx-rates/convert?from=EUR&to=USD&date=2025-12-31');
      assert.equal(missing.status, 422);
      const m = (await missing.json()) as { error: { code: string; message: string } };
      assert.equal(m.error.code, 'no_fx_rate');
      assert.match(m.error.message, /no EUR to USD rate on or before 2025-12-31/);
    } finally {
      await s.close();
    }
  },
);

test(
  'bad rate files and queries are 4xx naming the field, and store nothing',
  { timeout: 120_000 },
  async () => {
    const s = await startTestServer();
    const { api } = clientFor(s);
    try {
      const field = async (res: Response, status: number) => {
        assert.equal(res.status, status);
        return ((await res.json()) as { error: { field?: string } }).error.field;
      };
      assert.equal(
        await field(await api('/api/fx-rates', csv('Date,USD\n2026-01-01,1.1\n')), 400),
        'base',
      );
      assert.equal(await field(await api('/api/fx-rates', csv('when,what\n1,2\n')), 400), 'header');
      // not CSV at all (an unclosed quote): a 400 naming the file, never a 500
      assert.equal(await field(await api('/api/fx-rates', csv('"unterminated\n')), 400), 'file');
      assert.equal(
        await field(await api('/api/fx-rates?base=EURO', csv('Date,USD\n')), 400),
        'base',
      );
      assert.equal(
        (
          await api('/api/fx-rates', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{"rates":[]}',
          })
        ).status,
        415,
      );
      assert.equal(
        await field(await api('/api/fx-rates/convert?from=EUR&date=2026-02-30'), 400),
        'date',
      );
      assert.equal(
        await field(await api('/api/fx-rates/convert?from=E&date=2026-02-03'), 400),
        'from',
      );
      // an unknown parameter (misspelt) is refused by name, on every fx route as on the reports
      const refused = async (path: string, init?: RequestInit) => {
        const res = await api(path, init);
        assert.equal(res.status, 400, path);
        const { error } = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(error.code, 'invalid_query', path);
        return error.message;
      };
      assert.match(await refused('/api/fx-rates/currencies?curency=EUR'), /"curency"/);
      assert.match(await refused('/api/fx-rates?bsae=EUR'), /"bsae"/);
      assert.match(
        await refused('/api/fx-rates/convert?from=EUR&date=2026-01-05&amuont=3'),
        /"amuont"/,
      );
      assert.match(await refused('/api/fx-rates?base=EUR&qoute=1', csv('Date,USD\n')), /"qoute"/);
      assert.equal((await api('/api/fx-rates/currencies')).status, 200);
      assert.deepEqual(await s.store.fxRates(s.workspace.id), []);
    } finally {
      await s.close();
    }
  },
);
