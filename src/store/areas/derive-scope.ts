// The store's derive-scope area: its types and what an engine must implement for it.

/** Per workspace, the ids that new events carried (the derive step re-derives only around them). */
export interface AffectedIds {
  anonymousIds: string[];
  userIds: string[];
}

declare const stageBrand: unique symbol;
/**
 * The engine's handle on a derive's staged events (for DuckDB, a temp table's name): made by the engine,
 * only handed back to it by the derive steps, never built or read elsewhere.
 */
export type DeriveStage = string & { readonly [stageBrand]: true };

/** The affected ids with their events staged by the store for one derive (engine-side, until released). */
export interface AffectedEvents extends AffectedIds {
  stage: DeriveStage;
  /** How many events the affected ids have in all. */
  events: number;
}

/** A live derive's scope: the affected ids' events set aside by the engine until released. */
export interface DeriveScopeStore {
  /**
   * Copies the events of the affected ids aside for one derive, so its scoped steps read those alone;
   * release it when the derive is done. One per workspace at a time.
   */
  stageAffectedEvents(workspaceId: string, affected: AffectedIds): Promise<AffectedEvents>;
  releaseAffectedEvents(affected: AffectedEvents): Promise<void>;
}
