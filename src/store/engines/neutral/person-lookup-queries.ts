// Finding a person's data for an export or an erasure, written once for every engine: the candidate
// spellings of their identifiers and the text that may mention them (a superset the model narrows), their
// identifiers, their stretches of shared devices and their former person ids. The engine hands in how it
// reads a neutral query.
import type { DeviceSpan, IdentifierKey, SpellingCandidate } from '../../types.js';
import type { ReadRows } from './identity-scope.js';
import { json, text } from './rows.js';
import { fn, ident, join, p, sql, type Sql } from './sql.js';

/** A phone's digits (its separators and `+` dropped), as the model's needles are. */
const digits = (col: string) => fn.regexpReplaceAll(ident(col), '[^0-9]', '');

/**
 * Raw values of the events' identifier columns and of identity links' ends that contain a needle: lower-cased
 * `text` needles in any of them, `digits` needles in a phone's digits. A superset: the model normalises each.
 */
export async function identifierSpellings(
  read: ReadRows,
  ws: string,
  needles: { text: readonly string[]; digits: readonly string[] },
): Promise<SpellingCandidate[]> {
  const t = needles.text.map((n) => n.toLowerCase());
  const d = needles.digits;
  const w = p.text(ws);
  const opaque = (col: SpellingCandidate['column']) =>
    sql`SELECT DISTINCT ${fn.lit(col)} AS col, ${fn.lit(col)} AS kind, ${ident(col)} AS value
      FROM ${fn.table('events')}
      WHERE workspace_id = ${w} AND ${ident(col)} IS NOT NULL AND ${fn.containsAny(fn.lower(ident(col)), t)}`;
  const linkEnd = (kind: string, value: string) =>
    sql`SELECT DISTINCT ${fn.lit('identity_link')} AS col, ${ident(kind)} AS kind, ${ident(value)} AS value
      FROM ${fn.table('identity_links')}
      WHERE workspace_id = ${w}
        AND (${fn.containsAny(fn.lower(ident(value)), t)} OR ${fn.containsAny(digits(value), d)})`;
  const parts: Sql[] = [];
  // a part no needle can match is not asked
  if (t.length > 0)
    parts.push(opaque('anonymous_id'), opaque('user_id'), opaque('previous_id'), opaque('email'));
  if (d.length > 0)
    parts.push(
      sql`SELECT DISTINCT ${fn.lit('phone')} AS col, ${fn.lit('phone')} AS kind, phone AS value
        FROM ${fn.table('events')}
        WHERE workspace_id = ${w} AND phone IS NOT NULL AND ${fn.containsAny(digits('phone'), d)}`,
    );
  if (t.length + d.length > 0)
    parts.push(linkEnd('from_kind', 'from_value'), linkEnd('to_kind', 'to_value'));
  if (parts.length === 0) return [];
  const rows = await read(join(parts, '\nUNION ALL\n'));
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
 * cannot search; the model reads them whole). Each list in id order. An event's text is its JSON as the
 * engine keeps it, lower-cased: its spacing may differ between engines, never what it names.
 */
export async function textMentions(
  read: ReadRows,
  ws: string,
  opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
): Promise<{
  events: { messageId: string; text: string }[];
  deadLetters: { id: string; raw: Buffer }[];
}> {
  const w = p.text(ws);
  const eventNeedles = opts.eventNeedles.map((n) => n.toLowerCase());
  const doc = (col: string) => sql`coalesce(${fn.jsonAsText(ident(col))}, '')`;
  const events =
    eventNeedles.length === 0
      ? []
      : await read(
          sql`SELECT message_id, body FROM (
              SELECT message_id,
                ${fn.lower(sql`${doc('properties')} || ' ' || ${doc('traits')} || ' ' || ${doc('context')}`)} AS body
              FROM ${fn.table('events')} WHERE workspace_id = ${w}) m
            WHERE ${fn.containsAny('body', eventNeedles)}
            ORDER BY message_id`,
        );
  // the raw line travels as base64: it may not be UTF-8
  const letters = await read(
    sql`SELECT id, raw64 FROM (
        SELECT id, ${fn.base64('raw')} AS raw64, ${fn.lower(fn.utf8Text('raw'))} AS line
        FROM ${fn.tableFinal('dead_letters')}
        WHERE workspace_id = ${w}${opts.unnamed ? sql` OR workspace_id IS NULL` : sql``}) l
      WHERE line IS NULL OR ${fn.containsAny(
        'line',
        opts.letterNeedles.map((n) => n.toLowerCase()),
      )}
      ORDER BY id`,
  );
  return {
    events: events.map((r) => ({ messageId: String(r.message_id), text: String(r.body) })),
    deadLetters: letters.map((r) => ({
      id: String(r.id),
      raw: Buffer.from(String(r.raw64), 'base64'),
    })),
  };
}

