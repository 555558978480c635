import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../open.js';
import type { Store } from '../../store.js';
import { tempDir } from '../../../test-helpers/tmp.js';
import { MIGRATIONS } from './migrations.js';

async function withStore<T>(fn: (s: Store, dir: string) => Promise<T>): Promise<T> {
  const { dir, cleanup } = tempDir();
  const s = await openStore(dir);
  try {
    return await fn(s, dir);
  } finally {
    await s.close().catch(() => undefined);
    cleanup();
  }
}

const ws = (id: string) => ({
  id,
  name: id,
  currency: 'GBP',
  timezone: 'Europe/London',
  writeKey: `wk_${id}`,
  secretKeyHash: `h_${id}`,
});
const page = (i: number, extra: Record<string, unknown> = {}) => ({
  type: 'page',
  messageId: `m-${i}`,
  anonymousId: `a-${i % 3}`,
  timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  name: 'Pricing',
  properties: { path: '/pricing' },
  context: {
    page: {
      url: `https://acme.io/pricing?utm_source=google&gclid=G${i}`,
      referrer: 'https://www.google.com/',
    },
  },
  ...extra,
});

test('migrations: a second start applies nothing and leaves the same schema; data survives a restart', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const s1 = await openStore(dir);
    assert.equal(await s1.schemaVersion(), MIGRATIONS.at(-1)!.version);
    await s1.createWorkspace(ws('w1'));
    await s1.appendEvents('w1', [page(1)], { origin: 'api', receivedAt: new Date() });
    await s1.close();
    const s2 = await openStore(dir);
    assert.equal(await s2.schemaVersion(), MIGRATIONS.at(-1)!.version);
    assert.equal((await s2.listWorkspaces()).length, 1);
    assert.equal(await s2.countEvents('w1'), 1);
    await s2.close();
  } finally {
    cleanup();
  }
});

test('a workspace never reads another workspace’s rows', async () => {
  await withStore(async (s) => {
    await s.createWorkspace(ws('a'));
    await s.createWorkspace(ws('b'));
    // the same messageIds in both workspaces are distinct facts
    await s.appendEvents('a', [page(1), page(2)], { origin: 'api', receivedAt: new Date() });
    await s.appendEvents('b', [page(1)], { origin: 'api', receivedAt: new Date() });
    await s.appendIdentityLinks('a', [
      {
        fromKind: 'anonymous_id',
        fromValue: 'a-1',
        toKind: 'email',
        toValue: 'x@a.io',
        source: 'identify',
        at: '2026-01-01T00:00:00.000Z',
      },
    ]);
    assert.equal(await s.countEvents('a'), 2);
    assert.equal(await s.countEvents('b'), 1);
    assert.deepEqual(
      (await s.queryEvents('b')).map((e) => e.messageId),
      ['m-1'],
    );
    assert.equal((await s.queryEvents('a', { anonymousId: 'a-1' })).length, 1);
    assert.equal((await s.listIdentityLinks('b')).length, 0);
    assert.equal((await s.listIdentityLinks('a')).length, 1);
    assert.equal((await s.findWorkspaceByWriteKey('wk_b'))?.id, 'b');
  });
});

test('import: bad lines are rejected with line numbers and reasons, good ones kept, a re-import adds nothing', async () => {
  await withStore(async (s, dir) => {
    await s.createWorkspace(ws('w'));
    const lines = [
      JSON.stringify(page(1)),
      '',
      '{"type": "page", not json',
      JSON.stringify(page(2)),
      JSON.stringify({ type: 'track', anonymousId: 'x', timestamp: '2026-01-01T00:00:00Z' }),
      JSON.stringify(page(3, { timestamp: 'yesterday' })),
      JSON.stringify({ type: 'page', timestamp: '2026-01-01T00:00:00Z' }),
      '[1,2]',
      JSON.stringify(page(2)), // duplicate messageId inside the file
      JSON.stringify({
        type: 'track',
        event: 'Signed Up',
        userId: 'u1',
        timestamp: '2026-01-02T00:00:00Z',
      }), // no messageId
    ];
    const f = join(dir, 'events.ndjson');
    writeFileSync(f, lines.join('\n') + '\n');
    const r1 = await s.importEventsFile('w', f);
    assert.equal(r1.received, 9);
    assert.equal(r1.inserted, 3);
    assert.equal(r1.duplicates, 1);
    assert.deepEqual(r1.rejected, [
      { line: 3, field: 'line', reason: 'is not valid JSON' },
      { line: 5, field: 'event', reason: 'is required for track' },
      { line: 6, field: 'timestamp', reason: 'is not an ISO-8601 date-time' },
      { line: 7, field: 'anonymousId', reason: 'userId or anonymousId is required' },
      { line: 8, field: 'line', reason: 'must be a JSON object' },
    ]);
    const r2 = await s.importEventsFile('w', f);
    assert.equal(r2.inserted, 0);
    assert.equal(r2.duplicates, 4);
    assert.equal(await s.countEvents('w'), 3);
    const tracked = await s.queryEvents('w', { type: 'track' });
    assert.equal(tracked.length, 1);
    assert.match(tracked[0]!.messageId, /^h-[0-9a-f]{32}$/);
  });
});

