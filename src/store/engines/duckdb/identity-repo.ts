import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listValue } from '@duckdb/node-api';
import type { IdentityInputs, IdentityOutput, IdentityRow, OpaqueIdRule, QuarantineRow } from '../../types.js';
import { sqlString, VARCHAR_LIST, type Db, type Params, type Row } from './connection.js';
import { COLLISIONS_SQL, EVENT_LINKS_SQL, GRAPH_IDS_SQL, INSERT_SINGLES_SQL, LEAD_MILESTONES_SQL, seenIdentifiersSql } from './derive-identity.js';
import { parseJson } from './rows.js';

const ruleParams = (ws: string, rule: OpaqueIdRule): Params => ({
  ws,
  trim: rule.trimChars,
  maxLength: rule.maxLength,
  placeholders: listValue([...rule.placeholders]),
});
const RULE_TYPES = { placeholders: VARCHAR_LIST };

export async function refreshSeenIdentifiers(db: Db, ws: string, rule: OpaqueIdRule, anonymousIds?: readonly string[]): Promise<void> {
  const params = ruleParams(ws, rule);
  await db.transaction(async (c) => {
    const built = (await c.runAndReadAll('SELECT count(*) AS n FROM (SELECT 1 FROM identity_seen WHERE workspace_id = $ws LIMIT 1)', { ws })).getRowObjectsJson();
    // a workspace without seen ids yet (new, or from before migration v10) is built whole
    const scoped = anonymousIds !== undefined && Number(built[0]?.n ?? 0) > 0;
    if (!scoped) {
      await c.run('DELETE FROM identity_seen WHERE workspace_id = $ws', { ws });
      await c.run(`INSERT INTO identity_seen SELECT $ws, kind, value, first_seen, clean FROM (${seenIdentifiersSql(false)})`, params, RULE_TYPES);
      return;
    }
    await c.run('CREATE OR REPLACE TEMP TABLE seen_scope AS SELECT unnest($ids::VARCHAR[]) AS anonymous_id', { ids: listValue([...anonymousIds]) }, { ids: VARCHAR_LIST });
    await c.run(`CREATE OR REPLACE TEMP TABLE seen_now AS ${seenIdentifiersSql(true)}`, params, RULE_TYPES);
    // events are only ever added: a first sighting can only move earlier
    await c.run(
      `UPDATE identity_seen s SET first_seen = n.first_seen FROM seen_now n
       WHERE s.workspace_id = $ws AND s.kind = n.kind AND s.value = n.value AND n.first_seen < s.first_seen`,
      { ws },
    );
    await c.run(
      `INSERT INTO identity_seen SELECT $ws, n.kind, n.value, n.first_seen, n.clean FROM seen_now n
       WHERE NOT EXISTS (SELECT 1 FROM identity_seen s WHERE s.workspace_id = $ws AND s.kind = n.kind AND s.value = n.value)`,
      { ws },
    );
  });
}

export async function identityInputs(db: Db, ws: string, rule: OpaqueIdRule, opts: { everyIdentifier?: boolean } = {}): Promise<IdentityInputs> {
  return db.write(async (c) => {
    await c.run(`CREATE OR REPLACE TEMP TABLE identity_links_now AS ${EVENT_LINKS_SQL}`, { ws });
    await c.run(GRAPH_IDS_SQL, { ws, trim: rule.trimChars });
    const read = async (sql: string): Promise<Row[]> => (await c.runAndReadAll(sql, { ws })).getRowObjectsJson() as Row[];
    const links = (await c.runAndReadAll('SELECT * FROM identity_links_now')).getRowObjectsJson() as Row[];
    const inGraph = opts.everyIdentifier ? '' : 'AND (kind, value) IN (SELECT (kind, value) FROM identity_graph_ids)';
    const seen = await read(`SELECT kind, value, epoch_ms(first_seen) AS at FROM identity_seen WHERE workspace_id = $ws ${inGraph}`);
    const previous = await read(
      `SELECT kind, value, person_id FROM identities WHERE workspace_id = $ws ${opts.everyIdentifier ? '' : `AND (linked ${inGraph.replace('AND', 'OR')})`}`,
    );
    return {
      links: links.map((r) => ({
        aKind: String(r.ak),
        aValue: String(r.av),
        bKind: String(r.bk),
        bValue: String(r.bv),
        at: Number(r.at),
        source: String(r.src),
      })),
      seen: seen.map((r) => ({ kind: String(r.kind), value: String(r.value), at: Number(r.at) })),
      previous: previous.map((r) => ({ kind: String(r.kind), value: String(r.value), personId: String(r.person_id) })),
    };
  });
}

export async function currentIdentities(db: Db, ws: string): Promise<IdentityRow[]> {
  const rows = await db.query('SELECT kind, value, person_id FROM identities WHERE workspace_id = $ws', { ws });
  return rows.map((r) => ({ kind: String(r.kind), value: String(r.value), personId: String(r.person_id) }));
}

class PersonIdCollision extends Error {
  constructor(readonly collisions: number) {
    super(`${collisions} person ids name two persons`);
  }
}

/**
 * Writes the graph's persons, then a person for every seen id without one; the quarantine; the changes.
 * When a single id's person id collides with another person's, nothing is written (collisions > 0).
 */
