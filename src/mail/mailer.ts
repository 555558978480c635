// Mail the server sends (password-reset links, invitations) through the SMTP server an operator
// configures (CLOSEDLOOP_SMTP_URL); without one the server sends none, and the CLI prints the links
// instead (docs/access.md). nodemailer speaks SMTP; its own logging stays off, so no link, which holds a
// one-time token, reaches a log line.
import { createTransport } from 'nodemailer';

export interface Mail {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(mail: Mail): Promise<void>;
  close(): void;
}

/** A mailer over the SMTP server at `url` (smtp:// or smtps://, with user:password if it needs them). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport(url, { from });
  transport.set('logger', false);
  return {
    async send(mail) {
      await transport.sendMail({ from, to: mail.to, subject: mail.subject, text: mail.text });
    },
    close() {
      transport.close();
    },
  };
}
