// A workspace's data deleted on ClickHouse against DuckDB: the same workspace in every data table (dead
// letters loaded through each engine's journal path, user agents saved through each, every other row
// copied from DuckDB as stored), deleted on both: the same rows removed per table, nothing of it left on ClickHouse,
// the other workspace untouched, and a second deletion removes nothing.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { rebuild } from '../../../derive/derive.js';
import { selectPerson } from '../../../derive/person-privacy.js';
import { redactStored } from '../../../derive/redact-stored.js';
import { refreshUserAgents } from '../../../derive/user-agents.js';
import { journalMeta, poisonLines, segmentBytes } from '../../../test-helpers/poison.js';
import { copyDuckRows, addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import type { ChStore } from './events.js';
import { loadEventJournal } from './events.js';
import { TABLES } from './schema.js';
import { saveUserAgents } from './user-agents.js';
import { deleteWorkspaceData } from './workspace-data.js';

const W = 'ws_gone';
const V = 'ws_kept';

let n = 0;
const line = (ws: string, anon: string, fields: string) =>
  Buffer.from(
    `{"messageId":"m${n++}","anonymousId":"${anon}","timestamp":"2026-03-01T09:0${n % 10}:00Z",${fields},` +
      `"context":{"userAgent":"Mozilla/5.0 (${anon})","page":{"url":"https://acme.io/?nonce=x&utm_source=${anon}"}},` +
      `${journalMeta(ws, '2026-03-01T10:00:00.000Z')}}`,
  );
const person = (ws: string, anon: string, email: string) => [
  line(ws, anon, '"type":"page"'),
  line(ws, anon, `"type":"identify","traits":{"email":"${email}"}`),
  line(
    ws,
    anon,
    `"type":"track","event":"form_submitted","properties":{"fields":{"email":"${email}"}}`,
  ),
];

/** Rows of a workspace in every ClickHouse table (versioned tables: current rows). */
async function rowsOf(ch: ChStore, ws: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of TABLES) {
    const [r] = await ch.conn.query<{ n: number }>(
      `SELECT count() AS n FROM ${ch.database}.${t.name}${t.version ? ' FINAL' : ''} WHERE workspace_id = {ws:String}`,
      { ws },
    );
    out[t.name] = Number(r?.n);
  }
  return out;
}

test(
  "a workspace's data deleted on ClickHouse: the same rows removed per table as on DuckDB, the other workspace kept",
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, ch, dir }) => {
        await addWorkspace(duck, V);
        // dead letters through each engine's journal path; events through DuckDB's, then copied as they
        // stand after the redaction and the erasure below
        const poison = join(dir, 'poison.ndjson');
        writeFileSync(
          poison,
          segmentBytes([
            ...poisonLines(W)
              .filter((p) => p.name !== 'duplicate key')
              .map((p) => p.raw),
            ...poisonLines(V)
              .slice(0, 2)
              .map((p) => p.raw),
          ]),
        );
        await duck.loadEventJournal(poison);
        await loadEventJournal(ch, poison);
        const people = join(dir, 'people.ndjson');
        writeFileSync(
          people,
          segmentBytes([
            ...person(W, 'a1', 'ann@x.io'),
            ...person(W, 'a2', 'bo@x.io'),
            ...person(V, 'v1', 'vic@v.io'),
          ]),
        );
        await duck.loadEventJournal(people);
        await duck.appendIdentityLinks(W, [
          {
            fromKind: 'crm_id',
            fromValue: 'c-1',
            toKind: 'email',
            toValue: 'ann@x.io',
            source: 'crm',
            at: '2026-03-01T12:00:00.000Z',
          },
        ]);
        for (const ws of [W, V]) {
          await redactStored(duck, ws, { configNames: [], names: ['nonce'] });
          await rebuild(duck, ws);
        }
        const sel = await selectPerson(
          duck,
          W,
          { email: 'bo@x.io' },
          { unnamedDeadLetters: false },
        );
        await duck.erasePerson(W, sel!, { erasureId: 'er_1', via: 'api', at: new Date() });
        await rebuild(duck, W);
        // the user agents as DuckDB parsed them (the derive's own dictionary: saved through ClickHouse's write)
        await refreshUserAgents(duck);
        await saveUserAgents(
          ch,
          (await duckDbOf(duck)!.query('SELECT * FROM user_agents')).map((r) => ({
            workspaceId: String(r.workspace_id),
            userAgent: String(r.user_agent),
            browser: r.browser as string | null,
            browserVersion: r.browser_version as string | null,
            os: r.os as string | null,
            deviceType: String(r.device_type),
            bot: Boolean(r.is_bot),
            botReason: r.bot_reason as string | null,
          })),
        );
        const native = ['dead_letters', 'user_agents'];
        await copyDuckRows(
          duck,
          ch,
          TABLES.map((t) => t.name).filter((t) => !native.includes(t)),
        );
        const kept = await rowsOf(ch, V);
        const before = await rowsOf(ch, W);

        const c = await deleteWorkspaceData(ch, W);
        // DuckDB's half of Store.deleteWorkspace: the data plane's, every data table named
        assert.deepEqual(c, await duck.deleteWorkspaceData(W));
        assert.deepEqual(c, before, 'rows removed: every row the workspace had');
        const removed = Object.entries(c).filter(([, k]) => k > 0);
        assert.ok(removed.length >= 15, JSON.stringify(c));
        for (const t of ['events', 'dead_letters', 'sessions', 'erasures', 'user_agents'])
          assert.ok(c[t]! > 0, t);

        assert.ok(
          Object.values(await rowsOf(ch, W)).every((k) => k === 0),
          'nothing of it left',
        );
        assert.deepEqual(await rowsOf(ch, V), kept, 'the other workspace untouched');
        assert.ok(kept.events! > 0 && kept.sessions! > 0 && kept.dead_letters! > 0);
        assert.ok(Object.values(await deleteWorkspaceData(ch, W)).every((k) => k === 0));
      },
      { workspaceId: W },
    );
  },
);
