// The user-agent dictionary on ClickHouse against DuckDB: the same events give the same user agents to
// parse, batch by batch; once saved (twice, as two racing derives would) each is stored once, and events
// read back with the same parsed browser, OS and device on both engines.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseUserAgent } from '../../../collect/user-agent.js';
import type { DeriveStage } from '../../areas/derive-scope.js';
import { journalMeta, segmentBytes } from '../../../test-helpers/poison.js';
import { addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { loadEventJournal, queryEvents } from './events.js';
import { saveUserAgents, userAgentsToParse } from './user-agents.js';

const W = 'ws_ua';
const V = 'ws_ua2';
const CHROME =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';
const BOT = 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const CURL = 'curl/8.5.0';

let n = 0;
const line = (ws: string, anon: string, ua?: string) =>
  Buffer.from(
    `{"type":"page","messageId":"m${n++}","anonymousId":"${anon}","timestamp":"2024-05-01T10:00:0${n % 10}.000Z",` +
      `"context":{${ua ? `"userAgent":${JSON.stringify(ua)}` : ''}},${journalMeta(ws, '2024-05-01T12:00:00.000Z')}}`,
  );

const parsed = (todo: { workspaceId: string; userAgent: string }[]) =>
  todo.map((t) => ({ ...t, ...parseUserAgent(t.userAgent) }));

test(
  'user agents on ClickHouse: the same batches to parse, each saved once, the same enrichment read back',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, ch, dir }) => {
        await addWorkspace(duck, V);
        const path = join(dir, 'seg.ndjson');
        writeFileSync(
          path,
          segmentBytes([
            line(W, 'a1', CHROME),
            line(W, 'a1', CHROME),
            line(W, 'a2', IPHONE),
            line(W, 'a3', BOT),
            line(W, 'a4'),
            line(V, 'b1', CHROME),
            line(V, 'b2', CURL),
          ]),
        );
        await duck.loadEventJournal(path);
        await loadEventJournal(ch, path);

        const all = await userAgentsToParse(ch, 100);
        assert.deepEqual(all, await duck.userAgentsToParse(100));
        assert.equal(
          all.length,
          5,
          'one per workspace and user agent; none for an event without one',
        );
        const first = await userAgentsToParse(ch, 2);
        assert.deepEqual(first, await duck.userAgentsToParse(2));
        assert.deepEqual(first, all.slice(0, 2));

        await saveUserAgents(ch, parsed(first));
        await duck.saveUserAgents(parsed(first));
        const rest = await userAgentsToParse(ch, 100);
        assert.deepEqual(rest, await duck.userAgentsToParse(100));
        assert.deepEqual(rest, all.slice(2));

        // a derive's stage: the affected ids' events (on ClickHouse a table of the store's database)
        const staged = await duck.stageAffectedEvents(W, {
          anonymousIds: ['a2', 'a4'],
          userIds: [],
        });
        const stage = 'stage_ua' as DeriveStage;
        await ch.conn.command(
          `CREATE TABLE ${ch.database}.${stage} ENGINE = Memory AS
         SELECT * FROM ${ch.database}.events WHERE workspace_id = {ws:String} AND anonymous_id IN ('a2', 'a4')`,
          { ws: W },
        );
        const fromStage = await userAgentsToParse(ch, 100, { workspaceId: W, stage });
        assert.deepEqual(
          fromStage,
          await duck.userAgentsToParse(100, { workspaceId: W, stage: staged.stage }),
        );
        assert.deepEqual(fromStage, [{ workspaceId: W, userAgent: IPHONE }]);
        await duck.releaseAffectedEvents(staged);

        // everything saved, the first batch again among it: stored once
        await saveUserAgents(ch, parsed(all));
        await saveUserAgents(ch, parsed(all.slice(1, 3)));
        await duck.saveUserAgents(parsed(all));
        assert.deepEqual(await userAgentsToParse(ch, 100), []);
        assert.deepEqual(await duck.userAgentsToParse(100), []);
        const stored = await ch.conn.query<{ n: number }>(
          `SELECT count() AS n FROM ${ch.database}.user_agents`,
        );
        assert.equal(stored[0]?.n, 5);

        for (const ws of [W, V]) {
          const events = await queryEvents(ch, ws, { limit: 100 });
          assert.deepEqual(events, await duck.queryEvents(ws, { limit: 100 }));
          assert.ok(events.some((e) => e.enrichment.browser === 'Chrome'));
        }
        const bot = await queryEvents(ch, W, { anonymousId: 'a3' });
        assert.equal(bot[0]?.enrichment.bot, true);
      },
      { workspaceId: W },
    );
  },
);
