// The store's connectors area (control plane): per workspace and vendor, the connector's settings as
// the domain hands them over. Secrets arrive already sealed (src/util/secret-box.ts): the store never
// sees a credential in clear, and the domain never returns a sealed one to a client.

/** The last sync of a connector: when, how many rows, how many errors, and the last error's words. */
export interface ConnectorSyncStatus {
  at: string;
  status: 'ok' | 'failed' | 'running';
  rows: number;
  errors: number;
  message?: string | null;
}

/** A connector as stored. */
export interface StoredConnector {
  workspaceId: string;
  /** e.g. `hubspot` (the domain checks the name; the store keeps any). */
  vendor: string;
  /** The API credentials, sealed (JSON inside), or null when none were given. */
  credentials: string | null;
  /** The webhook secret, sealed, or null. */
  webhookSecret: string | null;
  baseUrl: string | null;
  /** Settings that are not secret (e.g. the Pipedrive webhook user, the Salesforce org id). */
  options: Record<string, unknown>;
  /** Where the next sync resumes (the vendor client's cursor), or null before the first. */
  cursor: unknown;
  lastSync: ConnectorSyncStatus | null;
  createdAt: string;
  updatedAt: string;
}

/** What a PUT sets: the cursor and last sync are kept across a change of settings. */
export type ConnectorSettings = Pick<
  StoredConnector,
  'workspaceId' | 'vendor' | 'credentials' | 'webhookSecret' | 'baseUrl' | 'options'
>;

export interface ConnectorsStore {
  /** Creates or replaces a connector's settings (its cursor and last sync stay). */
  putConnector(settings: ConnectorSettings): Promise<void>;
  getConnector(workspaceId: string, vendor: string): Promise<StoredConnector | undefined>;
  /** A workspace's connectors, by vendor name. */
  listConnectors(workspaceId: string): Promise<StoredConnector[]>;
  /** True when there was one to delete. */
  deleteConnector(workspaceId: string, vendor: string): Promise<boolean>;
  /** Stores a sync's cursor and status; false when the connector is gone. */
  recordConnectorSync(
    workspaceId: string,
    vendor: string,
    sync: { cursor: unknown; lastSync: ConnectorSyncStatus },
  ): Promise<boolean>;
}
