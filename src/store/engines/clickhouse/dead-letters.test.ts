// The dead-letters area on ClickHouse against DuckDB: the same journal segments (every poison form, a
// torn tail, a long line, bytes that are not UTF-8) set aside the same letters with the same previews and
// counts; a retry replays them through each engine's load path with the same outcome, marks what loaded
// as retried (on ClickHouse a new version of the row) and leaves the rest pending with today's reason.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { DeadLetter, DeadLetterRetry } from '../../areas/dead-letters.js';
import { PREVIEW_CHARS } from '../../journal-lines.js';
import {
  goodLine,
  journalMeta,
  poisonLines,
  segmentBytes,
  tornTail,
} from '../../../test-helpers/poison.js';
import { addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { insertDeadLetters as duckInsertDeadLetters } from '../duckdb/dead-letters-repo.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import { countDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters.js';
import { insertDeadLetters, loadEventJournal, queryEvents } from './events.js';

const WS = 'ws_dead';
const OTHER = 'ws_other';

// the one reason in the engine's own words (DuckDB's reader casts _recv; ClickHouse's rows are made in
// JavaScript): each engine's words must still match what the poison list expects
const UNREADABLE_RECV = poisonLines(WS).find((p) => p.name === 'unreadable receive time')!.reason;

/** A letter without its failure and retry times (now() on each engine), which must be ISO times. */
function comparable(letters: DeadLetter[]): Omit<DeadLetter, 'failedAt'>[] {
  return letters.map(({ failedAt, ...rest }) => {
    assert.match(failedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    if (rest.retriedAt !== null) assert.match(rest.retriedAt, /^\d{4}-.*\.\d{3}Z$/);
    return {
      ...rest,
      reason: UNREADABLE_RECV.test(rest.reason) ? 'line|(unreadable _recv)' : rest.reason,
      retriedAt: rest.retriedAt === null ? null : 'set',
    };
  });
}

const sameReason = (f: { id: string; reason: string }) => ({
  id: f.id,
  reason: UNREADABLE_RECV.test(f.reason) ? 'line|(unreadable _recv)' : f.reason,
});

const sortedRetry = (r: DeadLetterRetry) => ({
  loaded: [...r.loaded].sort(),
  failed: r.failed.map(sameReason).sort((a, b) => a.id.localeCompare(b.id)),
  inserted: r.inserted,
  affected: [...r.affected].map(([ws, a]) => [ws, [...a.anonymousIds].sort(), a.userIds]),
});

test(
  'dead letters on ClickHouse: the same letters, previews, counts and retries as on DuckDB',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, ch, dir }) => {
        await addWorkspace(duck, OTHER);
        // DuckDB's reader refuses a duplicate key that JavaScript's parser takes: not the same on both
        const poison = poisonLines(WS).filter((p) => p.name !== 'duplicate key');
        const long = Buffer.from(
          `{"type":"bogus","anonymousId":"a","event":"${'é'.repeat(400)}","messageId":"long",${journalMeta(WS)}}`,
        );
        const segments: [string, Buffer][] = [
          [
            'events-000000000001.ndjson',
            segmentBytes([goodLine(WS, 'g1'), ...poison.map((p) => p.raw)]),
          ],
          [
            'events-000000000002.ndjson',
            segmentBytes([long, goodLine(OTHER, 'g2')], tornTail(OTHER)),
          ],
        ];
        for (const [name, bytes] of segments) {
          const path = join(dir, name);
          writeFileSync(path, bytes);
          const d = await duck.loadEventJournal(path);
          const c = await loadEventJournal(ch, path);
          assert.equal(c.deadLetters, d.deadLetters, name);
        }

        const all = await listDeadLetters(ch, {});
        assert.equal(all.length, poison.length + 2);
        assert.deepEqual(comparable(all), comparable(await duck.listDeadLetters({})));
        // previews only: the long line is cut, its size the whole line's
        const cut = all.find((l) => l.bytes === long.length);
        assert.ok(
          cut && cut.preview.endsWith('…') && [...cut.preview].length === PREVIEW_CHARS + 1,
        );
        const notUtf8 = all.find((l) => l.reason.includes('UTF-8'));
        assert.ok(notUtf8?.preview.includes('\ufffd'), 'bytes that are not UTF-8 shown as U+FFFD');
        assert.ok(
          all.some((l) => l.workspaceId === null),
          'a line too broken to name its workspace',
        );
        for (const f of [
          { workspaceId: WS },
          { workspaceId: OTHER, limit: 1 },
          { id: all[3]!.id },
          { workspaceId: WS, pendingOnly: true, limit: 3 },
        ])
          assert.deepEqual(
            comparable(await listDeadLetters(ch, f)),
            comparable(await duck.listDeadLetters(f)),
            JSON.stringify(f),
          );
        for (const ws of [undefined, WS, OTHER, 'none'])
          assert.deepEqual(await countDeadLetters(ch, ws), await duck.countDeadLetters(ws), ws);

        // lines an earlier version refused (a bug since fixed): one new event, one already stored
        const fixed = [goodLine(WS, 'was-refused', 'anon-retry'), goodLine(WS, 'g1')].map(
          (raw, i) => ({
            line: { lineNo: i + 1, raw, terminated: true },
            reason: 'line|an old bug',
            workspaceId: WS,
            receivedAt: null,
          }),
        );
        const source = 'events-000000000077.ndjson';
        await duckDbOf(duck)!.transaction((c) => duckInsertDeadLetters(c, source, fixed));
        await insertDeadLetters(ch, source, fixed);
        assert.deepEqual(await countDeadLetters(ch, WS), await duck.countDeadLetters(WS));

        const c = await retryDeadLetters(ch, { workspaceId: WS });
        const d = await duck.retryDeadLetters({ workspaceId: WS });
        assert.deepEqual(sortedRetry(c), sortedRetry(d));
        assert.equal(c.loaded.length, 2);
        assert.equal(c.inserted, 1, 'the line already stored loads as a duplicate');
        assert.equal(c.failed.length, poison.filter((p) => p.named).length + 1);
        assert.deepEqual(await countDeadLetters(ch, WS), { pending: c.failed.length, retried: 2 });
        assert.deepEqual(await countDeadLetters(ch), await duck.countDeadLetters());
        assert.deepEqual(
          comparable(await listDeadLetters(ch, {})),
          comparable(await duck.listDeadLetters({})),
        );
        const retried = (await listDeadLetters(ch, { workspaceId: WS })).filter(
          (l) => l.retriedAt !== null,
        );
        assert.deepEqual(retried.map((l) => l.id).sort(), [...c.loaded].sort());
        assert.deepEqual(
          (await queryEvents(ch, WS, { anonymousId: 'anon-retry' })).map((e) => e.messageId),
          ['was-refused'],
        );

        // again: nothing left to load, the rest fail as before; by id, a letter no workspace claims
        const again = await retryDeadLetters(ch, { workspaceId: WS });
        assert.deepEqual(
          sortedRetry(again),
          sortedRetry(await duck.retryDeadLetters({ workspaceId: WS })),
        );
        assert.deepEqual(again.loaded, []);
        const torn = all.find((l) => l.reason.includes('torn write'))!;
        const one = await retryDeadLetters(ch, { id: torn.id });
        assert.deepEqual(
          sortedRetry(one),
          sortedRetry(await duck.retryDeadLetters({ id: torn.id })),
        );
        // replayed alone, the line is whole: what is wrong with it now is its bytes
        assert.match(one.failed[0]?.reason ?? '', /UTF-8/);
        assert.deepEqual(
          await queryEvents(ch, WS, { limit: 100 }),
          await duck.queryEvents(WS, { limit: 100 }),
        );
      },
      { workspaceId: WS },
    );
  },
);
