import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';
import type {
  IdentifierKey,
  AffectedEvents,
  IdentityInputs,
  IdentityOutput,
  IdentityRow,
  OpaqueIdRule,
  QuarantineRow,
} from '../../types.js';
import { sqlString, type Db } from './connection.js';
import { inScope } from './derive-identity.js';
import { queryNeutral, readNeutral, readNeutralColumns, runNeutral } from './dialect.js';
import {
  collisionsSql,
  countPersonsSql,
  edgesSql,
  graphIdsSql,
  insertGraphRowsSql,
  insertSeenSql,
  insertSinglesSql,
  personsByIdentifierSql,
  personsOfAnonymousIdsSql,
  previousPersonsSql,
  seenIdentifiersSql,
  seenToPlaceSql,
} from '../neutral/identity-queries.js';
import { insertLeadsSql, leadMilestonesSql } from '../neutral/lead-queries.js';
import { fn, p, sql } from '../neutral/sql.js';
import {
  currentIdentitiesSql,
  leadsByFirstTouchChannelSql,
  quarantinedIdentifiersSql,
  toChannelLeads,
  toIdentityRow,
  toQuarantineRow,
} from '../neutral/inspection-queries.js';

export async function refreshSeenIdentifiers(
  db: Db,
  ws: string,
  rule: OpaqueIdRule,
  affected?: AffectedEvents,
): Promise<void> {
  await db.transaction(async (c) => {
    const built = (
      await c.runAndReadAll(
        'SELECT count(*) AS n FROM (SELECT 1 FROM identity_seen WHERE workspace_id = $ws LIMIT 1)',
        { ws },
      )
    ).getRowObjectsJson();
    // a workspace without seen ids yet (new, or from before migration v10) is built whole
    const scoped = affected !== undefined && Number(built[0]?.n ?? 0) > 0;
    if (!scoped) {
      await c.run('DELETE FROM identity_seen WHERE workspace_id = $ws', { ws });
      await runNeutral(c, insertSeenSql(ws, 'identity_seen', seenIdentifiersSql(ws, rule)));
      return;
    }
    // the stage holds the affected ids' events
    const seen = seenIdentifiersSql(ws, rule, { source: affected.stage, ids: affected });
    await runNeutral(c, sql`CREATE OR REPLACE TEMP TABLE seen_now AS ${seen}`);
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

/**
 * The graph's inputs from the stored edges: every edge, the ids to place with their first sightings
 * (those an edge touches or that are not clean; every seen id with `everyIdentifier`), and the current
 * persons of those ids.
 */
export async function identityInputs(
  db: Db,
  ws: string,
  opts: { everyIdentifier?: boolean } = {},
): Promise<IdentityInputs> {
  return db.write(async (c) => {
    const graphIds = opts.everyIdentifier ? undefined : 'identity_graph_ids';
    if (graphIds)
      await runNeutral(
        c,
        sql`CREATE OR REPLACE TEMP TABLE identity_graph_ids AS ${graphIdsSql(ws)}`,
      );
    const { links, seen } = edgeInputs(await readNeutralColumns(c, edgesSql(ws)));
    for (const r of await readNeutral(c, seenToPlaceSql(ws, graphIds)))
      seen.push({ kind: String(r.kind), value: String(r.value), at: Number(r.at) });
    const previous = await readNeutral(c, previousPersonsSql(ws, graphIds));
    return {
      links,
      seen,
      previous: previous.map((r) => ({
        kind: String(r.kind),
        value: String(r.value),
        personId: String(r.person_id),
      })),
    };
  });
}

/** Stored edges (columns a_kind, a_value, b_kind, b_value, first_at, source) as the graph's links and lone sightings. */
export function edgeInputs(columns: DuckDBValue[][]): Pick<IdentityInputs, 'links' | 'seen'> {
  const [ak = [], av = [], bk = [], bv = [], at = [], src = []] = columns;
  const links: IdentityInputs['links'] = [];
  const seen: IdentityInputs['seen'] = [];
  for (let i = 0; i < ak.length; i++) {
    // an edge without its b end is a sighting of the a end alone
    if (bk[i] === '') seen.push({ kind: String(ak[i]), value: String(av[i]), at: Number(at[i]) });
    else
      links.push({
        aKind: String(ak[i]),
        aValue: String(av[i]),
        bKind: String(bk[i]),
        bValue: String(bv[i]),
        at: Number(at[i]),
        source: String(src[i]),
      });
  }
  return { links, seen };
}

export async function currentIdentities(db: Db, ws: string): Promise<IdentityRow[]> {
  return (await queryNeutral(db, currentIdentitiesSql(ws))).map(toIdentityRow);
}

class PersonIdCollision extends Error {
  constructor(readonly collisions: number) {
    super(`${collisions} person ids name two persons`);
  }
}

export interface SavedIdentities {
  singles: number;
  collisions: number;
  persons?: string[];
}

/**
 * The frame of every identity write: the graph's assignment lands in temp table `identity_graph_out`,
 * `replace` swaps the persons, then the quarantine (all of it, or what `quarantineWhere` selects) and
 * the changes are written, all in one transaction. When `replace` finds a person id naming two persons,
 * nothing is written (collisions > 0): the caller resolves again.
 */
export async function writeIdentities(
  db: Db,
  ws: string,
  out: IdentityOutput,
  replace: (c: DuckDBConnection) => Promise<SavedIdentities>,
  quarantineWhere = '',
): Promise<SavedIdentities> {
  const dir = mkdtempSync(join(tmpdir(), 'closedloop-identity-'));
  try {
    const file = join(dir, 'identities.ndjson');
    const lines: string[] = [];
    for (let i = 0; i < out.kinds.length; i++)
      lines.push(JSON.stringify({ k: out.kinds[i], v: out.values[i], p: out.personIds[i] }));
    // a shared device: one row per span of its time
    for (const s of out.spans ?? [])
      lines.push(
        JSON.stringify({ k: 'anonymous_id', v: s.value, p: s.personId, f: s.from, u: s.until }),
      );
    writeFileSync(file, lines.join('\n'));
    return await db.transaction(async (c) => {
      await c.run(
        `CREATE OR REPLACE TEMP TABLE identity_graph_out AS
         SELECT k AS kind, v AS value, p AS person_id, make_timestamptz(f * 1000) AS from_at, make_timestamptz(u * 1000) AS until_at
         FROM read_ndjson(${sqlString(file)}, columns={k: 'VARCHAR', v: 'VARCHAR', p: 'VARCHAR', f: 'BIGINT', u: 'BIGINT'})`,
      );
      const saved = await replace(c);
      // two persons under one id: keep nothing of this resolution (not even its change log), the caller resolves again
      if (saved.collisions > 0) throw new PersonIdCollision(saved.collisions);
      await c.run(`DELETE FROM identity_quarantine WHERE workspace_id = $ws ${quarantineWhere}`, {
        ws,
      });
      for (const q of out.quarantined) {
        await c.run('INSERT INTO identity_quarantine VALUES ($ws, $k, $v, $e, $u, $r, $s)', {
          ws,
          k: q.kind,
          v: q.value,
          e: q.distinctEmails,
          u: q.distinctUsers,
          r: q.reason,
          s: JSON.stringify(q.sources),
        });
      }
      for (const ch of out.changes) {
        await c.run('INSERT INTO identity_changes VALUES ($ws, now(), $c, $p, $o, $r, $d)', {
          ws,
          c: ch.change,
          p: ch.personId,
          o: JSON.stringify(ch.others),
          r: ch.reason,
          d: ch.detail,
        });
      }
      return saved;
    });
  } catch (err) {
    if (err instanceof PersonIdCollision) return { singles: 0, collisions: err.collisions };
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Writes the graph's persons, then a person for every seen id without one. Full: every row is replaced;
 * otherwise the graph's rows are (and any single id a link has joined since).
 */
export function saveIdentities(
  db: Db,
  ws: string,
  out: IdentityOutput,
  opts: { full: boolean },
): Promise<SavedIdentities> {
  return writeIdentities(db, ws, out, async (c) => {
    if (opts.full) await c.run('DELETE FROM identities WHERE workspace_id = $ws', { ws });
    else
      await c.run(
        `DELETE FROM identities WHERE workspace_id = $ws AND (linked OR ${inScope('identity_graph_out')})`,
        { ws },
      );
    await runNeutral(c, insertGraphRowsSql(ws, 'identities', 'identity_graph_out'));
    const singles = await runNeutral(c, insertSinglesSql(ws, 'identities'));
    const collisions = Number((await readNeutral(c, collisionsSql(ws, 'identities')))[0]?.n ?? 0);
    return { singles, collisions };
  });
}

/**
 * Recomputes the lead milestones: of every person, or (scoped) of these persons, whose ids are all in
 * the scope (persons that the scope's ids had before a resolution, or have now).
 */
export async function deriveLeadMilestones(
  db: Db,
  ws: string,
  scope?: { identifiers: readonly IdentifierKey[]; persons: readonly string[]; stage?: string },
): Promise<number> {
  return db.transaction(async (c) => {
    if (!scope) {
      await c.run("DELETE FROM milestones WHERE workspace_id = $ws AND milestone = 'lead'", { ws });
      return runNeutral(c, insertLeadsSql('milestones', leadMilestonesSql(ws)));
    }
    await runNeutral(
      c,
      sql`DELETE FROM milestones WHERE workspace_id = ${p.text(ws)} AND milestone = 'lead'
        AND ${fn.inSet('person_id', p.texts(scope.persons))}`,
    );
    const of = (kind: string) =>
      scope.identifiers.filter((i) => i.kind === kind).map((i) => i.value);
    const leads = leadMilestonesSql(ws, {
      anonymousIds: of('anonymous_id'),
      userIds: of('user_id'),
      persons: scope.persons,
      ...(scope.stage ? { source: scope.stage } : {}),
    });
    return runNeutral(c, insertLeadsSql('milestones', leads));
  });
}

export async function personsByIdentifier(
  db: Db,
  ws: string,
  kind: string,
  value: string,
): Promise<string[]> {
  const rows = await queryNeutral(db, personsByIdentifierSql(ws, kind, value));
  return rows.map((r) => String(r.person_id));
}

export async function personsOfAnonymousIds(
  db: Db,
  ws: string,
  anonymousIds: readonly string[],
): Promise<string[]> {
  const rows = await queryNeutral(db, personsOfAnonymousIdsSql(ws, anonymousIds));
  return rows.map((r) => String(r.person_id));
}

export async function countPersons(db: Db, ws: string): Promise<number> {
  const rows = await queryNeutral(db, countPersonsSql(ws));
  return Number(rows[0]?.n ?? 0);
}

export async function quarantinedIdentifiers(db: Db, ws: string): Promise<QuarantineRow[]> {
  return (await queryNeutral(db, quarantinedIdentifiersSql(ws))).map(toQuarantineRow);
}

/** Leads by the channel of the person's first session at or before becoming a lead. */
export async function leadsByFirstTouchChannel(
  db: Db,
  ws: string,
): Promise<{ channel: string; leads: number }[]> {
  return (await queryNeutral(db, leadsByFirstTouchChannelSql(ws))).map(toChannelLeads);
}
