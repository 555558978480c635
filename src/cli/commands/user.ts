// `closedloop user`: the install's users (docs/access.md). The first owner is made here; passwords come
// on standard input only (never a flag: a command line is visible to every local user), and a forgotten
// one is replaced through a one-time token printed here (no mail server needed).
import type { Command } from 'commander';
import { UserConflict } from '../../store/types.js';
import {
  createUser,
  resetToken,
  RESET_TTL_MS,
  userView,
  type UserView,
} from '../../users/users.js';
import { InvalidInput } from '../../workspaces/create.js';
import { printRows, withData } from '../context.js';
import { UsageError } from '../errors.js';

const DATA_DIR = [
  '--data-dir <dir>',
  'data directory (default: CLOSEDLOOP_DATA_DIR or ./.closedloop)',
] as const;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('pipe the password on standard input', '--password-stdin');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  // one trailing line break is the echo's or the file's, not the password's
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

const FLAGS = {
  email: '--email',
  role: '--role',
  password: '--password-stdin',
  workspace: '--workspace',
};

export function register(program: Command): void {
  const user = program
    .command('user')
    .description('Create and list users who sign in, and reset a password');
  user
    .command('create')
    .description(
      'Create a user: with --workspace, a member of that workspace with the role; without, the role over every workspace',
    )
    .requiredOption('--email <email>', 'e-mail address (the sign-in name)')
    .requiredOption('--role <role>', 'owner, admin, analyst or viewer')
    .option('--password-stdin', 'read the password from standard input')
    .option('--workspace <id>', 'only this workspace')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(
      async (o: {
        email: string;
        role: string;
        passwordStdin?: boolean;
        workspace?: string;
        dataDir?: string;
        json?: boolean;
      }) => {
        if (!o.passwordStdin)
          throw new UsageError(
            'give the password on standard input: echo ... | closedloop user create ... --password-stdin',
            '--password-stdin',
          );
        const input = {
          email: o.email,
          role: o.role,
          password: await readStdin(),
          ...(o.workspace !== undefined ? { workspace: o.workspace } : {}),
        };
        const made = await withData(o.dataDir, {
          local: async (store) => {
            try {
              return await createUser(store, input);
            } catch (err) {
              if (err instanceof InvalidInput)
                throw new UsageError(
                  err.message,
                  FLAGS[err.field as keyof typeof FLAGS] ?? err.field,
                );
              if (err instanceof UserConflict) throw new UsageError(err.message, '--email');
              throw err;
            }
          },
          remote: (server) => server.call<UserView>('POST', '/api/users', { json: input }),
          flags: FLAGS,
        });
        if (o.json) process.stdout.write(`${JSON.stringify(made, null, 2)}\n`);
        else
          process.stdout.write(
            `Created user ${made.email} (${made.id}): ${
              made.role
                ? `${made.role} of every workspace`
                : made.memberships.map((m) => `${m.role} of ${m.workspaceId}`).join(', ')
            }\n`,
          );
      },
    );
  user
    .command('list')
    .description('List users and their roles (never a password)')
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const users = await withData(o.dataDir, {
        local: async (store) =>
          Promise.all((await store.listUsers()).map((u) => userView(store, u))),
        remote: async (server) =>
          (await server.call<{ users: UserView[] }>('GET', '/api/users')).users,
      });
      if (o.json) process.stdout.write(`${JSON.stringify(users, null, 2)}\n`);
      else
        printRows(
          users.map((u) => ({
            id: u.id,
            email: u.email,
            role: u.role ?? '',
            workspaces: u.memberships.map((m) => `${m.workspaceId}:${m.role}`).join(' '),
            createdAt: u.createdAt,
          })),
          false,
        );
    });
  user
    .command('reset-password')
    .description(
      'Print a one-time token (valid one hour) with which the user sets a new password: POST /api/auth/reset-password',
    )
    .requiredOption('--email <email>', "the user's e-mail address")
    .option(...DATA_DIR)
    .option('--json', 'machine-readable output')
    .action(async (o: { email: string; dataDir?: string; json?: boolean }) => {
      const made = await withData(o.dataDir, {
        local: async (store) => {
          const r = await resetToken(store, o.email);
          if (!r) throw new UsageError('no user with this e-mail', '--email');
          return {
            user: r.user,
            token: r.token,
            expiresAt: new Date(Date.now() + RESET_TTL_MS).toISOString(),
          };
        },
        remote: (server) =>
          server.call<{ user: { email: string }; token: string; expiresAt: string }>(
            'POST',
            '/api/users/reset-password',
            { json: { email: o.email } },
          ),
        flags: { email: '--email' },
      });
      if (o.json)
        process.stdout.write(
          `${JSON.stringify({ email: made.user.email, token: made.token, expiresAt: made.expiresAt }, null, 2)}\n`,
        );
      else
        process.stdout.write(
          `Password reset token for ${made.user.email} (one use, until ${made.expiresAt}):\n  ${made.token}\n` +
            `Set the new password: POST /api/auth/reset-password {"token": "...", "password": "..."}\n`,
        );
    });
}
