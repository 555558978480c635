// The audit logs on ClickHouse against DuckDB: redaction runs and person erasures, written on DuckDB by the
// product's own paths and copied into ClickHouse as stored, read back the same on both engines; an
// erasure marked re-derived on each (on ClickHouse a new version of its row) reads back once, re-derived.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { rebuild } from '../../../derive/derive.js';
import { selectPerson } from '../../../derive/person-privacy.js';
import { redactStored } from '../../../derive/redact-stored.js';
import type { ErasureRecord } from '../../areas/privacy.js';
import { copyDuckRows, addWorkspace } from '../../../test-helpers/copy-duck-rows.js';
import { withBothEngines } from '../../../test-helpers/clickhouse.js';
import { completeErasure, listErasures, redactionRuns } from './audit-logs.js';

const W = 'ws_audit';
const V = 'ws_audit2';

const events = (anon: string, email: string) => [
  {
    type: 'page',
    messageId: `${anon}-1`,
    anonymousId: anon,
    timestamp: '2026-03-01T09:00:00Z',
    context: { page: { url: `https://acme.io/?nonce=n-${anon}&utm_source=x` } },
  },
  {
    type: 'identify',
    messageId: `${anon}-2`,
    anonymousId: anon,
    timestamp: '2026-03-01T09:01:00Z',
    traits: { email },
  },
];

/** Erasures with the re-derive time masked (now() on each engine), which must be an ISO time when set. */
const comparable = (rows: ErasureRecord[]) =>
  rows.map((r) => {
    if (r.rederivedAt !== null) assert.match(r.rederivedAt, /^\d{4}-.*\.\d{3}Z$/);
    return { ...r, rederivedAt: r.rederivedAt === null ? null : 'set' };
  });

test(
  'audit logs on ClickHouse: the same redaction runs and erasures as on DuckDB, an erasure re-derived once',
  { timeout: 120_000 },
  async () => {
    await withBothEngines(
      async ({ duck, ch }) => {
        await addWorkspace(duck, V);
        const receivedAt = new Date('2026-03-02T00:00:00Z');
        for (const [ws, anon, email] of [
          [W, 'a1', 'ann@x.io'],
          [W, 'a2', 'bo@x.io'],
          [V, 'v1', 'vic@v.io'],
        ] as const)
          await duck.appendEvents(ws, events(anon, email), { origin: 'import', receivedAt });
        await redactStored(duck, W, { configNames: [], names: ['nonce'] });
        await redactStored(duck, W, { configNames: [], names: ['nonce'] });
        await redactStored(duck, V, { configNames: [] });
        for (const ws of [W, V]) await rebuild(duck, ws);
        const meta = { via: 'cli' as const, at: new Date('2026-03-03T00:00:00Z') };
        for (const [ws, email, erasureId] of [
          [W, 'ann@x.io', 'er_1'],
          [W, 'bo@x.io', 'er_2'],
          [V, 'vic@v.io', 'er_3'],
        ] as const) {
          const sel = await selectPerson(duck, ws, { email }, { unnamedDeadLetters: false });
          assert.ok(sel, email);
          await duck.erasePerson(ws, sel, { ...meta, erasureId });
        }
        assert.deepEqual(await copyDuckRows(duck, ch, ['redaction_log', 'erasures']), {
          redaction_log: 3,
          erasures: 3,
        });

        for (const ws of [W, V, 'none']) {
          assert.deepEqual(await redactionRuns(ch, ws), await duck.redactionRuns(ws), ws);
          assert.deepEqual(await listErasures(ch, ws), await duck.listErasures(ws), ws);
        }
        const runs = await redactionRuns(ch, W);
        assert.deepEqual(
          runs.map((r) => [r.scope, r.extraNames, r.rowsChanged > 0]),
          [
            ['workspace', ['nonce'], true],
            ['workspace', ['nonce'], false],
          ],
        );
        const erased = await listErasures(ch, W);
        assert.ok(erased.every((e) => e.rederivedAt === null && e.rowCounts.events! > 0));

        await completeErasure(ch, 'er_2');
        await duck.completeErasure('er_2');
        for (const ws of [W, V])
          assert.deepEqual(
            comparable(await listErasures(ch, ws)),
            comparable(await duck.listErasures(ws)),
          );
        assert.deepEqual(
          (await listErasures(ch, W)).map((e) => [e.id, e.rederivedAt === null]),
          [
            ['er_1', true],
            ['er_2', false],
          ],
        );
      },
      { workspaceId: W },
    );
  },
);
