import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { rebuild } from './derive.js';
import { LiveDeriver } from './live-derive.js';

test('live derive: a batch gets its journeys and rule-based credits at once (its promise resolves then); data-driven fits wait for the interval, or for idle()', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('a', '2026-03-01T09:00:00Z', 'https://acme.io/', 'https://www.google.com/'),
      identify('a', '2026-03-01T09:01:00Z', 'ann@acme.io'),
    ]);
    await rebuild(store, 'w');
    const deriver = new LiveDeriver(store, undefined, 60_000);
    try {
      await add(store, [
        page(
          'b',
          '2026-03-02T09:00:00Z',
          'https://acme.io/?utm_source=linkedin&utm_medium=paid_social',
          'https://www.linkedin.com/',
        ),
        identify('b', '2026-03-02T09:01:00Z', 'bob@acme.io'),
      ]);
      const derived = deriver.enqueue(new Map([['w', { anonymousIds: ['b'], userIds: [] }]]));
      const credited = async (model: string): Promise<boolean> => {
        const [bob] = await store.personsByIdentifier('w', 'email', 'bob@acme.io');
        return (
          bob !== undefined &&
          (await store.personCredits('w', bob)).some(
            (c) => c.model === model && c.channel === 'Paid Social',
          )
        );
      };
      // the promise resolves once the batch is derived (the journal deletes its segments then)
      await derived;
      assert.equal(await credited('first_touch'), true, 'the batch was derived');
      assert.equal(await credited('markov'), false, 'the refit waits for its interval');
      await deriver.idle();
      assert.equal(await credited('markov'), true, 'idle() brings the fits up to date');
    } finally {
      deriver.close();
    }
  });
});
