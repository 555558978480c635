// The store's users area (control plane): people who sign in to the API and the coming dashboard, their
// per-workspace memberships, their sessions and one-time password-reset tokens. Passwords, session tokens
// and reset tokens are stored only as hashes (src/users/); nothing here ever returns a password hash
// except the one lookup that a sign-in needs.

/** Roles, weakest first: each may do what the roles before it may. */
export const ROLES = ['viewer', 'analyst', 'admin', 'owner'] as const;
export type Role = (typeof ROLES)[number];

/** True when `held` is at least `needed`. */
export const roleAtLeast = (held: Role, needed: Role): boolean =>
  ROLES.indexOf(held) >= ROLES.indexOf(needed);

export interface User {
  id: string;
  /** Lower-cased, unique. */
  email: string;
  /** The role over every workspace of the instance, or null: only the workspaces the user is member of. */
  role: Role | null;
  createdAt: string;
}

export interface NewUser {
  id: string;
  email: string;
  role: Role | null;
  /** The encoded scrypt hash (src/users/password.ts): parameters, salt and key. */
  passwordHash: string;
}

/** A user's role in one workspace. */
export interface Membership {
  workspaceId: string;
  userId: string;
  role: Role;
}

/** A user with that e-mail address exists already (every engine refuses it with this error). */
export class UserConflict extends Error {
  constructor() {
    super('a user with this email exists already');
    this.name = 'UserConflict';
  }
}

/** A token stored by its hash, live for `ttlMs` from the database's now(). */
export interface NewToken {
  tokenHash: string;
  userId: string;
  ttlMs: number;
}

/** An invitation to a workspace, by link: its token stored hashed, live until it expires or is used. */
export interface Invitation {
  workspaceId: string;
  email: string;
  role: Role;
  expiresAt: string;
}

export interface NewInvitation {
  tokenHash: string;
  workspaceId: string;
  email: string;
  role: Role;
  ttlMs: number;
}

export interface UsersStore {
  /** Throws UserConflict when the e-mail is taken. */
  createUser(u: NewUser): Promise<User>;
  /** Every user, in creation order. */
  listUsers(): Promise<User[]>;
  getUser(id: string): Promise<User | undefined>;
  /** The user and their password hash, for a sign-in only. */
  userCredentials(email: string): Promise<{ user: User; passwordHash: string } | undefined>;
  /** False: no such user. */
  setUserPassword(id: string, passwordHash: string): Promise<boolean>;
  /** Adds the membership, or changes its role. */
  setMembership(m: Membership): Promise<void>;
  /** False: there was none. */
  removeMembership(workspaceId: string, userId: string): Promise<boolean>;
  /** The user's memberships, by workspace id. */
  listMemberships(userId: string): Promise<Membership[]>;
  /** The workspace's members, by user id. */
  listMembers(workspaceId: string): Promise<Membership[]>;
  createUserSession(s: NewToken): Promise<void>;
  /** The session's user and expiry while it is live (by the database's clock), else undefined. */
  findUserSession(tokenHash: string): Promise<{ userId: string; expiresAt: string } | undefined>;
  deleteUserSession(tokenHash: string): Promise<void>;
  /** Ends every session of the user (a new password); how many there were. */
  deleteUserSessions(userId: string): Promise<number>;
  /** A one-time reset token (any earlier one of the user is dropped). */
  createPasswordReset(t: NewToken): Promise<void>;
  /** The user whose live token this is, the token deleted in the same statement; undefined otherwise. */
  consumePasswordReset(tokenHash: string): Promise<string | undefined>;
  createInvitation(i: NewInvitation): Promise<void>;
  /** The invitation while it is live (by the database's clock), else undefined. */
  findInvitation(tokenHash: string): Promise<Invitation | undefined>;
  /** Uses the invitation up: true for the one caller that deleted it while live. */
  claimInvitation(tokenHash: string): Promise<boolean>;
}

/** A secret API key of a workspace with a role (the workspace's own secret key is its owner key). */
export interface ApiKey {
  id: string;
  workspaceId: string;
  name: string;
  role: Role;
  createdAt: string;
  /** When it was revoked; a revoked key is refused. */
  revokedAt: string | null;
}

export interface NewApiKey {
  id: string;
  workspaceId: string;
  name: string;
  role: Role;
  keyHash: string;
}

/** One line of the access audit log: who did what, never a secret. */
export interface AuditEntry {
  id: string;
  at: string;
  /** null: an instance-wide action (a sign-in, a user created). */
  workspaceId: string | null;
  /** `user:<id>`, `key:<id>`, `secret-key`, `admin-token`, or `anonymous`. */
  actor: string;
  /** e.g. `login`, `login_failed`, `key_created`, `member_set`, `connector_put`. */
  action: string;
  target: string | null;
  address: string | null;
}

export type NewAuditEntry = Omit<AuditEntry, 'id' | 'at'>;

export interface ApiKeysStore {
  createApiKey(k: NewApiKey): Promise<ApiKey>;
  /** The workspace's keys, revoked ones too, in creation order. */
  listApiKeys(workspaceId: string): Promise<ApiKey[]>;
  /** The key with that hash, revoked or not. */
  findApiKeyByHash(keyHash: string): Promise<ApiKey | undefined>;
  /** False: no such live key in that workspace. */
  revokeApiKey(workspaceId: string, id: string): Promise<boolean>;
  appendAudit(e: NewAuditEntry): Promise<void>;
  /** Newest first; `workspaceId` undefined: every line. */
  listAudit(q: { workspaceId?: string; limit: number }): Promise<AuditEntry[]>;
}
