import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalEvent } from './canonical-event.js';

const time = {
  ok: true as const,
  ts: '2026-01-01T00:00:00.000000Z',
  receivedAt: '2026-01-01T00:00:00.000000Z',
};

test('identifiers become text, the type lower case, and a missing messageId comes from the content', () => {
  const { event, messageId } = canonicalEvent(
    { type: 'TRACK', event: 'x', anonymousId: 12, userId: true, messageId: '' },
    time,
  );
  assert.equal(event.type, 'track');
  assert.equal(event.anonymousId, '12');
  assert.equal(event.userId, 'true');
  assert.match(messageId, /^h-[0-9a-f]{32}$/);
  assert.equal(event.messageId, messageId);
  assert.equal(
    canonicalEvent({ type: 'track', event: 'x', anonymousId: '12', userId: 'true' }, time)
      .messageId,
    messageId,
    'same content, same id',
  );
  // the separator of a joined text cannot make two different events one
  const a = canonicalEvent({ type: 'page', anonymousId: 'a|b' }, time).messageId;
  const b = canonicalEvent({ type: 'page', anonymousId: 'a', userId: 'b' }, time).messageId;
  assert.notEqual(a, b);
  assert.equal(
    canonicalEvent({ type: 'page', anonymousId: 'a', messageId: 7 }, time).messageId,
    '7',
  );
});

test('a replaced future time keeps the original in context.originalTimestamp', () => {
  const { event } = canonicalEvent(
    {
      type: 'page',
      anonymousId: 'a',
      timestamp: '2999-01-01T00:00:00Z',
      context: { ip: '1.2.3.0' },
    },
    { ...time, replaced: { field: 'timestamp', original: '2999-01-01T00:00:00Z' } },
  );
  assert.deepEqual(event.context, { ip: '1.2.3.0', originalTimestamp: '2999-01-01T00:00:00Z' });
  assert.equal(event.timestamp, '2999-01-01T00:00:00Z', 'the field itself is left as sent');
});
