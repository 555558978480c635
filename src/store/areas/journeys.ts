// The store's journeys area: its types and what an engine must implement for it.
import type { SessionRow } from './sessions.js';

export type JourneyItem =
  | {
      kind: 'session';
      at: string;
      session: SessionRow;
      pages: { at: string; url: string | null; title: string | null }[];
    }
  | {
      kind: 'event';
      at: string;
      type: string;
      event: string | null;
      anonymousId: string | null;
      userId: string | null;
      properties: unknown;
      traits: unknown;
    }
  | { kind: 'milestone'; at: string; milestone: string; source: string; messageId: string | null }
  | {
      kind: 'identity';
      at: string;
      change: string;
      others: string[];
      reason: string | null;
      detail: string | null;
    };

export interface PersonJourney {
  personId: string;
  identifiers: { kind: string; value: string }[];
  firstSeen: string | null;
  lastSeen: string | null;
  /** Every session, event, milestone and identity change, oldest first. */
  timeline: JourneyItem[];
}

/** A person's whole journey on one time axis. */
export interface JourneysStore {
  personJourney(workspaceId: string, personId: string): Promise<PersonJourney | undefined>;
}
