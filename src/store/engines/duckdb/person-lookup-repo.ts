// Finding a person's data for an export or an erasure: the candidate spellings of their identifiers and
// the text that may mention them (a superset the model narrows), their identifiers, their stretches of
// shared devices and their former person ids.
import { listValue } from '@duckdb/node-api';
import type { DeviceSpan, IdentifierKey, SpellingCandidate } from '../../types.js';
import { VARCHAR_LIST, type Db, type Params } from './connection.js';
import { inList } from './person-tables.js';
import { isoSql } from './rows.js';

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
