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

test(
  "the journal's own ids reach the derive, the engine not asked for them; a previous run's segment has the engine's",
  { timeout: 30_000 },
  async () => {
    await withStore(async (store) => {
      const { dir, cleanup } = tempDir();
      try {
        const at = '2026-12-01T10:00:00.000Z';
        const line = (messageId: string, anonymousId: string, userId?: string) =>
          JSON.stringify({
            type: 'track',
            event: 'Signed Up',
            messageId,
            anonymousId,
            ...(userId ? { userId } : {}),
            timestamp: at,
            _ws: 'w',
            _recv: at,
            _origin: 'api',
            _batch: 'b1',
            _ts: at,
          });
        const asked: (boolean | undefined)[] = [];
        const spy = new Proxy(store, {
          get: (target, key, receiver) =>
            key === 'loadEventJournal'
              ? (path: string, opts?: { readAffected?: boolean }) => {
                  asked.push(opts?.readAffected);
                  return target.loadEventJournal(path, opts);
                }
              : (Reflect.get(target, key, receiver) as unknown),
        });
        // a previous run left a segment: its ids are read back from the engine
        const previous = EventJournal.open(dir);
        await previous.append([line('m0', 'a0')]);
        await previous.close();
        const journal = EventJournal.open(dir);
        await journal.append([line('m1', 'a1', 'u1'), line('m2', 'a2')], {
          workspaceId: 'w',
          anonymousIds: ['a1', 'a2'],
          userIds: ['u1'],
        });
        const loader = new JournalLoader(journal, spy);
        const derived: Map<string, { anonymousIds: string[]; userIds: string[] }>[] = [];
        loader.onLoaded((l) => derived.push(l.affected));
        assert.equal(await loader.flush(), 3);
        assert.deepEqual(asked, [true, false]);
        assert.deepEqual(
          derived.map((m) => [...m].map(([ws, a]) => [ws, a.anonymousIds.sort(), a.userIds])),
          [[['w', ['a0', 'a1', 'a2'], ['u1']]]],
        );
        // lines already stored: nothing new, nothing to derive
        await journal.append([line('m1', 'a1', 'u1')], {
          workspaceId: 'w',
          anonymousIds: ['a1'],
          userIds: ['u1'],
        });
        assert.equal(await loader.flush(), 0);
        assert.equal(derived.length, 1);
        assert.equal(await store.countEvents('w'), 3);
      } finally {
        cleanup();
      }
    });
  },
);
