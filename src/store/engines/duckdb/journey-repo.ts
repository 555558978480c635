// A person's journey, read for the timeline API: identifiers, sessions with their pages, events,
// milestones and identity changes, oldest first.
import { listValue, type DuckDBConnection, type DuckDBType } from '@duckdb/node-api';
import type { JourneyItem, PersonJourney } from '../../types.js';
import { VARCHAR_LIST, type Db, type Params, type Row } from './connection.js';
import { isoSql, parseJson, str } from './rows.js';
import { listSessions } from './sessions-repo.js';

/** How a journey's events are read; a parameter so that tests can take each path on a small world. */
export interface JourneyReadOptions {
  /** Rowids at most this far apart are fetched as one range (a visitor's events often sit side by side). */
  rangeGap: number;
  /**
   * Above this many ranges, one filtered scan (bounded by the lowest and highest rowid found) replaces the
   * point reads. Measured on 10M events, 2 cores: a range costs ~3 ms, a scan of the whole table ~1.7 s.
   */
  maxRanges: number;
}

export const JOURNEY_READ: JourneyReadOptions = { rangeGap: 32, maxRanges: 400 };

const EVENT_COLUMNS = `${isoSql('ts')} AS at, type, event, anonymous_id, user_id, page_url AS url,
  context->>'$.page.title' AS title, properties, traits`;
const EVENT_NAMES =
  'rid, message_id, "at", type, event, anonymous_id, user_id, url, title, properties, traits';

/** Everything known about one person, oldest first: sessions with their pages, events, milestones, identity changes. */
export async function personJourney(
  db: Db,
  ws: string,
  personId: string,
  opts: JourneyReadOptions = JOURNEY_READ,
): Promise<PersonJourney | undefined> {
  const ids = await db.query(
    `SELECT kind, value, epoch_ms(from_at) AS f, epoch_ms(until_at) AS u, from_at IS NOT NULL OR until_at IS NOT NULL AS span
     FROM identities WHERE workspace_id = $ws AND person_id = $p ORDER BY kind, value, from_at NULLS FIRST`,
    { ws, p: personId },
  );
  if (ids.length === 0) return undefined;
  // a shared device appears once per span of its time that is this person's
  const spans = new Map<string, { from: number; until: number }[]>();
  for (const r of ids) {
    if (r.span !== true) continue;
    const list = spans.get(String(r.value)) ?? [];
    list.push({
      from: r.f === null ? -Infinity : Number(r.f),
      until: r.u === null ? Infinity : Number(r.u),
    });
    spans.set(String(r.value), list);
  }
  const identifiers = [
    ...new Map(
      ids.map((r) => [
        `${String(r.kind)}\u0000${String(r.value)}`,
        { kind: String(r.kind), value: String(r.value) },
      ]),
    ).values(),
  ];
  const anon = identifiers.filter((i) => i.kind === 'anonymous_id').map((i) => i.value);
  const users = identifiers.filter((i) => i.kind === 'user_id').map((i) => i.value);
  const userSet = new Set(users);
  /** Whether a shared device's session start or event time is this person's. */
  const mine = (anonymousId: unknown, at: string): boolean => {
    const own = spans.get(String(anonymousId));
    if (own === undefined) return true;
    const t = Date.parse(at);
    return own.some((x) => t >= x.from && t < x.until);
  };
  const sessions = (
    anon.length > 0 ? await listSessions(db, ws, { anonymousIds: anon }) : []
  ).filter((x) => mine(x.anonymousId, x.startedAt));
  // an event reached through the person's user id is theirs wherever it was sent from
  const events = (await journeyEvents(db, ws, anon, users, opts)).filter(
    (e) =>
      (e.user_id !== null && userSet.has(String(e.user_id))) || mine(e.anonymous_id, String(e.at)),
  );
  const items: JourneyItem[] = [];
  const bySession = new Map(
    sessions.map((s) => [
      s.sessionId,
      {
        kind: 'session' as const,
        at: s.startedAt,
        session: s,
        pages: [] as { at: string; url: string | null; title: string | null }[],
      },
    ]),
  );
  for (const e of events as Row[]) {
    const at = String(e.at);
    if (e.type === 'page' || e.type === 'screen') {
      const s = sessions.find(
        (x) => x.anonymousId === e.anonymous_id && x.startedAt <= at && at <= x.endedAt,
      );
      if (s) {
        bySession.get(s.sessionId)!.pages.push({ at, url: str(e.url), title: str(e.title) });
        continue;
      }
    }
    items.push({
      kind: 'event',
      at,
      type: String(e.type),
      event: str(e.event),
      anonymousId: str(e.anonymous_id),
      userId: str(e.user_id),
      properties: parseJson(e.properties),
      traits: parseJson(e.traits),
    });
  }
  items.push(...bySession.values());
  const milestones = await db.query(
    `SELECT ${isoSql('reached_at')} AS at, milestone, source, message_id FROM milestones WHERE workspace_id = $ws AND person_id = $p`,
    { ws, p: personId },
  );
  for (const m of milestones)
    items.push({
      kind: 'milestone',
      at: String(m.at),
      milestone: String(m.milestone),
      source: String(m.source),
      messageId: str(m.message_id),
    });
  const changes = await db.query(
    `SELECT ${isoSql('recorded_at')} AS at, change, person_id, others, reason, detail FROM identity_changes
     WHERE workspace_id = $ws AND (person_id = $p OR list_contains(CAST(others AS VARCHAR[]), $p)) ORDER BY recorded_at`,
    { ws, p: personId },
  );
  for (const c of changes) {
    items.push({
      kind: 'identity',
      at: String(c.at),
      change: String(c.change),
      others: (parseJson(c.others) as string[]) ?? [],
      reason: str(c.reason),
      detail: str(c.detail),
    });
  }
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  const times = items.map((i) => i.at);
  return {
    personId,
    identifiers,
    firstSeen: times[0] ?? null,
    lastSeen: times.at(-1) ?? null,
    timeline: items,
  };
}

