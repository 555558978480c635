// The audit logs' reads (redaction runs and person erasures), written once for every engine. Erasures
// change once (re-derived afterwards): ClickHouse keeps them as versioned rows and reads the current ones.
import type { ErasureRecord } from '../../areas/privacy.js';
import type { RedactionRun } from '../../areas/redaction.js';
import { json, text } from './rows.js';
import { fn, p, sql, type Sql } from './sql.js';

export function redactionRunsSql(workspaceId: string): Sql {
  return sql`SELECT id, workspace_id, ${fn.isoTime('ran_at')} AS ran, scope, extra_names, redacted_names,
      rows_examined, rows_changed
    FROM ${fn.table('redaction_log')} WHERE workspace_id = ${p.text(workspaceId)}
    ORDER BY ran_at, id`;
}

export const toRedactionRun = (r: Record<string, unknown>): RedactionRun => ({
  id: String(r.id),
  workspaceId: String(r.workspace_id),
  ranAt: String(r.ran),
  scope: String(r.scope),
  extraNames: json(r.extra_names) as string[],
  redactedNames: json(r.redacted_names) as string[],
  rowsExamined: Number(r.rows_examined),
  rowsChanged: Number(r.rows_changed),
});

export function listErasuresSql(workspaceId: string): Sql {
  return sql`SELECT id, workspace_id, ${fn.isoTime('requested_at')} AS requested,
      ${fn.isoTime('rederived_at')} AS rederived, via, row_counts
    FROM ${fn.tableFinal('erasures')} WHERE workspace_id = ${p.text(workspaceId)}
    ORDER BY requested_at, id`;
}

export const toErasureRecord = (r: Record<string, unknown>): ErasureRecord => ({
  id: String(r.id),
  workspaceId: String(r.workspace_id),
  requestedAt: String(r.requested),
  rederivedAt: text(r.rederived),
  via: String(r.via) as ErasureRecord['via'],
  rowCounts: json(r.row_counts) as Record<string, number>,
});
