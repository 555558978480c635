// Identity resolution's reads and the statements of its writes, written once for every engine: the links
// the facts state (the rules of rules/identity-links.ts rendered), the seen identifiers under the
// opaque-id rule, the graph's inputs from the stored edges, the single-id persons and the check for a
// person id naming two persons, and the reads of persons. Where a write lands (the table itself, or a
// stage the engine swaps in after) and where scratch rows live are the engine's choice: both arrive as
// table names.
import { IDENTITY_LINK_RULES, LINK_EVENT_TYPES } from '../../../rules/identity-links.js';
import { PLAIN_ID_PATTERN } from '../../../rules/opaque-id.js';
import { PERSON_ID } from '../../../rules/person-id.js';
import type { IdentifierKey, IdentityInputs, OpaqueIdRule } from '../../areas/identity.js';
import { fn, ident, join, p, raw, sql, type Piece, type Sql } from './sql.js';

/** Constant texts written in this code base (rule data), as SQL literals both engines read alike. */
export function textList(values: readonly string[]): Sql {
  for (const v of values)
    if (!/^[A-Za-z0-9_ ]+$/.test(v)) throw new Error(`not a plain constant: ${v}`);
  return sql`${raw(values.map((v) => `'${v}'`).join(', '))}`;
}
const text = (v: string): Sql => textList([v]);

/**
 * The ids (kind, value) as a condition on two columns: the value among the ids' values, and `kind:value`
 * among theirs (a kind holds no ':', derive/identity/normalise.ts). Two hashed sets: a condition per kind
 * (OR) made DuckDB probe the whole table once per kind.
 */
export function keysIn(keys: readonly IdentifierKey[], kind = 'kind', value = 'value'): Sql {
  if (keys.length === 0) return sql`1 = 0`;
  for (const k of keys)
    if (k.kind.includes(':')) throw new Error(`not an identifier kind: ${k.kind}`);
  const values = [...new Set(keys.map((k) => k.value))];
  const pairs = [...new Set(keys.map((k) => `${k.kind}:${k.value}`))];
  return sql`(${fn.inSet(ident(value), p.texts(values))} AND ${fn.inSet(
    sql`${ident(kind)} || ':' || ${ident(value)}`,
    p.texts(pairs),
  )})`;
}

const ws$ = (ws: string): Sql => sql`workspace_id = ${p.text(ws)}`;

/** Which events a scoped read takes: a derive's stage (the affected ids' events), or these ids' events. */
export interface EventsOf {
  /** A table holding the affected ids' events (DuckDB's stage); else the events table. */
  source?: string;
  /** Only the events of these anonymous or user ids (what a stage holds). */
  ids?: { anonymousIds: readonly string[]; userIds: readonly string[] };
}

const eventsOf = (of: EventsOf): Sql =>
  of.ids
    ? sql` AND (${fn.inSet('anonymous_id', p.texts(of.ids.anonymousIds))} OR ${fn.inSet('user_id', p.texts(of.ids.userIds))})`
    : sql``;

// the link rules' data (rules/identity-links.ts), rendered once: one SELECT over CTE `ev`, each event
// repeated once per rule that reads its type and each column chosen by the rule, so the events are read
// once (a UNION ALL of one SELECT per rule made ClickHouse read `ev`, and with it the events, once per
// rule: 2x its CPU on a rebuild's link facts, most of a live derive's shared-device read)
const byRule = (pick: (r: (typeof IDENTITY_LINK_RULES)[number]) => Piece): Sql =>
  sql`CASE link_rule ${join(
    IDENTITY_LINK_RULES.map((r, i) => sql`WHEN ${raw(String(i))} THEN ${pick(r)}`),
    ' ',
  )} END`;
