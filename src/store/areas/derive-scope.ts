// The store's derive-scope area: its types and what an engine must implement for it.

/** Per workspace, the ids that new events carried (the derive step re-derives only around them). */
export interface TouchedIds {
  anonymousIds: string[];
  userIds: string[];
}

declare const stageBrand: unique symbol;
/**
 * The engine's handle on a derive's staged events (for DuckDB, a temp table's name): made by the engine,
 * only handed back to it by the derive steps, never built or read elsewhere.
 */
export type DeriveStage = string & { readonly [stageBrand]: true };

/** The touched ids with their events staged by the store for one derive (engine-side, until released). */
export interface TouchedEvents extends TouchedIds {
  stage: DeriveStage;
  /** How many events the touched ids have in all. */
  events: number;
}

/** A live derive's scope: the touched ids' events set aside by the engine until released. */
export interface DeriveScopeStore {
  /**
   * Copies the events of the touched ids aside for one derive, so its scoped steps read those alone;
   * release it when the derive is done. One per workspace at a time.
   */
  stageTouchedEvents(workspaceId: string, touched: TouchedIds): Promise<TouchedEvents>;
  releaseTouchedEvents(touched: TouchedEvents): Promise<void>;
}
