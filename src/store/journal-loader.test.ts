import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { JOURNAL_LOAD_LEASE, JournalLoader, LOADER_SHARE, nextLoadAt } from './journal-loader.js';
import { EventJournal } from './journal.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';

test('loader pacing: quick loads stay one interval apart, long ones leave the rest of the time to the requests', () => {
  assert.equal(
    nextLoadAt(1_000, 1_010, 200),
    1_210,
    'a 10 ms load: the next one interval after it ends',
  );
  // a 600 ms load (a burst's backlog): the next starts no sooner than 600 / share after this one started
  const next = nextLoadAt(1_000, 1_600, 200);
  assert.equal(next, 1_000 + 600 / LOADER_SHARE);
  assert.ok((1_600 - 1_000) / (next - 1_000) <= LOADER_SHARE);
  assert.equal(
    nextLoadAt(1_000, 900, 200),
    1_100,
    'a clock that stepped back counts as a zero-length load',
  );
});

test(
  'a load waits while another process holds the journal-load lease, then stores the events',
  { timeout: 30_000 },
  async () => {
    await withStore(async (store) => {
      const { dir, cleanup } = tempDir();
      try {
        const journal = EventJournal.open(dir);
        const at = '2026-12-01T10:00:00.000Z';
        await journal.append([
          JSON.stringify({
            type: 'track',
            event: 'Signed Up',
            messageId: 'm-lease',
            anonymousId: 'a1',
            timestamp: at,
            _ws: 'w',
            _recv: at,
            _origin: 'api',
            _batch: 'b1',
            _ts: at,
          }),
        ]);
        // another process is loading into the same store
        assert.equal(await store.acquireLease(JOURNAL_LOAD_LEASE, 'other-process', 10_000), true);
        const loader = new JournalLoader(journal, store);
        let done = false;
        const flushed = loader.flush().then((n) => ((done = true), n));
        await sleep(300);
        assert.equal(done, false, 'the load waited for the lease');
        assert.equal(await store.countEvents('w'), 0);
        await store.releaseLease(JOURNAL_LOAD_LEASE, 'other-process');
        assert.equal(await flushed, 1);
        assert.equal(await store.countEvents('w'), 1);
        // and it gave the lease up after
        assert.equal(await store.acquireLease(JOURNAL_LOAD_LEASE, 'other-process', 10_000), true);
      } finally {
        cleanup();
      }
    });
  },
);