const RULES_OF_TYPE = sql`CASE type ${join(
  LINK_EVENT_TYPES.map(
    (t) =>
      sql`WHEN ${text(t)} THEN [${raw(
        IDENTITY_LINK_RULES.flatMap((r, i) => (r.types.includes(t) ? [String(i)] : [])).join(', '),
      )}]`,
  ),
  ' ',
)} ELSE [] END`;
const LINK_SELECTS = sql`SELECT ${byRule((r) => text(r.a.kind))} AS ak, ${byRule((r) => ident(r.a.field))} AS av,
      ${byRule((r) => text(r.b.kind))} AS bk, ${byRule((r) => ident(r.b.field))} AS bv, ts,
      ${byRule((r) => (r.source === 'type' ? sql`type` : r.source === 'event' ? sql`event` : text(r.source.fixed)))} AS src
    FROM (SELECT ${fn.unnestList(RULES_OF_TYPE)} AS link_rule, type, event, anonymous_id, user_id, previous_id, ts, email, phone
      FROM ev) ev_by_rule`;

/**
 * CTEs `ev` (the events any link rule reads) and `l` (every link they and identity_links state, raw:
 * ak, av, bk, bv, ts, src). `source`: the events table, or a derive's stage of some ids' events.
 */
function linkRows(ws: string, source: string, evFilter: Sql, linkFilter: Sql): Sql {
  return sql`WITH ev AS (
    SELECT type, event, anonymous_id, user_id, previous_id, ts, email, phone FROM ${fn.table(source)}
    WHERE ${ws$(ws)} AND type IN (${textList(LINK_EVENT_TYPES)})${evFilter}),
  l AS (
    ${LINK_SELECTS}
    UNION ALL SELECT from_kind, from_value, to_kind, to_value, linked_at, source FROM ${fn.table('identity_links')}
      WHERE ${ws$(ws)}${linkFilter}
  )`;
}

const STATED = sql`av IS NOT NULL AND bv IS NOT NULL AND av <> '' AND bv <> ''`;

/**
 * The links the events (all, or those `of` takes) and identity_links state, raw, once per pair of (kind, value) ends
 * with the earliest time (epoch ms) and the least source: columns ak, av, bk, bv, at, source.
 */
export function linkFactsSql(ws: string, of: EventsOf = {}): Sql {
  return sql`${linkRows(ws, of.source ?? 'events', eventsOf(of), sql``)}
  SELECT ak, av, bk, bv, ${fn.epochMs('min(ts)')} AS at, min(src) AS source
  FROM l WHERE ${STATED}
  GROUP BY ak, av, bk, bv
  ORDER BY ak, av, bk, bv`;
}

/**
 * Every link (each occurrence, not only the first) with an anonymous end among these shared devices:
 * the identifies that split a shared device's time. Columns ak, av, bk, bv, at (epoch ms).
 */
export function deviceLinksSql(ws: string, anonymousIds: readonly string[]): Sql {
  const ids = p.texts(anonymousIds);
  const anon = (k: string, v: string) => sql`(${raw(k)} = 'anonymous_id' AND ${fn.inSet(v, ids)})`;
  return sql`${linkRows(
    ws,
    'events',
    sql` AND (${fn.inSet('anonymous_id', ids)} OR ${fn.inSet('previous_id', ids)})`,
    sql` AND (${anon('from_kind', 'from_value')} OR ${anon('to_kind', 'to_value')})`,
  )}
  SELECT DISTINCT ak, av, bk, bv, ${fn.epochMs('ts')} AS at
  FROM l WHERE ${STATED} AND (${anon('ak', 'av')} OR ${anon('bk', 'bv')})
  ORDER BY 5, 1, 2, 3, 4`;
}

/** The session starts (epoch ms) of these anonymous ids: columns anonymous_id, at. */
export function deviceSessionsSql(ws: string, anonymousIds: readonly string[]): Sql {
  return sql`SELECT anonymous_id, ${fn.epochMs('started_at')} AS at FROM ${fn.table('sessions')}
    WHERE ${ws$(ws)} AND ${fn.inSet('anonymous_id', p.texts(anonymousIds))}
    ORDER BY 1, 2`;
}

/** An opaque id trimmed by the rule (rules/opaque-id.ts). */
export const trimmedIdSql = (id: Piece | string, rule: OpaqueIdRule): Sql =>
  sql`${fn.trimChars(id, rule.trimChars)}`;

/**
 * Whether a trimmed id is one the engine places alone (rules/opaque-id.ts, isPlainId): printable ASCII,
 * 1..maxLength long, not a placeholder. Where it is ASCII, both engines' length and lower case agree
 * with JavaScript's.
 */
