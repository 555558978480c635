// Domain types the store speaks. Engine-neutral: no SQL here.

export interface Workspace {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  writeKey: string;
  createdAt: string;
}

export interface NewWorkspace {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  writeKey: string;
  /** sha256 of the secret API key; the key itself is never stored. */
  secretKeyHash: string;
}

/** Where an event came from; kept on the fact so a bad source can be traced and re-imported. */
export type EventOrigin = 'import' | 'api' | 'collect';

/** An event as a client sent it (Segment spec), before normalisation. */
export type RawEvent = Record<string, unknown>;

export interface StoredEvent {
  messageId: string;
  type: string;
  event: string | null;
  name: string | null;
  anonymousId: string | null;
  userId: string | null;
  timestamp: string;
  receivedAt: string;
  pageUrl: string | null;
  pageReferrer: string | null;
  properties: unknown;
  traits: unknown;
  context: unknown;
  origin: EventOrigin;
  /** Derived from the user agent and IP (null until derived, or when unknown). */
  enrichment: { browser: string | null; os: string | null; deviceType: string | null; bot: boolean | null; country: string | null };
}

export interface UserAgentRow {
  workspaceId: string;
  userAgent: string;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  deviceType: string;
  bot: boolean;
  botReason: string | null;
}

export interface EventFilter {
  type?: string;
  anonymousId?: string;
  userId?: string;
  since?: string;
  until?: string;
  limit?: number;
}

/** A rejected input: which line (or batch position), which field, and why. */
export interface Rejection {
  line: number;
  field: string;
  reason: string;
}

export interface IngestResult {
  received: number;
  inserted: number;
  duplicates: number;
  rejected: Rejection[];
  /** Total rejected (the list may be capped). */
  rejectedCount: number;
  /** The batch id the events were stored under (file imports: the post-import redaction is limited to it). */
  batchId?: string;
}

export interface IdentityLink {
  /** e.g. anonymous_id, user_id, email, phone, crm_id, stripe_customer */
  fromKind: string;
  fromValue: string;
  toKind: string;
  toValue: string;
  source: string;
  at: string;
}

/** A distinct session landing, as the derive step hands it to the channel rules. */
export interface Landing {
  landingUrl: string | null;
  referrer: string | null;
  /** `context.campaign` of the landing event as JSON text (server-side SDKs send UTMs there). */
  campaignContext: string | null;
}

/** The acquisition the channel rules decided for a landing. */
export interface Acquisition {
  source: string;
  medium: string;
  campaign: string | null;
  term: string | null;
  content: string | null;
  campaignId: string | null;
  clickIds: Record<string, string>;
  adIds: Record<string, string | null>;
  channel: string;
  platform: string;
  channelRule: string;
  decidedBy: string;
}

export interface SessionRow extends Acquisition {
  sessionId: string;
  anonymousId: string;
  startedAt: string;
  endedAt: string;
  landingUrl: string | null;
  referrer: string | null;
  pageViews: number;
  eventCount: number;
  userAgent: string | null;
  country: string | null;
}

/**
 * How opaque ids (anonymous and user ids) are normalised (model/identity/normalise.ts), so that the
 * engine can place ids that no link touches by itself: trimmed of these characters, at most
 * `maxLength` long, not one of the placeholders (compared lower-cased).
 */
export interface OpaqueIdRule {
  trimChars: string;
  maxLength: number;
  placeholders: readonly string[];
}

/**
 * Identity resolution's inputs, read out of the facts: every link, and the identifiers the graph must
 * place (the anonymous and user ids that a link touches or that the engine cannot normalise alone; all
 * of them with `everyIdentifier`), with when each was first seen and its current person.
 */
export interface IdentityInputs {
  /** Edges (normalised links) among the ids to place. */
  links: IdentityLinkRow[];
  /** Ids to place with when each was first seen (as an event's id, or as the valid end of a link whose other end was rejected). */
  seen: { kind: string; value: string; at: number }[];
  previous: IdentityRow[];
}

/** A link between two identifiers: raw as the facts state it, or normalised (an identity edge). */
export interface IdentityLinkRow {
  aKind: string;
  aValue: string;
  /** '' on an edge whose other end was rejected by normalisation: a sighting of `a` alone. */
  bKind: string;
  bValue: string;
  /** Epoch milliseconds of the earliest fact stating it. */
  at: number;
  source: string;
}

/** Per workspace, the ids that new events carried (the derive step re-derives only around them). */
export interface TouchedIds {
  anonymousIds: string[];
  userIds: string[];
}

