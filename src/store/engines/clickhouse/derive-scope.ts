// A live derive's scope on ClickHouse: the stage, the affected ids' events in the columns DuckDB's stage
// has (less its row id), so any neutral query written over a stage reads the same rows on both engines.
// The scoped steps read it (user agents, sessions, link facts, seen ids, the lead when it holds the
// scope's events): the OR of anonymous and user ids cannot use the events table's sort key, and a query
// reading its CTE several times would scan the workspace's events each time. Memory engine (a derive's
// scratch, as scratch.ts explains: over HTTP a temp table does not outlive its request), named per
// workspace, since a workspace derives one batch at a time (its lock; across processes, its lease); one a
// crashed derive left behind is replaced by the next stage.
import { createHash } from 'node:crypto';
import type { AffectedEvents, AffectedIds, DeriveStage } from '../../areas/derive-scope.js';
import { fn, p, raw, sql } from '../neutral/sql.js';
import { chSql } from './dialect.js';
import type { ChStore } from './events.js';

/** The events' columns a stage holds (those DuckDB's stage has, affected-events.ts). */
export const STAGE_COLUMNS = [
  'workspace_id',
  'message_id',
  'type',
  'event',
  'name',
  'anonymous_id',
  'user_id',
  'previous_id',
  'ts',
  'received_at',
  'page_url',
  'page_referrer',
  'campaign',
  'user_agent',
  'country',
  'email',
  'phone',
] as const;

/** The stage table's name for a workspace (unqualified: what a neutral query's fn.table takes). */
export function stageName(workspaceId: string): DeriveStage {
  const h = createHash('sha1').update(workspaceId).digest('hex').slice(0, 16);
  return `derive_affected_${h}` as DeriveStage;
}

export async function stageAffectedEvents(
  s: ChStore,
  workspaceId: string,
  affected: AffectedIds,
): Promise<AffectedEvents> {
  const stage = stageName(workspaceId);
  const table = `${s.database}.${stage}`;
  await s.conn.command(`DROP TABLE IF EXISTS ${table}`);
  const { text, params } = chSql(
    s.database,
    sql`SELECT ${raw(STAGE_COLUMNS.join(', '))} FROM ${fn.table('events')}
      WHERE workspace_id = ${p.text(workspaceId)}
        AND (${fn.inSet('anonymous_id', p.texts([...new Set(affected.anonymousIds)]))}
          OR ${fn.inSet('user_id', p.texts([...new Set(affected.userIds)]))})`,
  );
  await s.conn.command(`CREATE TABLE ${table} ENGINE = Memory AS ${text}`, params);
  const [row] = await s.conn.query<{ n: number }>(`SELECT count() AS n FROM ${table}`);
  return { ...affected, stage, events: Number(row?.n ?? 0) };
}

export async function releaseAffectedEvents(s: ChStore, affected: AffectedEvents): Promise<void> {
  // only a name this engine made: nothing else may be dropped through a handle
  if (!/^derive_affected_[0-9a-f]{16}$/.test(affected.stage))
    throw new Error(`not a derive stage of this engine: ${affected.stage}`);
  await s.conn.command(`DROP TABLE IF EXISTS ${s.database}.${affected.stage}`);
}