export const plainIdSql = (n: Piece | string, rule: OpaqueIdRule): Sql => {
  const id = typeof n === 'string' ? raw(n) : n;
  return sql`(length(${id}) BETWEEN 1 AND ${p.int(rule.maxLength)} AND ${fn.regexpMatches(id, PLAIN_ID_PATTERN)}
      AND NOT ${fn.inList(sql`lower(${id})`, p.texts(rule.placeholders))})`;
};

/**
 * Each anonymous and user id of `source`'s events, normalised (trimmed by the rule), with when it was
 * first seen and whether the engine can place it alone (`clean`: printable ASCII, 1..maxLength long, not
 * a placeholder; where it is ASCII, both engines' length and lower agree with JavaScript's). A visitor
 * who never converts is a person too. Scoped (`of`): the ids of those events, the anonymous ones only
 * among the affected. Columns kind, value, first_seen, clean.
 */
export function seenIdentifiersSql(ws: string, rule: OpaqueIdRule, of?: EventsOf): Sql {
  const src = fn.table(of?.source ?? 'events');
  const trimmed = (column: string) => trimmedIdSql(column, rule);
  const events = of ? eventsOf(of) : sql``;
  const only = of?.ids
    ? sql` AND ${fn.inSet('anonymous_id', p.texts(of.ids.anonymousIds))}`
    : sql``;
  return sql`SELECT kind, n AS value, min(seen_at) AS first_seen, ${plainIdSql('n', rule)} AS clean
  FROM (
    SELECT 'anonymous_id' AS kind, ${trimmed('anonymous_id')} AS n, min(ts) AS seen_at FROM ${src}
      WHERE ${ws$(ws)} AND anonymous_id IS NOT NULL${events}${only}
      GROUP BY anonymous_id
    UNION ALL
    SELECT 'user_id', ${trimmed('user_id')}, min(ts) FROM ${src}
      WHERE ${ws$(ws)} AND user_id IS NOT NULL${events}
      GROUP BY user_id
  ) ids GROUP BY kind, n`;
}

/** The rows of a seen-identifiers select into `target` (identity_seen, or its stage). */
export function insertSeenSql(ws: string, target: string, seen: Sql): Sql {
  return sql`INSERT INTO ${fn.table(target)} (workspace_id, kind, value, first_seen, clean)
    SELECT ${p.text(ws)}, kind, value, first_seen, clean FROM (${seen}) seen`;
}

