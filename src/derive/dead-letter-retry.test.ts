import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStore } from '../test-helpers/events.js';
import { goodLine, poisonLines } from '../test-helpers/poison.js';
import { addDeadLetters } from '../test-helpers/engine-access.js';
import { retryDeadLetters, RetryTargetError } from './dead-letter-retry.js';

const refusal = (field: string, kind: string, message: RegExp) => (err: unknown) =>
  err instanceof RetryTargetError &&
  err.field === field &&
  err.kind === kind &&
  message.test(err.message);

test('a retry loads what loads now, derives it, keeps the rest with its reason, and refuses what it cannot name', async () => {
  await withStore(async (store) => {
    const poison = poisonLines('w').find((p) => p.named)!;
    await addDeadLetters(store, 'events-000000000009.ndjson', [
      {
        line: { lineNo: 1, raw: goodLine('w', 'was-refused', 'anon-r'), terminated: true },
        reason: 'line|an old bug',
        workspaceId: 'w',
        receivedAt: null,
      },
      {
        line: { lineNo: 2, raw: poison.raw, terminated: true },
        reason: 'line|still bad',
        workspaceId: 'w',
        receivedAt: null,
      },
    ]);
    await assert.rejects(
      retryDeadLetters(store, { workspaceId: 'nope' }),
      refusal('workspace', 'not_found', /no workspace with id "nope"/),
    );
    await assert.rejects(
      retryDeadLetters(store, { workspaceId: 'w', id: 'dl_x' }),
      refusal('id', 'not_found', /no dead letter with id "dl_x" in workspace "w"/),
    );
    assert.deepEqual(
      await store.countDeadLetters('w'),
      { pending: 2, retried: 0 },
      'refusals change nothing',
    );

    const r = await retryDeadLetters(store, { workspaceId: 'w' });
    assert.equal(r.loaded.length, 1);
    assert.equal(r.inserted, 1);
    assert.deepEqual(r.failed.length, 1);
    assert.match(r.failed[0]!.reason, poison.reason);
    assert.equal(
      (await store.listSessions('w', { anonymousIds: ['anon-r'] })).length,
      1,
      'what loaded is derived',
    );
    await assert.rejects(
      retryDeadLetters(store, { id: r.loaded[0]! }),
      refusal('id', 'conflict', /was already loaded/),
    );
    assert.deepEqual(await store.countDeadLetters('w'), { pending: 1, retried: 1 });
  });
});
