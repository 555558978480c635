// The events of the ids a live batch affected, copied once into a temp table so that each scoped step of
// the derive (user agents, sessions, seen ids, links, milestones) reads a few rows instead of scanning
// the events table again. A filter on a list of ids is not pushed into DuckDB's scan, so every such
// query would read whole columns of every event; instead one narrow scan finds the row ids, and the
// rows are fetched by row id ranges, which the scan does seek to.
import { createHash } from 'node:crypto';
import { listValue } from '@duckdb/node-api';
import type { DeriveStage, AffectedEvents, AffectedIds } from '../../types.js';
import { VARCHAR_LIST, type Db } from './connection.js';

/** Above this many separate row id runs, one filtered scan is cheaper than seeking to each. */
const MAX_RUNS = 150;

const COLUMNS = `workspace_id, message_id, type, event, name, anonymous_id, user_id, previous_id, ts, received_at,
  page_url, page_referrer, campaign, user_agent, country, email, phone`;

/** Consecutive row ids as [first, last] runs. */
export function rowIdRuns(sorted: readonly bigint[]): [bigint, bigint][] {
  const runs: [bigint, bigint][] = [];
  for (const id of sorted) {
    const last = runs.at(-1);
    if (last && id === last[1] + 1n) last[1] = id;
    else runs.push([id, id]);
  }
  return runs;
}

export async function stageAffectedEvents(
  db: Db,
  ws: string,
  affected: AffectedIds,
  maxRuns = MAX_RUNS,
): Promise<AffectedEvents> {
  // one stage per workspace: a workspace derives one batch at a time (derive/workspace-lock.ts)
  const stage =
    `affected_events_${createHash('sha1').update(ws).digest('hex').slice(0, 16)}` as DeriveStage;
  const params = {
    ws,
    anon: listValue([...affected.anonymousIds]),
    users: listValue([...affected.userIds]),
  };
  const types = { anon: VARCHAR_LIST, users: VARCHAR_LIST };
  const filter = `workspace_id = $ws AND (anonymous_id IN (SELECT unnest($anon::VARCHAR[])) OR user_id IN (SELECT unnest($users::VARCHAR[])))`;
  return db.write(async (c) => {
    // row ids are only stable while nothing else writes: both steps run in the writer's one slot
    const found =
      (
        await c.runAndReadAll(
          `SELECT rowid AS rid FROM events WHERE ${filter} ORDER BY rid`,
          params,
          types,
        )
      ).getColumns()[0] ?? [];
    const runs = rowIdRuns(found.map((r) => BigInt(r as bigint)));
    const select = `SELECT rowid AS rid, ${COLUMNS} FROM events`;
    if (runs.length === 0) {
      await c.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS ${select} LIMIT 0`);
    } else if (runs.length > maxRuns) {
      await c.run(
        `CREATE OR REPLACE TEMP TABLE ${stage} AS ${select} WHERE ${filter}`,
        params,
        types,
      );
    } else {
      const parts = runs.map(([a, b]) =>
        a === b ? `${select} WHERE rowid = ${a}` : `${select} WHERE rowid BETWEEN ${a} AND ${b}`,
      );
      await c.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS ${parts.join(' UNION ALL ')}`);
    }
    return { ...affected, stage, events: found.length };
  });
}

export async function releaseAffectedEvents(db: Db, affected: AffectedEvents): Promise<void> {
  await db.write((c) => c.run(`DROP TABLE IF EXISTS ${affected.stage}`));
}
