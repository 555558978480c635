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

/** The key a new or changed workspace would share with another: each is unique across workspaces. */
export type WorkspaceKey = 'id' | 'writeKey' | 'secretKeyHash';

/**
 * A workspace would share its id, write key or secret key hash with another (every engine refuses it with
 * this error, whatever its own words for a unique violation). The message never holds the key itself.
 */
export class WorkspaceConflict extends Error {
  constructor(readonly key: WorkspaceKey) {
    super(`another workspace already has this ${key}`);
    this.name = 'WorkspaceConflict';
  }
}

/** Workspaces and their keys (only hashes of secret keys are kept): the control plane's side. */
export interface WorkspacesStore {
  /** Throws WorkspaceConflict when the id, write key or secret key hash is taken. */
  createWorkspace(w: NewWorkspace): Promise<Workspace>;
  listWorkspaces(): Promise<Workspace[]>;
  getWorkspace(id: string): Promise<Workspace | undefined>;
  findWorkspaceByWriteKey(writeKey: string): Promise<Workspace | undefined>;
  findWorkspaceBySecretHash(secretKeyHash: string): Promise<Workspace | undefined>;
  /**
   * Replaces the workspace's secret key hash (the old key stops working); false: no such workspace.
   * Throws WorkspaceConflict when another workspace has that hash.
   */
  setWorkspaceSecretHash(id: string, secretKeyHash: string): Promise<boolean>;
  /**
   * The control plane's half of a workspace's deletion (Store.deleteWorkspace runs it after the data
   * half): the workspace row and its settings, all or nothing. Rows removed per table, or undefined when
   * there is no such workspace.
   */
  deleteWorkspaceControl(id: string): Promise<Record<string, number> | undefined>;
}

/** A workspace's rows in the data store (facts, derived rows, audit rows): the data side of deletion. */
export interface WorkspaceDataStore {
  /**
   * Removes every row of the workspace from every data table, all or nothing; rows removed per table
   * (zero counts included). Runs whether or not the workspace exists, so a deletion cut short can be
   * finished.
   */
  deleteWorkspaceData(id: string): Promise<Record<string, number>>;
}
