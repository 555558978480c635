// The subscriptions report asked in another currency than the workspace's (USD): each customer's MRR
// converts at the rate of each movement's day, from rates imported through the rate file's import
// path; a currency with no rate leaves the customers out and names what is missing.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { importFxRates } from '../derive/fx-rates.js';
import { recordStripeReceipts } from '../derive/stripe-record.js';
import { readFxFile } from '../sources/fx-csv/read.js';
import { withStore } from '../test-helpers/events.js';
import { customerStory } from '../test-helpers/stripe-story.js';
import { subscriptions } from './subscriptions.js';

const NOW = Date.parse('2026-07-01T00:00:00Z');

test('subscriptions in EUR: MRR at each movement day rate; GBP without rates names them', async () => {
  await withStore(async (store) => {
    await recordStripeReceipts(
      store,
      'w',
      [
        // $80 a month from March, $30 from February (nobody the site saw)
        ...customerStory({
          customer: 'cus_bob',
          email: 'bob@acme.io',
          currency: 'usd',
          steps: [{ at: '2026-03-01', unit: 8_000 }],
        }),
        ...customerStory({
          customer: 'cus_zed',
          email: 'zed@nowhere.io',
          currency: 'usd',
          steps: [{ at: '2026-02-01', unit: 3_000 }],
        }),
      ],
      NOW,
    );
    await importFxRates(
      store,
      'w',
      readFxFile('date,base,quote,rate\n2026-01-01,USD,EUR,0.5\n').rates,
    );
    const run = (q: Record<string, string>) =>
      subscriptions.run(
        { store, workspaceId: 'w' },
        subscriptions.params.parse({ from: '2026-02', to: '2026-06', ...q }),
      );
    const usd = await run({});
    assert.deepEqual([usd.currency, usd.total.mrr], ['USD', 110]);
    // (80 + 30) x 0.5
    const eur = await run({ currency: 'eur' });
    assert.deepEqual([eur.currency, eur.total.mrr, eur.total.arr], ['EUR', 55, 660]);
    assert.deepEqual(eur.missingRates, []);
    const gbp = await run({ currency: 'GBP' });
    assert.equal(gbp.total.mrr, 0);
    assert.ok(gbp.missingRates.length > 0, 'the customers without a rate are named');
  });
});
