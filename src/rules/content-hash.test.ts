import assert from 'node:assert/strict';
import { test } from 'node:test';
import { contentMessageId } from '../store/engines/clickhouse/message-id.js';
import { CONTENT_HASH_FIELDS } from './content-hash.js';

test('every field of the content hash changes the id, and nothing else does', () => {
  const base: Record<string, unknown> = {
    type: 'track',
    anonymousId: 'a',
    userId: 'u',
    timestamp: '2024-01-01T00:00:00Z',
    originalTimestamp: '2024-01-01T00:00:00Z',
    event: 'e',
    name: 'n',
    previousId: 'p',
    groupId: 'g',
    properties: { k: 1 },
    traits: { t: 2 },
    context: { c: 3 },
  };
  const id = contentMessageId(base);
  assert.match(id, /^h-[0-9a-f]{32}$/);
  for (const f of CONTENT_HASH_FIELDS)
    assert.notEqual(contentMessageId({ ...base, [f]: f === 'type' ? 'page' : 'other' }), id, f);
  // the type's case, and fields outside the list, say nothing new
  assert.equal(contentMessageId({ ...base, type: 'TRACK', sentAt: '2024-01-02T00:00:00Z' }), id);
});
