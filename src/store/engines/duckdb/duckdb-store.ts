import type { EventGroup, ImportProgress, Store } from '../../store.js';
import type {
  EventFilter,
  EventOrigin,
  IdentityLink,
  IngestResult,
  NewWorkspace,
  RawEvent,
  StoredEvent,
  IdentityInputs,
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
  TouchedIds,
  TouchedEvents,
  IdentifierKey,
  IdentityLinkRow,
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
} from '../../types.js';
import { Db, type EngineLimits, type Row } from './connection.js';
import { attributionFits, attributionInputs, nonConvertingTouches, creditReport, creditsOutOfStep, personCredits, replaceCredits } from './attribution-repo.js';
import { countEvents, queryEvents, saveUserAgents, userAgentsToParse } from './events-repo.js';
import { importEventsFile, loadEventJournal } from './bulk-load.js';
import { countDeadLetters, listDeadLetters, retryDeadLetters } from './dead-letters-repo.js';
import { EventAppender } from './event-appender.js';
import { migrate } from './migrate.js';
import { parseJson } from './rows.js';
import { deriveSessions, listSessions, sessionsByChannel } from './sessions-repo.js';
import { personJourney } from './journey-repo.js';
import { identityEdgesReady, identityLinkFacts, saveIdentityEdges } from './identity-edges-repo.js';
import { identityScope, saveScopedIdentities, scopedIdentityInputs } from './identity-scope-repo.js';
import { deviceTimelines } from './identity-devices-repo.js';
import type { DeviceTimelines } from '../../types.js';
import { releaseTouchedEvents, stageTouchedEvents } from './touched-events.js';
import { redactionRuns, redactStoredEvents } from './redact-repo.js';
import { PrivacyKey, privacyKeyPath } from './erased-identifiers.js';
import { deleteWorkspace, setWorkspaceSecretHash } from './workspaces-repo.js';
import { completeErasure, erasePerson, formerPersonIds, identifierSpellings, listErasures, personIdentifiers, personRows, sharedDeviceSpans, textMentions } from './privacy-repo.js';
import {
  countPersons,
  currentIdentities,
  deriveLeadMilestones,
  identityInputs,
  leadsByFirstTouchChannel,
  personsByIdentifier,
  personsOfAnonymousIds,
  quarantinedIdentifiers,
  refreshSeenIdentifiers,
  saveIdentities,
} from './identity-repo.js';


function toWorkspace(r: Row): Workspace {
  return {
    id: String(r.id),
    name: String(r.name),
    currency: String(r.currency),
    timezone: String(r.timezone),
    writeKey: String(r.write_key),
    createdAt: new Date(String(r.created_at)).toISOString(),
  };
}


export class DuckDbStore implements Store {
  readonly engine = 'duckdb';
  private isReady = false;

  private readonly appender: EventAppender;
  private readonly privacyKey: PrivacyKey;

  private constructor(
    private readonly db: Db,
    path: string,
  ) {
    this.appender = new EventAppender(db);
    this.privacyKey = new PrivacyKey(db, privacyKeyPath(path));
  }

  static async open(path: string, limits?: EngineLimits): Promise<DuckDbStore> {
    const store = new DuckDbStore(await Db.open(path, limits), path);
    await migrate(store.db);
    await store.privacyKey.load();
    store.isReady = true;
    return store;
  }

  ready(): boolean {
    return this.isReady;
  }

  async engineLimits(): Promise<{ memoryLimit: string; threads: number; tempDirectory: string }> {
    const [r] = await this.db.query(
      "SELECT current_setting('memory_limit') AS m, current_setting('threads') AS t, current_setting('temp_directory') AS d",
    );
    return { memoryLimit: String(r?.m), threads: Number(r?.t), tempDirectory: String(r?.d) };
  }

  async schemaVersion(): Promise<number> {
    const rows = await this.db.query('SELECT coalesce(max(version), 0) AS v FROM schema_migrations');
    return Number(rows[0]?.v ?? 0);
  }

  // ---- workspaces ----

  async createWorkspace(w: NewWorkspace): Promise<Workspace> {
    await this.db.write((c) =>
      c.run(
        `INSERT INTO workspaces (id, name, currency, timezone, write_key, secret_key_hash)
         VALUES ($id, $name, $currency, $timezone, $wk, $sk)`,
        { id: w.id, name: w.name, currency: w.currency, timezone: w.timezone, wk: w.writeKey, sk: w.secretKeyHash },
      ),
    );
    const ws = await this.getWorkspace(w.id);
    if (!ws) throw new Error(`workspace ${w.id} not found after insert`);
    return ws;
  }

