// `closedloop connect google-ads` and `closedloop sync google-ads --from --to` as a user runs them,
// against a Google Ads account replayed on a local server: a chunk that fails exits 1 and the next run
// resumes after the chunks stored; a bad flag is named; no secret printed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { startGoogleAdsAccount } from '../../test-helpers/google-ads-account.js';
import { json } from '../../test-helpers/replay-server.js';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn', CLOSEDLOOP_SECRET_KEY: '' };
const DEV = 'DEVTOKEN-cli-adsync-8h7g6f';
const REFRESH = '1//cli-adsync-refresh-5d4c';

test(
  'closedloop connect and sync google-ads: a failed chunk exits 1, the next run resumes after the chunks stored',
  { timeout: 240_000 },
  async () => {
    let failing = true;
    const g = await startGoogleAdsAccount({
      failOn: ({ from }) =>
        failing && from === '2026-11-08'
          ? json(400, [{ error: { code: 400, message: 'quota', status: 'RESOURCE_EXHAUSTED' } }])
          : undefined,
    });
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    const outputs: string[] = [];
    const cli = async (args: string[], code = 0) => {
      const r = await runCli([...args, '--data-dir', data], ENV);
      outputs.push(r.stdout, r.stderr);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}${r.stdout}`);
      return r;
    };
    try {
      const ws = (
        JSON.parse(
          (
            await cli([
              'workspace',
              'create',
              'Ads',
              '--currency',
              'USD',
              '--timezone',
              'UTC',
              '--json',
            ])
          ).stdout,
        ) as { id: string }
      ).id;
      const bad = await cli(
        ['connect', 'google-ads', '--workspace', ws, '--customer-id', '12-34'],
        2,
      );
      assert.match(bad.stderr, /--customer-id/);
      const set = await cli([
        'connect',
        'google-ads',
        '--workspace',
        ws,
        '--developer-token',
        DEV,
        '--client-id',
        'cli.apps.googleusercontent.com',
        '--refresh-token',
        REFRESH,
        '--customer-id',
        '123-456-7890',
        '--base-url',
        g.baseUrl,
        '--token-url',
        g.tokenUrl,
      ]);
      for (const field of ['developerToken', 'clientId', 'refreshToken'])
        assert.match(set.stdout, new RegExp(`credentials .*${field}: set`));
      assert.match(set.stdout, /customerId: 123-456-7890/);
      assert.doesNotMatch(set.stdout, /webhook/);

      const period = ['--from', '2026-11-01', '--to', '2026-11-20'];
      const failed = await cli(['sync', 'google-ads', '--workspace', ws, ...period], 1);
      assert.match(failed.stdout, /google-ads sync failed: 28 cost rows read/);
      assert.match(failed.stderr, /run it again to resume/);
      failing = false;
      const resumed = await cli(['sync', 'google-ads', '--workspace', ws, ...period, '--json']);
      const r = JSON.parse(resumed.stdout) as { status: string; rows: number; message: string };
      assert.equal(r.status, 'ok');
      // 7 days stored by the first run; this one reads the other 13
      assert.equal(r.rows, 13 * 4);
      assert.match(r.message, /2026-11-08\.\.2026-11-20/);

      const listed = JSON.parse(
        (await cli(['connectors', 'list', '--workspace', ws, '--json'])).stdout,
      ) as Array<{ name: string; lastSync: { status: string } }>;
      assert.equal(listed.find((c) => c.name === 'google-ads')?.lastSync.status, 'ok');
      for (const out of outputs) {
        assert.ok(!out.includes(DEV), 'the developer token was printed');
        assert.ok(!out.includes(REFRESH), 'the refresh token was printed');
      }
    } finally {
      cleanup();
      await g.close();
    }
  },
);
