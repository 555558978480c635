// The stored-facts redaction on ClickHouse, the one sanctioned rewrite of facts, without a transaction.
// The candidates (neutral/redaction-queries.ts, selected as DuckDB selects them) are copied once into a
// numbered scratch table on disk and handed to the redaction function a chunk at a time; the changed
// events' new fields gather in a Join table, and every REWRITES_PER_MUTATION of them (and at the end) one
// synchronous mutation keyed by message id sets properties, context and the URL columns projected from
// the context together. A mutation rewrites a part whole and swaps it in, so an event is never lost,
// doubled or half rewritten. The audit row (names only) is written last. A run cut short leaves some
// events rewritten and no audit row; running it again finishes the rest (an event already redacted is
// not changed again) and is audited.
import { randomBytes, randomUUID } from 'node:crypto';
import type { RedactableEvent, RedactionHint, RedactionRun } from '../../areas/redaction.js';
import { redactionCandidatesSql, toRedactableEvent } from '../neutral/redaction-queries.js';
import { chSql } from './dialect.js';
import type { ChStore } from './events.js';
import { textAt } from './journal-rows.js';

export { redactionRuns } from './audit-logs.js';

/** Candidates handed to the redaction function at a time. */
const CHUNK = 2000;
/**
 * Changed events rewritten by one mutation (held in the server's memory meanwhile, by the rewrites
 * table): a mutation rewrites the changed columns of every part it touches, so it costs about the same
 * for few events as for many. 100,000 events, every one changed (chdb, a 2-core machine under a load of
 * 8-10): 4.8-11 s wall, 3.7-4.1 s CPU, at 20,000 per mutation (10 s at 2,000, 3.8 s in one mutation);
 * a second run, which only reads, 2.5-3.6 s. DuckDB: 5-12 s, and 5-13 s for the second run. With one
 * event in ten changed: 1.6 s (DuckDB 1.0 s).
 */
const REWRITES_PER_MUTATION = 20_000;

/** An event's new stored fields: a row of the rewrites table. */
interface Rewrite {
  message_id: string;
  properties: string | null;
  context: string | null;
  page_url: string | null;
  page_referrer: string | null;
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
  const tag = randomBytes(6).toString('hex');
  const scratch = `${s.database}.redact_candidates_${tag}`;
  // the new fields of changed events, looked up by the mutation; kept on disk (the Join engine's
  // default), so a mutation a server resumes after a restart still finds them
  const rewrites = `${s.database}.redact_rewrites_${tag}`;
  const candidates = chSql(s.database, redactionCandidatesSql(workspaceId, opts));
  const mutation = { mayRun: false };
  try {
    await s.conn.command(
      `CREATE TABLE ${scratch} ENGINE = MergeTree ORDER BY rn
       AS SELECT rowNumberInAllBlocks() AS rn, c.* FROM (${candidates.text}) AS c`,
      candidates.params,
    );
    await s.conn.command(
      `CREATE TABLE ${rewrites} (message_id String, properties Nullable(String),
         context Nullable(String), page_url Nullable(String), page_referrer Nullable(String))
       ENGINE = Join(ANY, LEFT, message_id)`,
    );
    const [size] = await s.conn.query<{ n: number; end: number }>(
      `SELECT count() AS n, max(rn) + 1 AS end FROM ${scratch}`,
    );
    run.rowsExamined = Number(size?.n ?? 0);
    const end = run.rowsExamined > 0 ? Number(size?.end ?? 0) : 0;
    let pending = 0;
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
          message_id: String(r.message_id),
          properties: jsonText(out.properties),
          context: jsonText(out.context),
          page_url: textAt(out.context, 'page', 'url'),
          page_referrer: textAt(out.context, 'page', 'referrer'),
        });
      }
      if (changed.length > 0) await s.conn.insert(rewrites, changed);
      run.rowsChanged += changed.length;
      pending += changed.length;
      if (pending >= REWRITES_PER_MUTATION || (lo + CHUNK >= end && pending > 0)) {
        await rewriteEvents(s, workspaceId, rewrites, mutation);
        pending = 0;
      }
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
    // a mutation that may still run (neither finished nor killed) keeps the table it reads
    if (!mutation.mayRun) await s.conn.command(`DROP TABLE IF EXISTS ${rewrites}`);
  }
}

/**
 * Rewrites the events the rewrites table holds, in place: one mutation, waited for (mutations_sync = 2,
 * also pinned on every connection), that looks each event's new fields up by message id. The values
 * given inline instead (array parameters, looked up by transform) cost ten times as much: 6.6 s against
 * 0.6 s for 20,000 events of a 100,000-event table, as ClickHouse parses them into the mutation.
 * A mutation that fails is killed, so none is left pending on a table it could no longer read (a killed
 * mutation keeps the parts it rewrote; a second run does the rest); were the kill to fail too, the
 * rewrites table is kept for it.
 */
async function rewriteEvents(
  s: ChStore,
  workspaceId: string,
  rewrites: string,
  mutation: { mayRun: boolean },
): Promise<void> {
  const get = (column: string) => `joinGet('${rewrites}', '${column}', message_id)`;
  mutation.mayRun = true;
  try {
    await s.conn.command(
      `ALTER TABLE ${s.database}.events UPDATE properties = ${get('properties')},
         context = ${get('context')}, page_url = ${get('page_url')},
         page_referrer = ${get('page_referrer')}
       WHERE workspace_id = {ws:String} AND message_id IN (SELECT message_id FROM ${rewrites})
       SETTINGS mutations_sync = 2`,
      { ws: workspaceId },
    );
  } catch (e) {
    await s.conn.command(
      `KILL MUTATION WHERE database = {db:String} AND table = 'events'
         AND position(command, {rewrites:String}) > 0 SYNC`,
      { db: s.database, rewrites },
    );
    mutation.mayRun = false;
    throw e;
  }
  mutation.mayRun = false;
  await s.conn.command(`TRUNCATE TABLE ${rewrites}`);
}
