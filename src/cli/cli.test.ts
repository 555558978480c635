import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../test-helpers/cli.js';
import { tempDir } from '../test-helpers/tmp.js';

test('workspace create/list and import events through the real CLI', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const created = await runCli([
      'workspace',
      'create',
      'Acme',
      '--currency',
      'GBP',
      '--timezone',
      'Europe/London',
      '--data-dir',
      dir,
      '--json',
    ]);
    assert.equal(created.code, 0, created.stderr);
    const ws = JSON.parse(created.stdout) as { id: string; writeKey: string; secretKey: string };
    const list = await runCli(['workspace', 'list', '--data-dir', dir, '--json']);
    const rows = JSON.parse(list.stdout) as { id: string; writeKey: string }[];
    assert.deepEqual(
      rows.map((r) => r.id),
      [ws.id],
    );
    assert.ok(!list.stdout.includes(ws.secretKey));

    const f = join(dir, 'e.ndjson');
    writeFileSync(
      f,
      [
        JSON.stringify({
          type: 'page',
          messageId: 'm1',
          anonymousId: 'a',
          timestamp: '2026-01-01T00:00:00Z',
        }),
        JSON.stringify({
          type: 'track',
          messageId: 'm2',
          anonymousId: 'a',
          timestamp: '2026-01-01T00:00:01Z',
        }),
      ].join('\n'),
    );
    const imp = await runCli(['import', 'events', f, '--workspace', ws.id, '--data-dir', dir]);
    assert.equal(imp.code, 3, 'a file with rejected lines exits 3');
    assert.match(imp.stdout, /1 imported, 0 already present, 1 rejected \(of 2 lines\)/);
    assert.match(imp.stdout, /line 2: event: is required for track/);
    const again = await runCli([
      'import',
      'events',
      f,
      '--workspace',
      ws.id,
      '--data-dir',
      dir,
      '--json',
    ]);
    const r = JSON.parse(again.stdout) as { inserted: number; duplicates: number }[];
    assert.deepEqual([r[0]!.inserted, r[0]!.duplicates], [0, 1]);
  } finally {
    cleanup();
  }
});

test('bad CLI arguments and bad config: a clear message, exit 2, nothing written', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const data = join(dir, 'data');
    const badCurrency = await runCli([
      'workspace',
      'create',
      'X',
      '--currency',
      'NOPE',
      '--timezone',
      'UTC',
      '--data-dir',
      data,
    ]);
    assert.equal(badCurrency.code, 2);
    assert.match(badCurrency.stderr, /--currency: must be an ISO 4217 currency code/);
    const missing = await runCli([
      'workspace',
      'create',
      'X',
      '--timezone',
      'UTC',
      '--data-dir',
      data,
    ]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--currency/);
    const unknown = await runCli(['frobnicate']);
    assert.equal(unknown.code, 2);
    const badEnv = await runCli(['workspace', 'list', '--data-dir', data], {
      LOG_LEVEL: 'loud',
      PORT: '70000',
    });
    assert.equal(badEnv.code, 2);
    assert.match(badEnv.stderr, /LOG_LEVEL: must be one of/);
    assert.match(badEnv.stderr, /PORT: must be an integer from 1 to 65535/);
    const noWs = await runCli([
      'import',
      'events',
      join(dir, 'missing.ndjson'),
      '--workspace',
      'ws_x',
      '--data-dir',
      data,
    ]);
    assert.equal(noWs.code, 2);
    assert.match(noWs.stderr, /not a readable file/);
    // every failure happened before anything was written
    assert.equal(existsSync(data), false, existsSync(data) ? readdirSync(data).join(',') : '');
  } finally {
    cleanup();
  }
});
