// Person export and erasure (GDPR Art. 15 and 17) in SQL: the candidate spellings and mentions the model
// checks, every row about a person per table, and the erase transaction with its tombstones and audit.
// One list of (table, filter) serves both export and erasure, so what is exported is what is erased.
import { listValue, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import type {
  DeviceSpan,
  ErasureRecord,
  IdentifierKey,
  PersonRows,
  PersonSelection,
  SpellingCandidate,
} from '../../types.js';
import { VARCHAR_LIST, type Db, type Params, type Row } from './connection.js';
import { spanHolds } from './derive-identity.js';
import { keyHashSql, TOMBSTONED_KINDS, type PrivacyKey } from './erased-identifiers.js';
import { isoSql, parseJson } from './rows.js';

const inList = (param: string) => `(SELECT unnest($${param}::VARCHAR[]))`;
const IDS =
  '(SELECT (k, v) FROM (SELECT unnest($ik::VARCHAR[]) AS k, unnest($iv::VARCHAR[]) AS v))';
const LINKS =
  '(SELECT (k, v) FROM (SELECT unnest($lk::VARCHAR[]) AS k, unnest($lv::VARCHAR[]) AS v))';
/** The person's stretches of shared devices (raw spellings), as rows `sp(value, from_at, until_at)`. */
const SPANS = `(SELECT value, CAST(f AS TIMESTAMPTZ) AS from_at, CAST(u AS TIMESTAMPTZ) AS until_at
  FROM (SELECT unnest($sv::VARCHAR[]) AS value, unnest($sf::VARCHAR[]) AS f, unnest($su::VARCHAR[]) AS u)) sp`;
/** Whether the row's anonymous id column `col` is a shared device and `ts` in one of the person's stretches of it. */
const inSpans = (col: string, ts: string) =>
  `EXISTS (SELECT 1 FROM ${SPANS} WHERE sp.value = ${col} AND ${spanHolds('sp', ts)})`;

/**
 * Each table's rows about the person ($ws and the selection's lists). Facts first: erasure deletes in this
 * order. identity_changes is a log a rebuild cannot reproduce, so its rows naming the person go too.
 * A shared device is the person's only for their stretches of its time: its events by their time and its
 * sessions by their start (as the derive maps them, spanHolds), its identities rows by person id; the
 * identifier lists ($ik/$iv) leave it out, so its rows of other persons, and its edges to them, stay.
 */
export const PERSON_TABLES: readonly {
  table: string;
  kind: 'fact' | 'derived' | 'log';
  where: string;
}[] = [
  {
    table: 'events',
    kind: 'fact',
    where: `workspace_id = $ws AND (anonymous_id IN ${inList('anon')} OR user_id IN ${inList('users')} OR previous_id IN ${inList('prev')}
      OR email IN ${inList('emails')} OR phone IN ${inList('phones')} OR message_id IN ${inList('mids')}
      OR ${inSpans('anonymous_id', 'ts')} OR ${inSpans('previous_id', 'ts')})`,
  },
  {
    table: 'identity_links',
    kind: 'fact',
    where: `workspace_id = $ws AND ((from_kind, from_value) IN ${LINKS} OR (to_kind, to_value) IN ${LINKS})`,
  },
  // the selection names dead letters of this workspace (and, for an erasure, lines too broken to name one)
  { table: 'dead_letters', kind: 'fact', where: `id IN ${inList('dl')}` },
  {
    table: 'sessions',
    kind: 'derived',
    where: `workspace_id = $ws AND (anonymous_id IN ${inList('anon')} OR ${inSpans('anonymous_id', 'started_at')})`,
  },
  {
    table: 'identities',
    kind: 'derived',
    where: `workspace_id = $ws AND ((kind, value) IN ${IDS} OR person_id IN ${inList('pids')})`,
  },
  {
    table: 'identity_seen',
    kind: 'derived',
    where: `workspace_id = $ws AND (kind, value) IN ${IDS}`,
  },
  {
    table: 'identity_edges',
    kind: 'derived',
    where: `workspace_id = $ws AND ((a_kind, a_value) IN ${IDS} OR (b_kind, b_value) IN ${IDS})`,
  },
  {
    table: 'identity_quarantine',
    kind: 'derived',
    where: `workspace_id = $ws AND (kind, value) IN ${IDS}`,
  },
  {
    table: 'identity_changes',
    kind: 'log',
    where: `workspace_id = $ws AND (person_id IN ${inList('pids')} OR list_has_any(CAST(others AS VARCHAR[]), $pids::VARCHAR[]))`,
  },
  {
    table: 'milestones',
    kind: 'derived',
    where: `workspace_id = $ws AND person_id IN ${inList('pids')}`,
  },
  {
    table: 'attribution_credits',
    kind: 'derived',
    where: `workspace_id = $ws AND person_id IN ${inList('pids')}`,
  },
];

const LIST_PARAMS = [
  'anon',
  'users',
  'prev',
  'emails',
  'phones',
  'mids',
  'sv',
  'sf',
  'su',
  'lk',
  'lv',
  'dl',
  'ik',
  'iv',
  'pids',
] as const;
const LIST_TYPES: Record<string, DuckDBType> = Object.fromEntries(
  LIST_PARAMS.map((p) => [p, VARCHAR_LIST]),
);

function selectionParams(ws: string, sel: PersonSelection): Params {
  const kinds = (ids: readonly IdentifierKey[]) => listValue(ids.map((i) => i.kind));
  const values = (ids: readonly IdentifierKey[]) => listValue(ids.map((i) => i.value));
  const shared = new Set(sel.sharedDevices.map((d) => d.anonymousId));
  const owned = sel.identifiers.filter((i) => !(i.kind === 'anonymous_id' && shared.has(i.value)));
  const spans = sel.events.deviceSpans;
  return {
    ws,
    anon: listValue(sel.events.anonymousIds),
    users: listValue(sel.events.userIds),
    prev: listValue(sel.events.previousIds),
    emails: listValue(sel.events.emails),
    phones: listValue(sel.events.phones),
    mids: listValue(sel.events.messageIds),
    sv: listValue(spans.map((d) => d.anonymousId)),
    sf: listValue(spans.map((d) => d.from)),
    su: listValue(spans.map((d) => d.until)),
    lk: kinds(sel.links),
    lv: values(sel.links),
    dl: listValue(sel.deadLetters),
    ik: kinds(owned),
    iv: values(owned),
    pids: listValue(sel.personIds),
  };
}

/** The parameters (and their types) a statement names: DuckDB refuses values for parameters it does not have. */
function used(sql: string, params: Params): { params: Params; types: Record<string, DuckDBType> } {
  const names = Object.keys(params).filter((n) => new RegExp(`\\$${n}\\b`).test(sql));
  return {
    params: Object.fromEntries(names.map((n) => [n, params[n]!])),
    types: Object.fromEntries(names.filter((n) => n in LIST_TYPES).map((n) => [n, LIST_TYPES[n]!])),
  };
}

/** `contains(expr, $p0) OR ...` over named needles (false with none). */
function containsAny(expr: string, names: readonly string[]): string {
  return names.length === 0
    ? 'false'
    : `(${names.map((n) => `contains(${expr}, $${n})`).join(' OR ')})`;
}

function needleParams(
  prefix: string,
  needles: readonly string[],
): { names: string[]; params: Params } {
  const names = needles.map((_, i) => `${prefix}${i}`);
  return { names, params: Object.fromEntries(needles.map((n, i) => [names[i]!, n])) };
}

const DIGITS = (col: string) => `regexp_replace(${col}, '[^0-9]', '', 'g')`;

/**
 * Raw values of the events' identifier columns and of identity links' ends that contain a needle: lower-cased
 * `text` needles in any of them, `digits` needles in a phone's digits. A superset: the model normalises each.
 */
export async function identifierSpellings(
  db: Db,
  ws: string,
  needles: { text: readonly string[]; digits: readonly string[] },
): Promise<SpellingCandidate[]> {
  const t = needleParams(
    't',
    needles.text.map((n) => n.toLowerCase()),
  );
  const d = needleParams('d', needles.digits);
  const opaque = (
    col: string,
  ) => `SELECT DISTINCT '${col}' AS col, '${col}' AS kind, ${col} AS value FROM events
    WHERE workspace_id = $ws AND ${col} IS NOT NULL AND ${containsAny(`lower(${col})`, t.names)}`;
  const linkEnd = (
    kind: string,
    value: string,
  ) => `SELECT DISTINCT 'identity_link', ${kind}, ${value} FROM identity_links
    WHERE workspace_id = $ws AND (${containsAny(`lower(${value})`, t.names)} OR ${containsAny(DIGITS(value), d.names)})`;
  const sql = [
    opaque('anonymous_id'),
    opaque('user_id'),
    opaque('previous_id'),
    opaque('email'),
    `SELECT DISTINCT 'phone', 'phone', phone FROM events WHERE workspace_id = $ws AND phone IS NOT NULL AND ${containsAny(DIGITS('phone'), d.names)}`,
    linkEnd('from_kind', 'from_value'),
    linkEnd('to_kind', 'to_value'),
  ].join('\nUNION ALL\n');
  const rows = await db.query(sql, { ws, ...t.params, ...d.params });
  return rows.map((r) => ({
    column: String(r.col) as SpellingCandidate['column'],
    kind: String(r.kind),
    value: String(r.value),
  }));
}

/**
 * Text that may mention the person, for the model to check: events whose properties, traits or context
 * contain one of `eventNeedles` (lower-cased JSON text), and dead letters of the workspace (and with
 * `unnamed`, those naming none) that contain one of `letterNeedles`, or that are not UTF-8 (which SQL
 * cannot search; the model reads them whole).
 */
export async function textMentions(
  db: Db,
  ws: string,
  opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
): Promise<{
  events: { messageId: string; text: string }[];
  deadLetters: { id: string; raw: Buffer }[];
}> {
  const e = needleParams(
    'e',
    opts.eventNeedles.map((n) => n.toLowerCase()),
  );
  const l = needleParams(
    'l',
    opts.letterNeedles.map((n) => n.toLowerCase()),
  );
  const events =
    e.names.length === 0
      ? []
      : await db.query(
          `SELECT message_id, text FROM (
             SELECT message_id, lower(concat_ws(' ', properties::VARCHAR, traits::VARCHAR, context::VARCHAR)) AS text
             FROM events WHERE workspace_id = $ws)
           WHERE ${containsAny('text', e.names)}`,
          { ws, ...e.params },
        );
  const letters = await db.query(
    `SELECT id, base64(raw) AS raw FROM (
       SELECT id, raw, try(decode(raw)) AS text FROM dead_letters
       WHERE workspace_id = $ws ${opts.unnamed ? 'OR workspace_id IS NULL' : ''})
     WHERE text IS NULL OR ${containsAny('lower(text)', l.names)}`,
    { ws, ...l.params },
  );
  return {
    events: events.map((r) => ({ messageId: String(r.message_id), text: String(r.text) })),
    deadLetters: letters.map((r) => ({
      id: String(r.id),
      raw: Buffer.from(String(r.raw), 'base64'),
    })),
  };
}

/** The identifiers (normalised) of these persons. */
export async function personIdentifiers(
  db: Db,
  ws: string,
  personIds: readonly string[],
): Promise<IdentifierKey[]> {
  if (personIds.length === 0) return [];
  const rows = await db.query(
    `SELECT DISTINCT kind, value FROM identities WHERE workspace_id = $ws AND person_id IN ${inList('pids')} ORDER BY kind, value`,
    { ws, pids: listValue([...personIds]) },
    { pids: VARCHAR_LIST },
  );
  return rows.map((r) => ({ kind: String(r.kind), value: String(r.value) }));
}

/**
 * These persons' identities rows of the anonymous ids that other persons hold too (a shared device, split
 * by time between its persons): the stretches that are theirs.
 */
export async function sharedDeviceSpans(
  db: Db,
  ws: string,
  personIds: readonly string[],
): Promise<DeviceSpan[]> {
  if (personIds.length === 0) return [];
  const rows = await db.query(
    `SELECT value, ${isoSql('from_at')} AS from_at, ${isoSql('until_at')} AS until_at FROM identities i
     WHERE workspace_id = $ws AND kind = 'anonymous_id' AND person_id IN ${inList('pids')}
       AND EXISTS (SELECT 1 FROM identities o WHERE o.workspace_id = $ws AND o.kind = 'anonymous_id' AND o.value = i.value
                   AND o.person_id NOT IN ${inList('pids')})
     ORDER BY value, from_at NULLS FIRST`,
    { ws, pids: listValue([...personIds]) },
    { pids: VARCHAR_LIST },
  );
  return rows.map((r) => ({
    anonymousId: String(r.value),
    from: r.from_at === null ? null : String(r.from_at),
    until: r.until_at === null ? null : String(r.until_at),
  }));
}

/**
 * The person's ids: `current`, and of `seeds` and every person merged into one of them (identity_changes,
 * followed back) those the identity log names and that are no other live person now (a merged person that
 * later split off is someone else).
 */
export async function formerPersonIds(
  db: Db,
  ws: string,
  seeds: readonly string[],
  current: readonly string[],
): Promise<string[]> {
  if (seeds.length === 0) return [];
  const rows = await db.query(
    `WITH RECURSIVE s(id) AS (
       SELECT unnest($seeds::VARCHAR[])
       UNION
       SELECT unnest(CAST(c.others AS VARCHAR[])) FROM identity_changes c JOIN s ON c.person_id = s.id
       WHERE c.workspace_id = $ws AND c.change = 'merge')
     SELECT DISTINCT id FROM s
     WHERE id IN ${inList('current')}
        OR (id NOT IN (SELECT person_id FROM identities WHERE workspace_id = $ws)
            AND EXISTS (SELECT 1 FROM identity_changes c WHERE c.workspace_id = $ws
                        AND (c.person_id = s.id OR list_contains(CAST(c.others AS VARCHAR[]), s.id))))
     ORDER BY id`,
    { ws, seeds: listValue([...seeds]), current: listValue([...current]) },
    { seeds: VARCHAR_LIST, current: VARCHAR_LIST },
  );
  return rows.map((r) => String(r.id));
}

/** Every row about the person, per table, read on one snapshot. */
export async function personRows(db: Db, ws: string, sel: PersonSelection): Promise<PersonRows> {
  const params = selectionParams(ws, sel);
  return db.readTransaction(async (conn) => {
    const out: PersonRows = {};
    for (const { table, where } of PERSON_TABLES) {
      // the raw line of a dead letter may not be UTF-8: base64 keeps it exact, the text is there when it is readable
      const from =
        table === 'dead_letters'
          ? '(SELECT * EXCLUDE (raw), try(decode(raw)) AS raw_text, base64(raw) AS raw_base64 FROM dead_letters)'
          : table;
      const sql = `SELECT to_json(t)::VARCHAR AS row FROM ${from} t WHERE ${where} ORDER BY ALL`;
      const p = used(sql, params);
      const r = await conn.runAndReadAll(sql, p.params, p.types);
      out[table] = (r.getRowObjectsJson() as Row[]).map(
        (x) => JSON.parse(String(x.row)) as Record<string, unknown>,
      );
    }
    return out;
  });
}

/**
 * Removes every row about the person from every table, writes tombstones of the identifiers a load checks
 * and the audit record, in one transaction. Returns the rows removed per table.
 */
export async function erasePerson(
  db: Db,
  key: PrivacyKey,
  ws: string,
  sel: PersonSelection,
  meta: { erasureId: string; via: 'api' | 'cli'; at: Date },
): Promise<Record<string, number>> {
  await key.ensure();
  const params = selectionParams(ws, sel);
  return db.transaction(async (c) => {
    const counts: Record<string, number> = {};
    for (const { table, where } of PERSON_TABLES) {
      const sql = `DELETE FROM ${table} WHERE ${where}`;
      const p = used(sql, params);
      counts[table] = Number((await c.run(sql, p.params, p.types)).rowsChanged);
    }
    const kinds = TOMBSTONED_KINDS.map((k) => `'${k.kind}'`).join(', ');
    // the identifiers wholly theirs ($ik/$iv leave shared devices out), and of a shared device only their
    // stretches: the other persons' events on it, old or new, still load
    await c.run(
      `INSERT INTO erased_identifiers (workspace_id, kind, key_hash, erased_at, erasure_id, from_at, until_at)
       SELECT DISTINCT $ws, k, ${keyHashSql('k', 'v')}, CAST($at AS TIMESTAMPTZ), $id, NULL::TIMESTAMPTZ, NULL::TIMESTAMPTZ
       FROM (SELECT unnest($ik::VARCHAR[]) AS k, unnest($iv::VARCHAR[]) AS v) WHERE k IN (${kinds})
       UNION ALL
       SELECT DISTINCT $ws, 'anonymous_id', ${keyHashSql("'anonymous_id'", 'v')}, CAST($at AS TIMESTAMPTZ), $id, CAST(f AS TIMESTAMPTZ), CAST(u AS TIMESTAMPTZ)
       FROM (SELECT unnest($dv::VARCHAR[]) AS v, unnest($df::VARCHAR[]) AS f, unnest($du::VARCHAR[]) AS u)`,
      {
        ws,
        ik: params.ik!,
        iv: params.iv!,
        at: meta.at.toISOString(),
        id: meta.erasureId,
        dv: listValue(sel.sharedDevices.map((d) => d.anonymousId)),
        df: listValue(sel.sharedDevices.map((d) => d.from)),
        du: listValue(sel.sharedDevices.map((d) => d.until)),
      },
      { ik: VARCHAR_LIST, iv: VARCHAR_LIST, dv: VARCHAR_LIST, df: VARCHAR_LIST, du: VARCHAR_LIST },
    );
    await assertKeyed(c);
    await c.run(
      `INSERT INTO erasures (id, workspace_id, requested_at, via, row_counts) VALUES ($id, $ws, CAST($at AS TIMESTAMPTZ), $via, $counts)`,
      {
        id: meta.erasureId,
        ws,
        at: meta.at.toISOString(),
        via: meta.via,
        counts: JSON.stringify(counts),
      },
    );
    return counts;
  });
}

/** A tombstone without its hash would match nothing: refuse rather than record an erasure that cannot hold. */
async function assertKeyed(c: DuckDBConnection): Promise<void> {
  const r = (
    await c.runAndReadAll('SELECT count(*) AS n FROM erased_identifiers WHERE key_hash IS NULL')
  ).getRowObjectsJson();
  if (Number(r[0]?.n ?? 0) > 0)
    throw new Error('the privacy key is not loaded: tombstones would have no hash');
}

/** Marks an erasure's workspace re-derived. */
export async function completeErasure(db: Db, erasureId: string): Promise<void> {
  await db.write((c) =>
    c.run('UPDATE erasures SET rederived_at = now() WHERE id = $id', { id: erasureId }),
  );
}

export async function listErasures(db: Db, ws: string): Promise<ErasureRecord[]> {
  const rows = await db.query(
    `SELECT id, workspace_id, ${isoSql('requested_at')} AS requested_at, ${isoSql('rederived_at')} AS rederived_at, via, row_counts
     FROM erasures WHERE workspace_id = $ws ORDER BY requested_at, id`,
    { ws },
  );
  return rows.map((r) => ({
    id: String(r.id),
    workspaceId: String(r.workspace_id),
    requestedAt: String(r.requested_at),
    rederivedAt: r.rederived_at === null ? null : String(r.rederived_at),
    via: String(r.via) as ErasureRecord['via'],
    rowCounts: parseJson(r.row_counts) as Record<string, number>,
  }));
}
