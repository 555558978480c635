// `closedloop user` beside a running server (through its admin routes): users made, listed and given a
// reset token; each can then sign in over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli, serveCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };
const PASSWORD = 'first owner passphrase';

test(
  'user create / list / reset-password through the running server',
  { timeout: 110_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    const cli = (args: string[], stdin?: string) =>
      runCli([...args, '--data-dir', data], ENV, undefined, stdin);
    try {
      const made = await cli(
        ['user', 'create', '--email', 'owner@example.com', '--role', 'owner', '--password-stdin'],
        `${PASSWORD}\n`,
      );
      assert.equal(made.code, 0, made.stderr);
      const ws = await cli([
        'workspace',
        'create',
        'Client',
        '--currency',
        'USD',
        '--timezone',
        'UTC',
        '--json',
      ]);
      const client = JSON.parse(ws.stdout) as { id: string };

      const { server, url } = await serveCli(data, ENV);
      try {
        const via = `via the running server at ${url}\n`;
        const agency = await cli(
          [
            'user',
            'create',
            '--email',
            'agency@example.com',
            '--role',
            'analyst',
            '--password-stdin',
            '--workspace',
            client.id,
          ],
          'agency passphrase!\n',
        );
        assert.equal(agency.code, 0, agency.stderr);
        assert.equal(agency.stderr, via);
        assert.match(
          agency.stdout,
          new RegExp(`Created user agency@example.com \\(usr_[\\w-]+\\): analyst of ${client.id}`),
        );
        const dup = await cli(
          [
            'user',
            'create',
            '--email',
            'agency@example.com',
            '--role',
            'viewer',
            '--password-stdin',
          ],
          `${PASSWORD}\n`,
        );
        assert.equal(dup.code, 2);
        assert.match(dup.stderr, /--email/);
        const list = await cli(['user', 'list', '--json']);
        assert.equal(list.code, 0, list.stderr);
        const users = JSON.parse(list.stdout) as {
          email: string;
          role: string | null;
          memberships: { workspaceId: string; role: string }[];
        }[];
        assert.deepEqual(
          users.map((u) => [
            u.email,
            u.role,
            u.memberships.map((m) => `${m.workspaceId}:${m.role}`),
          ]),
          [
            ['owner@example.com', 'owner', []],
            ['agency@example.com', null, [`${client.id}:analyst`]],
          ],
        );
        const signIn = (email: string, password: string) =>
          fetch(`${url}/api/auth/login`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ email, password }),
          });
        assert.equal((await signIn('owner@example.com', PASSWORD)).status, 200);
        const agencyIn = await signIn('agency@example.com', 'agency passphrase!');
        assert.equal(agencyIn.status, 200);
        assert.deepEqual(
          ((await agencyIn.json()) as { workspaces: { id: string }[] }).workspaces.map((w) => w.id),
          [client.id],
        );
        // a forgotten password: the token printed here sets a new one
        const reset = await cli([
          'user',
          'reset-password',
          '--email',
          'owner@example.com',
          '--json',
        ]);
        assert.equal(reset.code, 0, reset.stderr);
        const { token } = JSON.parse(reset.stdout) as { token: string };
        const set = await fetch(`${url}/api/auth/reset-password`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ token, password: 'a new owner passphrase' }),
        });
        assert.equal(set.status, 200);
        assert.equal((await signIn('owner@example.com', PASSWORD)).status, 401);
        assert.equal((await signIn('owner@example.com', 'a new owner passphrase')).status, 200);
        const nobody = await cli(['user', 'reset-password', '--email', 'nobody@example.com']);
        assert.equal(nobody.code, 2);
        assert.match(nobody.stderr, /--email/);
      } finally {
        await server.stop();
      }
      // the server stopped: the command opens the store
      const after = await cli(['user', 'list']);
      assert.equal(after.code, 0, after.stderr);
      assert.match(after.stdout, /owner@example\.com\s+owner/);
    } finally {
      cleanup();
    }
  },
);
