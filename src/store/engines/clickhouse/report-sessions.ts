// The report-sessions area on ClickHouse (neutral/report-sessions-queries.ts): a whole workspace's rows
// are built in a stage and swapped in (partition-swap.ts); some anonymous ids' rows are deleted as a
// patch part, then written again (a reader may miss those sessions for that moment, as with the leads).
import {
  anonymousIdsOfPersonsSql,
  countReportSessionsSql,
  insertReportSessionsSql,
  REPORT_SESSIONS_TABLE,
  reportSessionRowsSql,
  reportSessionsOfSql,
} from '../neutral/report-sessions-queries.js';
import { fn, type Sql } from '../neutral/sql.js';
import { deleteRows } from './delete-rows.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';
import { rebuildPartition } from './partition-swap.js';

export async function deriveReportSessions(
  s: ChStore,
  ws: string,
  scope?: { anonymousIds: readonly string[]; persons: readonly string[] },
): Promise<number> {
  const run = (q: Sql) => commandNeutral(s.conn, s.database, q);
  const count = async (table: string, ids?: readonly string[]) =>
    Number(
      (await queryNeutral(s.conn, s.database, countReportSessionsSql(table, ws, ids)))[0]?.n ?? 0,
    );
  if (!scope) {
    let n = 0;
    await rebuildPartition(s, REPORT_SESSIONS_TABLE, ws, async (stage) => {
      await run(insertReportSessionsSql(stage, reportSessionRowsSql(ws)));
      n = await count(stage);
    });
    return n;
  }
  const moved =
    scope.persons.length === 0
      ? []
      : (await queryNeutral(s.conn, s.database, anonymousIdsOfPersonsSql(ws, scope.persons))).map(
          (r) => String(r.anonymous_id),
        );
  const ids = [...new Set([...scope.anonymousIds, ...moved])];
  if (ids.length === 0) return 0;
  await deleteRows(s, fn.table(REPORT_SESSIONS_TABLE), reportSessionsOfSql(ws, ids));
  await run(insertReportSessionsSql(REPORT_SESSIONS_TABLE, reportSessionRowsSql(ws, ids)));
  return count(REPORT_SESSIONS_TABLE, ids);
}
