// The stored-facts redaction: the one sanctioned rewrite of facts. A narrow pre-filter in SQL (written
// once: neutral/redaction-queries.ts) finds the events that may hold a redactable URL (a superset: the
// redaction function itself decides), they are handed to it chunk by chunk, and the changed ones are
// written back with their projected URL columns and an audit row, in one transaction.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RedactableEvent, RedactionHint, RedactionRun } from '../../types.js';
import { sqlString, type Db, type Row } from './connection.js';
import { queryNeutral, runNeutral } from './dialect.js';
import { redactionRunsSql, toRedactionRun } from '../neutral/audit-queries.js';
import { redactionCandidatesSql, toRedactableEvent } from '../neutral/redaction-queries.js';
import { sql } from '../neutral/sql.js';

const CHUNK = 2000;

export async function redactStoredEvents(
  db: Db,
  ws: string,
  opts: { batchId?: string; hint: RedactionHint; extraNames: readonly string[] },
  redact: (
    e: RedactableEvent,
  ) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
): Promise<RedactionRun> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-redact-'));
  const file = join(dir, 'changed.ndjson');
  const run: RedactionRun = {
    id: randomUUID(),
    workspaceId: ws,
    ranAt: new Date().toISOString(),
    scope: opts.batchId ? `import:${opts.batchId}` : 'workspace',
    extraNames: [...opts.extraNames],
    redactedNames: [],
    rowsExamined: 0,
    rowsChanged: 0,
  };
  const names = new Set<string>();
  try {
    await db.transaction(async (c) => {
      await runNeutral(
        c,
        sql`CREATE OR REPLACE TEMP TABLE redact_candidates AS ${redactionCandidatesSql(ws, opts)}`,
      );
      const [count, first, last] =
        (
          await c.runAndReadAll('SELECT count(*), min(rowid), max(rowid) FROM redact_candidates')
        ).getRows()[0] ?? [];
      run.rowsExamined = Number(count ?? 0);
      // rows written inside a transaction get row ids from a high base: chunk by range from the first
      const lo = BigInt((first as bigint | null) ?? 0);
      const hi = BigInt((last as bigint | null) ?? -1);
      for (let from = lo; from <= hi; from += BigInt(CHUNK)) {
        const chunk = `SELECT * FROM redact_candidates WHERE rowid >= ${from} AND rowid < ${from + BigInt(CHUNK)}`;
        const rows = (await c.runAndReadAll(chunk)).getRowObjectsJson() as Row[];
        const lines: string[] = [];
        for (const r of rows) {
          const out = redact(toRedactableEvent(r));
          if (!out) continue;
          for (const n of out.names) names.add(n);
          lines.push(
            JSON.stringify({ m: r.message_id, p: out.properties ?? null, c: out.context ?? null }),
          );
        }
        if (lines.length > 0) appendFileSync(file, `${lines.join('\n')}\n`);
        run.rowsChanged += lines.length;
      }
      await c.run('DROP TABLE redact_candidates');
      if (run.rowsChanged > 0) {
        await c.run(
          `UPDATE events SET properties = u.p, context = u.c, page_url = u.c->>'$.page.url', page_referrer = u.c->>'$.page.referrer'
           FROM read_ndjson(${sqlString(file)}, columns = {m: 'VARCHAR', p: 'JSON', c: 'JSON'}, format = 'newline_delimited') u
           WHERE events.workspace_id = $ws AND events.message_id = u.m`,
          { ws },
        );
      }
      run.redactedNames = [...names].sort();
      await c.run(
        `INSERT INTO redaction_log VALUES ($id, $ws, CAST($at AS TIMESTAMPTZ), $scope, $extra, $found, $examined, $changed)`,
        {
          id: run.id,
          ws,
          at: run.ranAt,
          scope: run.scope,
          extra: JSON.stringify(run.extraNames),
          found: JSON.stringify(run.redactedNames),
          examined: run.rowsExamined,
          changed: run.rowsChanged,
        },
      );
    });
    return run;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function redactionRuns(db: Db, ws: string): Promise<RedactionRun[]> {
  return (await queryNeutral(db, redactionRunsSql(ws))).map(toRedactionRun);
}