/** Whether the workspace's edges were written whole once: column n. */
export function edgesBuiltSql(ws: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table('identity_edges_built')} WHERE ${ws$(ws)}`;
}

/** The stored edges, in one order: columns a_kind, a_value, b_kind, b_value, first_at, source. */
export function edgesSql(ws: string): Sql {
  return sql`SELECT a_kind, a_value, b_kind, b_value, first_at, source FROM ${fn.table('identity_edges')}
    WHERE ${ws$(ws)}
    ORDER BY a_kind, a_value, b_kind, b_value, source`;
}

const OPAQUE_KINDS = textList(['anonymous_id', 'user_id']);

/**
 * The anonymous and user ids the graph must place: those an edge touches and those the engine cannot
 * normalise alone (not clean). Columns kind, value, distinct.
 */
export function graphIdsSql(ws: string): Sql {
  const edges = fn.table('identity_edges');
  return sql`SELECT DISTINCT kind, value FROM (
    SELECT a_kind AS kind, a_value AS value FROM ${edges} WHERE ${ws$(ws)} AND a_kind IN (${OPAQUE_KINDS})
    UNION ALL SELECT b_kind, b_value FROM ${edges} WHERE ${ws$(ws)} AND b_kind IN (${OPAQUE_KINDS})
    UNION ALL SELECT kind, value FROM ${fn.table('identity_seen')} WHERE ${ws$(ws)} AND NOT clean
  ) ids`;
}

/**
 * Seen ids with their first sighting (epoch ms): those in table `graphIds` (kind, value), or every one.
 * Columns kind, value, at.
 */
export function seenToPlaceSql(ws: string, graphIds?: string): Sql {
  const only = graphIds
    ? sql` JOIN ${fn.table(graphIds)} g ON g.kind = s.kind AND g.value = s.value`
    : sql``;
  return sql`SELECT s.kind AS kind, s.value AS value, ${fn.epochMs('s.first_seen')} AS at
    FROM ${fn.table('identity_seen')} s${only}
    WHERE s.workspace_id = ${p.text(ws)}
    ORDER BY kind, value`;
}

/**
 * The current persons the graph starts from: rows the graph wrote and rows of ids in table `graphIds`
 * (a single id the graph does not place this time stays as it is), or every row. Columns kind, value,
 * person_id.
 */
export function previousPersonsSql(ws: string, graphIds?: string): Sql {
  const only = graphIds
    ? sql` LEFT JOIN ${fn.table(graphIds)} g ON g.kind = i.kind AND g.value = i.value`
    : sql``;
  const placed = graphIds ? sql` AND (i.linked OR g.kind IS NOT NULL)` : sql``;
  return sql`SELECT i.kind AS kind, i.value AS value, i.person_id AS person_id
    FROM ${fn.table('identities')} i${only}
    WHERE i.workspace_id = ${p.text(ws)}${placed}
    ORDER BY kind, value, person_id`;
}

const IDENTITY_COLUMNS = raw('(workspace_id, kind, value, person_id, linked, from_at, until_at)');

/** The graph's rows (table `graphOut`: kind, value, person_id, from_at, until_at) into `target`. */
export function insertGraphRowsSql(ws: string, target: string, graphOut: string): Sql {
  return sql`INSERT INTO ${fn.table(target)} ${IDENTITY_COLUMNS}
    SELECT ${p.text(ws)}, kind, value, person_id, true, from_at, until_at FROM ${fn.table(graphOut)}`;
}

/** The person id of a lone anchor (rules/person-id.ts, unsalted), from SQL expressions of its kind and value. */
export const singlePersonId = (kind: Piece | string, value: Piece | string): Sql => {
  const k = typeof kind === 'string' ? raw(kind) : kind;
  const v = typeof value === 'string' ? raw(value) : value;
  return sql`${fn.lit(PERSON_ID.prefix)} || substring(${fn.sha256Hex(sql`${k} || ${fn.lit(PERSON_ID.separator)} || ${v}`)}, 1, ${raw(String(PERSON_ID.hexDigits))})`;
};

/**
 * The single-id persons of `source` that the graph (table `graphOut`) does not place, copied into
 * `target`: what a resolution that is not whole keeps.
 */
export function keepSinglesSql(ws: string, target: string, source: string, graphOut: string): Sql {
  return sql`INSERT INTO ${fn.table(target)} ${IDENTITY_COLUMNS}
    SELECT i.workspace_id, i.kind, i.value, i.person_id, i.linked, i.from_at, i.until_at
    FROM ${fn.table(source)} i
    LEFT JOIN (SELECT DISTINCT kind, value FROM ${fn.table(graphOut)}) g ON g.kind = i.kind AND g.value = i.value
    WHERE i.workspace_id = ${p.text(ws)} AND NOT i.linked AND g.kind IS NULL`;
}

/** Every clean seen id without a row in `target` becomes its own person there. */
export function insertSinglesSql(ws: string, target: string): Sql {
  return sql`INSERT INTO ${fn.table(target)} ${IDENTITY_COLUMNS}
    SELECT ${p.text(ws)}, s.kind, s.value, ${singlePersonId('s.kind', 's.value')}, false, NULL, NULL
    FROM ${fn.table('identity_seen')} s
    LEFT JOIN (SELECT DISTINCT kind, value FROM ${fn.table(target)} WHERE ${ws$(ws)}) t
      ON t.kind = s.kind AND t.value = s.value
    WHERE s.workspace_id = ${p.text(ws)} AND s.clean AND t.kind IS NULL`;
}

/** In `table`: how many person ids name more than one person (a single id's id shared): column n. */
export function collisionsSql(ws: string, table: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM (
    SELECT person_id FROM ${fn.table(table)} WHERE ${ws$(ws)}
    GROUP BY person_id HAVING ${fn.countAll()} > 1 AND ${fn.countIf('NOT linked')} > 0) c`;
}

