// The report-sessions area on DuckDB: the neutral queries (neutral/report-sessions-queries.ts) in one
// transaction, so a reader sees every session before or after a derive, never half.
import {
  anonymousIdsOfPersonsSql,
  countReportSessionsSql,
  insertReportSessionsSql,
  REPORT_SESSIONS_TABLE,
  reportSessionRowsSql,
  reportSessionsOfSql,
} from '../neutral/report-sessions-queries.js';
import { fn, p, sql } from '../neutral/sql.js';
import type { Db } from './connection.js';
import { readNeutral, runNeutral } from './dialect.js';

export function deriveReportSessions(
  db: Db,
  ws: string,
  scope?: { anonymousIds: readonly string[]; persons: readonly string[] },
): Promise<number> {
  return db.transaction(async (c) => {
    let ids: string[] | undefined;
    if (scope) {
      const moved =
        scope.persons.length === 0
          ? []
          : (await readNeutral(c, anonymousIdsOfPersonsSql(ws, scope.persons))).map((r) =>
              String(r.anonymous_id),
            );
      ids = [...new Set([...scope.anonymousIds, ...moved])];
      if (ids.length === 0) return 0;
    }
    await runNeutral(
      c,
      sql`DELETE FROM ${fn.table(REPORT_SESSIONS_TABLE)} WHERE ${
        ids ? reportSessionsOfSql(ws, ids) : sql`workspace_id = ${p.text(ws)}`
      }`,
    );
    await runNeutral(
      c,
      insertReportSessionsSql(REPORT_SESSIONS_TABLE, reportSessionRowsSql(ws, ids)),
    );
    const [n] = await readNeutral(c, countReportSessionsSql(REPORT_SESSIONS_TABLE, ws, ids));
    return Number(n?.n ?? 0);
  });
}
