// "Forgot your password?" through a real SMTP server (smtp-server, listening here): the link mailed to
// a known address sets a new password that then signs in, and works once; an unknown address gets the
// same 202 and no mail; a second ask within the interval sends nothing more; a bad address is a 400
// naming `email`; no token reaches a log line. Without SMTP the route answers 409. In real Chromium, the
// mailed link's page sets the password and the sign-in form takes it.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, test } from 'node:test';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { launchBrowser } from '../../test-helpers/browser.js';
import { clientFor, startTestServer, type TestServer } from '../../test-helpers/server.js';
import { addUser, TEST_PASSWORD } from '../../test-helpers/users.js';
import { buildWeb } from '../../test-helpers/web-build.js';

interface Received {
  to: string[];
  body: string;
}

const mails: Received[] = [];
let smtp: SMTPServer;
let smtpPort = 0;

before(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, done) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        done();
      });
    },
  });
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
  const addr = smtp.server.address();
  if (!addr || typeof addr !== 'object') throw new Error('no SMTP address');
  smtpPort = addr.port;
});

after(async () => {
  await new Promise<void>((resolve) => smtp.close(() => resolve()));
});

const PUBLIC = 'https://closedloop.example.com';

async function serverWithMail(extra: { webDir?: string } = {}) {
  const lines: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    }),
  );
  const s = await startTestServer(
    { smtpUrl: `smtp://127.0.0.1:${smtpPort}`, publicUrl: PUBLIC, logLevel: 'trace' },
    { logger, ...extra },
  );
  return { s, lines };
}

const post = (s: TestServer, path: string, body: unknown) =>
  fetch(`${s.base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

/** A mail's text: quoted-printable, so soft line breaks unfolded and =XX decoded. */
const decoded = (body: string) =>
  body
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16)));

/** The next mail to `to` (mails may arrive after the reply). */
async function nextMail(to: string): Promise<Received> {
  for (let i = 0; i < 200; i++) {
    const mail = mails.find((m) => m.to.includes(to));
    if (mail) {
      mails.splice(mails.indexOf(mail), 1);
      return mail;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`no mail to ${to}`);
}

/** The next mail to `to` and the reset token its link holds. */
async function mailTo(to: string): Promise<{ mail: Received; token: string }> {
  const mail = await nextMail(to);
  const body = decoded(mail.body);
  const m = new RegExp(`${PUBLIC}/reset-password\\?token=([A-Za-z0-9_%.-]+)`).exec(body);
  assert.ok(m, `a reset link in the mail: ${body}`);
  return { mail, token: decodeURIComponent(m[1]!) };
}

test(
  'a mailed link resets the password once; unknown addresses get the same answer and no mail; no token in logs',
  { timeout: 60_000 },
  async () => {
    const { s, lines } = await serverWithMail();
    try {
      await addUser(s.store, 'ann@acme.test', 'analyst');
      await addUser(s.store, 'bob@acme.test', 'viewer');
      const known = await post(s, '/api/auth/forgot-password', { email: ' Ann@Acme.test ' });
      const unknown = await post(s, '/api/auth/forgot-password', { email: 'nobody@acme.test' });
      assert.equal(known.status, 202);
      assert.equal(unknown.status, 202);
      assert.deepEqual(await unknown.json(), await known.json());
      const { token } = await mailTo('ann@acme.test');

      // a second ask within the interval sends nothing more; bob's (asked after) arrives, nobody's never
      assert.equal(
        (await post(s, '/api/auth/forgot-password', { email: 'ann@acme.test' })).status,
        202,
      );
      assert.equal(
        (await post(s, '/api/auth/forgot-password', { email: 'bob@acme.test' })).status,
        202,
      );
      await mailTo('bob@acme.test');
      assert.deepEqual(
        mails.filter((m) => m.to.includes('ann@acme.test') || m.to.includes('nobody@acme.test')),
        [],
      );

      const fresh = 'a brand new passphrase';
      const reset = await post(s, '/api/auth/reset-password', { token, password: fresh });
      assert.equal(reset.status, 200);
      const again = await post(s, '/api/auth/reset-password', { token, password: fresh });
      assert.equal(again.status, 400, 'the link works once');
      const login = (password: string) =>
        post(s, '/api/auth/login', { email: 'ann@acme.test', password });
      assert.equal((await login(fresh)).status, 200);
      assert.equal((await login(TEST_PASSWORD)).status, 401);

      const bad = await post(s, '/api/auth/forgot-password', { email: 'not an address' });
      assert.equal(bad.status, 400);
      assert.match(JSON.stringify(await bad.json()), /email/);
      assert.ok(lines.length > 0, 'the server logged');
      assert.equal(
        lines.filter((l) => l.includes(token)).length,
        0,
        'the reset token reached a log line',
      );
    } finally {
      await s.close();
    }
  },
);

test(
  'an invitation is mailed with its link when SMTP is configured',
  { timeout: 60_000 },
  async () => {
    const { s, lines } = await serverWithMail();
    try {
      const res = await clientFor(s).api('/api/invitations', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'dan@acme.test', role: 'analyst' }),
      });
      assert.equal(res.status, 201);
      const body = (await res.json()) as { token: string; mailed: boolean };
      assert.equal(body.mailed, true);
      const mail = await nextMail('dan@acme.test');
      assert.ok(
        decoded(mail.body).includes(`${PUBLIC}/login?invitation=${encodeURIComponent(body.token)}`),
        'the mail holds the invitation link',
      );
      assert.equal(lines.filter((l) => l.includes(body.token)).length, 0);
    } finally {
      await s.close();
    }
  },
);

test('without an SMTP server the route says mail is not configured (409)', async () => {
  const s = await startTestServer();
  try {
    const r = await post(s, '/api/auth/forgot-password', { email: 'ann@acme.test' });
    assert.equal(r.status, 409);
    assert.equal(
      ((await r.json()) as { error: { code: string } }).error.code,
      'mail_not_configured',
    );
  } finally {
    await s.close();
  }
});

test(
  'in Chromium: "Forgot your password?", the mailed link’s page sets a new password, sign in with it',
  { timeout: 90_000 },
  async () => {
    const { s } = await serverWithMail({ webDir: await buildWeb() });
    const browser = await launchBrowser();
    try {
      await addUser(s.store, 'cat@acme.test', 'viewer');
      const page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`${s.base}/login`);
      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      assert.match(page.url(), /\/reset-password$/);
      await page.getByLabel('E-mail').fill('cat@acme.test');
      await page.getByRole('button', { name: 'Mail me a link' }).click();
      await page.getByRole('status').waitFor();
      const { token } = await mailTo('cat@acme.test');
      // the link names the public URL; the same path on this test server
      await page.goto(`${s.base}/reset-password?token=${encodeURIComponent(token)}`);
      await page.getByLabel('New password', { exact: true }).fill('cats have nine lives');
      await page.getByLabel('New password again').fill('cats have nine lives');
      await page.getByRole('button', { name: 'Set password' }).click();
      await page.getByRole('status').getByText('Your password is set').waitFor();
      await page.getByRole('link', { name: 'Sign in', exact: true }).click();
      await page.waitForURL(/\/login$/);
      await page.getByLabel('E-mail').fill('cat@acme.test');
      await page.getByLabel('Password').fill('cats have nine lives');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(/\/overview\?/);
      assert.deepEqual(errors, []);
    } finally {
      await browser.close();
      await s.close();
    }
  },
);