/** The touched ids with their events staged by the store for one derive (engine-side, until released). */
export interface TouchedEvents extends TouchedIds {
  stage: string;
  /** How many events the touched ids have in all. */
  events: number;
}

export interface IdentifierKey {
  kind: string;
  value: string;
}

export interface IdentityRow {
  kind: string;
  value: string;
  personId: string;
  /** A shared device's row holds only its span [from, until) (epoch ms; null: unbounded). Absent on every other row. */
  span?: { from: number | null; until: number | null };
}

export interface QuarantineRow {
  kind: string;
  value: string;
  distinctEmails: number;
  distinctUsers: number;
  reason: string;
  sources: string[];
}

export interface IdentityChangeRow {
  change: 'merge' | 'split' | 'removed';
  personId: string;
  others: string[];
  reason: string | null;
  detail: string | null;
}

/**
 * What a resolution writes back: the graph's assignment as parallel columns, the quarantine and the
 * changes. Every other seen id is its own person, with the id `'p_' || left(sha256(kind || ':' || value), 16)`.
 */
export interface IdentityOutput {
  kinds: readonly string[];
  values: readonly string[];
  personIds: readonly string[];
  quarantined: readonly QuarantineRow[];
  changes: readonly IdentityChangeRow[];
  /** Shared devices' spans: anonymous id `value` belongs to `personId` over [from, until) (epoch ms; null: unbounded). */
  spans?: readonly { value: string; personId: string; from: number | null; until: number | null }[];
}

/** What splits a shared device's time: every link touching it (each occurrence), and its session starts (epoch ms). */
export interface DeviceTimelines {
  links: { aKind: string; aValue: string; bKind: string; bValue: string; at: number }[];
  sessions: { anonymousId: string; at: number }[];
}

export type JourneyItem =
  | { kind: 'session'; at: string; session: SessionRow; pages: { at: string; url: string | null; title: string | null }[] }
  | { kind: 'event'; at: string; type: string; event: string | null; anonymousId: string | null; userId: string | null; properties: unknown; traits: unknown }
  | { kind: 'milestone'; at: string; milestone: string; source: string; messageId: string | null }
  | { kind: 'identity'; at: string; change: string; others: string[]; reason: string | null; detail: string | null };

