import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  BACKGROUND_SHARE,
  BUSY_BACKGROUND_SHARE,
  BUSY_UTILISATION,
  MAX_BUSY_LAG_MS,
  ROOMY_UTILISATION,
  LoopPressure,
  backgroundShare,
  nextRunAt,
} from './background-pacing.js';

test('pacing: quick runs stay one interval apart, long ones leave the rest of the time to the requests', () => {
  assert.equal(
    nextRunAt(1_000, 1_010, 200),
    1_210,
    'a 10 ms load: the next one interval after it ends',
  );
  // a 600 ms load (a burst's backlog): the next starts no sooner than 600 / share after this one started
  const next = nextRunAt(1_000, 1_600, 200);
  assert.equal(next, 1_000 + 600 / BACKGROUND_SHARE);
  assert.ok((1_600 - 1_000) / (next - 1_000) <= BACKGROUND_SHARE);
  assert.equal(
    nextRunAt(1_000, 900, 200),
    1_100,
    'a clock that stepped back counts as a zero-length load',
  );
  // the share given: a 600 ms derive (no interval) under the busy share waits 5.4 s after it ends
  assert.equal(
    nextRunAt(1_000, 1_600, 0, BUSY_BACKGROUND_SHARE),
    1_000 + 600 / BUSY_BACKGROUND_SHARE,
  );
});

test('pacing: the share shrinks from a third to a tenth as requests keep the event loop busy', () => {
  assert.equal(BACKGROUND_SHARE, 1 / 3);
  assert.equal(BUSY_BACKGROUND_SHARE, 1 / 10);
  for (const u of [0, 0.1, ROOMY_UTILISATION]) assert.equal(backgroundShare(u), BACKGROUND_SHARE);
  for (const u of [BUSY_UTILISATION, 0.9, 1])
    assert.equal(backgroundShare(u), BUSY_BACKGROUND_SHARE);
  assert.equal(backgroundShare(Number.NaN), BACKGROUND_SHARE, 'an empty window has room');
  // between the two, the share falls steadily: no step for the pace to oscillate around
  const middle = backgroundShare((ROOMY_UTILISATION + BUSY_UTILISATION) / 2);
  assert.ok(Math.abs(middle - (BACKGROUND_SHARE + BUSY_BACKGROUND_SHARE) / 2) < 1e-12);
  // work that has waited too long gets the usual share however busy the loop: the lag stays bounded
  assert.equal(backgroundShare(1, MAX_BUSY_LAG_MS), BUSY_BACKGROUND_SHARE);
  assert.equal(backgroundShare(1, MAX_BUSY_LAG_MS + 1), BACKGROUND_SHARE);
  assert.equal(backgroundShare(0.5, MAX_BUSY_LAG_MS + 1), BACKGROUND_SHARE);
  let last = Infinity;
  for (let u = 0; u <= 1; u += 0.01) {
    const s = backgroundShare(u);
    assert.ok(s <= last && s >= BUSY_BACKGROUND_SHARE && s <= BACKGROUND_SHARE, `at ${u}: ${s}`);
    last = s;
  }
});

test('loop pressure: the utilisation since the last run ended, high while the loop works, low while it waits', async () => {
  const pressure = new LoopPressure();
  await sleep(100); // idle: the loop waits on a timer
  const idle = pressure.sinceLastRun();
  assert.ok(idle < ROOMY_UTILISATION, `idle loop: ${idle}`);
  pressure.ended();
  // busy: synchronous work in slices, as requests would keep it (with a tick between slices)
  const until = performance.now() + 150;
  while (performance.now() < until) {
    const slice = performance.now() + 10;
    while (performance.now() < slice);
    await new Promise((r) => setImmediate(r));
  }
  const busy = pressure.sinceLastRun();
  assert.ok(busy > BUSY_UTILISATION, `busy loop: ${busy}`);
  assert.equal(backgroundShare(busy), BUSY_BACKGROUND_SHARE);
  pressure.ended();
  await sleep(100);
  assert.ok(pressure.sinceLastRun() < ROOMY_UTILISATION, 'a new window after ended()');
});
