// Users, memberships, sessions and reset tokens in PostgreSQL: the same contract as the DuckDB file's
// (duckdb/users-repo.ts), expiry by the server's clock (now()).
import {
  UserConflict,
  type Invitation,
  type NewInvitation,
  type Membership,
  type NewToken,
  type NewUser,
  type Role,
  type User,
} from '../../types.js';
import { transaction, type Pool } from './connection.js';

interface UserRow {
  id: string;
  email: string;
  role: string | null;
  created_at: Date;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  email: r.email,
  role: r.role as Role | null,
  createdAt: r.created_at.toISOString(),
});

const toMembership = (r: { workspace_id: string; user_id: string; role: string }): Membership => ({
  workspaceId: r.workspace_id,
  userId: r.user_id,
  role: r.role as Role,
});

// the password hash is read by userCredentials only
const USER = 'id, email, role, created_at';
const TTL = "($3::double precision * interval '1 millisecond')";

export async function createUser(pool: Pool, u: NewUser): Promise<User> {
  const r = await pool
    .query<UserRow>(
      `INSERT INTO users (id, email, role, password_hash) VALUES ($1, $2, $3, $4) RETURNING ${USER}`,
      [u.id, u.email, u.role, u.passwordHash],
    )
    .catch((err: unknown) => {
      const e = err as { code?: unknown; constraint?: unknown };
      throw e?.code === '23505' && e.constraint === 'users_email_unique' ? new UserConflict() : err;
    });
  return toUser(r.rows[0]!);
}

export async function listUsers(pool: Pool): Promise<User[]> {
  return (await pool.query<UserRow>(`SELECT ${USER} FROM users ORDER BY created_at, id`)).rows.map(
    toUser,
  );
}

export async function getUser(pool: Pool, id: string): Promise<User | undefined> {
  const r = await pool.query<UserRow>(`SELECT ${USER} FROM users WHERE id = $1`, [id]);
  return r.rows[0] ? toUser(r.rows[0]) : undefined;
}

export async function userCredentials(
  pool: Pool,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const r = await pool.query<UserRow & { password_hash: string }>(
    `SELECT ${USER}, password_hash FROM users WHERE email = $1`,
    [email],
  );
  const row = r.rows[0];
  return row ? { user: toUser(row), passwordHash: row.password_hash } : undefined;
}

export async function setUserPassword(
  pool: Pool,
  id: string,
  passwordHash: string,
): Promise<boolean> {
  const r = await pool.query(
    'UPDATE users SET password_hash = $1, password_changed_at = now() WHERE id = $2',
    [passwordHash, id],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function setMembership(pool: Pool, m: Membership): Promise<void> {
  await pool.query(
    `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
    [m.workspaceId, m.userId, m.role],
  );
}

export async function removeMembership(
  pool: Pool,
  workspaceId: string,
  userId: string,
): Promise<boolean> {
  const r = await pool.query(
    'DELETE FROM workspace_members WHERE workspace_id = $1 AND user_id = $2',
    [workspaceId, userId],
  );
  return (r.rowCount ?? 0) > 0;
}

export async function listMemberships(pool: Pool, userId: string): Promise<Membership[]> {
  const r = await pool.query<{ workspace_id: string; user_id: string; role: string }>(
    'SELECT workspace_id, user_id, role FROM workspace_members WHERE user_id = $1 ORDER BY workspace_id',
    [userId],
  );
  return r.rows.map(toMembership);
}

export async function listMembers(pool: Pool, workspaceId: string): Promise<Membership[]> {
  const r = await pool.query<{ workspace_id: string; user_id: string; role: string }>(
    'SELECT workspace_id, user_id, role FROM workspace_members WHERE workspace_id = $1 ORDER BY user_id',
    [workspaceId],
  );
  return r.rows.map(toMembership);
}

export async function createUserSession(pool: Pool, s: NewToken): Promise<void> {
  // expired sessions go as new ones come, so the table holds about the live ones
  await pool.query('DELETE FROM user_sessions WHERE expires_at <= now()');
  await pool.query(
    `INSERT INTO user_sessions (token_hash, user_id, expires_at) VALUES ($1, $2, now() + ${TTL})`,
    [s.tokenHash, s.userId, s.ttlMs],
  );
}

export async function findUserSession(
  pool: Pool,
  tokenHash: string,
): Promise<{ userId: string; expiresAt: string } | undefined> {
  const r = await pool.query<{ user_id: string; expires_at: Date }>(
    'SELECT user_id, expires_at FROM user_sessions WHERE token_hash = $1 AND expires_at > now()',
    [tokenHash],
  );
  const row = r.rows[0];
  return row ? { userId: row.user_id, expiresAt: row.expires_at.toISOString() } : undefined;
}

export async function deleteUserSession(pool: Pool, tokenHash: string): Promise<void> {
  await pool.query('DELETE FROM user_sessions WHERE token_hash = $1', [tokenHash]);
}

export async function deleteUserSessions(pool: Pool, userId: string): Promise<number> {
  return (await pool.query('DELETE FROM user_sessions WHERE user_id = $1', [userId])).rowCount ?? 0;
}

export async function createPasswordReset(pool: Pool, t: NewToken): Promise<void> {
  await transaction(pool, async (c) => {
    await c.query('DELETE FROM password_resets WHERE user_id = $1', [t.userId]);
    await c.query(
      `INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, now() + ${TTL})`,
      [t.tokenHash, t.userId, t.ttlMs],
    );
  });
}

export async function consumePasswordReset(
  pool: Pool,
  tokenHash: string,
): Promise<string | undefined> {
  // the token goes whether or not it was live: an expired one is of no use either
  const r = await pool.query<{ user_id: string; live: boolean }>(
    'DELETE FROM password_resets WHERE token_hash = $1 RETURNING user_id, expires_at > now() AS live',
    [tokenHash],
  );
  const row = r.rows[0];
  return row?.live ? row.user_id : undefined;
}

export async function createInvitation(pool: Pool, i: NewInvitation): Promise<void> {
  await pool.query(
    `INSERT INTO invitations (token_hash, workspace_id, email, role, expires_at)
     VALUES ($1, $2, $4, $5, now() + ${TTL})`,
    [i.tokenHash, i.workspaceId, i.ttlMs, i.email, i.role],
  );
}

export async function findInvitation(
  pool: Pool,
  tokenHash: string,
): Promise<Invitation | undefined> {
  const r = await pool.query<{
    workspace_id: string;
    email: string;
    role: string;
    expires_at: Date;
  }>(
    'SELECT workspace_id, email, role, expires_at FROM invitations WHERE token_hash = $1 AND expires_at > now()',
    [tokenHash],
  );
  const row = r.rows[0];
  return row
    ? {
        workspaceId: row.workspace_id,
        email: row.email,
        role: row.role as Role,
        expiresAt: row.expires_at.toISOString(),
      }
    : undefined;
}

export async function claimInvitation(pool: Pool, tokenHash: string): Promise<boolean> {
  const r = await pool.query(
    'DELETE FROM invitations WHERE token_hash = $1 AND expires_at > now()',
    [tokenHash],
  );
  return (r.rowCount ?? 0) > 0;
}
