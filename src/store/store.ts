import type {
  TouchedIds,
  TouchedEvents,
  IdentifierKey,
  IdentityLinkRow,
  EventFilter,
  EventOrigin,
  IdentityLink,
  IngestResult,
  NewWorkspace,
  RawEvent,
  StoredEvent,
  IdentityInputs,
  DeviceTimelines,
  IdentityRow,
  IdentityOutput,
  OpaqueIdRule,
  NonConvertingTouches,
  PersonJourney,
  QuarantineRow,
  Landing,
  ChannelMove,
  Acquisition,
  SessionRow,
  UserAgentRow,
  Workspace,
  AttributionInputs,
  CreditRow,
  CreditQuery,
  CreditGroup,
  DeadLetter,
  DeadLetterCounts,
  DeadLetterFilter,
  DeadLetterRetry,
  JournalLoadResult,
  RedactableEvent,
  RedactionRun,
  ErasureRecord,
  PersonRows,
  PersonSelection,
  DeviceSpan,
  SpellingCandidate,
} from './types.js';

/** One request's events, for group commit. */
export interface EventGroup {
  workspaceId: string;
  events: readonly RawEvent[];
  origin: EventOrigin;
  receivedAt: Date;
}

export interface ImportProgress {
  /** 0..1 of the current file, as far as the engine can tell. */
  fraction: number;
  file: string;
}

/**
 * The only way into storage. Every read and write names its workspace, and an
 * engine must never return another workspace's rows.
 */
export interface Store {
  readonly engine: string;
  /** Highest migration applied. */
  schemaVersion(): Promise<number>;
  /** True once open and migrated. */
  ready(): boolean;
  /** What the engine may use, as the engine itself reports it (memory as it prints it, e.g. `1.8 GiB`). */
  engineLimits(): Promise<{ memoryLimit: string; threads: number; tempDirectory: string }>;

  createWorkspace(w: NewWorkspace): Promise<Workspace>;
  listWorkspaces(): Promise<Workspace[]>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  findWorkspaceByWriteKey(writeKey: string): Promise<Workspace | undefined>;
  findWorkspaceBySecretHash(secretKeyHash: string): Promise<Workspace | undefined>;
  /** Replaces the workspace's secret key hash (the old key stops working); false: no such workspace. */
  setWorkspaceSecretHash(id: string, secretKeyHash: string): Promise<boolean>;
  /**
   * Removes the workspace and every fact, derived row and audit row of it, all or nothing. Rows removed per
   * table, or undefined when there is no such workspace.
   */
  deleteWorkspace(id: string): Promise<Record<string, number> | undefined>;

  /** Bulk-load Segment-format NDJSON. Idempotent per messageId. */
  importEventsFile(
    workspaceId: string,
    path: string,
    onProgress?: (p: ImportProgress) => void,
  ): Promise<IngestResult>;
  /** Transactional append of already-parsed events; durable when the promise resolves. */
  appendEvents(
    workspaceId: string,
    events: readonly RawEvent[],
    meta: { origin: EventOrigin; receivedAt: Date },
  ): Promise<IngestResult>;
  /**
   * Loads an ingestion-journal segment: NDJSON lines of events carrying `_ws`, `_recv`, `_origin` and
   * `_batch` beside their own fields. Idempotent per messageId, so a segment may be loaded again.
   * Returns how many events were new and, per workspace, the anonymous ids they belong to. A line that
   * cannot load (unreadable, or failing the event rules) becomes a dead letter in the same transaction,
   * and the rest of the segment loads; only a failure of the engine itself (I/O, memory) throws.
   */
  loadEventJournal(path: string): Promise<JournalLoadResult>;
  /** Dead letters, newest first (a workspace's, or all); previews only, never the whole raw line. */
  listDeadLetters(filter: DeadLetterFilter & { pendingOnly?: boolean; limit?: number }): Promise<DeadLetter[]>;
  countDeadLetters(workspaceId?: string): Promise<DeadLetterCounts>;
  /** Replays pending dead letters through the journal's load path; those that load are marked retried. */
  retryDeadLetters(filter: DeadLetterFilter): Promise<DeadLetterRetry>;
  /** Many requests' events in one transaction, a result for each; durable when it resolves. */
  appendEventGroups(groups: readonly EventGroup[]): Promise<IngestResult[]>;
  queryEvents(workspaceId: string, filter?: EventFilter): Promise<StoredEvent[]>;
  countEvents(workspaceId: string): Promise<number>;

