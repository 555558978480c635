// A person's export and erasure (GDPR Art. 15 and 17) on ClickHouse, on the filters DuckDB runs too
// (neutral/privacy-queries.ts): what is exported is what is erased.
//
// ClickHouse has no transaction, so an erasure is a sequence of steps, each safe to repeat, and running it
// again with the same erasure id finishes one cut short: the audit record is written first (requested,
// no row counts yet); then the tombstones, before any fact goes, so that a journal load from then on
// skips the person's events (erased.ts); then table by table, facts first, the rows are counted, the
// count recorded in a new version of the audit record, and the rows deleted by a synchronous mutation
// (ALTER TABLE ... DELETE under the pinned mutations_sync = 2: the rows are gone from the table's parts
// when it returns, not only masked). A count already recorded is kept, so a repeated run reports what
// the first one found.
import type { PersonRows, PersonSelection } from '../../areas/privacy.js';
import {
  countPersonRowsSql,
  erasedStripeCustomersSql,
  personTables,
  stripeCustomerTombstones,
  tombstoneKeys,
  type PersonTable,
  type PersonTableName,
} from '../neutral/privacy-queries.js';
import { fn, p, raw, sql } from '../neutral/sql.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import { keyHash } from './erased.js';
import type { ChStore } from './events.js';

// the audit record's two changes after it is written (counts, re-derived) are new row versions
export { completeErasure, listErasures } from './audit-logs.js';

/** Columns DuckDB keeps as JSON and ClickHouse as its text: an export gives them as JSON values. */
export const JSON_COLUMNS: Readonly<Partial<Record<PersonTableName, readonly string[]>>> = {
  events: ['properties', 'traits', 'context', 'campaign'],
  sessions: ['click_ids', 'ad_ids'],
  report_sessions: ['click_ids', 'ad_ids'],
  identity_quarantine: ['sources'],
  identity_changes: ['others'],
};

/**
 * What an export reads of a table: its columns, less a versioned table's version; a dead letter's raw line
 * may not be UTF-8, so it is given as base64, and as text when it is readable (as DuckDB's export).
 */
const PROJECTION: Readonly<Partial<Record<PersonTableName, string>>> = {
  dead_letters:
    '* EXCEPT (raw, version), if(isValidUTF8(raw), raw, NULL) AS raw_text, base64Encode(raw) AS raw_base64',
};

const source = (t: PersonTable) => (t.versioned ? fn.tableFinal(t.table) : fn.table(t.table));

/**
 * Every row about the person, per table: all columns, JSON columns as JSON, times in ClickHouse's text
 * (`2024-05-01 11:00:00.250`, UTC), the raw line as base64. One query per table: ClickHouse has no
 * snapshot across them (DuckDB reads them in one transaction).
 */
export async function personRows(
  s: ChStore,
  workspaceId: string,
  sel: PersonSelection,
): Promise<PersonRows> {
  const out: PersonRows = {};
  for (const t of personTables(workspaceId, sel)) {
    const rows = await queryNeutral(
      s.conn,
      s.database,
      sql`SELECT ${raw(PROJECTION[t.table] ?? '*')} FROM ${source(t)} WHERE ${t.where} ORDER BY ALL`,
    );
    const json = JSON_COLUMNS[t.table] ?? [];
    out[t.table] = rows.map((r) => {
      for (const c of json) r[c] = r[c] === null || r[c] === undefined ? null : parse(r[c]);
      return r;
    });
  }
  return out;
}

const parse = (v: unknown): unknown => JSON.parse(String(v)) as unknown;

/**
 * Removes every row about the person, table by table, after writing the audit record and the tombstones
 * (see the top of this file); rows removed per table. Run again with the same erasure id after a failure,
 * it finishes the erasure and returns the counts the first run found.
 */
export async function erasePerson(
  s: ChStore,
  workspaceId: string,
  sel: PersonSelection,
  meta: { erasureId: string; via: 'api' | 'cli'; at: Date },
): Promise<Record<string, number>> {
  const key = s.privacyKey;
  if (key === undefined)
    throw new Error('the privacy key is not loaded: tombstones would have no hash');
  const tables = personTables(workspaceId, sel);
  const record = await startErasure(s, workspaceId, meta);
  await writeTombstones(s, workspaceId, sel, key, meta.erasureId, record.requestedAt);
  const counts = record.counts;
  let saved = JSON.stringify(counts);
  for (const t of tables) {
    const [row] = await queryNeutral<{ n: number }>(s.conn, s.database, countPersonRowsSql(t));
    const n = Number(row?.n ?? 0);
    if (!(t.table in counts)) counts[t.table] = n;
    if (n === 0) continue;
    // the count is on record before the rows go: a run cut short between the two keeps it, and the
    // next run deletes what is left
    if (JSON.stringify(counts) !== saved) saved = await saveCounts(s, meta.erasureId, counts);
    await commandNeutral(
      s.conn,
      s.database,
      sql`ALTER TABLE ${fn.table(t.table)} DELETE WHERE ${t.where}`,
    );
  }
  if (JSON.stringify(counts) !== saved) await saveCounts(s, meta.erasureId, counts);
  return counts;
}

