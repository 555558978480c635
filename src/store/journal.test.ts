import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { tempDir } from '../test-helpers/tmp.js';
import { EventJournal, journalBacklog } from './journal.js';

const linesIn = (files: readonly string[]) =>
  files.flatMap((f) =>
    readFileSync(f, 'utf8')
      .split('\n')
      .filter((l) => l !== ''),
  );

test('journal: appended lines are on disk when append resolves, and rotate hands over closed segments', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    await j.append(['{"a":1}', '{"a":2}']);
    assert.equal(j.linesInCurrentSegment, 2);
    const segments = await j.rotate();
    assert.equal(segments.length, 1);
    assert.deepEqual(linesIn(segments), ['{"a":1}', '{"a":2}']);
    assert.equal(j.linesInCurrentSegment, 0);
    await j.append(['{"a":3}']);
    const next = await j.rotate();
    assert.deepEqual(linesIn(next), ['{"a":1}', '{"a":2}', '{"a":3}']);
    await j.close();
  } finally {
    cleanup();
  }
});

test('journal: appends racing with rotations all succeed, each line in exactly one segment', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    // an append right after a rotation began closing the segment must go to a new segment
    for (let i = 0; i < 20; i++) {
      await j.append([`{"first":${i}}`]);
      const rotated = j.rotate();
      await j.append([`{"second":${i}}`]);
      await rotated;
    }
    const pending: Promise<void>[] = [];
    const rotations: Promise<string[]>[] = [];
    for (let i = 0; i < 600; i++) {
      pending.push(j.append([`{"n":${i}}`]));
      // rotate in the middle of a stream of appends, as the loader does every 200 ms
      if (i % 7 === 0) rotations.push(j.rotate());
      if (i % 50 === 0) await new Promise((r) => setImmediate(r));
    }
    const results = await Promise.allSettled(pending);
    assert.deepEqual(
      results.filter((r) => r.status === 'rejected'),
      [],
    );
    await Promise.all(rotations);
    const all = linesIn(await j.rotate());
    assert.equal(all.length, 640);
    assert.equal(new Set(all).size, 640);
  } finally {
    cleanup();
  }
});

test('journal: a rotation is served while appends keep the writer busy (the loader is not starved)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    await j.append(['{"n":0}']);
    const appended: Promise<void>[] = [];
    let sent = 1;
    let closed: string[] | undefined;
    let rotation: Promise<void> | undefined;
    // a steady stream, a new append waiting whenever a write finishes, until the rotation is served (or
    // far longer than a write takes: the stream would have to end before a starved rotation could run)
    while (closed === undefined && sent < 20_000) {
      appended.push(j.append([`{"n":${sent++}}`]));
      rotation ??= j.rotate().then((c) => {
        closed = c;
      });
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(appended);
    await rotation;
    assert.ok(
      closed !== undefined && sent < 20_000,
      `the rotation waited for the stream to end (${sent} appends)`,
    );
    const first = linesIn(closed);
    assert.ok(first.length >= 1 && first.length < sent);
    const all = linesIn(await j.rotate());
    assert.equal(all.length, sent);
    assert.deepEqual(
      all.slice(0, first.length),
      first,
      'the closed segment holds the earliest lines',
    );
    assert.equal(new Set(all).size, sent);
    await j.close();
  } finally {
    cleanup();
  }
});

test('journal: concurrent appends are written in the order they came, whatever the syncs overlap', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    const pending: Promise<void>[] = [];
    for (let i = 0; i < 300; i++) {
      pending.push(j.append([`{"n":${i},"a":0}`, `{"n":${i},"a":1}`]));
      if (i % 3 === 0) await new Promise((r) => setImmediate(r)); // several groups, several syncs in flight
    }
    await Promise.all(pending);
    const lines = linesIn(await j.rotate()).map((l) => JSON.parse(l) as { n: number; a: number });
    assert.deepEqual(
      lines,
      Array.from({ length: 600 }, (_, k) => ({ n: k >> 1, a: k & 1 })),
    );
    await j.close();
  } finally {
    cleanup();
  }
});

test(
  'journal: a failed write rejects its appends, and later lines go to a new segment',
  { skip: !existsSync('/dev/full') },
  async () => {
    const { dir, cleanup } = tempDir();
    try {
      const j = EventJournal.open(dir);
      // the first segment's name points at a device whose writes fail (ENOSPC)
      symlinkSync('/dev/full', join(dir, 'events-000000000001.ndjson'));
      await assert.rejects(j.append(['{"lost":1}']), /ENOSPC/);
      await j.append(['{"kept":1}']);
      const segments = await j.rotate();
      assert.equal(basename(segments.at(-1)!), 'events-000000000002.ndjson');
      assert.deepEqual(linesIn(segments.slice(-1)), ['{"kept":1}']);
      await j.close();
    } finally {
      cleanup();
    }
  },
);

