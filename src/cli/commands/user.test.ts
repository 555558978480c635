// `closedloop user`: the first owner made on the data directory, then users made, listed and given a reset
// token beside a running server (through its admin routes); each can then sign in over HTTP.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };
const PASSWORD = 'first owner passphrase';

test(
  'user create on the store (no server): the first owner, and refusals naming the flag',
  { timeout: 110_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    const cli = (args: string[], stdin?: string) =>
      runCli([...args, '--data-dir', data], ENV, undefined, stdin);
    try {
      // the first owner, no server running: the store is opened by the command
      const made = await cli(
        [
          'user',
          'create',
          '--email',
          'Owner@Example.com',
          '--role',
          'owner',
          '--password-stdin',
          '--json',
        ],
        `${PASSWORD}\n`,
      );
      assert.equal(made.code, 0, made.stderr);
      const owner = JSON.parse(made.stdout) as { id: string; email: string; role: string };
      assert.deepEqual([owner.email, owner.role], ['owner@example.com', 'owner']);
      assert.ok(!made.stdout.includes(PASSWORD) && !made.stdout.includes('scrypt'));
      // refusals name the flag: no stdin flag, a short password, an unknown workspace, a taken e-mail, a bad role
      const refusals: [string[], string | undefined, RegExp][] = [
        [['--email', 'a@example.com', '--role', 'viewer'], undefined, /--password-stdin/],
        [
          ['--email', 'a@example.com', '--role', 'viewer', '--password-stdin'],
          'short\n',
          /--password-stdin: must be at least 10/,
        ],
        [
          [
            '--email',
            'a@example.com',
            '--role',
            'viewer',
            '--password-stdin',
            '--workspace',
            'ws_nope',
          ],
          `${PASSWORD}\n`,
          /--workspace: no workspace/,
        ],
        [
          ['--email', 'owner@example.com', '--role', 'viewer', '--password-stdin'],
          `${PASSWORD}\n`,
          /--email: a user with this email exists/,
        ],
        [
          ['--email', 'a@example.com', '--role', 'boss', '--password-stdin'],
          `${PASSWORD}\n`,
          /--role: must be one of owner, admin, analyst, viewer|--role: must be one of viewer, analyst, admin, owner/,
        ],
        [
          ['--email', 'not-an-email', '--role', 'viewer', '--password-stdin'],
          `${PASSWORD}\n`,
          /--email: is not an e-mail address/,
        ],
      ];
      for (const [args, stdin, message] of refusals) {
        const r = await cli(['user', 'create', ...args], stdin);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, message);
      }
    } finally {
      cleanup();
    }
  },
);
