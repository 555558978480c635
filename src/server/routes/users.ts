// Users and their access over HTTP (docs/access.md): the instance's users for the admin token (the CLI)
// or an instance owner/admin; a workspace's members, role-scoped API keys and audit log for its admins.
// No reply holds a password or its hash; a new key or reset token is shown once.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Mailer } from '../../mail/mailer.js';
import type { Store } from '../../store/store.js';
import { roleAtLeast, UserConflict, type Role } from '../../store/types.js';
import {
  createUser,
  invite,
  normalEmail,
  NewUserInput,
  resetToken,
  RESET_TTL_MS,
  RoleInput,
  userView,
} from '../../users/users.js';
import { hashSecret, newSecretKey } from '../../workspaces/keys.js';
import { access, callerRole, workspaceOf } from '../access.js';
import { audit } from '../audit.js';
import { ApiError } from '../errors.js';

const IdParams = z.object({ id: z.string().min(1).max(100) });
const Limit = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/** A caller may give no role stronger than their own (only an owner makes an owner). */
function mayGrant(held: Role, role: Role): void {
  if (!roleAtLeast(held, role))
    throw new ApiError(403, 'forbidden', `a ${held} cannot grant the ${role} role`, 'role');
}

export function usersRoutes(
  fastify: FastifyInstance,
  store: Store,
  mail: { mailer: Mailer | undefined; baseUrl: string } = { mailer: undefined, baseUrl: '' },
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const instanceAdmin = access.instance('admin');

  app.get(
    '/api/users',
    { config: instanceAdmin, schema: { summary: 'Every user, with their memberships' } },
    async () => ({
      users: await Promise.all((await store.listUsers()).map((u) => userView(store, u))),
    }),
  );

  app.post(
    '/api/users',
    {
      config: { ...instanceAdmin, invalidBody: 'invalid_input' },
      schema: {
        summary: 'Create a user: over every workspace, or over one (`workspace`) with that role',
        body: NewUserInput,
      },
    },
    async (req, reply) => {
      mayGrant(callerRole(req), req.body.role);
      try {
        const user = await createUser(store, req.body);
        await audit(store, req, {
          action: 'user_created',
          workspaceId: req.body.workspace ?? null,
          target: user.id,
        });
        void reply.code(201);
        return user;
      } catch (err) {
        if (err instanceof UserConflict) throw new ApiError(409, 'conflict', err.message, 'email');
        throw err;
      }
    },
  );

  app.post(
    '/api/users/reset-password',
    {
      config: instanceAdmin,
      schema: {
        summary: 'A one-time password-reset token for a user (shown once; valid one hour)',
        body: z.object({ email: z.string().min(1).max(320) }),
      },
    },
    async (req) => {
      const made = await resetToken(store, req.body.email);
      if (!made) throw new ApiError(404, 'not_found', 'no user with this e-mail', 'email');
      await audit(store, req, { action: 'reset_token', workspaceId: null, target: made.user.id });
      return {
        user: made.user,
        token: made.token,
        expiresAt: new Date(Date.now() + RESET_TTL_MS).toISOString(),
      };
    },
  );

  app.get(
    '/api/audit/instance',
    {
      config: instanceAdmin,
      schema: {
        summary: 'The whole audit log, newest first (sign-ins, users, every workspace)',
        querystring: Limit,
      },
    },
    async (req) => ({ entries: await store.listAudit({ limit: req.query.limit }) }),
  );

  const wsAdmin = access.secret({ role: 'admin' });

  app.get(
    '/api/members',
    { config: wsAdmin, schema: { summary: "The workspace's members and their roles" } },
    async (req) => {
      const ws = workspaceOf(req);
      const members = await store.listMembers(ws.id);
      const users = await Promise.all(members.map((m) => store.getUser(m.userId)));
      return {
        members: members.map((m, i) => ({
          userId: m.userId,
          email: users[i]?.email ?? null,
          role: m.role,
        })),
      };
    },
  );

  app.put(
    '/api/members',
    {
      config: wsAdmin,
      schema: {
        summary: 'Make an existing user a member of the workspace, or change their role',
        body: z.object({ email: z.string().min(1).max(320), role: RoleInput }),
      },
    },
    async (req) => {
      const ws = workspaceOf(req);
      mayGrant(callerRole(req), req.body.role);
      const found = await store.userCredentials(normalEmail(req.body.email));
      if (!found) throw new ApiError(404, 'not_found', 'no user with this e-mail', 'email');
      await store.setMembership({ workspaceId: ws.id, userId: found.user.id, role: req.body.role });
      await audit(store, req, { action: 'member_set', workspaceId: ws.id, target: found.user.id });
      return { userId: found.user.id, email: found.user.email, role: req.body.role };
    },
  );

  app.delete(
    '/api/members/:id',
    {
      config: wsAdmin,
      schema: { summary: 'Remove a member from the workspace', params: IdParams },
    },
    async (req) => {
      const ws = workspaceOf(req);
      const role = (await store.listMembers(ws.id)).find((m) => m.userId === req.params.id)?.role;
      if (!role) throw new ApiError(404, 'not_found', 'no such member', 'id');
      mayGrant(callerRole(req), role);
      await store.removeMembership(ws.id, req.params.id);
      await audit(store, req, {
        action: 'member_removed',
        workspaceId: ws.id,
        target: req.params.id,
      });
      return { removed: req.params.id };
    },
  );

  app.get(
    '/api/keys',
    {
      config: wsAdmin,
      schema: { summary: "The workspace's role-scoped API keys (never a key itself)" },
    },
    async (req) => ({ keys: await store.listApiKeys(workspaceOf(req).id) }),
  );

  app.post(
    '/api/keys',
    {
      config: wsAdmin,
      schema: {
        summary: 'A new API key with a role in this workspace; the key is shown only in this reply',
        body: z.object({ name: z.string().trim().min(1).max(100), role: RoleInput }),
      },
    },
    async (req, reply) => {
      const ws = workspaceOf(req);
      mayGrant(callerRole(req), req.body.role);
      const secretKey = newSecretKey();
      const key = await store.createApiKey({
        id: `key_${randomBytes(9).toString('base64url')}`,
        workspaceId: ws.id,
        name: req.body.name,
        role: req.body.role,
        keyHash: hashSecret(secretKey),
      });
      await audit(store, req, { action: 'key_created', workspaceId: ws.id, target: key.id });
      void reply.code(201);
      return { key, secretKey };
    },
  );

  app.delete(
    '/api/keys/:id',
    {
      config: wsAdmin,
      schema: { summary: 'Revoke an API key: it stops working at once', params: IdParams },
    },
    async (req) => {
      const ws = workspaceOf(req);
      if (!(await store.revokeApiKey(ws.id, req.params.id)))
        throw new ApiError(404, 'not_found', 'no live key with this id in the workspace', 'id');
      await audit(store, req, { action: 'key_revoked', workspaceId: ws.id, target: req.params.id });
      return { revoked: req.params.id };
    },
  );

  app.get(
    '/api/audit',
    {
      config: wsAdmin,
      schema: { summary: "The workspace's audit log, newest first", querystring: Limit },
    },
    async (req) => ({
      entries: await store.listAudit({ workspaceId: workspaceOf(req).id, limit: req.query.limit }),
    }),
  );

  app.post(
    '/api/invitations',
    {
      config: wsAdmin,
      schema: {
        summary:
          'Invite an e-mail to the workspace with a role: the token for the link is in this reply only (valid 7 days)',
        body: z.object({
          email: z
            .string()
            .trim()
            .max(320)
            .pipe(z.email({ message: 'is not an e-mail address' })),
          role: RoleInput,
        }),
      },
    },
    async (req, reply) => {
      const ws = workspaceOf(req);
      mayGrant(callerRole(req), req.body.role);
      const made = await invite(store, ws.id, req.body.email, req.body.role);
      await audit(store, req, {
        action: 'invitation_created',
        workspaceId: ws.id,
        target: normalEmail(req.body.email),
      });
      void reply.code(201);
      return {
        workspaceId: ws.id,
        email: normalEmail(req.body.email),
        role: req.body.role,
        token: made.token,
        expiresAt: made.expiresAt,
        // with SMTP configured the link is also mailed; the reply says whether that worked
        mailed: mail.mailer
          ? await mailInvitation(mail.mailer, mail.baseUrl, {
              to: normalEmail(req.body.email),
              token: made.token,
              workspace: ws.name,
              role: req.body.role,
              expiresAt: made.expiresAt,
            }).then(
              () => true,
              (err: unknown) => {
                // the reason names the SMTP step, never the link (it holds the token)
                req.log.error({ err: (err as Error).message }, 'invitation mail failed');
                return false;
              },
            )
          : false,
      };
    },
  );
}

/** The invitation link by mail: the sign-in page accepts it (`/login?invitation=`). */
function mailInvitation(
  mailer: Mailer,
  baseUrl: string,
  i: { to: string; token: string; workspace: string; role: string; expiresAt: string },
): Promise<void> {
  const link = `${baseUrl.replace(/\/+$/, '')}/login?invitation=${encodeURIComponent(i.token)}`;
  return mailer.send({
    to: i.to,
    subject: `You are invited to ${i.workspace} on Closedloop`,
    text: [
      `You are invited to the workspace "${i.workspace}" on Closedloop, as ${i.role}.`,
      '',
      `Accept here (the link works once, until ${i.expiresAt}):`,
      link,
    ].join('\n'),
  });
}