test('journal: the backlog counts closed and current segments with the age of the oldest line, until loaded (a stored segment kept for its derive is not backlog)', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    assert.deepEqual(j.backlog(), { segments: 0, bytes: 0, oldestAt: null });
    const before = Date.now();
    await j.append(['{"a":1}']);
    const [first] = await j.rotate();
    await new Promise((r) => setTimeout(r, 20));
    await j.append(['{"b":22}']);
    const b = j.backlog();
    assert.equal(b.segments, 2, 'one closed, one being written');
    assert.equal(b.bytes, 8 + 9);
    assert.ok(b.oldestAt! >= before && b.oldestAt! <= Date.now());
    // the loader stored a segment: kept until derived, no longer waiting to load
    const kept = await j.loaded(first!);
    assert.ok(existsSync(kept) && !existsSync(first!));
    const after = j.backlog();
    assert.equal(after.segments, 1);
    assert.ok(after.oldestAt! > b.oldestAt!, 'the oldest is now the second segment');
    await j.close();
    // a later process (or the CLI) reads what is left on disk; the stored segment is not backlog
    assert.deepEqual(
      { ...journalBacklog(dir), oldestAt: null },
      { segments: 1, bytes: 9, oldestAt: null },
    );
    await j.derived(kept);
    assert.ok(!existsSync(kept), 'deleted once derived');
    assert.deepEqual(journalBacklog(`${dir}/missing`), { segments: 0, bytes: 0, oldestAt: null });
  } finally {
    cleanup();
  }
});

test('journal: a rotation under a stream dates the next segment by its own oldest line, not the closed one', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    await j.append(['{"a":1}']);
    await new Promise((r) => setTimeout(r, 30));
    const later = Date.now();
    // "b" goes out at once; "c" waits behind its write, and the rotation is served before "c" is written
    const b = j.append(['{"b":1}']);
    const c = j.append(['{"c":1}']);
    const [closed] = await j.rotate();
    await Promise.all([b, c]);
    assert.deepEqual(linesIn([closed!]), ['{"a":1}', '{"b":1}']);
    await j.loaded(closed!);
    const backlog = j.backlog();
    assert.equal(backlog.segments, 1);
    assert.ok(backlog.oldestAt! >= later, `the waiting line's time, not the closed segment's`);
    await j.close();
  } finally {
    cleanup();
  }
});

test('journal: the ids of lines go with the segment they are written to, a rotation under a stream too', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const j = EventJournal.open(dir);
    const ids = (anon: string, user?: string) => ({
      workspaceId: 'w',
      anonymousIds: [anon],
      userIds: user ? [user] : [],
    });
    await j.append(['{"a":1}'], ids('a1'));
    // "b" goes out at once; "c" waits behind its write and is written to the next segment
    const b = j.append(['{"b":1}'], ids('b1', 'u1'));
    const c = j.append(['{"c":1}'], ids('c1'));
    const [first] = await j.rotate();
    await Promise.all([b, c]);
    assert.deepEqual(linesIn([first!]), ['{"a":1}', '{"b":1}']);
    assert.deepEqual(
      j.idsOf(first!),
      new Map([['w', { anonymousIds: ['a1', 'b1'], userIds: ['u1'] }]]),
    );
    const second = (await j.rotate()).at(-1)!;
    assert.deepEqual(linesIn([second]), ['{"c":1}']);
    assert.deepEqual(j.idsOf(second), new Map([['w', { anonymousIds: ['c1'], userIds: [] }]]));
    // a line appended without its ids: the segment's ids are not known (the loader reads them back)
    await j.append(['{"d":1}'], ids('d1'));
    await j.append(['{"e":1}']);
    const third = (await j.rotate()).at(-1)!;
    assert.equal(j.idsOf(third), undefined);
    // loaded: forgotten
    await j.derived(await j.loaded(first!));
    assert.equal(j.idsOf(first!), undefined);
    await j.close();
    // a later process knows none of a previous run's segments' ids
    const again = EventJournal.open(dir);
    assert.equal(again.idsOf(second), undefined);
    assert.deepEqual(again.underived(), [], 'the stored segment was derived and deleted');
  } finally {
    cleanup();
  }
});

test('journal: a stored segment a previous run did not derive is listed at open, kept out of the closed segments, and its number never used again', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const kept = join(dir, 'events-000000000007.ndjson.loaded');
    writeFileSync(kept, '{"a":1}\n');
    const j = EventJournal.open(dir);
    assert.deepEqual(j.underived(), [kept]);
    assert.deepEqual(j.closedSegments(), []);
    await j.append(['{"b":1}']);
    const segments = await j.rotate();
    assert.deepEqual(
      segments.map((p) => basename(p)),
      ['events-000000000008.ndjson'],
    );
    await assert.rejects(j.derived(segments[0]!), /not a loaded segment/);
    await j.derived(kept);
    assert.ok(!existsSync(kept));
    await j.close();
  } finally {
    cleanup();
  }
});
