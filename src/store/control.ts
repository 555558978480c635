// The control plane's contract: what users and operators set (workspaces and keys, settings and rules)
// and what processes coordinate with (leases). It needs unique constraints and compare-and-set, so at
// scale it lives in PostgreSQL (CLOSEDLOOP_CONTROL); without it, in the local DuckDB file.
import type { WorkspacesStore } from './areas/workspaces.js';
import type { SettingsStore } from './areas/settings.js';
import type { LeasesStore } from './areas/leases.js';
import type { ConnectorsStore } from './areas/connectors.js';
import type { ApiKeysStore, UsersStore } from './areas/users.js';
import type { LoginAttemptsStore } from './areas/login-attempts.js';

/** The control plane's engine: what it is, whether it is ready, closing it. */
export interface ControlEngineStore {
  /** e.g. `duckdb` (the local file), `postgres`. */
  readonly controlEngine: string;
  /** Highest control-plane migration applied. */
  controlSchemaVersion(): Promise<number>;
  /** True once open and migrated. */
  ready(): boolean;
  close(): Promise<void>;
}

/**
 * The control areas, implemented by every control engine (src/store/engines/<engine>/) and held to one
 * contract by src/store/control.test.ts, which runs the same cases on each.
 */
export interface ControlStore
  extends
    ControlEngineStore,
    WorkspacesStore,
    SettingsStore,
    LeasesStore,
    ConnectorsStore,
    UsersStore,
    ApiKeysStore,
    LoginAttemptsStore {}
