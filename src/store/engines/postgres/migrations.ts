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
  {
    version: 5,
    name: 'users',
    // people who sign in, memberships, sessions and reset tokens (hashes only), role-scoped API keys
    // and the access audit log: the same tables as the DuckDB file's (duckdb/migrations.ts)
    sql: `
      CREATE TABLE users (
        id text PRIMARY KEY,
        email text NOT NULL CONSTRAINT users_email_unique UNIQUE,
        role text,
        password_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        password_changed_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE workspace_members (
        workspace_id text NOT NULL,
        user_id text NOT NULL,
        role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (workspace_id, user_id)
      );
      CREATE INDEX workspace_members_user ON workspace_members (user_id);
      CREATE TABLE user_sessions (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE password_resets (
        token_hash text PRIMARY KEY,
        user_id text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE TABLE api_keys (
        id text PRIMARY KEY,
        workspace_id text NOT NULL,
        name text NOT NULL,
        role text NOT NULL,
        key_hash text NOT NULL UNIQUE,
        created_at timestamptz NOT NULL DEFAULT now(),
        revoked_at timestamptz
      );
      CREATE TABLE audit_log (
        id text PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        workspace_id text,
        actor text NOT NULL,
        action text NOT NULL,
        target text,
        address text
      );
      CREATE INDEX audit_log_workspace ON audit_log (workspace_id, occurred_at);`,
  },
  {
    version: 6,
    name: 'invitations',
    // an invitation to a workspace by link, its token stored hashed (duckdb/migrations.ts: the same)
    sql: `
      CREATE TABLE invitations (
        token_hash text PRIMARY KEY,
        workspace_id text NOT NULL,
        email text NOT NULL,
        role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL
      );`,
  },
  {
    version: 7,
    name: 'login_attempts',
    // the sign-in throttle's attempts (login-attempts-repo.ts), one row per subject an attempt counts
    // against (an e-mail's sha256 or a client address); rows older than the window are deleted as
    // attempts come, so the table holds one window's worth (duckdb/migrations.ts: the same table)
    sql: `
      CREATE TABLE login_attempts (
        attempt_id text NOT NULL,
        subject text NOT NULL,
        attempted_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (attempt_id, subject)
      );
      CREATE INDEX login_attempts_subject ON login_attempts (subject, attempted_at);
      CREATE INDEX login_attempts_at ON login_attempts (attempted_at);`,
  },
];
