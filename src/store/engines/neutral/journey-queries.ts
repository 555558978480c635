// A person's journey, read for the timeline API, written once for every engine: the person's identities,
// the sessions (the inspection read) and events of their ids, their milestones and the identity changes
// naming them; journey-timeline.ts assembles the timeline from these rows, the same on every engine.
//
// An engine reads the events its own way (`JourneyReads.events`): ClickHouse runs journeyEventsSql;
// DuckDB runs it for one id, and for several the narrow read of row references then those rows by
// ranges (journeyEventRefsSql, journeyEventRangesSql, journeyEventScanSql; why: duckdb/journey-repo.ts).
import type { PersonJourney } from '../../areas/journeys.js';
import { listSessionsSql, toSessionRow } from './inspection-queries.js';
import {
  journeyTimeline,
  journeyIds,
  type JourneyChange,
  type JourneyEvent,
  type JourneyIdentity,
  type JourneyMilestone,
} from './journey-timeline.js';
import { json, num, text } from './rows.js';
import { fn, ident, join, p, raw, sql, type Raw, type Sql } from './sql.js';

type Row = Record<string, unknown>;

/** The person's identities rows (a shared device's with its span, epoch ms), in a total order. */
export function personIdentitiesSql(workspaceId: string, personId: string): Sql {
  return sql`SELECT kind, value, ${fn.epochMs('from_at')} AS f, ${fn.epochMs('until_at')} AS u
    FROM ${fn.table('identities')}
    WHERE workspace_id = ${p.text(workspaceId)} AND person_id = ${p.text(personId)}
    ORDER BY kind, value, f NULLS FIRST`;
}

export const toJourneyIdentity = (r: Row): JourneyIdentity => ({
  kind: String(r.kind),
  value: String(r.value),
  from: num(r.f),
  until: num(r.u),
});

/** The columns a journey shows of an event (after `message_id`; `at` at the millisecond). */
const EVENT_COLUMNS = sql`${fn.isoTime('ts')} AS "at", type, event, anonymous_id, user_id,
  page_url AS url, ${fn.jsonText('context', 'page', 'title')} AS title, properties, traits`;
/** The same columns by name, to select from a union of reads that carry them. */
const EVENT_NAMES = raw(
  'message_id, "at", type, event, anonymous_id, user_id, url, title, properties, traits',
);

const ws = (workspaceId: string) => sql`workspace_id = ${p.text(workspaceId)}`;

/**
 * The events carrying one of the ids, by time then message id: one read. One id is an equality (which
 * DuckDB pushes into its scan); several are a read per kind of id, the user ids' less the events the
 * anonymous ids already found (each read can use its own index: ClickHouse's sort key leads with the
 * anonymous id, and the user id has a bloom filter), so an event carrying both is found once.
 */
export function journeyEventsSql(
  workspaceId: string,
  anonymousIds: readonly string[],
  userIds: readonly string[],
): Sql {
  const sole = anonymousIds.length + userIds.length === 1;
  if (sole) {
    const column = ident(anonymousIds.length > 0 ? 'anonymous_id' : 'user_id');
    const id = p.text(anonymousIds[0] ?? userIds[0]!);
    return sql`SELECT message_id, ${EVENT_COLUMNS} FROM ${fn.table('events')}
      WHERE ${ws(workspaceId)} AND ${column} = ${id} ORDER BY ts, message_id`;
  }
  const reads: Sql[] = [];
  const anon = anonymousIds.length > 0 ? p.texts(anonymousIds) : undefined;
  if (anon)
    reads.push(sql`SELECT ts, message_id, ${EVENT_COLUMNS} FROM ${fn.table('events')}
      WHERE ${ws(workspaceId)} AND ${fn.inSet('anonymous_id', anon)}`);
  if (userIds.length > 0) {
    const notFound = anon
      ? sql` AND (anonymous_id IS NULL OR NOT (${fn.inSet('anonymous_id', anon)}))`
      : sql``;
    reads.push(sql`SELECT ts, message_id, ${EVENT_COLUMNS} FROM ${fn.table('events')}
      WHERE ${ws(workspaceId)} AND ${fn.inSet('user_id', p.texts(userIds))}${notFound}`);
  }
  if (reads.length === 0) throw new Error('journey events: no ids to read');
  return sql`SELECT ${EVENT_NAMES} FROM (${join(reads, ' UNION ALL ')}) found ORDER BY ts, message_id`;
}

/**
 * A narrow read of the events carrying one of the ids: `rid` (the engine's row reference, `rowId`, e.g.
 * DuckDB's rowid) and message_id. A semi join per kind of id keeps its cost flat in the number of ids;
 * an event carrying an anonymous and a user id of the person is found twice, and UNION keeps it once.
 */
export function journeyEventRefsSql(
  workspaceId: string,
  anonymousIds: readonly string[],
  userIds: readonly string[],
  rowId: string,
): Sql {
  const finds: Sql[] = [];
  for (const [column, ids] of [
    ['anonymous_id', anonymousIds],
    ['user_id', userIds],
  ] as const)
    if (ids.length > 0)
      finds.push(sql`SELECT ${ident(rowId)} AS rid, message_id FROM ${fn.table('events')}
        WHERE ${ws(workspaceId)} AND ${fn.inSet(column, p.texts(ids))}`);
  if (finds.length === 0) throw new Error('journey events: no ids to read');
  return join(finds, ' UNION ');
}

