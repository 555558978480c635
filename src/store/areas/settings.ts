// The store's settings area: its types and what an engine must implement for it.

/** A workspace's settings: JSON values under a key; changing one that derives data re-derives it. */
export interface SettingsStore {
  /** A workspace setting (JSON), or undefined when never set. */
  getSetting(workspaceId: string, key: string): Promise<unknown>;
  setSetting(workspaceId: string, key: string, value: unknown): Promise<void>;
}