/** Single-id persons in `table`: column n. */
export function singlesSql(ws: string, table: string): Sql {
  return sql`SELECT ${fn.countAll()} AS n FROM ${fn.table(table)} WHERE ${ws$(ws)} AND NOT linked`;
}

export function countPersonsSql(ws: string): Sql {
  return sql`SELECT ${fn.countDistinct('person_id')} AS n FROM ${fn.table('identities')} WHERE ${ws$(ws)}`;
}

export function personsByIdentifierSql(ws: string, kind: string, value: string): Sql {
  return sql`SELECT DISTINCT person_id FROM ${fn.table('identities')}
    WHERE ${ws$(ws)} AND kind = ${p.text(kind)} AND value = ${p.text(value)} ORDER BY person_id`;
}

export function personsOfAnonymousIdsSql(ws: string, anonymousIds: readonly string[]): Sql {
  return sql`SELECT DISTINCT person_id FROM ${fn.table('identities')}
    WHERE ${ws$(ws)} AND kind = 'anonymous_id' AND ${fn.inSet('value', p.texts(anonymousIds))}
    ORDER BY person_id`;
}

/**
 * Seen ids of table `now` (a refresh's, of some events) that identity_seen lacks or saw later: what a
 * scoped refresh writes (a first sighting only moves earlier: events are only ever added). Columns kind,
 * value, at (epoch ms), clean, stored (whether identity_seen has a row to replace).
 */
export function seenChangesSql(ws: string, now: string): Sql {
  return sql`SELECT n.kind AS kind, n.value AS value, ${fn.epochMs('n.first_seen')} AS at, n.clean AS clean,
      s.kind IS NOT NULL AS stored
    FROM ${fn.table(now)} n
    LEFT JOIN (SELECT kind, value, first_seen FROM ${fn.table('identity_seen')}
      WHERE ${ws$(ws)} AND value IN (SELECT value FROM ${fn.table(now)})) s
      ON s.kind = n.kind AND s.value = n.value
    WHERE s.kind IS NULL OR n.first_seen < s.first_seen
    ORDER BY kind, value`;
}

/** Clean seen ids among these with their single-id person: columns kind, value, person_id. */
export function singlesOfKeysSql(ws: string, keys: readonly IdentifierKey[]): Sql {
  return sql`SELECT kind, value, ${singlePersonId('kind', 'value')} AS person_id FROM ${fn.table('identity_seen')}
    WHERE ${ws$(ws)} AND clean AND ${keysIn(keys)}
    ORDER BY kind, value`;
}

/** The identities rows of these ids: columns kind, value, person_id, linked, from_ms, until_ms. */
export function identitiesOfKeysSql(ws: string, keys: readonly IdentifierKey[]): Sql {
  return sql`SELECT kind, value, person_id, linked, ${fn.epochMs('from_at')} AS from_ms,
      ${fn.epochMs('until_at')} AS until_ms
    FROM ${fn.table('identities')} WHERE ${ws$(ws)} AND ${keysIn(keys)}
    ORDER BY kind, value, person_id`;
}

/** How many identities rows each of these person ids has: columns person_id, n. */
export function personRowCountsSql(ws: string, personIds: readonly string[]): Sql {
  return sql`SELECT person_id, ${fn.countAll()} AS n FROM ${fn.table('identities')}
    WHERE ${ws$(ws)} AND ${fn.inSet('person_id', p.texts(personIds))}
    GROUP BY person_id ORDER BY person_id`;
}

/** Stored edges as the graph's links, and lone sightings (an edge without its b end). */
export function edgeInputs(
  rows: readonly Record<string, unknown>[],
): Pick<IdentityInputs, 'links' | 'seen'> {
  const links: IdentityInputs['links'] = [];
  const seen: IdentityInputs['seen'] = [];
  for (const r of rows) {
    if (r.b_kind === '')
      seen.push({ kind: String(r.a_kind), value: String(r.a_value), at: Number(r.first_at) });
    else
      links.push({
        aKind: String(r.a_kind),
        aValue: String(r.a_value),
        bKind: String(r.b_kind),
        bValue: String(r.b_value),
        at: Number(r.first_at),
        source: String(r.source),
      });
  }
  return { links, seen };
}
