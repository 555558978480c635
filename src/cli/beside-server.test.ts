// The CLI beside a running `closedloop serve` on the same data directory: real server process, real CLI
// processes. DuckDB lets one process hold the database, so the CLI acts through the server's API.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../sim/index.js';
import { serverFilePath } from '../server/admin-credential.js';
import { apiGet, runCli, serveCli } from '../test-helpers/cli.js';
import { tempDir } from '../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };

const withKey = (url: string, key: string, path: string) =>
  apiGet(url, path, { authorization: `Bearer ${key}` });

test('with `closedloop serve` on the data directory, workspace, import and report commands act through it; after it stops they open the store', async () => {
  const { dir, cleanup } = tempDir();
  const data = join(dir, 'data');
  const { server, url, port } = await serveCli(data, ENV);
  try {
    assert.equal(url, `http://127.0.0.1:${port}`);
    assert.equal(statSync(serverFilePath(data)).mode & 0o777, 0o600);
    const via = `via the running server at ${url}\n`;
    const cli = async (args: string[], code = 0) => {
      const r = await runCli([...args, '--data-dir', data], ENV);
      assert.equal(r.code, code, `${args.join(' ')}: ${r.stderr}`);
      return r;
    };

    const created = await cli([
      'workspace',
      'create',
      'Acme',
      '--currency',
      'GBP',
      '--timezone',
      'Europe/London',
      '--json',
    ]);
    assert.equal(created.stderr, via);
    const ws = JSON.parse(created.stdout) as { id: string; name: string; secretKey: string };
    const human = await cli([
      'workspace',
      'create',
      'Beta',
      '--currency',
      'USD',
      '--timezone',
      'UTC',
    ]);
    assert.match(
      human.stdout,
      /Created workspace "Beta" \(ws_\w+\)\n {2}write key {2}wk_\w+ .*\n {2}secret key sk_\w+ /,
    );
    const beta = /\((ws_\w+)\)/.exec(human.stdout)![1]!;

    const list = await cli(['workspace', 'list', '--json']);
    assert.equal(list.stderr, via);
    assert.deepEqual(
      (JSON.parse(list.stdout) as { id: string }[]).map((w) => w.id),
      [ws.id, beta],
    );
    const bad = await cli(
      ['workspace', 'create', 'X', '--currency', 'NOPE', '--timezone', 'UTC'],
      2,
    );
    assert.match(bad.stderr, /--currency: must be an ISO 4217/);

    // an import streamed to the server: the same summary as without one, and the data is the server's
    const out = join(dir, 'sim');
    await simulate({ seed: 3, days: 20, visitorsPerDay: 40, end: '2026-01-31' }, { outDir: out });
    const file = join(out, 'events.ndjson');
    const imp = await cli(['import', 'events', file, '--workspace', ws.id, '--json']);
    assert.equal(imp.stderr, via);
    const [result] = JSON.parse(imp.stdout) as {
      file: string;
      inserted: number;
      rejectedCount: number;
    }[];
    assert.equal(result!.file, file);
    assert.ok(result!.inserted > 100, `${result!.inserted} imported`);
    assert.equal(result!.rejectedCount, 0);
    const again = await cli(['import', 'events', file, '--workspace', ws.id]);
    assert.match(
      again.stdout,
      new RegExp(`: 0 imported, ${result!.inserted} already present, 0 rejected`),
    );
    const events = (await withKey(url, ws.secretKey, '/api/events?limit=1000')).json() as {
      count: number;
    };
    assert.equal(events.count, Math.min(1000, result!.inserted));
    assert.equal(
      (await cli(['import', 'events', file, '--workspace', 'ws_missing'], 2)).stderr,
      `${via}error: --workspace: no workspace with id "ws_missing"\n`,
    );

    // the report through the CLI is the server's own report
    const fromApi = (
      await withKey(
        url,
        ws.secretKey,
        '/api/reports/attribution?model=position_based&groupBy=channel,source',
      )
    ).json();
    assert.ok((fromApi as { rows: unknown[] }).rows.length > 0, 'the simulated world converts');
    const viaRegistry = await cli([
      'report',
      'attribution',
      '--workspace',
      ws.id,
      '--model',
      'position_based',
      '--group-by',
      'channel,source',
      '--json',
    ]);
    assert.equal(viaRegistry.stderr, via);
    assert.deepEqual(JSON.parse(viaRegistry.stdout), fromApi);
    const badFlag = await cli(
      ['report', 'attribution', '--workspace', ws.id, '--lookback-days', 'x'],
      2,
    );
    assert.match(badFlag.stderr, /--lookback-days/);
    const text = await cli(['report', 'attribution', '--workspace', ws.id]);
    assert.match(text.stdout, /^linear, lead conversions, lookback \d+ days: [\d.]+ conversions/);

    // a lost secret key is replaced: the old one stops, the new one works
    const rotated = await cli(['workspace', 'rotate-key', '--workspace', ws.id, '--json']);
    const { secretKey } = JSON.parse(rotated.stdout) as { secretKey: string };
    assert.equal((await withKey(url, ws.secretKey, '/api/events')).status, 401);
    assert.equal((await withKey(url, secretKey, '/api/events')).status, 200);

    const noYes = await cli(['workspace', 'delete', '--workspace', beta], 2);
    assert.match(noYes.stderr, /--yes/);
    const del = await cli(['workspace', 'delete', '--workspace', beta, '--yes']);
    assert.match(del.stdout, new RegExp(`Deleted workspace "Beta" \\(${beta}\\)`));
    assert.deepEqual(
      (JSON.parse((await cli(['workspace', 'list', '--json'])).stdout) as { id: string }[]).map(
        (w) => w.id,
      ),
      [ws.id],
    );

    // rebuild and a person's data through the server's routes
    const rebuilt = JSON.parse((await cli(['rebuild', '--workspace', ws.id, '--json'])).stdout) as {
      workspace: string;
      sessions: number;
    }[];
    assert.deepEqual(
      rebuilt.map((r) => r.workspace),
      [ws.id],
    );
    assert.ok(rebuilt[0]!.sessions > 0);
    const anon = (JSON.parse(readFileSync(file, 'utf8').split('\n')[0]!) as { anonymousId: string })
      .anonymousId;
    const found = (await withKey(url, secretKey, `/api/people?anonymousId=${anon}`)).json() as {
      people: { personId: string }[];
    };
    const person = found.people[0]!.personId;
    const exported = JSON.parse(
      (await cli(['people', 'export', '--person', person, '--workspace', ws.id])).stdout,
    ) as { counts: Record<string, number> };
    assert.ok(exported.counts.events! > 0);
    assert.equal(
      (await cli(['people', 'erasures', '--workspace', ws.id, '--json'])).stdout,
      '[]\n',
    );

    const status = JSON.parse(
      (await cli(['ingest', 'status', '--workspace', ws.id, '--json'])).stdout,
    ) as {
      journal: { pendingSegments: number };
      deadLetters: { pending: number; items: unknown[] };
    };
    assert.deepEqual([status.deadLetters.pending, status.deadLetters.items], [0, []]);
    assert.equal(typeof status.journal.pendingSegments, 'number');
    assert.match(
      (await cli(['ingest', 'status'], 2)).stderr,
      /--workspace: through the running server, name a workspace/,
    );

    // stopped: server.json is removed and the CLI opens the store itself, seeing what it did through the server
    assert.equal(await server.stop(), 0, JSON.stringify(server.output()));
    assert.equal(existsSync(serverFilePath(data)), false);
    const local = await cli(['workspace', 'list', '--json']);
    assert.equal(local.stderr, '');
    assert.deepEqual(
      (JSON.parse(local.stdout) as { id: string }[]).map((w) => w.id),
      [ws.id],
    );
  } finally {
    await server.stop();
    cleanup();
  }
});