/**
 * The events carrying one of the person's anonymous or user ids, by time then message id.
 *
 * DuckDB pushes a single equality into the table scan, reading the wide JSON columns (properties, traits,
 * context) only where it matches, but not a test against several values: that reads them for every event.
 * So one id is one query; several are two reads on one snapshot: the rowids of the matching events from a
 * narrow scan, then those rows by rowid ranges, or for very many, one scan bounded by the rowids found.
 */
export async function journeyEvents(
  db: Db,
  ws: string,
  anon: readonly string[],
  users: readonly string[],
  opts: JourneyReadOptions = JOURNEY_READ,
): Promise<Row[]> {
  if (anon.length + users.length === 0) return [];
  if (anon.length + users.length === 1) {
    const column = anon.length > 0 ? 'anonymous_id' : 'user_id';
    const id = anon[0] ?? users[0]!;
    return db.query(
      `SELECT message_id, ${EVENT_COLUMNS} FROM events WHERE workspace_id = $ws AND ${column} = $id ORDER BY ts, message_id`,
      { ws, id },
    );
  }
  return db.readTransaction(async (conn) => {
    const lists = { anon: listValue([...anon]), users: listValue([...users]) };
    const listTypes = { anon: VARCHAR_LIST, users: VARCHAR_LIST };
    // a semi join per kind of id keeps the narrow scan's cost flat in the number of ids; an event carrying
    // both an anonymous and a user id of the person is found twice, and UNION keeps it once
    const finds: string[] = [];
    const params: Params = { ws };
    if (anon.length > 0) {
      finds.push(
        'SELECT rowid AS rid, message_id FROM events WHERE workspace_id = $ws AND anonymous_id IN (SELECT unnest($anon::VARCHAR[]))',
      );
      params.anon = lists.anon;
    }
    if (users.length > 0) {
      finds.push(
        'SELECT rowid AS rid, message_id FROM events WHERE workspace_id = $ws AND user_id IN (SELECT unnest($users::VARCHAR[]))',
      );
      params.users = lists.users;
    }
    const found = await read(conn, finds.join(' UNION '), params, listTypes);
    if (found.length === 0) return [];
    const messageOf = new Map(found.map((r) => [Number(r.rid), String(r.message_id)]));
    const ranges = rowidRanges(
      [...messageOf.keys()].sort((a, b) => a - b),
      opts.rangeGap,
    );
    // rowids are written into the SQL as integers (a bound JS number is a DOUBLE, and would hide the rowid filter)
    const scan = ranges.length > opts.maxRanges;
    const rows = scan
      ? await read(
          conn,
          `SELECT rowid AS rid, message_id, ${EVENT_COLUMNS} FROM events
           WHERE workspace_id = $ws AND rowid BETWEEN ${ranges[0]![0]} AND ${ranges.at(-1)![1]}
             AND (list_contains($anon::VARCHAR[], anonymous_id) OR list_contains($users::VARCHAR[], user_id))
           ORDER BY ts, message_id`,
          { ws, ...lists },
          listTypes,
        )
      : await read(
          conn,
          `SELECT ${EVENT_NAMES} FROM (${ranges
            .map(
              ([lo, hi]) =>
                `SELECT rowid AS rid, ts, message_id, ${EVENT_COLUMNS} FROM events WHERE rowid BETWEEN ${lo} AND ${hi}`,
            )
            .join(' UNION ALL ')}) ORDER BY ts, message_id`,
        );
    // a range also holds the rows between the person's: keep theirs, and check both reads saw the same events
    const events = rows.filter((r) => messageOf.has(Number(r.rid)));
    const same = events.length === messageOf.size && (!scan || rows.length === events.length);
    if (!same || events.some((r) => messageOf.get(Number(r.rid)) !== String(r.message_id))) {
      throw new Error(
        `journey read: the events found (${messageOf.size}) and the events fetched (${events.length}) differ`,
      );
    }
    return events.map(({ rid: _rid, ...e }) => e);
  });
}

/** Sorted rowids as [lo, hi] ranges, merging neighbours at most `gap` apart. */
export function rowidRanges(sorted: readonly number[], gap: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const r of sorted) {
    const last = ranges.at(-1);
    if (last && r - last[1] <= gap) last[1] = r;
    else ranges.push([r, r]);
  }
  return ranges;
}

async function read(
  conn: DuckDBConnection,
  sql: string,
  params?: Params,
  types?: Record<string, DuckDBType>,
): Promise<Row[]> {
  return (await conn.runAndReadAll(sql, params, types)).getRowObjectsJson() as Row[];
}
