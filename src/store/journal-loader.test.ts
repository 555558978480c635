import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { JOURNAL_LOAD_LEASE, JournalLoader } from './journal-loader.js';
import { EventJournal } from './journal.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';

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
