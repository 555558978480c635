// Users of the install: created by the CLI (the first owner) or by an owner/admin, each with a role over
// every workspace (`role`) or only over the workspaces they are member of (an agency's user sees only
// their clients). A user's role in a workspace is the stronger of the two.
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Store } from '../store/store.js';
import { ROLES, roleAtLeast, type Role, type User, type Workspace } from '../store/types.js';
import { InvalidInput, parseInput } from '../workspaces/create.js';
import { hashPassword, passwordProblem } from './password.js';
import { newToken, tokenHash } from './tokens.js';

export const RoleInput = z.enum(ROLES, { message: `must be one of ${ROLES.join(', ')}` });

/** E-mail addresses are compared lower-cased and trimmed. */
export const normalEmail = (email: string) => email.trim().toLowerCase();

const Password = z.string().superRefine((p, ctx) => {
  const problem = passwordProblem(p);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

export const NewUserInput = z.object({
  email: z
    .string()
    .trim()
    .max(320, 'must be at most 320 characters')
    .pipe(z.email({ message: 'is not an e-mail address' })),
  role: RoleInput,
  password: Password,
  /** Only this workspace, with `role` there; without it, `role` is over every workspace. */
  workspace: z.string().min(1).max(100).optional(),
});
export type NewUserInput = z.input<typeof NewUserInput>;

/** A user as shown: their memberships beside them. */
export interface UserView extends User {
  memberships: { workspaceId: string; role: Role }[];
}

export const newUserId = () => `usr_${randomBytes(9).toString('base64url')}`;

export async function userView(store: Store, user: User): Promise<UserView> {
  const memberships = (await store.listMemberships(user.id)).map((m) => ({
    workspaceId: m.workspaceId,
    role: m.role,
  }));
  return { ...user, memberships };
}

/** Creates a user; throws InvalidInput naming the field, UserConflict when the e-mail is taken. */
export async function createUser(store: Store, input: unknown): Promise<UserView> {
  const u = parseInput(NewUserInput, input);
  if (u.workspace !== undefined && !(await store.getWorkspace(u.workspace)))
    throw new InvalidInput('workspace', `no workspace with id "${u.workspace}"`);
  const user = await store.createUser({
    id: newUserId(),
    email: normalEmail(u.email),
    role: u.workspace === undefined ? u.role : null,
    passwordHash: await hashPassword(u.password),
  });
  if (u.workspace !== undefined)
    await store.setMembership({ workspaceId: u.workspace, userId: user.id, role: u.role });
  return userView(store, user);
}

/** How long a password-reset token lives. */
export const RESET_TTL_MS = 60 * 60 * 1000;

/** A one-time password-reset token for the user with that e-mail (undefined: no such user). */
export async function resetToken(
  store: Store,
  email: string,
): Promise<{ user: User; token: string } | undefined> {
  const found = await store.userCredentials(normalEmail(email));
  if (!found) return undefined;
  const token = newToken('rst_');
  await store.createPasswordReset({
    tokenHash: tokenHash(token),
    userId: found.user.id,
    ttlMs: RESET_TTL_MS,
  });
  return { user: found.user, token };
}

/**
 * Sets a new password with a reset token (used up either way); every session of the user ends. The user,
 * or undefined for an unknown, used or expired token.
 */
export async function resetPassword(
  store: Store,
  token: string,
  password: string,
): Promise<User | undefined> {
  const problem = passwordProblem(password);
  if (problem) throw new InvalidInput('password', problem);
  const userId = await store.consumePasswordReset(tokenHash(token));
  if (!userId) return undefined;
  await store.setUserPassword(userId, await hashPassword(password));
  await store.deleteUserSessions(userId);
  return store.getUser(userId);
}

/** The user's role in the workspace: the stronger of their instance role and their membership, or none. */
export async function roleIn(
  store: Store,
  user: User,
  workspaceId: string,
): Promise<Role | undefined> {
  const member = (await store.listMemberships(user.id)).find((m) => m.workspaceId === workspaceId);
  const roles = [user.role, member?.role].filter((r): r is Role => r !== null && r !== undefined);
  return roles.reduce<Role | undefined>(
    (best, r) => (best === undefined || roleAtLeast(r, best) ? r : best),
    undefined,
  );
}

/** The workspaces a user may see, each with their role there. */
export async function workspacesOf(
  store: Store,
  user: User,
): Promise<{ workspace: Workspace; role: Role }[]> {
  const all = await store.listWorkspaces();
  const members = new Map(
    (await store.listMemberships(user.id)).map((m) => [m.workspaceId, m.role]),
  );
  const out: { workspace: Workspace; role: Role }[] = [];
  for (const workspace of all) {
    const roles = [user.role, members.get(workspace.id)].filter(
      (r): r is Role => r !== null && r !== undefined,
    );
    if (roles.length === 0) continue;
    const role = roles.reduce((a, b) => (roleAtLeast(a, b) ? a : b));
    out.push({ workspace, role });
  }
  return out;
}

/** How long an invitation link lives. */
export const INVITATION_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** An invitation to the workspace for that e-mail with that role; the token (for the link) is shown once. */
export async function invite(
  store: Store,
  workspaceId: string,
  email: string,
  role: Role,
): Promise<{ token: string; expiresAt: string }> {
  const token = newToken('inv_');
  await store.createInvitation({
    tokenHash: tokenHash(token),
    workspaceId,
    email: normalEmail(email),
    role,
    ttlMs: INVITATION_TTL_MS,
  });
  return { token, expiresAt: new Date(Date.now() + INVITATION_TTL_MS).toISOString() };
}
