import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { JOURNAL_LOAD_LEASE, JournalLoader } from './journal-loader.js';
import { EventJournal } from './journal.js';
import type { Store } from './store.js';
import type { AffectedIds } from './types.js';
import { withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';

const AT = '2026-12-01T10:00:00.000Z';
/** A canonical journal line of workspace `w`, as the ingestion routes write it. */
const line = (messageId: string, anonymousId: string, userId?: string) =>
  JSON.stringify({
    type: 'track',
    event: 'Signed Up',
    messageId,
    anonymousId,
    ...(userId ? { userId } : {}),
    timestamp: AT,
    _ws: 'w',
    _recv: AT,
    _origin: 'api',
    _batch: 'b1',
    _ts: AT,
  });

/** The store, with the segments each journal load was asked to load noted. */
function spyLoads(store: Store): { spy: Store; loads: { path: string; readAffected?: boolean }[] } {
  const loads: { path: string; readAffected?: boolean }[] = [];
  const spy = new Proxy(store, {
    get: (target, key, receiver) =>
      key === 'loadEventJournal'
        ? (path: string, opts?: { readAffected?: boolean }) => {
            loads.push({ path: basename(path), readAffected: opts?.readAffected });
            return target.loadEventJournal(path, opts);
          }
        : (Reflect.get(target, key, receiver) as unknown),
  });
  return { spy, loads };
}

const idsOf = (m: Map<string, AffectedIds>) =>
  [...m].map(([ws, a]) => [ws, [...a.anonymousIds].sort(), [...a.userIds].sort()]);

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
  "the journal's own ids reach the derive, the engine not asked for them; a previous run's segment has every line's ids, read from the file",
  { timeout: 30_000 },
  async () => {
    await withStore(async (store) => {
      const { dir, cleanup } = tempDir();
      try {
        const { spy, loads } = spyLoads(store);
        // a previous run left a segment (stored or not: it may have died between the load and the rename)
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
        const derived: Map<string, AffectedIds>[] = [];
        loader.onLoaded((l) => {
          derived.push(l.affected);
        });
        assert.equal(await loader.flush(), 3);
        assert.deepEqual(
          loads.map((l) => l.readAffected),
          [false, false],
        );
        assert.deepEqual(derived.map(idsOf), [[['w', ['a0', 'a1', 'a2'], ['u1']]]]);
        // lines already stored: nothing new, nothing to derive
        await journal.append([line('m1', 'a1', 'u1')], {
          workspaceId: 'w',
          anonymousIds: ['a1'],
          userIds: ['u1'],
        });
        assert.equal(await loader.flush(), 0);
        assert.deepEqual(derived.slice(1).map(idsOf), [[]]);
        assert.equal(await store.countEvents('w'), 3);
        // a stored segment of a previous run: its lines store nothing new, its ids are derived all the same
        await journal.append([line('m3', 'a3', 'u3')]);
        const [left] = await journal.rotate();
        await store.loadEventJournal(left!, { readAffected: false });
        await journal.close();
        const restarted = new JournalLoader(EventJournal.open(dir), spy);
        restarted.onLoaded((l) => {
          derived.push(l.affected);
        });
        assert.equal(await restarted.flush(), 0);
        assert.deepEqual(derived.slice(2).map(idsOf), [[['w', ['a3'], ['u3']]]]);
        await loader.derived();
        await restarted.derived();
        assert.deepEqual(readdirSync(dir), [], 'every segment derived and deleted');
      } finally {
        cleanup();
      }
    });
  },
);

test(
  'a stored segment is kept until its derive has run, the loader not waiting for it; a run killed before the derive hands the ids on at the next start without loading the segment again',
  { timeout: 30_000 },
  async () => {
    await withStore(async (store) => {
      const { dir, cleanup } = tempDir();
      try {
        const { spy, loads } = spyLoads(store);
        const journal = EventJournal.open(dir);
        const loader = new JournalLoader(journal, spy);
        // the derive step: each load's promise resolves when the test says so
        const handed: { ids: Map<string, AffectedIds>; segments: string[]; done: () => void }[] =
          [];
        loader.onLoaded(
          (l) =>
            new Promise<void>((resolve) =>
              handed.push({ ids: l.affected, segments: l.segments, done: resolve }),
            ),
        );
        await journal.append([line('m1', 'a1')], {
          workspaceId: 'w',
          anonymousIds: ['a1'],
          userIds: [],
        });
        assert.equal(await loader.flush(), 1);
        const [first] = handed;
        assert.deepEqual(idsOf(first!.ids), [['w', ['a1'], []]]);
        assert.equal(first!.segments.length, 1);
        const kept = first!.segments[0]!;
        assert.ok(existsSync(kept), 'kept while its derive has not run');
        assert.deepEqual(journal.closedSegments(), [], 'and not loaded again');
        assert.equal(journal.backlog().segments, 0, 'nor counted as waiting to load');

        // the loader keeps its pace: the next load is not held up by the first one's derive
        await journal.append([line('m2', 'a2', 'u2')], {
          workspaceId: 'w',
          anonymousIds: ['a2'],
          userIds: ['u2'],
        });
        assert.equal(await loader.flush(), 1);
        assert.equal(handed.length, 2);
        assert.equal(await store.countEvents('w'), 2);
        handed[1]!.done();
        await sleep(50);
        assert.ok(!existsSync(handed[1]!.segments[0]!), 'deleted once its derive has run');
        assert.ok(existsSync(kept), 'the other still waits');

        // the process is killed now: the next run finds the stored, underived segment
        await journal.close();
        const next = EventJournal.open(dir);
        assert.deepEqual(next.underived(), [kept]);
        const restarted = new JournalLoader(next, spy);
        const again: { ids: Map<string, AffectedIds>; segments: string[] }[] = [];
        let fail = true;
        restarted.onLoaded((l) => {
          again.push({ ids: l.affected, segments: l.segments });
          if (fail) return Promise.reject(new Error('derive failed'));
        });
        const loadsBefore = loads.length;
        await next.append([line('m3', 'a3')], {
          workspaceId: 'w',
          anonymousIds: ['a3'],
          userIds: [],
        });
        assert.equal(await restarted.flush(), 1);
        assert.deepEqual(
          again.map((a) => [idsOf(a.ids), a.segments[0]]),
          [[[['w', ['a1', 'a3'], []]], kept]],
          "handed on with the first load's ids, for one derive",
        );
        const fresh = again[0]!.segments[1]!;
        assert.deepEqual(
          loads.slice(loadsBefore).map((l) => l.path),
          [basename(fresh).replace(/\.loaded$/, '')],
          'the stored segment is not loaded again',
        );
        // a new segment's number is above the kept one's (its kept name must not collide)
        assert.ok(basename(fresh) > basename(kept));
        await restarted.derived();
        assert.ok(existsSync(kept), 'a failed derive keeps the segment for the next start');
        // handed on once per run
        fail = false;
        assert.equal(await restarted.flush(), 0);
        assert.equal(again.length, 1);

        const third = new JournalLoader(EventJournal.open(dir), spy);
        third.onLoaded(() => undefined);
        await third.flush();
        await third.derived();
        assert.deepEqual(readdirSync(dir), []);
        assert.equal(await store.countEvents('w'), 3);
      } finally {
        cleanup();
      }
    });
  },
);