export interface PersonJourney {
  personId: string;
  identifiers: { kind: string; value: string }[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Every session, event, milestone and identity change, oldest first. */
  timeline: JourneyItem[];
}

/** Sessions whose channel went from `from` to `to` in a re-derive (null: the session is new, or gone). */
export interface ChannelMove {
  from: string | null;
  to: string | null;
  sessions: number;
}

/** What attribution reads: conversions of one milestone, role milestones and touches, per person. */
export interface AttributionInputs {
  /** Reached milestones of the conversion kind (epoch ms), value 0 when the milestone has none. */
  conversions: { personId: string; at: number; value: number }[];
  /** First time each person reached each role milestone (lead, opportunity, won). */
  roles: { personId: string; milestone: string; at: number }[];
  /** Touches (sessions) of the persons, ordered by person then time. */
  touches: { personId: string; touchId: string; channel: string; at: number }[];
}

/**
 * Touches of every person without a conversion, columnar (a workspace has millions): person after
 * person, each in time order; person j's touches are [offsets[j], offsets[j+1]), channels by index.
 */
export interface NonConvertingTouches {
  channels: string[];
  channel: Int32Array;
  at: Float64Array;
  offsets: Int32Array;
}

/** One credited touch of one conversion under one model; touchId null is "(no touchpoint)". */
export interface CreditRow {
  model: string;
  personId: string;
  convertedAt: number;
  touchId: string | null;
  touchedAt: number | null;
  channel: string;
  weight: number;
  conversions: number;
  value: number;
}

/** Dimensions credits can be grouped by: the touch's session fields. */
export const CREDIT_DIMENSIONS = ['channel', 'source', 'medium', 'campaign', 'term', 'content', 'landing_page', 'platform', 'country'] as const;
export type CreditDimension = (typeof CREDIT_DIMENSIONS)[number];

export interface CreditQuery {
  model: string;
  milestone: string;
  groupBy: readonly CreditDimension[];
  /** Conversions from (inclusive) / to (exclusive), epoch ms. */
  from?: number;
  to?: number;
}

export interface CreditGroup {
  key: Record<string, string | null>;
  conversions: number;
  value: number;
  /** Distinct conversions that gave this group any credit. */
  touchedConversions: number;
}

/** What loading one journal segment did: new events (and whose ids), and lines set aside as dead letters. */
export interface JournalLoadResult {
  inserted: number;
  /** Per workspace, the anonymous and user ids that received new events. */
  touched: Map<string, TouchedIds>;
  /** Lines of the segment that could not load and were stored as dead letters (see docs/dead-letters.md). */
  deadLetters: number;
}

/** A journal line set aside with the reason it could not load. The raw bytes stay in the store; this shows a preview. */
export interface DeadLetter {
  id: string;
  /** NULL when the line is too broken to name its workspace. */
  workspaceId: string | null;
  /** Where it came from, e.g. the journal segment's file name. */
  source: string;
  line: number;
  receivedAt: string | null;
  failedAt: string;
  /** 'field|reason', as the event rules word it. */
  reason: string;
  /** The raw line's first characters (truncated: never the whole line). */
  preview: string;
  bytes: number;
  /** When a retry stored it (null while pending). */
  retriedAt: string | null;
}

export interface DeadLetterCounts {
  /** Not loaded yet. */
  pending: number;
  /** Loaded by a retry. */
  retried: number;
}

export interface DeadLetterFilter {
  workspaceId?: string;
  id?: string;
}

/** A retry of dead letters through the journal's load path. */
export interface DeadLetterRetry {
  /** Ids that loaded now (as new events, or as duplicates of events already stored). */
  loaded: string[];
  /** Ids that still cannot load, with today's reason. */
  failed: { id: string; reason: string }[];
  inserted: number;
  touched: Map<string, TouchedIds>;
}

/** One run of the stored-facts redaction (`closedloop redact`, or the end of a file import): names only. */
export interface RedactionRun {
  id: string;
  workspaceId: string;
  ranAt: string;
  /** 'workspace' (every event) or 'import:<batch id>' (one import's events). */
  scope: string;
  extraNames: string[];
  redactedNames: string[];
  rowsExamined: number;
  rowsChanged: number;
}

/**
 * What every redactable parameter name holds (lower-cased, before decoding unless it holds a `%`): one
 * of `anywhere` inside it, or one of `words` as a whole word (split at non-alphanumerics and camelCase,
 * as the redaction splits names). The stored-facts redaction reads only events whose JSON holds one.
 */
export interface RedactionHint {
  anywhere: readonly string[];
  words: readonly string[];
}

/** An event's fields the stored-facts redaction hands to the redaction function, and gets back. */
export interface RedactableEvent {
  messageId: string;
  type: string;
  anonymousId: string | null;
  userId: string | null;
  timestamp: string;
  properties: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
}

/** A raw value in a fact's identifier column that may spell one of a person's identifiers (the model checks). */
export interface SpellingCandidate {
  /** The events column it is in, or `identity_link` (either end of a link). */
  column: 'anonymous_id' | 'user_id' | 'previous_id' | 'email' | 'phone' | 'identity_link';
  /** The column's kind; for a link end, the link's own kind as stored. */
  kind: string;
  value: string;
}

/**
 * Every fact and derived row about one person, as the model found them: their identifiers (normalised),
 * how the facts spell them (raw), and the events and dead letters that mention them elsewhere.
 */
export interface PersonSelection {
  /** The person's id and the earlier ids of theirs that identity_changes names. */
  personIds: string[];
  identifiers: IdentifierKey[];
  /**
   * Raw values of the events' identifier columns, and events that mention the person in their JSON; a shared
   * device's raw spellings are not in `anonymousIds` but in `deviceSpans`, once per stretch of the person's.
   */
  events: {
    anonymousIds: string[];
    userIds: string[];
    previousIds: string[];
    emails: string[];
    phones: string[];
    messageIds: string[];
    deviceSpans: DeviceSpan[];
  };
  /** The person's stretches of the shared devices they used (normalised anonymous ids other persons hold too). */
  sharedDevices: DeviceSpan[];
  /** Raw (kind, value) ends of identity_links. */
  links: IdentifierKey[];
  deadLetters: string[];
}

/** A person's stretch `[from, until)` of a shared device's time (ISO 8601 UTC; null: unbounded), as identities spans it. */
export interface DeviceSpan {
  anonymousId: string;
  from: string | null;
  until: string | null;
}

/** Rows per table (all columns; JSON columns as JSON, times in the engine's text form, blobs as base64). */
export type PersonRows = Record<string, Record<string, unknown>[]>;

/** The audit record of one erasure: no personal data, only when, where and how many rows. */
export interface ErasureRecord {
  id: string;
  workspaceId: string;
  requestedAt: string;
  rederivedAt: string | null;
  via: 'api' | 'cli';
  rowCounts: Record<string, number>;
}
