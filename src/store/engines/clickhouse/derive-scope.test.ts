// A derive's stage on ClickHouse against DuckDB's: the same events loaded into both, the same affected
// ids staged on both hold the same events (by anonymous id or by user id, of that workspace only), the
// same count, the same user agents to parse from the stage; a stage left behind is replaced, and a
// released one is gone.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { journalMeta, segmentBytes } from '../../../test-helpers/poison.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import type { AffectedIds, DeriveStage } from '../../areas/derive-scope.js';
import { releaseAffectedEvents, stageAffectedEvents, stageName } from './derive-scope.js';
import { loadEventJournal } from './events.js';
import { userAgentsToParse } from './user-agents.js';

const W = 'ws_scope';
const OTHER = 'ws_scope_other';
const UA = (n: number) => `Mozilla/5.0 (X11; Linux x86_64) Firefox/${n}.0`;

let n = 0;
const line = (ws: string, fields: Record<string, unknown>) =>
  Buffer.from(
    `${JSON.stringify({
      type: 'page',
      messageId: `m${n++}`,
      timestamp: `2024-05-0${1 + (n % 5)}T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
      ...fields,
    }).slice(0, -1)},${journalMeta(ws, '2024-05-09T12:00:00.000Z')}}`,
  );

test(
  'a stage on ClickHouse holds what DuckDB stages: the affected ids’ events of the workspace, counted; released, it is gone',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, duckDb, ch, dir }) => {
        const lines: Buffer[] = [];
        for (let i = 0; i < 12; i++)
          lines.push(
            line(W, { anonymousId: `a${i % 4}`, context: { userAgent: UA(i % 3) } }),
            line(OTHER, { anonymousId: `a${i % 4}`, context: { userAgent: UA(9) } }),
          );
        // a user id's events without the affected anonymous ids, and one with neither
        lines.push(
          line(W, { type: 'identify', userId: 'u1', traits: { email: 'x@acme.io' } }),
          line(W, { type: 'identify', anonymousId: 'a3', userId: 'u1' }),
          line(W, { type: 'track', event: 'Other', userId: 'u2', context: { userAgent: UA(7) } }),
        );
        const path = join(dir, 'seg.ndjson');
        writeFileSync(path, segmentBytes(lines));
        await duck.loadEventJournal(path);
        await loadEventJournal(ch, path);

        const readDuck = async (stage: DeriveStage) =>
          (
            await duckDb.write(async (c) =>
              (
                await c.runAndReadAll(
                  `SELECT message_id, workspace_id, anonymous_id, user_id, user_agent, email FROM ${stage} ORDER BY message_id`,
                )
              ).getRowObjectsJson(),
            )
          ).map((r) => JSON.stringify(r));
        const readCh = async (stage: DeriveStage) =>
          (
            await ch.conn.query(
              `SELECT message_id, workspace_id, anonymous_id, user_id, user_agent, email
               FROM ${ch.database}.${stage} ORDER BY message_id`,
            )
          ).map((r) => JSON.stringify(r));

        const cases: AffectedIds[] = [
          { anonymousIds: ['a1', 'a2', 'never-seen'], userIds: ['u1'] },
          { anonymousIds: [], userIds: ['u2'] },
          { anonymousIds: ['a0', 'a0'], userIds: [] },
          { anonymousIds: [], userIds: [] },
        ];
        for (const affected of cases) {
          const duckStage = await duck.stageAffectedEvents(W, affected);
          const chStage = await stageAffectedEvents(ch, W, affected);
          try {
            assert.equal(chStage.stage, stageName(W));
            assert.deepEqual(chStage.anonymousIds, affected.anonymousIds);
            assert.deepEqual(chStage.userIds, affected.userIds);
            const rows = await readCh(chStage.stage);
            assert.deepEqual(rows, await readDuck(duckStage.stage), JSON.stringify(affected));
            assert.equal(chStage.events, duckStage.events);
            assert.equal(chStage.events, rows.length);
            assert.ok(
              rows.every((r) => (JSON.parse(r) as { workspace_id: string }).workspace_id === W),
            );
            assert.deepEqual(
              await userAgentsToParse(ch, 100, { workspaceId: W, stage: chStage.stage }),
              await duck.userAgentsToParse(100, { workspaceId: W, stage: duckStage.stage }),
            );
          } finally {
            await duck.releaseAffectedEvents(duckStage);
            await releaseAffectedEvents(ch, chStage);
          }
          await assert.rejects(readCh(chStage.stage), /UNKNOWN_TABLE|does not exist/);
        }
        const first = await stageAffectedEvents(ch, W, cases[0]!);
        assert.equal(first.events, (12 / 4) * 2 + 2);

        // a derive that died left its stage: the next one replaces it
        const next = await stageAffectedEvents(ch, W, cases[1]!);
        assert.equal(next.events, 1);
        assert.equal((await readCh(next.stage)).length, 1);
        await releaseAffectedEvents(ch, next);
        // a handle this engine did not make is refused, not dropped
        await assert.rejects(
          releaseAffectedEvents(ch, { ...next, stage: 'events' as DeriveStage }),
          /not a derive stage/,
        );
        assert.equal(
          (await ch.conn.query(`SELECT count() AS n FROM ${ch.database}.events`))[0]?.n,
          lines.length,
        );
      },
      { workspaceId: W },
    );
  },
);
