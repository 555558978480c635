// A person's journey, read for the timeline API, written once for every engine: the person's identities,
// the sessions (the inspection read) and events of their ids, their milestones (with their values), the
// identity changes naming them, the CRM changes of the objects resolved to them (as the CRM derive
// resolves them) and the revenue records naming their identifiers; journey-timeline.ts assembles the timeline from these rows, the same on every engine.
//
// An engine reads the events its own way (`JourneyReads.events`): ClickHouse runs journeyEventsSql;
// DuckDB runs it for one id, and for several the narrow read of row references then those rows by
// ranges (journeyEventRefsSql, journeyEventRangesSql, journeyEventScanSql; why: duckdb/journey-repo.ts).
import type { PersonJourney } from '../../areas/journeys.js';
import { resolvedCtes } from './crm-queries.js';
import { listSessionsSql, toSessionRow } from './inspection-queries.js';
import {
  journeyTimeline,
  journeyIds,
  type JourneyChange,
  type JourneyCrmChange,
  type JourneyEvent,
  type JourneyRevenue,
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
  return sql`SELECT ${fn.isoTime('reached_at')} AS "at", milestone, source, message_id, value
    FROM ${fn.table('milestones')}
    WHERE ${ws(workspaceId)} AND person_id = ${p.text(personId)}
    ORDER BY reached_at, milestone, source, message_id`;
}

export const toJourneyMilestone = (r: Row): JourneyMilestone => ({
  at: String(r.at),
  milestone: String(r.milestone),
  source: String(r.source),
  messageId: text(r.message_id),
  value: num(r.value),
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

/**
 * The CRM changes of the objects that resolve to the person (crm-queries.ts resolvedCtes: a contact by
 * its own keys, a deal by its first contact's person), by time.
 */
export function personCrmChangesSql(workspaceId: string, personId: string): Sql {
  return sql`WITH ${resolvedCtes(workspaceId)}
  SELECT ${fn.isoTime('c.occurred_at')} AS "at", c.source AS source, c.object_type AS object_type,
    c.object_id AS object_id, c.change AS change, c.stage AS stage, c.pipeline AS pipeline,
    c.outcome AS outcome, c.amount_minor AS amount_minor, c.currency AS currency,
    c.lost_reason AS lost_reason
  FROM ${fn.table('crm_changes')} c
  JOIN resolved r ON r.source = c.source AND r.object_type = c.object_type AND r.object_id = c.object_id
  WHERE c.workspace_id = ${p.text(workspaceId)} AND r.person_id = ${p.text(personId)}
  ORDER BY c.occurred_at, c.key`;
}

export const toJourneyCrmChange = (r: Row): JourneyCrmChange => ({
  at: String(r.at),
  source: String(r.source),
  objectType: String(r.object_type),
  objectId: String(r.object_id),
  change: String(r.change),
  stage: text(r.stage),
  pipeline: text(r.pipeline),
  outcome: text(r.outcome),
  amountMinor: num(r.amount_minor),
  currency: text(r.currency),
  lostReason: text(r.lost_reason),
});

/**
 * The revenue records that are the person's: one of whose match keys is one of their identifiers (an
 * anonymous id, e-mail or phone) or the id of a contact resolved to them, or that pay for a deal resolved
 * to them; by time.
 */
export function personRevenueSql(workspaceId: string, personId: string): Sql {
  const w = p.text(workspaceId);
  const keys = fn.table('crm_match_keys');
  return sql`WITH ${resolvedCtes(workspaceId)},
  mine AS (SELECT object_type, object_id FROM resolved WHERE person_id = ${p.text(personId)})
  SELECT ${fn.isoTime('v.occurred_at')} AS "at", v.source AS source, v.payment_id AS payment_id,
    v.amount_minor AS amount_minor, v.currency AS currency, v.deal_id AS deal_id,
    v.description AS description
  FROM ${fn.table('revenue_records')} v
  WHERE v.workspace_id = ${w} AND (
    v.key IN (
      SELECT k.key FROM ${keys} k
      JOIN (SELECT kind, value FROM ${fn.table('identities')}
            WHERE workspace_id = ${w} AND person_id = ${p.text(personId)}) i
        ON i.kind = k.kind AND i.value = k.value
      WHERE k.workspace_id = ${w} AND k.kind IN ('anonymous_id', 'email', 'phone'))
    OR v.key IN (
      SELECT k.key FROM ${keys} k JOIN mine m ON m.object_id = k.value
      WHERE k.workspace_id = ${w} AND k.kind = 'contact_id' AND m.object_type IN ('contact', 'lead'))
    OR v.deal_id IN (SELECT object_id FROM mine WHERE object_type = 'deal'))
  ORDER BY v.occurred_at, v.key`;
}

export const toJourneyRevenue = (r: Row): JourneyRevenue => ({
  at: String(r.at),
  source: String(r.source),
  paymentId: text(r.payment_id),
  amountMinor: num(r.amount_minor) ?? 0,
  currency: String(r.currency),
  dealId: text(r.deal_id),
  description: text(r.description),
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
  const crm = (await r.rows(personCrmChangesSql(workspaceId, personId))).map(toJourneyCrmChange);
  const revenue = (await r.rows(personRevenueSql(workspaceId, personId))).map(toJourneyRevenue);
  return journeyTimeline({
    personId,
    identities,
    sessions,
    events,
    milestones,
    changes,
    crm,
    revenue,
  });
}