  async listWorkspaces(): Promise<Workspace[]> {
    return (await this.db.query('SELECT * FROM workspaces ORDER BY created_at, id')).map(toWorkspace);
  }

  private async oneWorkspace(where: string, value: string): Promise<Workspace | undefined> {
    const rows = await this.db.query(`SELECT * FROM workspaces WHERE ${where} = $v`, { v: value });
    return rows[0] ? toWorkspace(rows[0]) : undefined;
  }
  getWorkspace(id: string) {
    return this.oneWorkspace('id', id);
  }
  findWorkspaceByWriteKey(writeKey: string) {
    return this.oneWorkspace('write_key', writeKey);
  }
  findWorkspaceBySecretHash(hash: string) {
    return this.oneWorkspace('secret_key_hash', hash);
  }
  setWorkspaceSecretHash(id: string, secretKeyHash: string): Promise<boolean> {
    return setWorkspaceSecretHash(this.db, id, secretKeyHash);
  }
  deleteWorkspace(id: string): Promise<Record<string, number> | undefined> {
    return deleteWorkspace(this.db, id);
  }

  // ---- events ----

  importEventsFile(workspaceId: string, path: string, onProgress?: (p: ImportProgress) => void): Promise<IngestResult> {
    return importEventsFile(this.db, workspaceId, path, onProgress);
  }
  loadEventJournal(path: string): Promise<JournalLoadResult> {
    return loadEventJournal(this.db, path);
  }
  listDeadLetters(filter: DeadLetterFilter & { pendingOnly?: boolean; limit?: number }): Promise<DeadLetter[]> {
    return listDeadLetters(this.db, filter);
  }
  countDeadLetters(workspaceId?: string): Promise<DeadLetterCounts> {
    return countDeadLetters(this.db, workspaceId);
  }
  retryDeadLetters(filter: DeadLetterFilter): Promise<DeadLetterRetry> {
    return retryDeadLetters(this.db, filter);
  }

  async appendEvents(
    workspaceId: string,
    events: readonly RawEvent[],
    meta: { origin: EventOrigin; receivedAt: Date },
  ): Promise<IngestResult> {
    const [r] = await this.appendEventGroups([{ workspaceId, events, ...meta }]);
    return r!;
  }

  /**
   * Group commit: many requests' events in one statement and one transaction (one WAL sync),
   * with a result per request.
   */
  appendEventGroups(groups: readonly EventGroup[]): Promise<IngestResult[]> {
    return this.appender.append(groups);
  }

  queryEvents(workspaceId: string, f: EventFilter = {}): Promise<StoredEvent[]> {
    return queryEvents(this.db, workspaceId, f);
  }
  countEvents(workspaceId: string): Promise<number> {
    return countEvents(this.db, workspaceId);
  }

  // ---- derived: user agents (events-repo.ts) ----

  userAgentsToParse(limit: number, touched?: { workspaceId: string; stage: string }): Promise<{ workspaceId: string; userAgent: string }[]> {
    return userAgentsToParse(this.db, limit, touched);
  }
  saveUserAgents(rows: readonly UserAgentRow[]): Promise<void> {
    return saveUserAgents(this.db, rows);
  }

  // ---- derived: sessions (sessions-repo.ts) ----

  deriveSessions(
    workspaceId: string,
    opts: { inactivityMinutes: number; clickIdParams: readonly string[]; anonymousIds?: readonly string[]; stage?: string; reportMoves?: boolean },
    classify: (landings: readonly Landing[]) => Acquisition[],
  ): Promise<{ sessions: number; landings: number; moves?: ChannelMove[] }> {
    return deriveSessions(this.db, workspaceId, opts, classify);
  }
  listSessions(workspaceId: string, filter: { anonymousIds?: readonly string[]; limit?: number } = {}): Promise<SessionRow[]> {
    return listSessions(this.db, workspaceId, filter);
  }
  sessionsByChannel(workspaceId: string): Promise<{ channel: string; sessions: number }[]> {
    return sessionsByChannel(this.db, workspaceId);
  }

  // ---- derived: identities and milestones (identity-repo.ts) ----