test('import: repeats of valid events, in the file and already stored, are duplicates (none rejected)', async () => {
  await withStore(async (s, dir) => {
    await s.createWorkspace(ws('w'));
    const first = join(dir, 'first.ndjson');
    writeFileSync(first, [page(1), page(2)].map((e) => JSON.stringify(e)).join('\n'));
    await s.importEventsFile('w', first);
    // m-2 stored already, m-3 twice in the file, m-4 new
    const next = join(dir, 'next.ndjson');
    writeFileSync(
      next,
      [page(2), page(3), page(4), page(3)].map((e) => JSON.stringify(e)).join('\n') + '\n',
    );
    const { batchId: _b, ...r } = await s.importEventsFile('w', next);
    assert.deepEqual(r, {
      received: 4,
      inserted: 2,
      duplicates: 2,
      rejected: [],
      rejectedCount: 0,
    });
    assert.deepEqual((await s.queryEvents('w', {})).map((e) => e.messageId).sort(), [
      'm-1',
      'm-2',
      'm-3',
      'm-4',
    ]);
  });
});

test('a clean import takes the fast path and keeps every field', async () => {
  await withStore(async (s, dir) => {
    await s.createWorkspace(ws('w'));
    const f = join(dir, 'ok.ndjson');
    writeFileSync(f, [page(1), page(2), page(3)].map((e) => JSON.stringify(e)).join('\n'));
    const { batchId, ...r } = await s.importEventsFile('w', f);
    assert.deepEqual(r, {
      received: 3,
      inserted: 3,
      duplicates: 0,
      rejected: [],
      rejectedCount: 0,
    });
    assert.match(
      batchId ?? '',
      /^import-/,
      'the batch the events were stored under (the post-import redaction is limited to it)',
    );
    const [e] = await s.queryEvents('w', { limit: 1 });
    assert.equal(e!.messageId, 'm-3');
    assert.equal(e!.timestamp, '2026-01-01T00:00:03.000Z');
    assert.equal(e!.pageUrl, 'https://acme.io/pricing?utm_source=google&gclid=G3');
    assert.deepEqual(e!.properties, { path: '/pricing' });
    assert.equal(e!.origin, 'import');
  });
});

test('appendEvents: valid events kept, rejected listed by position, retries de-duplicated, clock skew corrected', async () => {
  await withStore(async (s) => {
    await s.createWorkspace(ws('w'));
    const receivedAt = new Date('2026-03-01T12:00:10.000Z');
    // the client clock is 1 h fast: sentAt 13:00:10 and the event happened 5 s before sending
    const skewed = {
      ...page(9),
      timestamp: '2026-03-01T13:00:05.000Z',
      sentAt: '2026-03-01T13:00:10.000Z',
    };
    const r = await s.appendEvents('w', [page(1), { type: 'bogus', anonymousId: 'z' }, skewed], {
      origin: 'api',
      receivedAt,
    });
    assert.equal(r.inserted, 2);
    assert.deepEqual(r.rejected, [
      {
        line: 2,
        field: 'type',
        reason: 'must be one of track, page, screen, identify, group, alias',
      },
    ]);
    const again = await s.appendEvents('w', [page(1), skewed], { origin: 'api', receivedAt });
    assert.equal(again.inserted, 0);
    assert.equal(again.duplicates, 2);
    const e = (await s.queryEvents('w')).find((x) => x.messageId === 'm-9');
    assert.equal(e?.timestamp, '2026-03-01T12:00:05.000Z');
  });
});
