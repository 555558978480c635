import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SegmentIds } from './journal-ids.js';

const sorted = (m: ReturnType<SegmentIds['of']>) =>
  m &&
  [...m].map(([ws, a]) => [ws, [...a.anonymousIds].sort(), [...a.userIds].sort()] as const).sort();

test('segment ids: each segment holds the distinct ids of the lines written to it, per workspace', () => {
  const ids = new SegmentIds();
  ids.add('s1', { workspaceId: 'w1', anonymousIds: ['a', 'b', 'a'], userIds: [] });
  ids.add('s1', { workspaceId: 'w2', anonymousIds: ['a'], userIds: ['u'] });
  ids.add('s1', { workspaceId: 'w1', anonymousIds: ['b', 'c'], userIds: ['u'] });
  ids.add('s2', { workspaceId: 'w1', anonymousIds: ['z'], userIds: [] });
  assert.deepEqual(sorted(ids.of('s1')), [
    ['w1', ['a', 'b', 'c'], ['u']],
    ['w2', ['a'], ['u']],
  ]);
  assert.deepEqual(sorted(ids.of('s2')), [['w1', ['z'], []]]);
  assert.equal(ids.size, 7);
  ids.forget('s1');
  assert.equal(ids.of('s1'), undefined);
  assert.equal(ids.size, 1);
});

test('segment ids: a segment never written to, or with a line of unknown ids, has none', () => {
  const ids = new SegmentIds();
  assert.equal(ids.of('previous-run'), undefined);
  ids.add('s1', { workspaceId: 'w', anonymousIds: ['a'], userIds: [] });
  ids.add('s1', undefined);
  ids.add('s1', { workspaceId: 'w', anonymousIds: ['b'], userIds: [] });
  assert.equal(ids.of('s1'), undefined);
  assert.equal(ids.size, 0);
});

test('segment ids: past the budget the oldest segments are forgotten, the newest kept', () => {
  const ids = new SegmentIds(5);
  ids.add('s1', { workspaceId: 'w', anonymousIds: ['a', 'b'], userIds: [] });
  ids.add('s2', { workspaceId: 'w', anonymousIds: ['c', 'd'], userIds: [] });
  ids.add('s3', { workspaceId: 'w', anonymousIds: ['e', 'f'], userIds: [] });
  assert.equal(ids.of('s1'), undefined, 'the oldest is forgotten');
  assert.deepEqual(sorted(ids.of('s2')), [['w', ['c', 'd'], []]]);
  assert.deepEqual(sorted(ids.of('s3')), [['w', ['e', 'f'], []]]);
  assert.equal(ids.size, 4);
  // a forgotten segment stays unknown: its later lines' ids do not make a partial set
  ids.add('s1', { workspaceId: 'w', anonymousIds: ['g'], userIds: [] });
  assert.equal(ids.of('s1'), undefined);
  // one segment alone past the budget
  ids.add('s3', { workspaceId: 'w', anonymousIds: ['1', '2', '3', '4', '5', '6'], userIds: [] });
  assert.equal(ids.of('s3'), undefined);
  assert.ok(ids.size <= 5);
});
