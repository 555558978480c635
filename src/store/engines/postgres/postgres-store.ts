// The PostgreSQL engine: the control plane (ControlStore) for deployments with several processes
// (CLOSEDLOOP_CONTROL=postgres://...). Each area is the list of its repo functions bound to one pool.
import type { ControlStore } from '../../control.js';
import { StoreUnavailable } from '../../types.js';
import { passwordOf, withoutPassword } from '../../../util/url-password.js';
import { bind } from '../bind.js';
import {
  claimInvitation,
  consumePasswordReset,
  createInvitation,
  createPasswordReset,
  createUser,
  createUserSession,
  deleteUserSession,
  deleteUserSessions,
  findInvitation,
  findUserSession,
  getUser,
  listMembers,
  listMemberships,
  listUsers,
  removeMembership,
  setMembership,
  setUserPassword,
  userCredentials,
} from './users-repo.js';
import {
  appendAudit,
  createApiKey,
  findApiKeyByHash,
  listApiKeys,
  listAudit,
  revokeApiKey,
} from './api-keys-repo.js';
import { openPool, type Pool } from './connection.js';
import { reasonOf } from './errors.js';
import { beginLoginAttempt, clearLoginAttempts } from './login-attempts-repo.js';
import { acquireLease, releaseLease, renewLease } from './leases-repo.js';
import { migrate, schemaVersion } from './migrate.js';
import { getSetting, setSetting } from './settings-repo.js';
import {
  deleteConnector,
  getConnector,
  listConnectors,
  putConnector,
  recordConnectorSync,
} from './connectors-repo.js';
import {
  createWorkspace,
  deleteWorkspaceControl,
  findWorkspaceByWriteKey,
  findWorkspaceBySecretHash,
  getWorkspace,
  listWorkspaces,
  setWorkspaceSecretHash,
} from './workspaces-repo.js';

/**
 * Connects to the PostgreSQL database at `url` and applies the control plane's migrations (in the first
 * schema of its search_path: `?options=-c%20search_path%3Dname` in the URL chooses another than public).
 * Throws StoreUnavailable naming the URL without its password when the server is down, refuses the
 * connection or the credentials, lacks the database, or refuses the migrations.
 */
export async function openPostgresControl(url: string): Promise<ControlStore> {
  const target = withoutPassword(url);
  const fail = (doing: string, err: unknown) =>
    new StoreUnavailable(
      `the control database ${target}`,
      `${doing}: ${reasonOf(err, passwordOf(url))}`,
    );
  let pool: Pool;
  try {
    pool = openPool(url);
  } catch (err) {
    throw fail('reading the URL', err);
  }
  try {
    const client = await pool.connect().catch((err: unknown) => {
      throw fail('connecting', err);
    });
    try {
      await migrate(client).catch((err: unknown) => {
        throw fail('migrating', err);
      });
    } finally {
      client.release();
    }
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw err;
  }
  let isReady = true;
  return {
    controlEngine: 'postgres',
    controlSchemaVersion: () => schemaVersion(pool),
    ready: () => isReady,
    async close() {
      if (!isReady) return;
      isReady = false;
      await pool.end();
    },
    ...bind(pool, {
      createWorkspace,
      listWorkspaces,
      getWorkspace,
      findWorkspaceByWriteKey,
      findWorkspaceBySecretHash,
      setWorkspaceSecretHash,
      deleteWorkspaceControl,
    }),
    ...bind(pool, { getSetting, setSetting }),
    ...bind(pool, { acquireLease, renewLease, releaseLease }),
    ...bind(pool, {
      putConnector,
      getConnector,
      listConnectors,
      deleteConnector,
      recordConnectorSync,
    }),
    ...bind(pool, {
      createUser,
      listUsers,
      getUser,
      userCredentials,
      setUserPassword,
      setMembership,
      removeMembership,
      listMemberships,
      listMembers,
      createUserSession,
      findUserSession,
      deleteUserSession,
      deleteUserSessions,
      createPasswordReset,
      consumePasswordReset,
      createInvitation,
      findInvitation,
      claimInvitation,
    }),
    ...bind(pool, {
      createApiKey,
      listApiKeys,
      findApiKeyByHash,
      revokeApiKey,
      appendAudit,
      listAudit,
    }),
    ...bind(pool, { beginLoginAttempt, clearLoginAttempts }),
  };
}