/** A row reference as SQL text: an integer written into the query (see journey-repo for why). */
function rowRef(n: number): Raw {
  if (!Number.isSafeInteger(n)) throw new Error(`not a row reference: ${n}`);
  return raw(String(n));
}

/**
 * The events whose row reference lies in one of the ranges `[lo, hi]` (every event there, the person's
 * or not: the caller keeps the rows its refs named), with `rid`, by time then message id.
 */
export function journeyEventRangesSql(ranges: readonly [number, number][], rowId: string): Sql {
  if (ranges.length === 0) throw new Error('journey events: no ranges to read');
  const rid = ident(rowId);
  const reads = ranges.map(
    ([lo, hi]) =>
      sql`SELECT ${rid} AS rid, ts, message_id, ${EVENT_COLUMNS} FROM ${fn.table('events')}
        WHERE ${rid} BETWEEN ${rowRef(lo)} AND ${rowRef(hi)}`,
  );
  return sql`SELECT rid, ${EVENT_NAMES} FROM (${join(reads, ' UNION ALL ')}) found
    ORDER BY ts, message_id`;
}

/** The events carrying one of the ids, in one scan bounded by row references lo..hi, with `rid`. */
export function journeyEventScanSql(
  workspaceId: string,
  anonymousIds: readonly string[],
  userIds: readonly string[],
  bounds: [number, number],
  rowId: string,
): Sql {
  const rid = ident(rowId);
  return sql`SELECT ${rid} AS rid, message_id, ${EVENT_COLUMNS} FROM ${fn.table('events')}
    WHERE ${ws(workspaceId)} AND ${rid} BETWEEN ${rowRef(bounds[0])} AND ${rowRef(bounds[1])}
      AND (${fn.inList('anonymous_id', p.texts(anonymousIds))} OR ${fn.inList('user_id', p.texts(userIds))})
    ORDER BY ts, message_id`;
}

export const toJourneyEvent = (r: Row): JourneyEvent => ({
  at: String(r.at),
  type: String(r.type),
  event: text(r.event),
  anonymousId: text(r.anonymous_id),
  userId: text(r.user_id),
  url: text(r.url),
  title: text(r.title),
  properties: json(r.properties),
  traits: json(r.traits),
});

/** The person's milestones, by time (then by what tells two apart). */
export function personMilestonesSql(workspaceId: string, personId: string): Sql {
  return sql`SELECT ${fn.isoTime('reached_at')} AS "at", milestone, source, message_id
    FROM ${fn.table('milestones')}
    WHERE ${ws(workspaceId)} AND person_id = ${p.text(personId)}
    ORDER BY reached_at, milestone, source, message_id`;
}

export const toJourneyMilestone = (r: Row): JourneyMilestone => ({
  at: String(r.at),
  milestone: String(r.milestone),
  source: String(r.source),
  messageId: text(r.message_id),
});

/**
 * The identity changes naming the person, as the person or among the others (a merge names the persons
 * it took in), by time; the changes of one resolution share their time, and their content orders them.
 */
export function personChangesSql(workspaceId: string, personId: string): Sql {
  const person = p.text(personId);
  return sql`SELECT ${fn.isoTime('recorded_at')} AS "at", change, person_id, others, reason, detail
    FROM ${fn.table('identity_changes')}
    WHERE ${ws(workspaceId)} AND (person_id = ${person} OR ${fn.listHas(fn.jsonTexts('others'), person)})
    ORDER BY recorded_at, change, person_id, ${fn.jsonAsText('others')}, reason, detail`;
}

export const toJourneyChange = (r: Row): JourneyChange => ({
  at: String(r.at),
  change: String(r.change),
  others: (json(r.others) as string[] | null) ?? [],
  reason: text(r.reason),
  detail: text(r.detail),
});

/** How an engine reads a journey. */
export interface JourneyReads {
  /** A neutral query's rows. */
  rows(q: Sql): Promise<Row[]>;
  /** The events carrying one of the ids, in the shape and order of journeyEventsSql. */
  events(anonymousIds: readonly string[], userIds: readonly string[]): Promise<Row[]>;
}

/** Everything known about one person, oldest first; undefined when the workspace has no such person. */
export async function readPersonJourney(
  r: JourneyReads,
  workspaceId: string,
  personId: string,
): Promise<PersonJourney | undefined> {
  const identities = (await r.rows(personIdentitiesSql(workspaceId, personId))).map(
    toJourneyIdentity,
  );
  if (identities.length === 0) return undefined;
  const { anonymousIds, userIds } = journeyIds(identities);
  const sessions =
    anonymousIds.length > 0
      ? (await r.rows(listSessionsSql(workspaceId, { anonymousIds }))).map(toSessionRow)
      : [];
  const events =
    anonymousIds.length + userIds.length > 0
      ? (await r.events(anonymousIds, userIds)).map(toJourneyEvent)
      : [];
  const milestones = (await r.rows(personMilestonesSql(workspaceId, personId))).map(
    toJourneyMilestone,
  );
  const changes = (await r.rows(personChangesSql(workspaceId, personId))).map(toJourneyChange);
  return journeyTimeline({ personId, identities, sessions, events, milestones, changes });
}
