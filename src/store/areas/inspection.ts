// The store's inspection area: read-only views of derived tables, row by row, for an operator who wants
// to see why a number is what it is (`closedloop inspect`) and for tests that compare whole derived
// states (a rebuild against a live derive). Reports never read these: they aggregate in the engine.
import type { CreditRow } from './credits.js';
import type { IdentityLink, IdentityRow, QuarantineRow } from './identity.js';
import type { SessionRow } from './sessions.js';

export interface InspectionStore {
  /** Sessions, oldest first (of some anonymous ids, when given). */
  listSessions(
    workspaceId: string,
    filter?: { anonymousIds?: readonly string[]; limit?: number },
  ): Promise<SessionRow[]>;
  /** Sessions per channel. */
  sessionsByChannel(workspaceId: string): Promise<{ channel: string; sessions: number }[]>;
  /** Every (kind, value) → person row, shared devices with their spans. */
  currentIdentities(workspaceId: string): Promise<IdentityRow[]>;
  /** Identifiers set aside from merging, with the reason. */
  quarantinedIdentifiers(workspaceId: string): Promise<QuarantineRow[]>;
  /** The identity link facts stated by other sources than events. */
  listIdentityLinks(workspaceId: string): Promise<IdentityLink[]>;
  /** Leads per channel of their first touch. */
  leadsByFirstTouchChannel(workspaceId: string): Promise<{ channel: string; leads: number }[]>;
  /** A person's credits, every model and milestone. */
  personCredits(
    workspaceId: string,
    personId: string,
  ): Promise<(CreditRow & { milestone: string })[]>;
}
