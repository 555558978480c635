// The rebuild tells each of its steps as it ends, in order: the derive bench times the rebuild users run
// through this, so a step added to the rebuild is timed without a copy of its order to keep in step.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPORT_SESSIONS_TABLE } from '../store/engines/neutral/report-sessions-queries.js';
import { fn, sql } from '../store/engines/neutral/sql.js';
import { queryData } from '../test-helpers/engine-access.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { REBUILD_PHASES, rebuild, type RebuildPhase } from './derive.js';

test('rebuild reports every phase once, in order, and derives the report tables', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('a1', '2026-03-01T10:00:00Z', 'https://x.test/?utm_source=google&utm_medium=cpc'),
      identify('a1', '2026-03-01T10:05:00Z', 'ann@example.com'),
    ]);
    const told: [RebuildPhase, number][] = [];
    const summary = await rebuild(store, 'w', undefined, {
      onPhase: (phase, seconds) => told.push([phase, seconds]),
    });
    assert.deepEqual(
      told.map(([phase]) => phase),
      [...REBUILD_PHASES],
    );
    assert.ok(told.every(([, s]) => s >= 0 && Number.isFinite(s)));
    assert.equal(summary.sessions, 1);
    // the 'report tables' step is the rebuild's own: the session is there for the reports to read
    const rows = await queryData(
      store,
      sql`SELECT session_id FROM ${fn.table(REPORT_SESSIONS_TABLE)} WHERE workspace_id = 'w'`,
    );
    assert.equal(rows.length, 1);
  });
});
