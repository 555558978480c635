// The store's dead-letters area: its types and what an engine must implement for it.
import type { AffectedIds } from './derive-scope.js';

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
  affected: Map<string, AffectedIds>;
}

/** Acknowledged lines the engine could not load, kept with their reason, and their replay. */
export interface DeadLettersStore {
  /** Dead letters, newest first (a workspace's, or all); previews only, never the whole raw line. */
  listDeadLetters(
    filter: DeadLetterFilter & { pendingOnly?: boolean; limit?: number },
  ): Promise<DeadLetter[]>;
  countDeadLetters(workspaceId?: string): Promise<DeadLetterCounts>;
  /** Replays pending dead letters through the journal's load path; those that load are marked retried. */
  retryDeadLetters(filter: DeadLetterFilter): Promise<DeadLetterRetry>;
}
