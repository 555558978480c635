import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventTime } from './event-time.js';
import { parseIsoMicros } from './iso-time.js';

const now = Number(parseIsoMicros('2026-12-06T10:00:00Z')!);
const at = (e: Record<string, unknown>, correct = true) => eventTime(e, now, correct);

test('clock-skew correction: receive time - (sentAt - client time), as Segment does', () => {
  assert.deepEqual(at({ timestamp: '2026-12-06T09:00:00Z', sentAt: '2026-12-06T09:30:00Z' }), {
    ok: true,
    ts: '2026-12-06T09:30:00.000000Z',
    receivedAt: '2026-12-06T10:00:00.000000Z',
  });
  // a device whose clock says 1970 is rescued by its own sentAt
  assert.equal(
    (at({ timestamp: '1970-01-01T00:00:00Z', sentAt: '1970-01-01T00:00:05Z' }) as { ts: string })
      .ts,
    '2026-12-06T09:59:55.000000Z',
  );
  // imports carry corrected times: no correction
  assert.equal(
    (
      at({ timestamp: '2026-12-06T09:00:00Z', sentAt: '2026-12-06T09:30:00Z' }, false) as {
        ts: string;
      }
    ).ts,
    '2026-12-06T09:00:00.000000Z',
  );
});

test('a wild sentAt cannot push a good time out of range (to year 12026 or before 2000)', () => {
  for (const sentAt of ['0001-01-01T00:00:00Z', '9999-12-31T23:59:59Z', '1999-01-01T00:00:00Z']) {
    assert.equal(
      (at({ timestamp: '2026-12-01T00:00:00Z', sentAt }) as { ts: string }).ts,
      '2026-12-01T00:00:00.000000Z',
      sentAt,
    );
  }
});

test('before 2000-01-01 is refused naming the field; after receive time + 1 day is replaced and the original kept', () => {
  assert.deepEqual(at({ timestamp: '0000-01-01T00:00:00Z' }), {
    ok: false,
    field: 'timestamp',
    reason: 'is before 2000-01-01',
  });
  assert.deepEqual(
    at({ timestamp: '2026-01-01T00:00:00Z', originalTimestamp: '1999-12-31T23:59:59.999999Z' }),
    { ok: false, field: 'originalTimestamp', reason: 'is before 2000-01-01' },
  );
  assert.deepEqual(
    at({ timestamp: '2020-01-01T00:00:00Z', receivedAt: '1999-12-31T00:00:00Z' }, false),
    { ok: false, field: 'receivedAt', reason: 'is before 2000-01-01' },
  );
  assert.equal(at({ timestamp: '2000-01-01T00:00:00Z' }).ok, true, 'the lower bound is inclusive');
  assert.deepEqual(at({ timestamp: '9999-01-01T00:00:00Z' }), {
    ok: true,
    ts: '2026-12-06T10:00:00.000000Z',
    receivedAt: '2026-12-06T10:00:00.000000Z',
    replaced: { field: 'timestamp', original: '9999-01-01T00:00:00Z' },
  });
  assert.equal(
    (at({ timestamp: '2026-12-07T10:00:00Z' }) as { ts: string }).ts,
    '2026-12-07T10:00:00.000000Z',
    'up to a day ahead is kept',
  );
  assert.equal(
    (at({ timestamp: '2026-12-07T10:00:00.000001Z' }) as { replaced?: unknown }).replaced !==
      undefined,
    true,
  );
  assert.deepEqual(at({}), {
    ok: true,
    ts: '2026-12-06T10:00:00.000000Z',
    receivedAt: '2026-12-06T10:00:00.000000Z',
  });
});

test('imports: receivedAt is the receive time unless it claims to be in the future', () => {
  const r = at({ timestamp: '2025-01-01T00:00:00Z', receivedAt: '2025-01-01T00:00:02Z' }, false);
  assert.deepEqual(r, {
    ok: true,
    ts: '2025-01-01T00:00:00.000000Z',
    receivedAt: '2025-01-01T00:00:02.000000Z',
  });
  const future = at(
    { timestamp: '2025-01-01T00:00:00Z', receivedAt: '2030-01-01T00:00:00Z' },
    false,
  );
  assert.equal((future as { receivedAt: string }).receivedAt, '2026-12-06T10:00:00.000000Z');
});
