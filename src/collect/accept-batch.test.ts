import { test } from 'node:test';
import assert from 'node:assert/strict';
import { acceptBatch, type AcceptOptions } from './accept-batch.js';
import { compileRedaction } from './redaction-rules.js';

const opts = (over: Partial<AcceptOptions> = {}): AcceptOptions => ({
  receivedAt: new Date('2026-03-01T12:00:00.000Z'),
  meta: { workspaceId: 'ws_1', origin: 'api', batchId: 'api-1' },
  request: { ip: '203.0.113.9', userAgent: 'UA', clientSide: false },
  enrichment: { truncateIps: false },
  redaction: compileRedaction({}),
  ...over,
});
const parse = (line: string) => JSON.parse(line) as Record<string, unknown>;

test('accepted events become canonical lines; refused ones are listed by position, in order', () => {
  const r = acceptBatch(
    {
      batch: [
        {
          type: 'TRACK',
          event: 'Signed Up',
          userId: 42,
          messageId: 'm1',
          timestamp: '2026-03-01T11:00:00+01:00',
        },
        { type: 'track', anonymousId: 'a' }, // no event name
        'not an object',
        { type: 'page', anonymousId: 'a', timestamp: '1999-12-31T23:59:59Z' },
        { type: 'page', anonymousId: 'a', messageId: 'm1' }, // repeats the first messageId
        {
          type: 'page',
          anonymousId: 'a',
          properties: { url: 'https://x.test/?token=secret&utm_source=g' },
        },
      ],
    },
    opts(),
  );
  assert.deepEqual(r.rejected, [
    { index: 1, field: 'batch[1].event', reason: 'is required for track' },
    { index: 2, field: 'batch[2]', reason: 'must be a JSON object' },
    { index: 3, field: 'batch[3].timestamp', reason: 'is before 2000-01-01' },
  ]);
  assert.equal(r.duplicates, 1);
  assert.equal(r.accepted, 2);
  const [first, page] = r.lines.map(parse);
  assert.equal(first!.type, 'track');
  assert.equal(first!.userId, '42');
  assert.equal(first!._ts, '2026-03-01T10:00:00.000000Z');
  assert.deepEqual(
    [first!._ws, first!._recv, first!._origin, first!._batch],
    ['ws_1', '2026-03-01T12:00:00.000Z', 'api', 'api-1'],
  );
  assert.equal(
    (page!.properties as { url: string }).url,
    'https://x.test/?token=[redacted]&utm_source=g',
  );
  assert.match(String(page!.messageId), /^h-[0-9a-f]{32}$/);
  // the ids of the lines, as the store reads them (a number as its text), for the loader's derive
  assert.deepEqual([r.anonymousIds, r.userIds], [['a'], ['42']]);
});

test("a campaign link's identify is journalled beside its page but not counted as the client's", () => {
  const r = acceptBatch(
    {
      batch: [
        {
          type: 'page',
          anonymousId: 'a',
          messageId: 'p1',
          context: { page: { url: 'https://x.test/o?cl_email=jane%40example.com' } },
        },
      ],
    },
    opts({ redaction: compileRedaction({ identifyParam: 'cl_email' }) }),
  );
  assert.equal(r.accepted, 1);
  assert.deepEqual(
    r.lines.map((l) => [parse(l).type, parse(l).messageId]),
    [
      ['page', 'p1'],
      ['identify', 'p1:identify'],
    ],
  );
  assert.deepEqual(parse(r.lines[1]!).traits, { email: 'jane@example.com' });
});

test('the single-event routes force the type; a batch sentAt corrects the clock; client metadata keys are dropped', () => {
  const r = acceptBatch(
    {
      batch: [
        {
          type: 'page',
          event: 'E',
          anonymousId: 'a',
          timestamp: '2026-03-01T09:00:00Z',
          _ws: 'other',
        },
      ],
      sentAt: '2026-03-01T10:00:00Z',
    },
    opts({ forcedType: 'track' }),
  );
  const line = parse(r.lines[0]!);
  assert.equal(line.type, 'track');
  assert.equal(line._ts, '2026-03-01T11:00:00.000000Z', 'receive time - (sentAt - timestamp)');
  assert.equal(line._ws, 'ws_1');
  assert.equal(r.lines[0]!.split('"_ws"').length, 2);
});

test('an event over 32 KB as stored is refused, the others kept', () => {
  const r = acceptBatch(
    {
      batch: [
        { type: 'track', event: 'x', anonymousId: 'a', properties: { pad: 'é'.repeat(17 * 1024) } },
        { type: 'track', event: 'y', anonymousId: 'a' },
      ],
    },
    opts(),
  );
  assert.deepEqual(r.rejected, [{ index: 0, field: 'batch[0]', reason: 'is larger than 32 KB' }]);
  assert.equal(r.lines.length, 1);
});
