// The stored-facts redaction on ClickHouse, the one sanctioned rewrite of facts, without a transaction.
// The candidates (neutral/redaction-queries.ts, selected as DuckDB selects them) are copied once into a
// numbered scratch table on disk and read a chunk at a time; each chunk's changed events are rewritten in
// place by one synchronous mutation keyed by message id, which sets properties, context and the URL
// columns projected from the context together: a part is rewritten whole and swapped in, so an event is
// never lost, doubled or half rewritten. The audit row (names only) is written last. A run cut short
// leaves some chunks rewritten and no audit row; running it again finishes the rest (an event already
// redacted is not changed again) and is audited.
import { randomBytes, randomUUID } from 'node:crypto';
import type { RedactableEvent, RedactionHint, RedactionRun } from '../../areas/redaction.js';
import { redactionCandidatesSql, toRedactableEvent } from '../neutral/redaction-queries.js';
import { chSql } from './dialect.js';
import type { ChStore } from './events.js';
import { textAt } from './journal-rows.js';

export { redactionRuns } from './audit-logs.js';

/** Candidates handed to the redaction function at a time, and events rewritten by one mutation. */
const CHUNK = 2000;

/** An event's new stored fields. */
interface Rewrite {
  id: string;
  properties: string | null;
  context: string | null;
  pageUrl: string | null;
  pageReferrer: string | null;
}

const jsonText = (v: unknown): string | null =>
  v === undefined || v === null ? null : JSON.stringify(v);

export async function redactStoredEvents(
  s: ChStore,
  workspaceId: string,
  opts: { batchId?: string; hint: RedactionHint; extraNames: readonly string[] },
  redact: (
    e: RedactableEvent,
  ) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
): Promise<RedactionRun> {
  const run: RedactionRun = {
    id: randomUUID(),
    workspaceId,
    ranAt: new Date().toISOString(),
    scope: opts.batchId ? `import:${opts.batchId}` : 'workspace',
    extraNames: [...opts.extraNames],
    redactedNames: [],
    rowsExamined: 0,
    rowsChanged: 0,
  };
  const names = new Set<string>();
  // one scan of the events; the numbered copy lets each chunk be read by a range of its sort key (a
  // query has no cursor to stream from, and paging the events themselves would scan them per chunk)
  const scratch = `${s.database}.redact_candidates_${randomBytes(6).toString('hex')}`;
  const candidates = chSql(s.database, redactionCandidatesSql(workspaceId, opts));
  try {
    await s.conn.command(
      `CREATE TABLE ${scratch} ENGINE = MergeTree ORDER BY rn
       AS SELECT rowNumberInAllBlocks() AS rn, c.* FROM (${candidates.text}) AS c`,
      candidates.params,
    );
    const [size] = await s.conn.query<{ n: number; end: number }>(
      `SELECT count() AS n, max(rn) + 1 AS end FROM ${scratch}`,
    );
    run.rowsExamined = Number(size?.n ?? 0);
    const end = run.rowsExamined > 0 ? Number(size?.end ?? 0) : 0;
    for (let lo = 0; lo < end; lo += CHUNK) {
      const rows = await s.conn.query(
        `SELECT * EXCEPT (rn) FROM ${scratch} WHERE rn >= {lo:UInt64} AND rn < {hi:UInt64}`,
        { lo, hi: lo + CHUNK },
      );
      const changed: Rewrite[] = [];
      for (const r of rows) {
        const out = redact(toRedactableEvent(r));
        if (!out) continue;
        for (const n of out.names) names.add(n);
        // the URL columns as the loader projects them (journal-rows.ts), from the new context
        changed.push({
          id: String(r.message_id),
          properties: jsonText(out.properties),
          context: jsonText(out.context),
          pageUrl: textAt(out.context, 'page', 'url'),
          pageReferrer: textAt(out.context, 'page', 'referrer'),
        });
      }
      await rewriteEvents(s, workspaceId, changed);
      run.rowsChanged += changed.length;
    }
    run.redactedNames = [...names].sort();
    await s.conn.insert(`${s.database}.redaction_log`, [
      {
        id: run.id,
        workspace_id: workspaceId,
        ran_at: run.ranAt,
        scope: run.scope,
        extra_names: JSON.stringify(run.extraNames),
        redacted_names: JSON.stringify(run.redactedNames),
        rows_examined: run.rowsExamined,
        rows_changed: run.rowsChanged,
      },
    ]);
    return run;
  } finally {
    await s.conn.command(`DROP TABLE IF EXISTS ${scratch}`);
  }
}

/**
 * Rewrites events in place: one mutation, waited for (mutations_sync = 2, also pinned on every
 * connection). The new values travel as array parameters, so the mutation ClickHouse stores is whole
 * by itself: a server that restarts mid-mutation resumes it without a scratch table it could have lost.
 */
async function rewriteEvents(
  s: ChStore,
  workspaceId: string,
  changed: readonly Rewrite[],
): Promise<void> {
  if (changed.length === 0) return;
  const at = 'indexOf({ids:Array(String)}, message_id)';
  await s.conn.command(
    `ALTER TABLE ${s.database}.events UPDATE
       properties = {properties:Array(Nullable(String))}[${at}],
       context = {contexts:Array(Nullable(String))}[${at}],
       page_url = {urls:Array(Nullable(String))}[${at}],
       page_referrer = {referrers:Array(Nullable(String))}[${at}]
     WHERE workspace_id = {ws:String} AND message_id IN {ids:Array(String)}
     SETTINGS mutations_sync = 2`,
    {
      ws: workspaceId,
      ids: changed.map((c) => c.id),
      properties: changed.map((c) => c.properties),
      contexts: changed.map((c) => c.context),
      urls: changed.map((c) => c.pageUrl),
      referrers: changed.map((c) => c.pageReferrer),
    },
  );
}
