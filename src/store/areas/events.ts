// The store's events area: its types and what an engine must implement for it.
import type { AffectedIds } from './derive-scope.js';

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
  enrichment: {
    browser: string | null;
    os: string | null;
    deviceType: string | null;
    bot: boolean | null;
    country: string | null;
  };
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

/** What loading one journal segment did: new events (and whose ids), and lines set aside as dead letters. */
export interface JournalLoadResult {
  inserted: number;
  /** Per workspace, the anonymous and user ids that received new events. */
  affected: Map<string, AffectedIds>;
  /** Lines of the segment that could not load and were stored as dead letters (see docs/dead-letters.md). */
  deadLetters: number;
}

export interface JournalLoadOptions {
  /**
   * False when the caller knows the ids the segment's lines carry (the journal noted them as it wrote):
   * the engine may then leave `affected` empty rather than read back which ids its insert stored.
   */
  readAffected?: boolean;
}

export interface ImportProgress {
  /** 0..1 of the current file, as far as the engine can tell. */
  fraction: number;
  file: string;
}

/** The event facts: bulk loads (files, journal segments), the append path, reads. */
export interface EventsStore {
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
  loadEventJournal(path: string, opts?: JournalLoadOptions): Promise<JournalLoadResult>;
  queryEvents(workspaceId: string, filter?: EventFilter): Promise<StoredEvent[]>;
  countEvents(workspaceId: string): Promise<number>;
}
