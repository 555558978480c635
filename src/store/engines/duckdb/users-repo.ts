// Users, memberships, sessions and reset tokens in the DuckDB file (the control plane when no PostgreSQL
// is configured): the same statements as postgres/users-repo.ts. Expiry is the database's clock (now()).
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
import type { Db, Row } from './connection.js';

const iso = (v: unknown) => new Date(String(v)).toISOString();

function toUser(r: Row): User {
  return {
    id: String(r.id),
    email: String(r.email),
    role: r.role === null || r.role === undefined ? null : (String(r.role) as Role),
    createdAt: iso(r.created_at),
  };
}

const toMembership = (r: Row): Membership => ({
  workspaceId: String(r.workspace_id),
  userId: String(r.user_id),
  role: String(r.role) as Role,
});

// the password hash is read by userCredentials only
const USER = 'id, email, role, created_at';

export async function createUser(db: Db, u: NewUser): Promise<User> {
  await db.write(async (c) => {
    await c
      .run(
        `INSERT INTO users (id, email, role, password_hash) VALUES ($id, $email, $role, $hash)`,
        { id: u.id, email: u.email, role: u.role, hash: u.passwordHash },
      )
      .catch((err: unknown) => {
        throw /Duplicate key "email:/.test(err instanceof Error ? err.message : '')
          ? new UserConflict()
          : err;
      });
  });
  const user = await getUser(db, u.id);
  if (!user) throw new Error(`user ${u.id} not found after insert`);
  return user;
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.query(`SELECT ${USER} FROM users ORDER BY created_at, id`)).map(toUser);
}

export async function getUser(db: Db, id: string): Promise<User | undefined> {
  const [r] = await db.query(`SELECT ${USER} FROM users WHERE id = $id`, { id });
  return r ? toUser(r) : undefined;
}

export async function userCredentials(
  db: Db,
  email: string,
): Promise<{ user: User; passwordHash: string } | undefined> {
  const [r] = await db.query(`SELECT ${USER}, password_hash FROM users WHERE email = $email`, {
    email,
  });
  return r ? { user: toUser(r), passwordHash: String(r.password_hash) } : undefined;
}

export async function setUserPassword(db: Db, id: string, passwordHash: string): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run(
      'UPDATE users SET password_hash = $h, password_changed_at = now() WHERE id = $id',
      { h: passwordHash, id },
    );
    return r.rowsChanged > 0;
  });
}

export async function setMembership(db: Db, m: Membership): Promise<void> {
  await db.write((c) =>
    c.run(
      `INSERT INTO workspace_members (workspace_id, user_id, role) VALUES ($ws, $user, $role)
       ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
      { ws: m.workspaceId, user: m.userId, role: m.role },
    ),
  );
}

export async function removeMembership(
  db: Db,
  workspaceId: string,
  userId: string,
): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run(
      'DELETE FROM workspace_members WHERE workspace_id = $ws AND user_id = $user',
      { ws: workspaceId, user: userId },
    );
    return r.rowsChanged > 0;
  });
}

export async function listMemberships(db: Db, userId: string): Promise<Membership[]> {
  return (
    await db.query('SELECT * FROM workspace_members WHERE user_id = $u ORDER BY workspace_id', {
      u: userId,
    })
  ).map(toMembership);
}

export async function listMembers(db: Db, workspaceId: string): Promise<Membership[]> {
  return (
    await db.query('SELECT * FROM workspace_members WHERE workspace_id = $ws ORDER BY user_id', {
      ws: workspaceId,
    })
  ).map(toMembership);
}

export async function createUserSession(db: Db, s: NewToken): Promise<void> {
  await db.write(async (c) => {
    // expired sessions go as new ones come, so the table holds about the live ones
    await c.run('DELETE FROM user_sessions WHERE expires_at <= now()');
    await c.run(
      `INSERT INTO user_sessions (token_hash, user_id, expires_at)
       VALUES ($h, $u, now() + to_milliseconds($ttl))`,
      { h: s.tokenHash, u: s.userId, ttl: s.ttlMs },
    );
  });
}

export async function findUserSession(
  db: Db,
  tokenHash: string,
): Promise<{ userId: string; expiresAt: string } | undefined> {
  const [r] = await db.query(
    'SELECT user_id, expires_at FROM user_sessions WHERE token_hash = $h AND expires_at > now()',
    { h: tokenHash },
  );
  return r ? { userId: String(r.user_id), expiresAt: iso(r.expires_at) } : undefined;
}

export async function deleteUserSession(db: Db, tokenHash: string): Promise<void> {
  await db.write((c) => c.run('DELETE FROM user_sessions WHERE token_hash = $h', { h: tokenHash }));
}

export async function deleteUserSessions(db: Db, userId: string): Promise<number> {
  return db.write(
    async (c) =>
      (await c.run('DELETE FROM user_sessions WHERE user_id = $u', { u: userId })).rowsChanged,
  );
}

export async function createPasswordReset(db: Db, t: NewToken): Promise<void> {
  await db.transaction(async (c) => {
    await c.run('DELETE FROM password_resets WHERE user_id = $u', { u: t.userId });
    await c.run(
      `INSERT INTO password_resets (token_hash, user_id, expires_at)
       VALUES ($h, $u, now() + to_milliseconds($ttl))`,
      { h: t.tokenHash, u: t.userId, ttl: t.ttlMs },
    );
  });
}

export async function consumePasswordReset(db: Db, tokenHash: string): Promise<string | undefined> {
  return db.write(async (c) => {
    // the token goes whether or not it was live: an expired one is of no use either
    const r = await c.runAndReadAll(
      'DELETE FROM password_resets WHERE token_hash = $h RETURNING user_id, expires_at > now() AS live',
      { h: tokenHash },
    );
    const [row] = r.getRowObjectsJson();
    return row && row.live === true ? String(row.user_id) : undefined;
  });
}

export async function createInvitation(db: Db, i: NewInvitation): Promise<void> {
  await db.write((c) =>
    c.run(
      `INSERT INTO invitations (token_hash, workspace_id, email, role, expires_at)
       VALUES ($h, $ws, $email, $role, now() + to_milliseconds($ttl))`,
      { h: i.tokenHash, ws: i.workspaceId, email: i.email, role: i.role, ttl: i.ttlMs },
    ),
  );
}

export async function findInvitation(db: Db, tokenHash: string): Promise<Invitation | undefined> {
  const [r] = await db.query(
    'SELECT * FROM invitations WHERE token_hash = $h AND expires_at > now()',
    { h: tokenHash },
  );
  return r
    ? {
        workspaceId: String(r.workspace_id),
        email: String(r.email),
        role: String(r.role) as Role,
        expiresAt: iso(r.expires_at),
      }
    : undefined;
}

export async function claimInvitation(db: Db, tokenHash: string): Promise<boolean> {
  return db.write(async (c) => {
    const r = await c.run('DELETE FROM invitations WHERE token_hash = $h AND expires_at > now()', {
      h: tokenHash,
    });
    return r.rowsChanged > 0;
  });
}
