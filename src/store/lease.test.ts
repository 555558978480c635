import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../test-helpers/events.js';
import { holdLeasesAs, processHolder, withLease } from './lease.js';

test(
  'a process restarted on its data directory takes back the lease its crashed self held, at once; another directory waits',
  { timeout: 30_000 },
  async () => {
    await withStore(async (store) => {
      holdLeasesAs('/srv/closedloop/a');
      const crashed = processHolder();
      // the crashed run took the lease for a minute and never released it
      assert.equal(await store.acquireLease('journal-load', crashed, 60_000), true);
      holdLeasesAs('/srv/closedloop/a'); // the restart, on the same directory
      const started = Date.now();
      assert.equal(
        await withLease(store, 'journal-load', () => Promise.resolve('ran'), { leaseMs: 60_000 }),
        'ran',
      );
      assert.ok(Date.now() - started < 5_000, 'no wait for the old lease to expire');
      // a process on another directory is another holder: the lease (held again) is not its
      assert.equal(await store.acquireLease('journal-load', crashed, 60_000), true);
      holdLeasesAs('/srv/closedloop/b');
      assert.notEqual(processHolder(), crashed);
      assert.equal(await store.acquireLease('journal-load', processHolder(), 60_000), false);
    });
  },
);
