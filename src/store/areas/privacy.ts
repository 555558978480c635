// The store's privacy area: its types and what an engine must implement for it.
import type { IdentifierKey } from './identity.js';

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

/** A person's export and erasure (derive/person-privacy.ts). */
export interface PrivacyStore {
  // ---- privacy: a person's export and erasure (derive/person-privacy.ts) ----
  /** Raw identifier values in events and identity links containing a needle (lower-cased text, or a phone's digits). */
  identifierSpellings(
    workspaceId: string,
    needles: { text: readonly string[]; digits: readonly string[] },
  ): Promise<SpellingCandidate[]>;
  /** Events whose JSON, and dead letters whose line, contain a needle (dead letters that are not UTF-8 always). */
  textMentions(
    workspaceId: string,
    opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
  ): Promise<{
    events: { messageId: string; text: string }[];
    deadLetters: { id: string; raw: Buffer }[];
  }>;
  /** The identifiers (normalised) of these persons. */
  personIdentifiers(workspaceId: string, personIds: readonly string[]): Promise<IdentifierKey[]>;
  /** These persons' stretches of the shared devices they used (anonymous ids other persons hold for other stretches). */
  sharedDeviceSpans(workspaceId: string, personIds: readonly string[]): Promise<DeviceSpan[]>;
  /** `seeds` and the persons merged into them (identity_changes), less other live persons. */
  formerPersonIds(
    workspaceId: string,
    seeds: readonly string[],
    current: readonly string[],
  ): Promise<string[]>;
  /** Every row about the person, per table, on one snapshot. */
  personRows(workspaceId: string, selection: PersonSelection): Promise<PersonRows>;
  /** Deletes every row about the person, writes tombstones and the audit record in one transaction; rows removed per table. */
  erasePerson(
    workspaceId: string,
    selection: PersonSelection,
    meta: { erasureId: string; via: 'api' | 'cli'; at: Date },
  ): Promise<Record<string, number>>;
  completeErasure(erasureId: string): Promise<void>;
  listErasures(workspaceId: string): Promise<ErasureRecord[]>;
}
