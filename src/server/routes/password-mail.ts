// "Forgot your password?": with an SMTP server configured (CLOSEDLOOP_SMTP_URL), anyone may ask for a
// reset link to be mailed to an address; the reply is the same whether or not the address has an
// account (no one learns who has one), and the mail goes out after the reply, so its timing says nothing
// either. Without SMTP the route says so: an admin gives a token instead (`closedloop user
// reset-password`, POST /api/users/reset-password). docs/access.md, "Password reset".
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { Mailer } from '../../mail/mailer.js';
import type { Store } from '../../store/store.js';
import { normalEmail, RESET_TTL_MS, resetToken } from '../../users/users.js';
import { access } from '../access.js';
import { ApiError } from '../errors.js';

/** One reset mail per address in this window (a link is valid an hour; more would be mail bombing). */
export const RESET_MAIL_INTERVAL_MS = 60_000;

const Forgot = z.object({
  email: z
    .string()
    .trim()
    .max(320)
    .pipe(z.email({ message: 'is not an e-mail address' })),
});

export function passwordMailRoutes(
  fastify: FastifyInstance,
  deps: { store: Store; mailer: Mailer | undefined; baseUrl: string },
): void {
  const app = fastify.withTypeProvider<ZodTypeProvider>();
  const lastSent = new Map<string, number>();

  app.post(
    '/api/auth/forgot-password',
    {
      config: access.anyone(),
      schema: {
        summary:
          'Mail a one-time password-reset link to an address, if it has an account (needs CLOSEDLOOP_SMTP_URL)',
        body: Forgot,
      },
    },
    async (req, reply) => {
      const mailer = deps.mailer;
      if (!mailer)
        throw new ApiError(
          409,
          'mail_not_configured',
          'this server sends no mail (CLOSEDLOOP_SMTP_URL is not set): ask an admin for a reset token',
        );
      const email = normalEmail(req.body.email);
      const now = Date.now();
      for (const [k, t] of lastSent) if (now - t >= RESET_MAIL_INTERVAL_MS) lastSent.delete(k);
      if (!lastSent.has(email)) {
        lastSent.set(email, now);
        // after the reply: a known and an unknown address take the same time to answer
        setImmediate(() => {
          void sendReset(deps, mailer, email).catch((err: unknown) =>
            // the error names the SMTP step, never the link (it holds the token)
            req.log.error({ err: (err as Error).message }, 'password reset mail failed'),
          );
        });
      }
      void reply.code(202);
      return {
        accepted: true,
        message: 'if this address has an account, a reset link valid for one hour is on its way',
      };
    },
  );
}

async function sendReset(
  deps: { store: Store; baseUrl: string },
  mailer: Mailer,
  email: string,
): Promise<void> {
  const made = await resetToken(deps.store, email);
  if (!made) return;
  const link = `${deps.baseUrl.replace(/\/+$/, '')}/reset-password?token=${encodeURIComponent(made.token)}`;
  await mailer.send({
    to: made.user.email,
    subject: 'Reset your Closedloop password',
    text: [
      'Someone (we hope you) asked to reset the password of this Closedloop account.',
      '',
      `Set a new password here (the link works once, for ${RESET_TTL_MS / 60_000} minutes):`,
      link,
      '',
      'If it was not you, ignore this mail: your password stays as it is.',
    ].join('\n'),
  });
}
