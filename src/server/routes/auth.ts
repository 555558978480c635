// Signing in and out (docs/access.md): e-mail and password give a session cookie; the reply never says
// whether an e-mail has an account, and failures are throttled per e-mail and per address.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import { roleAtLeast, type User } from '../../store/types.js';
import { decoyHash, PASSWORD_MAX, verifyPassword } from '../../users/password.js';
import {
  DEFAULT_THROTTLE,
  retryAfterMs,
  throttleSubjects,
  type ThrottleLimits,
} from '../../users/throttle.js';
import { hashPassword, passwordProblem } from '../../users/password.js';
import { tokenHash } from '../../users/tokens.js';
import { newUserId, normalEmail, resetPassword, workspacesOf } from '../../users/users.js';
import { access, actorOf } from '../access.js';
import { audit } from '../audit.js';
import { ApiError } from '../errors.js';
import { endSession, sessionOf, startSession } from '../session.js';

const Login = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_MAX),
});

const Accept = z.object({
  token: z.string().min(1).max(200),
  password: z.string().max(PASSWORD_MAX),
});

const Reset = z.object({
  token: z.string().min(1).max(200),
  password: z.string().max(PASSWORD_MAX),
});

async function whoAmI(store: Store, user: User) {
  const workspaces = (await workspacesOf(store, user)).map(({ workspace, role }) => ({
    id: workspace.id,
    name: workspace.name,
    role,
  }));
  return { user, workspaces };
}

const invalid = () =>
  new ApiError(401, 'invalid_credentials', 'the e-mail or the password is wrong', 'password');

export function authRoutes(
  fastify: FastifyInstance,
  store: Store,
  throttle: ThrottleLimits = DEFAULT_THROTTLE,
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const address = (req: FastifyRequest) => req.ip;

  app.post(
    '/api/auth/login',
    {
      config: access.anyone(),
      schema: {
        summary: 'Sign in with e-mail and password: sets the session cookie (http-only)',
        body: Login,
      },
    },
    async (req, reply) => {
      const email = normalEmail(req.body.email);
      // the attempt is counted before the password is checked (a failure until it succeeds), so
      // parallel guesses, here or at another process, are counted as they come (login-attempts.ts)
      const subjects = throttleSubjects(email, address(req), throttle);
      const attemptId = randomBytes(12).toString('base64url');
      const admission = await store.beginLoginAttempt({
        id: attemptId,
        subjects,
        windowMs: throttle.windowMs,
      });
      if (!admission.admitted) {
        const wait = retryAfterMs(admission.recent, subjects, throttle.windowMs);
        void reply.header('retry-after', String(Math.max(1, Math.ceil(wait / 1000))));
        throw new ApiError(
          429,
          'too_many_attempts',
          'too many failed sign-ins: try again later',
          'email',
        );
      }
      const found = await store.userCredentials(email);
      // an unknown e-mail costs the same scrypt as a known one, so timing does not tell them apart
      const ok = await verifyPassword(
        req.body.password,
        found?.passwordHash ?? (await decoyHash()),
      );
      if (!found || !ok) {
        await audit(store, req, {
          action: 'login_failed',
          workspaceId: null,
          target: found ? found.user.id : null,
        });
        throw invalid();
      }
      // a success clears the e-mail's failures; the address's stay (one address may try many e-mails)
      await store.clearLoginAttempts(attemptId, subjects[0].key);
      const session = await startSession(store, req, reply, found.user);
      await audit(store, req, {
        action: 'login',
        workspaceId: null,
        target: found.user.id,
        actor: `user:${found.user.id}`,
      });
      return { ...(await whoAmI(store, found.user)), ...session };
    },
  );

  app.post(
    '/api/auth/logout',
    {
      config: access.user(),
      schema: { summary: 'Sign out: the session ends, its cookie is cleared' },
    },
    async (req, reply) => {
      await endSession(store, req, reply);
      await audit(store, req, { action: 'logout', workspaceId: null, target: null });
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/auth/me',
    {
      config: access.user(),
      schema: { summary: 'The signed-in user, their role and the workspaces they may see' },
    },
    async (req) => {
      const session = await sessionOf(store, req);
      const actor = actorOf(req);
      if (!session || actor?.kind !== 'user') throw new Error('no session after the access check');
      return {
        ...(await whoAmI(store, session.user)),
        csrfToken: session.csrfToken,
        expiresAt: session.expiresAt,
      };
    },
  );

  app.post(
    '/api/auth/reset-password',
    {
      config: access.anyone(),
      schema: {
        summary:
          'Set a new password with a one-time reset token (`closedloop user reset-password`)',
        body: Reset,
      },
    },
    async (req) => {
      const user = await resetPassword(store, req.body.token, req.body.password);
      if (!user)
        throw new ApiError(
          400,
          'invalid_token',
          'the reset token is unknown, used or expired',
          'token',
        );
      await audit(store, req, {
        action: 'password_reset',
        workspaceId: null,
        target: user.id,
        actor: `user:${user.id}`,
      });
      return { user };
    },
  );

  app.post(
    '/api/auth/accept-invitation',
    {
      config: access.anyone(),
      schema: {
        summary:
          "Accept an invitation link's token: a new user sets their password, an existing one gives theirs; signs in",
        body: Accept,
      },
    },
    async (req, reply) => {
      const hash = tokenHash(req.body.token);
      const invitation = await store.findInvitation(hash);
      const unusable = () =>
        new ApiError(400, 'invalid_token', 'the invitation is unknown, used or expired', 'token');
      if (!invitation) throw unusable();
      const existing = await store.userCredentials(invitation.email);
      if (existing) {
        // the account's owner accepts, with the password they have (the token alone is not enough)
        if (!(await verifyPassword(req.body.password, existing.passwordHash))) throw invalid();
      } else {
        const problem = passwordProblem(req.body.password);
        if (problem) throw new ApiError(400, 'invalid_input', problem, 'password');
      }
      if (!(await store.claimInvitation(hash))) throw unusable();
      const user =
        existing?.user ??
        (await store.createUser({
          id: newUserId(),
          email: invitation.email,
          role: null,
          passwordHash: await hashPassword(req.body.password),
        }));
      // an invitation never lowers a role the user already has there
      const had = (await store.listMemberships(user.id)).find(
        (m) => m.workspaceId === invitation.workspaceId,
      )?.role;
      if (!had || roleAtLeast(invitation.role, had))
        await store.setMembership({
          workspaceId: invitation.workspaceId,
          userId: user.id,
          role: invitation.role,
        });
      await audit(store, req, {
        action: 'invitation_accepted',
        workspaceId: invitation.workspaceId,
        target: user.id,
        actor: `user:${user.id}`,
      });
      const session = await startSession(store, req, reply, user);
      return { ...(await whoAmI(store, user)), ...session };
    },
  );
}
