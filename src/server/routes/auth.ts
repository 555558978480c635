// Signing in and out (docs/access.md): e-mail and password give a session cookie; the reply never says
// whether an e-mail has an account, and failures are throttled per e-mail and per address.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Store } from '../../store/store.js';
import type { User } from '../../store/types.js';
import { decoyHash, PASSWORD_MAX, verifyPassword } from '../../users/password.js';
import { LoginThrottle } from '../../users/throttle.js';
import { normalEmail, resetPassword, workspacesOf } from '../../users/users.js';
import { access, actorOf } from '../access.js';
import { audit } from '../audit.js';
import { ApiError } from '../errors.js';
import { endSession, sessionOf, startSession } from '../session.js';

const Login = z.object({
  email: z.string().min(1).max(320),
  password: z.string().min(1).max(PASSWORD_MAX),
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
  throttle: LoginThrottle = new LoginThrottle(),
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
      const wait = throttle.retryAfter(email, address(req));
      if (wait > 0) {
        void reply.header('retry-after', String(Math.ceil(wait / 1000)));
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
        throttle.failed(email, address(req));
        await audit(store, req, {
          action: 'login_failed',
          workspaceId: null,
          target: found ? found.user.id : null,
        });
        throw invalid();
      }
      throttle.succeeded(email);
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
}
