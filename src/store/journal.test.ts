import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tempDir } from '../test-helpers/tmp.js';
import { EventJournal } from './journal.js';

const linesIn = (files: readonly string[]) =>
  files.flatMap((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== ''));

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
    assert.deepEqual(results.filter((r) => r.status === 'rejected'), []);
    await Promise.all(rotations);
    const all = linesIn(await j.rotate());
    assert.equal(all.length, 640);
    assert.equal(new Set(all).size, 640);
  } finally {
    cleanup();
  }
});
