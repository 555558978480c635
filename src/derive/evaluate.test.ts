import { test } from 'node:test';
import assert from 'node:assert/strict';
import { allocationError, rankEvaluations } from './evaluate.js';

test('allocation error: identical splits score 0 whatever the totals; disjoint splits score TV 1', () => {
  const truth = [
    { channel: 'A', amount: 30 },
    { channel: 'B', amount: 10 },
  ];
  const same = allocationError(
    [
      { channel: 'A', amount: 300 },
      { channel: 'B', amount: 100 },
    ],
    truth,
  );
  assert.equal(same.totalVariation, 0);
  assert.equal(same.mape, 0);
  const disjoint = allocationError([{ channel: 'C', amount: 5 }], truth);
  assert.equal(disjoint.totalVariation, 1);
  assert.equal(disjoint.mape, 1);
});

test('allocation error: TV and MAPE by hand; "(no touchpoint)" counts against the model', () => {
  // model shares A .5, B .25, (no touchpoint) .25; truth A .75, B .25
  const r = allocationError(
    [
      { channel: 'A', amount: 2 },
      { channel: 'B', amount: 1 },
      { channel: '(no touchpoint)', amount: 1 },
    ],
    [
      { channel: 'A', amount: 3 },
      { channel: 'B', amount: 1 },
    ],
  );
  assert.ok(Math.abs(r.totalVariation - 0.25) < 1e-12);
  // |.5-.75|/.75 = 1/3 and 0 for B: mean 1/6
  assert.ok(Math.abs(r.mape! - 1 / 6) < 1e-12);
  assert.deepEqual(
    r.channels.map((c) => c.channel),
    ['(no touchpoint)', 'A', 'B'],
  );
  assert.equal(allocationError([{ channel: 'A', amount: 1 }], []).mape, null);
});

test('ranking puts the smallest lead TV first', () => {
  const e = (model: string, tv: number) => ({
    model,
    leads: { totalVariation: tv, mape: 0, channels: [] },
    revenue: null,
    pipeline: null,
  });
  assert.deepEqual(
    rankEvaluations([e('x', 0.3), e('y', 0.1), e('z', 0.2)]).map((r) => r.model),
    ['y', 'z', 'x'],
  );
});
