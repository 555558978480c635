// The rest of the commands that read or change data, beside a running `closedloop serve` (real server
// process, real CLI processes): each acts through the server's API and says so (beside-server.test.ts
// covers workspaces, import, report, rebuild and the stale server.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readServerFile } from '../server/admin-credential.js';
import { apiGet, cliWorkspaceWith, runCli, serveCli, TWO_LEADS } from '../test-helpers/cli.js';
import { tempDir } from '../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };

// every command is a CLI process of its own (about a second or two each under tsx)
test(
  'beside the server: inspect, channels set-rules, attribute settings, redact, ingest retry and a person by e-mail act through it',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    const { server, url } = await serveCli(data, ENV);
    try {
      const via = `via the running server at ${url}\n`;
      const cli = async (args: string[], code = 0) => {
        const r = await runCli([...args, '--data-dir', data], ENV);
        assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
        assert.ok(r.stderr.startsWith(via), `${args.join(' ')} announces the server: ${r.stderr}`);
        return r;
      };
      const json = async <T>(args: string[]) =>
        JSON.parse((await cli([...args, '--json'])).stdout) as T;
      const ws = await cliWorkspaceWith(data, TWO_LEADS);
      const W = ['--workspace', ws];
      // the server's own routes, as the CLI reaches them: the admin token, the workspace named
      const admin = {
        authorization: `Bearer ${readServerFile(data)!.token}`,
        'x-closedloop-workspace': ws,
      };

      // inspect: the rows of the server's route
      const sessions = await json<Record<string, unknown>[]>(['inspect', 'sessions', ...W]);
      assert.deepEqual(
        sessions.map((s) => [s.anonymousId, s.channel]),
        [
          ['anon-a', 'Paid Search'],
          ['anon-b', 'Email'],
        ],
      );
      const route = (await apiGet(url, '/api/inspect/sessions', admin)).json() as {
        rows: unknown[];
      };
      assert.deepEqual(sessions, route.rows);
      assert.match((await cli(['inspect', 'credits', ...W], 2)).stderr, /--person: which person/);

      // channel rules and attribution settings, changed through the server
      const rules = await cli(['channels', 'set-rules', '--reset', ...W]);
      assert.match(rules.stdout, /^Re-derived 2 sessions; 0 changed channel\./);
      writeFileSync(join(dir, 'settings.json'), JSON.stringify({ lookbackDays: 30 }));
      await cli(['attribute', 'settings', ...W, '--set', join(dir, 'settings.json')]);
      const shown = JSON.parse((await cli(['attribute', 'settings', ...W])).stdout) as {
        settings: { lookbackDays: number };
      };
      assert.equal(shown.settings.lookbackDays, 30);

      // redact: a page the live path kept (no rule named `ticket` when it came), perhaps still in the
      // journal, is rewritten by a run through the server, which loads the journal first
      const { writeKey } = (
        JSON.parse((await cli(['workspace', 'list', '--json'])).stdout) as { writeKey: string }[]
      )[0]!;
      const ticket = 'TICKET-4471';
      const sent = await fetch(`${url}/v1/batch`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${writeKey}:`).toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          batch: [
            {
              type: 'page',
              anonymousId: 'anon-ticket',
              context: { page: { url: `https://acme.io/support?ticket=${ticket}` } },
            },
          ],
        }),
      });
      assert.equal(sent.status, 200);
      const run = await json<{ rowsChanged: number; redactedNames: string[]; rederived: boolean }>([
        'redact',
        ...W,
        '--names',
        'ticket',
      ]);
      assert.deepEqual([run.rowsChanged, run.redactedNames, run.rederived], [1, ['ticket'], true]);
      const events = (await apiGet(url, '/api/events?anonymousId=anon-ticket', admin)).json();
      assert.ok(!JSON.stringify(events).includes(ticket), JSON.stringify(events));
      // new settings, then a run with them; --show lists the import's run and these two
      await cli([
        'redact',
        ...W,
        '--set-params',
        'ticket,ref_code',
        '--identify-param',
        'cl_email',
      ]);
      const settings = await json<{ params: string[]; identifyParam: string; runs: unknown[] }>([
        'redact',
        ...W,
        '--show',
      ]);
      assert.deepEqual(
        [settings.params, settings.identifyParam, settings.runs.length],
        [['ticket', 'ref_code'], 'cl_email', 3],
      );

      // ingest retry: server-wide, through the admin route; nothing pending, an unknown letter named
      assert.deepEqual(await json(['ingest', 'retry']), { loaded: [], inserted: 0, failed: [] });
      assert.match(
        (await cli(['ingest', 'retry', '--id', 'dl_nope', ...W], 2)).stderr,
        new RegExp(`--id: no dead letter with id "dl_nope" in workspace "${ws}"`),
      );

      // a person by e-mail (spelled otherwise): exported, erased, then nothing is left to export
      const exported = JSON.parse(
        (await cli(['people', 'export', '--email', ' A@Acme.io', ...W])).stdout,
      ) as { counts: Record<string, number> };
      assert.equal(exported.counts.events, 2);
      const erased = await cli(['people', 'erase', '--email', 'a@acme.io', ...W]);
      assert.match(
        erased.stdout,
        new RegExp(`^erasure er_\\w+ in workspace ${ws}: removed .*events 2`),
      );
      assert.match(
        (await cli(['people', 'export', '--email', 'a@acme.io', ...W], 2)).stderr,
        new RegExp(`--email: nothing is stored about that e-mail in workspace ${ws}`),
      );
      assert.match(
        (await cli(['people', 'erase', '--email', 'not an e-mail', ...W], 2)).stderr,
        /--email: is not a valid e-mail/,
      );
    } finally {
      await server.stop();
      cleanup();
    }
  },
);
