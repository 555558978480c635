// `closedloop connect` as a user runs it: on the store directly, then beside a running server (through
// its API), with the one key of the data directory; a secret never printed back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli, serveCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn', CLOSEDLOOP_SECRET_KEY: '' };
const SECRETS = [
  'whsec_cli_test_secret_9a8b7c6d',
  'sk_test_cli_api_key_1f2e3d',
  'pd-cli-password-77',
];

test('connect stores a connector without a server and through one; list shows "set", never a secret; a bad vendor or flag is a usage error', async () => {
  const { dir, cleanup } = tempDir();
  const data = join(dir, 'data');
  const outputs: string[] = [];
  const cli = async (args: string[], code = 0) => {
    const r = await runCli([...args, '--data-dir', data], ENV);
    outputs.push(r.stdout, r.stderr);
    assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
    return r;
  };
  try {
    const ws = JSON.parse(
      (
        await cli([
          'workspace',
          'create',
          'Acme',
          '--currency',
          'USD',
          '--timezone',
          'UTC',
          '--json',
        ])
      ).stdout,
    ) as { id: string };
    const set = await cli([
      'connect',
      'stripe',
      '--workspace',
      ws.id,
      '--webhook-secret',
      SECRETS[0]!,
      '--api-key',
      SECRETS[1]!,
    ]);
    assert.match(
      set.stdout,
      /stripe connector set\n {2}webhook secret {2}set\n {2}credentials {5}apiKey: set/,
    );
    assert.match(set.stdout, new RegExp(`/hooks/stripe/${ws.id}`));
    const unknown = await cli(['connect', 'zoho', '--workspace', ws.id], 2);
    assert.match(
      unknown.stderr,
      /unknown connector "zoho"; known: hubspot, salesforce, pipedrive, stripe/,
    );
    const badUrl = await cli(
      ['connect', 'hubspot', '--workspace', ws.id, '--base-url', 'ftp://x'],
      2,
    );
    assert.match(badUrl.stderr, /--base-url/);
    // a flag without a value: a multi-currency Salesforce org
    const sf = await cli([
      'connect',
      'salesforce',
      '--workspace',
      ws.id,
      '--multi-currency',
      '--json',
    ]);
    assert.equal(
      (JSON.parse(sf.stdout) as { options: Record<string, unknown> }).options.multiCurrency,
      true,
    );
    await cli(['connectors', 'remove', 'salesforce', '--workspace', ws.id]);

    const { server } = await serveCli(data, ENV);
    try {
      const via = await cli([
        'connect',
        'pipedrive',
        '--workspace',
        ws.id,
        '--webhook-secret',
        SECRETS[2]!,
        '--webhook-user',
        'closedloop',
      ]);
      assert.match(via.stderr, /via the running server/);
      const list = JSON.parse(
        (await cli(['connectors', 'list', '--workspace', ws.id, '--json'])).stdout,
      ) as { name: string; webhookSecret: string; credentials: Record<string, string> }[];
      // the server opens what the CLI sealed alone: one key for the data directory
      assert.deepEqual(
        list.map((c) => [c.name, c.webhookSecret, c.credentials]),
        [
          ['pipedrive', 'set', {}],
          ['stripe', 'set', { apiKey: 'set' }],
        ],
      );
      await cli(['connectors', 'remove', 'stripe', '--workspace', ws.id]);
      await cli(['connectors', 'remove', 'stripe', '--workspace', ws.id], 2);
    } finally {
      await server.stop();
    }
    assert.equal(
      JSON.parse((await cli(['connectors', 'list', '--workspace', ws.id, '--json'])).stdout).length,
      1,
    );
    for (const out of [...outputs, server.output().stdout, server.output().stderr])
      for (const s of SECRETS)
        assert.ok(!out.includes(s), `a secret was printed: ${out.slice(0, 200)}`);
    // and the database file holds none of them in clear
    const db = readFileSync(join(data, 'closedloop.duckdb'));
    for (const s of SECRETS) assert.equal(db.indexOf(s), -1);
  } finally {
    cleanup();
  }
});