  /** Distinct user agents in events that have not been parsed yet. */
  /** User agents not parsed yet: in every event, or in the touched ids' staged events. */
  userAgentsToParse(limit: number, touched?: { workspaceId: string; stage: string }): Promise<{ workspaceId: string; userAgent: string }[]>;
  saveUserAgents(rows: readonly UserAgentRow[]): Promise<void>;

  /**
   * Re-derives sessions for a workspace (or only for the given anonymous ids): boundaries in the engine,
   * each distinct landing's acquisition from `classify`, then the old sessions replaced in one transaction.
   * Landings reach `classify` with the values of `clickIdParams` blinded (`gclid=~`); each session gets
   * its own click id values back. `reportMoves` adds sessions per (old channel, new channel).
   */
  deriveSessions(
    workspaceId: string,
    opts: { inactivityMinutes: number; clickIdParams: readonly string[]; anonymousIds?: readonly string[]; stage?: string; reportMoves?: boolean },
    classify: (landings: readonly Landing[]) => Acquisition[],
  ): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }>;
  listSessions(workspaceId: string, filter?: { anonymousIds?: readonly string[]; limit?: number }): Promise<SessionRow[]>;
  /** Sessions per channel (for rule-change reports and checks). */
  sessionsByChannel(workspaceId: string): Promise<{ channel: string; sessions: number }[]>;

  /**
   * Brings the seen identifiers (each normalised anonymous and user id, first seen when) up to date:
   * all of them, or those in the touched ids' staged events after new events.
   */
  refreshSeenIdentifiers(workspaceId: string, rule: OpaqueIdRule, touched?: TouchedEvents): Promise<void>;
  /**
   * Copies the events of the touched ids aside for one derive, so its scoped steps read those alone;
   * release it when the derive is done. One per workspace at a time.
   */
  stageTouchedEvents(workspaceId: string, touched: TouchedIds): Promise<TouchedEvents>;
  releaseTouchedEvents(touched: TouchedEvents): Promise<void>;
  /** The links the facts state, raw: all, or those in the touched ids' events (and every identity_links fact). */
  identityLinkFacts(workspaceId: string, touched?: TouchedEvents): Promise<IdentityLinkRow[]>;
  /**
   * Stores normalised links (identity edges): `full` replaces them all, else adds new ones and keeps each
   * one's earliest time. Returns the ids at the ends of edges added or moved earlier (none when full).
   */
  saveIdentityEdges(workspaceId: string, edges: readonly IdentityLinkRow[], opts: { full: boolean }): Promise<IdentifierKey[]>;
  /** Whether the edges were written whole once (false for a new workspace or one resolved before edges were kept). */
  identityEdgesReady(workspaceId: string): Promise<boolean>;
  /** The seeds and touched ids (trimmed by the rule) with every id linked to them, transitively. */
  identityScope(workspaceId: string, rule: OpaqueIdRule, seeds: readonly IdentifierKey[], touched: TouchedIds): Promise<IdentifierKey[]>;
  /**
   * Identity resolution's inputs from the stored edges: the edges (of the scope's ids, when given), the ids
   * the graph must place with their first sightings (every seen id with everyIdentifier, which is for a
   * whole workspace), their persons.
   */
  identityInputs(workspaceId: string, opts?: { everyIdentifier?: boolean } | { scope: readonly IdentifierKey[] }): Promise<IdentityInputs>;
  currentIdentities(workspaceId: string): Promise<IdentityRow[]>;
  /** Every link touching these shared devices (anonymous ids), each time it was stated, and their session starts. */
  deviceTimelines(workspaceId: string, anonymousIds: readonly string[]): Promise<DeviceTimelines>;
  /**
   * Writes the graph's persons, then gives every seen id without one its own person (`full`: replaces
   * every row; else only graph rows are replaced). Returns how many such single-id persons were added
   * and how many person ids now name two persons (a hash collision: resolve again with everyIdentifier).
   */
  saveIdentities(
    workspaceId: string,
    out: IdentityOutput,
    opts: { full: boolean; scope?: readonly IdentifierKey[] },
  ): Promise<{ singles: number; collisions: number; persons?: string[] }>;
  /**
   * Recomputes each person's lead milestone (first form, chat, call or identify with an email/phone), or
   * only these persons' (all of whose ids are in `identifiers`).
   */
  deriveLeadMilestones(
    workspaceId: string,
    scope?: { identifiers: readonly IdentifierKey[]; persons: readonly string[]; /** staged events holding all of theirs */ stage?: string },
  ): Promise<number>;
  personsByIdentifier(workspaceId: string, kind: string, value: string): Promise<string[]>;
  personJourney(workspaceId: string, personId: string): Promise<PersonJourney | undefined>;
  quarantinedIdentifiers(workspaceId: string): Promise<QuarantineRow[]>;
  /** Persons that own these anonymous ids. */
  personsOfAnonymousIds(workspaceId: string, anonymousIds: readonly string[]): Promise<string[]>;
  countPersons(workspaceId: string): Promise<number>;
  leadsByFirstTouchChannel(workspaceId: string): Promise<{ channel: string; leads: number }[]>;

  /** Conversions of one milestone, role milestones and touches (of the listed persons, or all). */
  /** `convertingOnly`: touches of persons with a conversion only (the rest come from nonConvertingTouches). */
  attributionInputs(workspaceId: string, milestone: string, personIds?: readonly string[], opts?: { convertingOnly?: boolean }): Promise<AttributionInputs>;
  nonConvertingTouches(workspaceId: string, milestone: string): Promise<NonConvertingTouches>;
  /**
   * Replaces credits of `models` for `milestone` (listed persons only, or all when personIds is
   * undefined) and, on a full run, the models' channel fits. One transaction.
   */
  replaceCredits(
    workspaceId: string,
    scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
    rows: readonly CreditRow[],
    fits?: readonly { model: string; channel: string; score: number }[],
  ): Promise<void>;
  creditReport(workspaceId: string, query: CreditQuery): Promise<CreditGroup[]>;
  attributionFits(workspaceId: string, milestone: string): Promise<{ model: string; channel: string; score: number }[]>;
  /** Persons whose credits are out of step with their milestones: converted without credits, or credited without converting. */
  creditsOutOfStep(workspaceId: string, milestone: string): Promise<string[]>;
  personCredits(workspaceId: string, personId: string): Promise<(CreditRow & { milestone: string })[]>;

  /** A workspace setting (JSON), or undefined when never set. */
  getSetting(workspaceId: string, key: string): Promise<unknown>;
  setSetting(workspaceId: string, key: string, value: unknown): Promise<void>;

  /**
   * The one sanctioned rewrite of facts: every event of the workspace (or of one import batch) that may
   * hold a redactable URL (`hint`: the words a redactable parameter name contains) goes through `redact`;
   * events it returns changed get their properties, context and projected URL columns rewritten, in one
   * transaction with an audit row (names only). Streams: memory holds one chunk of candidates.
   */
  redactStoredEvents(
    workspaceId: string,
    opts: { batchId?: string; hint: readonly string[]; extraNames: readonly string[] },
    redact: (e: RedactableEvent) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
  ): Promise<RedactionRun>;
  redactionRuns(workspaceId: string): Promise<RedactionRun[]>;

  appendIdentityLinks(workspaceId: string, links: readonly IdentityLink[]): Promise<number>;
  listIdentityLinks(workspaceId: string): Promise<IdentityLink[]>;

  // ---- privacy: a person's export and erasure (model/person-privacy.ts) ----
  /** Raw identifier values in events and identity links containing a needle (lower-cased text, or a phone's digits). */
  identifierSpellings(workspaceId: string, needles: { text: readonly string[]; digits: readonly string[] }): Promise<SpellingCandidate[]>;
  /** Events whose JSON, and dead letters whose line, contain a needle (dead letters that are not UTF-8 always). */
  textMentions(
    workspaceId: string,
    opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
  ): Promise<{ events: { messageId: string; text: string }[]; deadLetters: { id: string; raw: Buffer }[] }>;
  /** The identifiers (normalised) of these persons. */
  personIdentifiers(workspaceId: string, personIds: readonly string[]): Promise<IdentifierKey[]>;
  /** These persons' stretches of the shared devices they used (anonymous ids other persons hold for other stretches). */
  sharedDeviceSpans(workspaceId: string, personIds: readonly string[]): Promise<DeviceSpan[]>;
  /** `seeds` and the persons merged into them (identity_changes), less other live persons. */
  formerPersonIds(workspaceId: string, seeds: readonly string[], current: readonly string[]): Promise<string[]>;
  /** Every row about the person, per table, on one snapshot. */
  personRows(workspaceId: string, selection: PersonSelection): Promise<PersonRows>;
  /** Deletes every row about the person, writes tombstones and the audit record in one transaction; rows removed per table. */
  erasePerson(workspaceId: string, selection: PersonSelection, meta: { erasureId: string; via: 'api' | 'cli'; at: Date }): Promise<Record<string, number>>;
  completeErasure(erasureId: string): Promise<void>;
  listErasures(workspaceId: string): Promise<ErasureRecord[]>;

  close(): Promise<void>;
}
