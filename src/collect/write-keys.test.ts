import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TEST_WORKSPACE, withStore } from '../test-helpers/events.js';
import { WriteKeyCache, writeKeyFrom } from './write-keys.js';

test(
  'write keys: peek answers only what resolve cached and is still fresh; clear forgets at once',
  { timeout: 60_000 },
  async () => {
    await withStore(async (store) => {
      const ws = await store.getWorkspace('w');
      assert.ok(ws);
      const keys = new WriteKeyCache(store, 60_000);
      assert.equal(keys.peek(ws.writeKey), undefined, 'nothing before the store was asked');
      assert.equal((await keys.resolve(ws.writeKey))?.id, TEST_WORKSPACE.id);
      assert.equal(keys.peek(ws.writeKey)?.ws?.id, TEST_WORKSPACE.id, 'a hit, without the store');
      // an unknown key is cached as unknown (briefly): a hit that names no workspace
      assert.equal(await keys.resolve('wk_nope'), undefined);
      const unknown = keys.peek('wk_nope');
      assert.ok(unknown, 'an unknown key is a hit too');
      assert.equal(unknown.ws, undefined);
      keys.clear();
      assert.equal(keys.peek(ws.writeKey), undefined, 'a deleted workspace must stop at once');
      // an entry past its time is not a hit
      const brief = new WriteKeyCache(store, 1);
      await brief.resolve(ws.writeKey);
      await new Promise((r) => setTimeout(r, 5));
      assert.equal(brief.peek(ws.writeKey), undefined);
    });
  },
);

test('writeKeyFrom: the Basic user name (any case of the scheme), else the body; headers in turn each read right', () => {
  const basic = (user: string, scheme = 'Basic') =>
    `${scheme} ${Buffer.from(`${user}:`).toString('base64')}`;
  const body = { writeKey: 'wk_body' };
  // the same headers again and again, and alternating: the last one read is remembered, never a stale one
  for (let round = 0; round < 3; round++) {
    assert.equal(writeKeyFrom(basic('wk_a'), body), 'wk_a');
    assert.equal(writeKeyFrom(basic('wk_a'), undefined), 'wk_a');
    assert.equal(writeKeyFrom(basic('wk_b', 'basic'), body), 'wk_b');
    assert.equal(writeKeyFrom(basic('', 'BASIC'), body), 'wk_body', 'no user name: the body');
    assert.equal(writeKeyFrom(basic(''), undefined), undefined);
    assert.equal(writeKeyFrom('Bearer wk_a', body), 'wk_body', 'not Basic: the body');
    assert.equal(writeKeyFrom(undefined, body), 'wk_body');
    assert.equal(writeKeyFrom('', { writeKey: '' }), undefined);
    assert.equal(writeKeyFrom(undefined, { writeKey: 7 }), undefined);
  }
});
