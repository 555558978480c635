// The audit logs on ClickHouse: redaction runs and person erasures read through the neutral queries; an
// erasure's one change (re-derived afterwards) is a new version of its ReplacingMergeTree row.
import type { ErasureRecord } from '../../areas/privacy.js';
import type { RedactionRun } from '../../areas/redaction.js';
import {
  listErasuresSql,
  redactionRunsSql,
  toErasureRecord,
  toRedactionRun,
} from '../neutral/audit-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function redactionRuns(s: ChStore, workspaceId: string): Promise<RedactionRun[]> {
  return (await queryNeutral(s.conn, s.database, redactionRunsSql(workspaceId))).map(
    toRedactionRun,
  );
}

export async function listErasures(s: ChStore, workspaceId: string): Promise<ErasureRecord[]> {
  return (await queryNeutral(s.conn, s.database, listErasuresSql(workspaceId))).map(
    toErasureRecord,
  );
}

/** Marks an erasure's workspace re-derived (a new version of its row). */
export async function completeErasure(s: ChStore, erasureId: string): Promise<void> {
  await s.conn.command(
    `INSERT INTO ${s.database}.erasures (id, workspace_id, requested_at, rederived_at, via, row_counts, version)
     SELECT id, workspace_id, requested_at, now64(3), via, row_counts, version + 1
     FROM ${s.database}.erasures FINAL WHERE id = {id:String}`,
    { id: erasureId },
  );
}