/** The erasure's audit record: written now (requested, no counts), or as an earlier run left it. */
async function startErasure(
  s: ChStore,
  workspaceId: string,
  meta: { erasureId: string; via: 'api' | 'cli'; at: Date },
): Promise<{ requestedAt: string; counts: Record<string, number> }> {
  const [found] = await queryNeutral<{
    workspace_id: string;
    requested: string;
    row_counts: string;
  }>(
    s.conn,
    s.database,
    sql`SELECT workspace_id, ${fn.isoTime('requested_at')} AS requested, row_counts
      FROM ${fn.tableFinal('erasures')} WHERE id = ${p.text(meta.erasureId)}`,
  );
  if (found) {
    if (found.workspace_id !== workspaceId)
      throw new Error(`erasure ${meta.erasureId} is another workspace's`);
    return {
      requestedAt: found.requested,
      counts: JSON.parse(found.row_counts) as Record<string, number>,
    };
  }
  const requestedAt = meta.at.toISOString();
  await s.conn.insert(`${s.database}.erasures`, [
    {
      id: meta.erasureId,
      workspace_id: workspaceId,
      requested_at: requestedAt,
      rederived_at: null,
      via: meta.via,
      row_counts: '{}',
      version: 1,
    },
  ]);
  return { requestedAt, counts: {} };
}

/** A new version of the audit record with these counts; the counts' text as saved. */
async function saveCounts(
  s: ChStore,
  erasureId: string,
  counts: Record<string, number>,
): Promise<string> {
  const text = JSON.stringify(counts);
  await s.conn.command(
    `INSERT INTO ${s.database}.erasures (id, workspace_id, requested_at, rederived_at, via, row_counts, version)
     SELECT id, workspace_id, requested_at, rederived_at, via, {counts:String}, version + 1
     FROM ${s.database}.erasures FINAL WHERE id = {id:String}`,
    { id: erasureId, counts: text },
  );
  return text;
}

/**
 * The erasure's tombstones (keyed hashes, as the load checks them: erased.ts), those an earlier run of it
 * has not written yet. Erased at the request's time, on every run.
 */
async function writeTombstones(
  s: ChStore,
  workspaceId: string,
  sel: PersonSelection,
  privacyKey: string,
  erasureId: string,
  erasedAt: string,
): Promise<void> {
  // the person's Stripe customers too (read before their rows go; a rerun finds the tombstones written)
  const stripe = erasedStripeCustomersSql(workspaceId, sel);
  const customers = stripe
    ? (await queryNeutral<{ value: string }>(s.conn, s.database, stripe)).map((r) =>
        String(r.value),
      )
    : [];
  const keys = [...tombstoneKeys(sel), ...stripeCustomerTombstones(customers)];
  if (keys.length === 0) return;
  const ms = (t: string | null) => (t === null ? null : Date.parse(t));
  const same = (kind: string, hash: string, from: number | null, until: number | null) =>
    JSON.stringify([kind, hash, from, until]);
  const stored = await s.conn.query<{
    kind: string;
    key_hash: string;
    f: number | null;
    u: number | null;
  }>(
    `SELECT kind, key_hash, toUnixTimestamp64Milli(from_at) AS f, toUnixTimestamp64Milli(until_at) AS u
     FROM ${s.database}.erased_identifiers
     WHERE workspace_id = {ws:String} AND erasure_id = {id:String}`,
    { ws: workspaceId, id: erasureId },
  );
  const have = new Set(stored.map((r) => same(r.kind, r.key_hash, r.f, r.u)));
  const rows = keys
    .map((k) => ({
      workspace_id: workspaceId,
      kind: k.kind,
      key_hash: keyHash(privacyKey, k.kind, k.value),
      erased_at: erasedAt,
      erasure_id: erasureId,
      from_at: k.from,
      until_at: k.until,
    }))
    .filter((r) => !have.has(same(r.kind, r.key_hash, ms(r.from_at), ms(r.until_at))));
  if (rows.length > 0) await s.conn.insert(`${s.database}.erased_identifiers`, rows);
}
