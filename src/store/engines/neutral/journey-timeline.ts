// A person's journey assembled from the rows every engine reads alike (journey-queries.ts): the one place
// that decides which of a shared device's sessions and events are the person's, which page views fold
// into a session, and the order of the timeline. Pure: no store, no engine.
import type { JourneyItem, PersonJourney } from '../../areas/journeys.js';
import type { SessionRow } from '../../areas/sessions.js';

/**
 * One of the person's identities rows. A shared device's rows carry a span, epoch milliseconds
 * `[from, until)` with either end open (null); every other row has neither end.
 */
export interface JourneyIdentity {
  kind: string;
  value: string;
  from: number | null;
  until: number | null;
}

/** An event carrying one of the person's ids; `at` is ISO 8601 UTC with milliseconds. */
export interface JourneyEvent {
  at: string;
  type: string;
  event: string | null;
  anonymousId: string | null;
  userId: string | null;
  url: string | null;
  title: string | null;
  properties: unknown;
  traits: unknown;
}

export type JourneyMilestone = Omit<
  Extract<JourneyItem, { kind: 'milestone' }>,
  'kind' | 'value'
> & {
  value?: number | null;
};
export type JourneyChange = Omit<Extract<JourneyItem, { kind: 'identity' }>, 'kind'>;
export type JourneyCrmChange = Omit<Extract<JourneyItem, { kind: 'crm' }>, 'kind'>;
export type JourneyRevenue = Omit<Extract<JourneyItem, { kind: 'revenue' }>, 'kind'>;

/** What a journey is read from. Each list in its own time order (as its read gives it). */
export interface JourneyParts {
  personId: string;
  identities: readonly JourneyIdentity[];
  /** The sessions of the person's anonymous ids (a shared device's are all there: filtered here). */
  sessions: readonly SessionRow[];
  /** The events carrying one of the person's anonymous or user ids (a shared device's: all of them). */
  events: readonly JourneyEvent[];
  milestones: readonly JourneyMilestone[];
  /** The identity changes naming the person (as the person, or among the others). */
  changes: readonly JourneyChange[];
  /** The CRM changes of the objects resolved to the person, by time. */
  crm?: readonly JourneyCrmChange[];
  /** The revenue records naming one of the person's identifiers, by time. */
  revenue?: readonly JourneyRevenue[];
}

/** The person's distinct identifiers (kind, value), and the ids whose sessions and events to read. */
export function journeyIds(identities: readonly JourneyIdentity[]): {
  identifiers: { kind: string; value: string }[];
  anonymousIds: string[];
  userIds: string[];
} {
  const identifiers = [
    ...new Map(
      identities.map((r) => [`${r.kind}\u0000${r.value}`, { kind: r.kind, value: r.value }]),
    ).values(),
  ];
  const of = (kind: string) => identifiers.filter((i) => i.kind === kind).map((i) => i.value);
  return { identifiers, anonymousIds: of('anonymous_id'), userIds: of('user_id') };
}

/**
 * The timeline: sessions with their page views, the other events, milestones, identity changes, CRM
 * changes and revenue, oldest first. At one instant events come first, then sessions, milestones,
 * identity changes, CRM changes and revenue, each
 * in the order it was given (a stable sort), so the order follows the reads and nothing else.
 */
export function journeyTimeline(j: JourneyParts): PersonJourney {
  const { identifiers, userIds: users } = journeyIds(j.identities);
  // a shared device appears once per span of its time that is this person's
  const spans = new Map<string, { from: number; until: number }[]>();
  for (const r of j.identities) {
    if (r.from === null && r.until === null) continue;
    const list = spans.get(r.value) ?? [];
    list.push({ from: r.from ?? -Infinity, until: r.until ?? Infinity });
    spans.set(r.value, list);
  }
  /** Whether a shared device's session start or event time is this person's. */
  const mine = (anonymousId: string | null, at: string): boolean => {
    const own = anonymousId === null ? undefined : spans.get(anonymousId);
    if (own === undefined) return true;
    const t = Date.parse(at);
    return own.some((x) => t >= x.from && t < x.until);
  };
  const userIds = new Set(users);

  const sessions = j.sessions
    .filter((s) => mine(s.anonymousId, s.startedAt))
    .map((session) => ({
      kind: 'session' as const,
      at: session.startedAt,
      session,
      pages: [] as { at: string; url: string | null; title: string | null }[],
    }));
  const sessionsOf = new Map<string, typeof sessions>();
  for (const s of sessions) {
    const list = sessionsOf.get(s.session.anonymousId) ?? [];
    list.push(s);
    sessionsOf.set(s.session.anonymousId, list);
  }

  const items: JourneyItem[] = [];
  for (const e of j.events) {
    // an event reached through the person's user id is theirs wherever it was sent from
    if (!((e.userId !== null && userIds.has(e.userId)) || mine(e.anonymousId, e.at))) continue;
    if (e.type === 'page' || e.type === 'screen') {
      const s = (e.anonymousId === null ? undefined : sessionsOf.get(e.anonymousId))?.find(
        (x) => x.session.startedAt <= e.at && e.at <= x.session.endedAt,
      );
      if (s) {
        s.pages.push({ at: e.at, url: e.url, title: e.title });
        continue;
      }
    }
    items.push({
      kind: 'event',
      at: e.at,
      type: e.type,
      event: e.event,
      anonymousId: e.anonymousId,
      userId: e.userId,
      properties: e.properties,
      traits: e.traits,
    });
  }
  items.push(...sessions);
  for (const m of j.milestones)
    items.push({
      kind: 'milestone',
      at: m.at,
      milestone: m.milestone,
      source: m.source,
      messageId: m.messageId,
      value: m.value ?? null,
    });
  for (const c of j.changes)
    items.push({
      kind: 'identity',
      at: c.at,
      change: c.change,
      others: c.others,
      reason: c.reason,
      detail: c.detail,
    });
  for (const c of j.crm ?? []) items.push({ kind: 'crm', ...c });
  for (const r of j.revenue ?? []) items.push({ kind: 'revenue', ...r });
  items.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
  return {
    personId: j.personId,
    identifiers,
    firstSeen: items[0]?.at ?? null,
    lastSeen: items.at(-1)?.at ?? null,
    timeline: items,
  };
}
