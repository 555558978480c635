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
}