export async function saveIdentities(db: Db, ws: string, out: IdentityOutput, opts: { full: boolean }): Promise<{ singles: number; collisions: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-identity-'));
  try {
    const file = join(dir, 'identities.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < out.kinds.length; i++) lines.push(JSON.stringify({ k: out.kinds[i], v: out.values[i], p: out.personIds[i] }));
    writeFileSync(file, lines.join('\n'));
    return await db.transaction(async (c) => {
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_graph_out AS
         SELECT k AS kind, v AS value, p AS person_id FROM read_ndjson(${sqlString(file)}, columns={k: 'VARCHAR', v: 'VARCHAR', p: 'VARCHAR'})`,
      );
      if (opts.full) {
        await c.run('DELETE FROM identities WHERE workspace_id = $ws', { ws });
      } else {
        // the graph's rows are replaced, and so is any single id that a link has now joined to others
        await c.run(
          `DELETE FROM identities WHERE workspace_id = $ws
             AND (linked OR (kind, value) IN (SELECT (kind, value) FROM identity_graph_out))`,
          { ws },
        );
      }
      await c.run('INSERT INTO identities (workspace_id, kind, value, person_id, linked) SELECT $ws, kind, value, person_id, true FROM identity_graph_out', { ws });
      const singles = (await c.run(INSERT_SINGLES_SQL, { ws })).rowsChanged;
      const collisions = Number((await c.runAndReadAll(COLLISIONS_SQL, { ws })).getRowObjectsJson()[0]?.n ?? 0);
      // two persons under one id: keep nothing of this resolution (not even its change log), the caller resolves again
      if (collisions > 0) throw new PersonIdCollision(collisions);
      await c.run('DELETE FROM identity_quarantine WHERE workspace_id = $ws', { ws });
      for (const q of out.quarantined) {
        await c.run('INSERT INTO identity_quarantine VALUES ($ws, $k, $v, $e, $u, $r, $s)', {
          ws, k: q.kind, v: q.value, e: q.distinctEmails, u: q.distinctUsers, r: q.reason, s: JSON.stringify(q.sources),
        });
      }
      for (const ch of out.changes) {
        await c.run('INSERT INTO identity_changes VALUES ($ws, now(), $c, $p, $o, $r, $d)', {
          ws, c: ch.change, p: ch.personId, o: JSON.stringify(ch.others), r: ch.reason, d: ch.detail,
        });
      }
      return { singles, collisions: 0 };
    });
  } catch (err) {
    if (err instanceof PersonIdCollision) return { singles: 0, collisions: err.collisions };
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function deriveLeadMilestones(db: Db, ws: string): Promise<number> {
  return db.transaction(async (c) => {
    await c.run("DELETE FROM milestones WHERE workspace_id = $ws AND milestone = 'lead'", { ws });
    return (await c.run(LEAD_MILESTONES_SQL, { ws })).rowsChanged;
  });
}

export async function personsByIdentifier(db: Db, ws: string, kind: string, value: string): Promise<string[]> {
  const rows = await db.query('SELECT DISTINCT person_id FROM identities WHERE workspace_id = $ws AND kind = $k AND value = $v', { ws, k: kind, v: value });
  return rows.map((r) => String(r.person_id));
}

export async function personsOfAnonymousIds(db: Db, ws: string, anonymousIds: readonly string[]): Promise<string[]> {
  const rows = await db.query(
    "SELECT DISTINCT person_id FROM identities WHERE workspace_id = $ws AND kind = 'anonymous_id' AND list_contains($ids::VARCHAR[], value)",
    { ws, ids: listValue([...anonymousIds]) },
    { ids: VARCHAR_LIST },
  );
  return rows.map((r) => String(r.person_id));
}

export async function countPersons(db: Db, ws: string): Promise<number> {
  const rows = await db.query('SELECT count(DISTINCT person_id) AS n FROM identities WHERE workspace_id = $ws', { ws });
  return Number(rows[0]?.n ?? 0);
}

export async function quarantinedIdentifiers(db: Db, ws: string): Promise<QuarantineRow[]> {
  const rows = await db.query('SELECT * FROM identity_quarantine WHERE workspace_id = $ws ORDER BY kind, value', { ws });
  return rows.map((r) => ({
    kind: String(r.kind),
    value: String(r.value),
    distinctEmails: Number(r.distinct_emails),
    distinctUsers: Number(r.distinct_users),
    reason: String(r.reason),
    sources: (parseJson(r.sources) as string[] | null) ?? [],
  }));
}

/** Leads by the channel of the person's first session at or before becoming a lead. */
export async function leadsByFirstTouchChannel(db: Db, ws: string): Promise<{ channel: string; leads: number }[]> {
  const rows = await db.query(
    `WITH ps AS (
       SELECT i.person_id, s.channel, s.started_at, s.session_id FROM sessions s
       JOIN identities i ON i.workspace_id = s.workspace_id AND i.kind = 'anonymous_id' AND i.value = s.anonymous_id
       WHERE s.workspace_id = $ws),
     first AS (
       SELECT m.person_id, arg_min(ps.channel, (ps.started_at, ps.session_id)) AS channel
       FROM milestones m LEFT JOIN ps ON ps.person_id = m.person_id AND ps.started_at <= m.reached_at
       WHERE m.workspace_id = $ws AND m.milestone = 'lead' GROUP BY m.person_id)
     SELECT coalesce(channel, '(no touchpoint)') AS channel, count(*) AS leads FROM first GROUP BY 1 ORDER BY leads DESC, channel`,
    { ws },
  );
  return rows.map((r) => ({ channel: String(r.channel), leads: Number(r.leads) }));
}
