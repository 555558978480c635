// The control plane's schema in PostgreSQL, versioned. Append new migrations; never edit an applied one.
// The same tables as the DuckDB file's control part (duckdb/migrations.ts), with PostgreSQL's types.

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'workspaces',
    // each key unique, under a constraint name the error mapping reads (errors.ts)
    sql: `
      CREATE TABLE workspaces (
        id text CONSTRAINT workspaces_pkey PRIMARY KEY,
        name text NOT NULL,
        currency text NOT NULL,
        timezone text NOT NULL,
        write_key text NOT NULL CONSTRAINT workspaces_write_key_unique UNIQUE,
        secret_key_hash text NOT NULL CONSTRAINT workspaces_secret_key_hash_unique UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now()
      );`,
  },
  {
    version: 2,
    name: 'workspace_settings',
    // no foreign key: as in the DuckDB file, a setting does not check its workspace, and the
    // workspace's deletion removes its settings in the same transaction
    sql: `
      CREATE TABLE workspace_settings (
        workspace_id text NOT NULL,
        key text NOT NULL,
        value jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, key)
      );`,
  },
  {
    version: 3,
    name: 'leases',
    // a named lease and its holder until expires_at, compared with the server's now() (leases-repo.ts)
    sql: `
      CREATE TABLE leases (
        name text PRIMARY KEY,
        holder text NOT NULL,
        expires_at timestamptz NOT NULL
      );`,
  },
  {
    version: 4,
    name: 'connectors',
    // a workspace's connector per vendor: secrets sealed by the domain (src/util/secret-box.ts)
    sql: `
      CREATE TABLE connectors (
        workspace_id text NOT NULL,
        vendor text NOT NULL,
        credentials text,
        webhook_secret text,
        base_url text,
        options jsonb NOT NULL,
        cursor jsonb,
        last_sync jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, vendor)
      );`,
  },
];