/** The identifiers (normalised) of these persons, in (kind, value) order. */
export async function personIdentifiers(
  read: ReadRows,
  ws: string,
  personIds: readonly string[],
): Promise<IdentifierKey[]> {
  if (personIds.length === 0) return [];
  const rows = await read(
    sql`SELECT DISTINCT kind, value FROM ${fn.table('identities')}
      WHERE workspace_id = ${p.text(ws)} AND ${fn.inSet('person_id', p.texts(personIds))}
      ORDER BY kind, value`,
  );
  return rows.map((r) => ({ kind: String(r.kind), value: String(r.value) }));
}

/**
 * These persons' identities rows of the anonymous ids that other persons hold too (a shared device, split
 * by time between its persons): the stretches that are theirs, in (device, start) order.
 */
export async function sharedDeviceSpans(
  read: ReadRows,
  ws: string,
  personIds: readonly string[],
): Promise<DeviceSpan[]> {
  if (personIds.length === 0) return [];
  const w = p.text(ws);
  const pids = p.texts(personIds);
  // IN, not a correlated EXISTS: ClickHouse does not correlate subqueries
  const rows = await read(
    sql`SELECT value, ${fn.isoTime('from_at')} AS from_text, ${fn.isoTime('until_at')} AS until_text
      FROM ${fn.table('identities')}
      WHERE workspace_id = ${w} AND kind = 'anonymous_id' AND ${fn.inSet('person_id', pids)}
        AND value IN (SELECT value FROM ${fn.table('identities')}
                      WHERE workspace_id = ${w} AND kind = 'anonymous_id'
                        AND NOT (${fn.inSet('person_id', pids)}))
      ORDER BY value, from_at NULLS FIRST, until_at NULLS LAST`,
  );
  return rows.map((r) => ({
    anonymousId: String(r.value),
    from: text(r.from_text),
    until: text(r.until_text),
  }));
}

/** A change's `others` (a JSON list of person ids, as text or as a value). */
const othersOf = (v: unknown): string[] => {
  const list = json(v);
  return Array.isArray(list) ? list.map(String) : [];
};

/**
 * The person's ids: `current`, and of `seeds` and every person merged into one of them (identity_changes,
 * followed back) those the identity log names and that are no other live person now (a merged person that
 * later split off is someone else). Sorted.
 */
export async function formerPersonIds(
  read: ReadRows,
  ws: string,
  seeds: readonly string[],
  current: readonly string[],
): Promise<string[]> {
  if (seeds.length === 0) return [];
  const w = p.text(ws);
  // the merges followed back a generation per read (a log that loops ends too: an id is followed once)
  const reached = new Set(seeds);
  let frontier = [...reached];
  while (frontier.length > 0) {
    const rows = await read(
      sql`SELECT others FROM ${fn.table('identity_changes')}
        WHERE workspace_id = ${w} AND change = 'merge' AND ${fn.inSet('person_id', p.texts(frontier))}`,
    );
    frontier = [];
    for (const r of rows)
      for (const id of othersOf(r.others))
        if (!reached.has(id)) {
          reached.add(id);
          frontier.push(id);
        }
  }
  const now = new Set(current);
  const rest = [...reached].filter((id) => !now.has(id));
  const live = new Set<string>();
  const named = new Set<string>();
  if (rest.length > 0) {
    const ids = p.texts(rest);
    for (const r of await read(
      sql`SELECT DISTINCT person_id FROM ${fn.table('identities')}
        WHERE workspace_id = ${w} AND ${fn.inSet('person_id', ids)}`,
    ))
      live.add(String(r.person_id));
    // the log's JSON text narrows the rows (an id is in it as JSON.stringify wrote it), their lists say exactly
    const mine = new Set(rest);
    const written = rest.map((id) => JSON.stringify(id).slice(1, -1));
    for (const r of await read(
      sql`SELECT person_id, others FROM ${fn.table('identity_changes')}
        WHERE workspace_id = ${w}
          AND (${fn.inSet('person_id', ids)} OR ${fn.containsAny(fn.jsonAsText('others'), written)})`,
    ))
      for (const id of [String(r.person_id), ...othersOf(r.others)])
        if (mine.has(id)) named.add(id);
  }
  return [...reached].filter((id) => now.has(id) || (!live.has(id) && named.has(id))).sort();
}

/** The five lookups of the privacy area over one engine's reader, as the area names them. */
export function personLookups(read: ReadRows) {
  return {
    identifierSpellings: (
      ws: string,
      needles: { text: readonly string[]; digits: readonly string[] },
    ) => identifierSpellings(read, ws, needles),
    textMentions: (
      ws: string,
      opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
    ) => textMentions(read, ws, opts),
    personIdentifiers: (ws: string, personIds: readonly string[]) =>
      personIdentifiers(read, ws, personIds),
    sharedDeviceSpans: (ws: string, personIds: readonly string[]) =>
      sharedDeviceSpans(read, ws, personIds),
    formerPersonIds: (ws: string, seeds: readonly string[], current: readonly string[]) =>
      formerPersonIds(read, ws, seeds, current),
  };
}