  refreshSeenIdentifiers(workspaceId: string, rule: OpaqueIdRule, touched?: TouchedEvents): Promise<void> {
    return refreshSeenIdentifiers(this.db, workspaceId, rule, touched);
  }
  stageTouchedEvents(workspaceId: string, touched: TouchedIds): Promise<TouchedEvents> {
    return stageTouchedEvents(this.db, workspaceId, touched);
  }
  releaseTouchedEvents(touched: TouchedEvents): Promise<void> {
    return releaseTouchedEvents(this.db, touched);
  }
  identityLinkFacts(workspaceId: string, touched?: TouchedEvents): Promise<IdentityLinkRow[]> {
    return identityLinkFacts(this.db, workspaceId, touched);
  }
  saveIdentityEdges(workspaceId: string, edges: readonly IdentityLinkRow[], opts: { full: boolean }): Promise<IdentifierKey[]> {
    return saveIdentityEdges(this.db, workspaceId, edges, opts);
  }
  identityEdgesReady(workspaceId: string): Promise<boolean> {
    return identityEdgesReady(this.db, workspaceId);
  }
  identityScope(workspaceId: string, rule: OpaqueIdRule, seeds: readonly IdentifierKey[], touched: TouchedIds): Promise<IdentifierKey[]> {
    return identityScope(this.db, workspaceId, rule, seeds, touched);
  }
  identityInputs(workspaceId: string, opts: { everyIdentifier?: boolean } | { scope: readonly IdentifierKey[] } = {}): Promise<IdentityInputs> {
    return 'scope' in opts ? scopedIdentityInputs(this.db, workspaceId, opts.scope) : identityInputs(this.db, workspaceId, opts);
  }
  currentIdentities(workspaceId: string): Promise<IdentityRow[]> {
    return currentIdentities(this.db, workspaceId);
  }
  deviceTimelines(workspaceId: string, anonymousIds: readonly string[]): Promise<DeviceTimelines> {
    return deviceTimelines(this.db, workspaceId, anonymousIds);
  }
  saveIdentities(
    workspaceId: string,
    out: IdentityOutput,
    opts: { full: boolean; scope?: readonly IdentifierKey[] },
  ): Promise<{ singles: number; collisions: number; persons?: string[] }> {
    return opts.scope && !opts.full ? saveScopedIdentities(this.db, workspaceId, out, opts.scope) : saveIdentities(this.db, workspaceId, out, opts);
  }
  deriveLeadMilestones(workspaceId: string, scope?: { identifiers: readonly IdentifierKey[]; persons: readonly string[]; stage?: string }): Promise<number> {
    return deriveLeadMilestones(this.db, workspaceId, scope);
  }
  personsByIdentifier(workspaceId: string, kind: string, value: string): Promise<string[]> {
    return personsByIdentifier(this.db, workspaceId, kind, value);
  }
  personJourney(workspaceId: string, personId: string): Promise<PersonJourney | undefined> {
    return personJourney(this.db, workspaceId, personId);
  }
  quarantinedIdentifiers(workspaceId: string): Promise<QuarantineRow[]> {
    return quarantinedIdentifiers(this.db, workspaceId);
  }
  personsOfAnonymousIds(workspaceId: string, anonymousIds: readonly string[]): Promise<string[]> {
    return personsOfAnonymousIds(this.db, workspaceId, anonymousIds);
  }
  countPersons(workspaceId: string): Promise<number> {
    return countPersons(this.db, workspaceId);
  }
  leadsByFirstTouchChannel(workspaceId: string): Promise<{ channel: string; leads: number }[]> {
    return leadsByFirstTouchChannel(this.db, workspaceId);
  }

  // ---- derived: attribution credits (attribution-repo.ts) ----

  attributionInputs(workspaceId: string, milestone: string, personIds?: readonly string[], opts?: { convertingOnly?: boolean }): Promise<AttributionInputs> {
    return attributionInputs(this.db, workspaceId, milestone, personIds, opts);
  }
  nonConvertingTouches(workspaceId: string, milestone: string): Promise<NonConvertingTouches> {
    return nonConvertingTouches(this.db, workspaceId, milestone);
  }
  replaceCredits(
    workspaceId: string,
    scope: { milestone: string; models: readonly string[]; personIds?: readonly string[] },
    rows: readonly CreditRow[],
    fits?: readonly { model: string; channel: string; score: number }[],
  ): Promise<void> {
    return replaceCredits(this.db, workspaceId, scope, rows, fits);
  }
  creditReport(workspaceId: string, query: CreditQuery): Promise<CreditGroup[]> {
    return creditReport(this.db, workspaceId, query);
  }
  attributionFits(workspaceId: string, milestone: string): Promise<{ model: string; channel: string; score: number }[]> {
    return attributionFits(this.db, workspaceId, milestone);
  }
  creditsOutOfStep(workspaceId: string, milestone: string): Promise<string[]> {
    return creditsOutOfStep(this.db, workspaceId, milestone);
  }
  personCredits(workspaceId: string, personId: string): Promise<(CreditRow & { milestone: string })[]> {
    return personCredits(this.db, workspaceId, personId);
  }

