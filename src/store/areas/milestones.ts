// The store's milestones area: its types and what an engine must implement for it.
import type { DeriveStage } from './derive-scope.js';
import type { IdentifierKey } from './identity.js';

/** Derived milestones: the points a person reached (today the lead). */
export interface MilestonesStore {
  /**
   * Recomputes each person's lead milestone (first form, chat, call or identify with an email/phone), or
   * only these persons' (all of whose ids are in `identifiers`).
   */
  deriveLeadMilestones(
    workspaceId: string,
    scope?: {
      identifiers: readonly IdentifierKey[];
      persons: readonly string[];
      /** staged events holding all of theirs */ stage?: DeriveStage;
    },
  ): Promise<number>;
}
