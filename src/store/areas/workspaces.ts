// The store's workspaces area: its types and what an engine must implement for it.

export interface Workspace {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  writeKey: string;
  createdAt: string;
}

export interface NewWorkspace {
  id: string;
  name: string;
  currency: string;
  timezone: string;
  writeKey: string;
  /** sha256 of the secret API key; the key itself is never stored. */
  secretKeyHash: string;
}

/** Workspaces and their keys (only hashes of secret keys are kept). */
export interface WorkspacesStore {
  createWorkspace(w: NewWorkspace): Promise<Workspace>;
  listWorkspaces(): Promise<Workspace[]>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  findWorkspaceByWriteKey(writeKey: string): Promise<Workspace | undefined>;
  findWorkspaceBySecretHash(secretKeyHash: string): Promise<Workspace | undefined>;
  /** Replaces the workspace's secret key hash (the old key stops working); false: no such workspace. */
  setWorkspaceSecretHash(id: string, secretKeyHash: string): Promise<boolean>;
  /**
   * Removes the workspace and every fact, derived row and audit row of it, all or nothing. Rows removed per
   * table, or undefined when there is no such workspace.
   */
  deleteWorkspace(id: string): Promise<Record<string, number> | undefined>;
}