  // ---- settings ----

  async getSetting(workspaceId: string, key: string): Promise<unknown> {
    const rows = await this.db.query('SELECT value FROM workspace_settings WHERE workspace_id = $ws AND key = $k', { ws: workspaceId, k: key });
    return rows[0] ? parseJson(rows[0].value) : undefined;
  }

  async setSetting(workspaceId: string, key: string, value: unknown): Promise<void> {
    await this.db.write((c) =>
      c.run(
        `INSERT INTO workspace_settings (workspace_id, key, value) VALUES ($ws, $k, $v)
         ON CONFLICT (workspace_id, key) DO UPDATE SET value = excluded.value, updated_at = now()`,
        { ws: workspaceId, k: key, v: JSON.stringify(value) },
      ),
    );
  }

  // ---- the stored-facts redaction (redact-repo.ts) ----

  redactStoredEvents(
    workspaceId: string,
    opts: { batchId?: string; hint: readonly string[]; extraNames: readonly string[] },
    redact: (e: RedactableEvent) => { properties: unknown; context: unknown; names: readonly string[] } | undefined,
  ): Promise<RedactionRun> {
    return redactStoredEvents(this.db, workspaceId, opts, redact);
  }
  redactionRuns(workspaceId: string): Promise<RedactionRun[]> {
    return redactionRuns(this.db, workspaceId);
  }

  // ---- identity links ----

  async appendIdentityLinks(workspaceId: string, links: readonly IdentityLink[]): Promise<number> {
    if (links.length === 0) return 0;
    return this.db.transaction(async (conn) => {
      const stmt = await conn.prepare(
        `INSERT INTO identity_links (workspace_id, from_kind, from_value, to_kind, to_value, source, linked_at)
         VALUES ($ws, $fk, $fv, $tk, $tv, $src, CAST($at AS TIMESTAMPTZ))`,
      );
      for (const l of links) {
        stmt.bind({ ws: workspaceId, fk: l.fromKind, fv: l.fromValue, tk: l.toKind, tv: l.toValue, src: l.source, at: l.at });
        await stmt.run();
      }
      return links.length;
    });
  }

  async listIdentityLinks(workspaceId: string): Promise<IdentityLink[]> {
    const rows = await this.db.query(
      `SELECT from_kind, from_value, to_kind, to_value, source,
         strftime(linked_at AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ') AS at
       FROM identity_links WHERE workspace_id = $ws ORDER BY linked_at, recorded_at`,
      { ws: workspaceId },
    );
    return rows.map((r) => ({
      fromKind: String(r.from_kind),
      fromValue: String(r.from_value),
      toKind: String(r.to_kind),
      toValue: String(r.to_value),
      source: String(r.source),
      at: String(r.at),
    }));
  }

  // ---- privacy (privacy-repo.ts) ----

  identifierSpellings(workspaceId: string, needles: { text: readonly string[]; digits: readonly string[] }): Promise<SpellingCandidate[]> {
    return identifierSpellings(this.db, workspaceId, needles);
  }
  textMentions(
    workspaceId: string,
    opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
  ): Promise<{ events: { messageId: string; text: string }[]; deadLetters: { id: string; raw: Buffer }[] }> {
    return textMentions(this.db, workspaceId, opts);
  }
  personIdentifiers(workspaceId: string, personIds: readonly string[]): Promise<IdentifierKey[]> {
    return personIdentifiers(this.db, workspaceId, personIds);
  }
  sharedDeviceSpans(workspaceId: string, personIds: readonly string[]): Promise<DeviceSpan[]> {
    return sharedDeviceSpans(this.db, workspaceId, personIds);
  }
  formerPersonIds(workspaceId: string, seeds: readonly string[], current: readonly string[]): Promise<string[]> {
    return formerPersonIds(this.db, workspaceId, seeds, current);
  }
  personRows(workspaceId: string, selection: PersonSelection): Promise<PersonRows> {
    return personRows(this.db, workspaceId, selection);
  }
  erasePerson(workspaceId: string, selection: PersonSelection, meta: { erasureId: string; via: 'api' | 'cli'; at: Date }): Promise<Record<string, number>> {
    return erasePerson(this.db, this.privacyKey, workspaceId, selection, meta);
  }
  completeErasure(erasureId: string): Promise<void> {
    return completeErasure(this.db, erasureId);
  }
  listErasures(workspaceId: string): Promise<ErasureRecord[]> {
    return listErasures(this.db, workspaceId);
  }

  async close(): Promise<void> {
    this.isReady = false;
    await this.db.close();
  }
}
