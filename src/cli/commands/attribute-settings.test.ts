import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const line = (o: unknown) => JSON.stringify(o);

test('report attribution / model-comparison and attribute settings read and change a workspace’s stored credits', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const created = await runCli([
      'workspace',
      'create',
      'cli',
      '--currency',
      'USD',
      '--timezone',
      'UTC',
      '--data-dir',
      dir,
      '--json',
    ]);
    const ws = (JSON.parse(created.stdout) as { id: string }).id;
    const file = join(dir, 'events.ndjson');
    writeFileSync(
      file,
      [
        line({
          type: 'page',
          messageId: 'p1',
          anonymousId: 'a',
          timestamp: '2026-04-01T10:00:00Z',
          context: {
            page: {
              url: 'https://acme.io/?utm_source=google&utm_medium=cpc&utm_campaign=brand',
              referrer: 'https://www.google.com/',
            },
          },
        }),
        line({
          type: 'page',
          messageId: 'p2',
          anonymousId: 'a',
          timestamp: '2026-04-05T10:00:00Z',
          context: { page: { url: 'https://acme.io/', referrer: 'https://www.bing.com/' } },
        }),
        line({
          type: 'identify',
          messageId: 'p3',
          anonymousId: 'a',
          timestamp: '2026-04-05T10:01:00Z',
          traits: { email: 'a@acme.io' },
        }),
      ].join('\n'),
    );
    assert.equal(
      (await runCli(['import', 'events', file, '--workspace', ws, '--data-dir', dir])).code,
      0,
    );

    const report = await runCli([
      'report',
      'attribution',
      '--workspace',
      ws,
      '--data-dir',
      dir,
      '--model',
      'first_touch',
      '--group-by',
      'channel,campaign',
      '--json',
    ]);
    assert.equal(report.code, 0, report.stderr);
    const r = JSON.parse(report.stdout) as {
      rows: { key: Record<string, string>; conversions: number }[];
    };
    assert.deepEqual(
      r.rows.map((x) => [x.key.channel, x.key.campaign, x.conversions]),
      [['Paid Search', 'brand', 1]],
    );

    const compare = await runCli([
      'report',
      'model-comparison',
      '--workspace',
      ws,
      '--data-dir',
      dir,
      '--json',
    ]);
    const c = JSON.parse(compare.stdout) as {
      models: Record<string, { key: { channel: string }; conversions: number }[]>;
    };
    assert.deepEqual(
      c.models.last_touch!.map((x) => [x.key.channel, x.conversions]),
      [['Organic Search', 1]],
    );
    assert.deepEqual(
      c.models.linear!.map((x) => [x.key.channel, x.conversions]),
      [
        ['Organic Search', 0.5],
        ['Paid Search', 0.5],
      ],
    );

    // a two-day window leaves only the Bing visit; saved, so it is what the stored report shows
    writeFileSync(join(dir, 's.json'), line({ lookbackDays: 2 }));
    assert.equal(
      (
        await runCli([
          'attribute',
          'settings',
          '--workspace',
          ws,
          '--data-dir',
          dir,
          '--set',
          join(dir, 's.json'),
        ])
      ).code,
      0,
    );
    const after = JSON.parse(
      (
        await runCli([
          'report',
          'attribution',
          '--workspace',
          ws,
          '--data-dir',
          dir,
          '--model',
          'first_touch',
          '--json',
        ])
      ).stdout,
    ) as { rows: { key: { channel: string } }[] };
    assert.deepEqual(
      after.rows.map((x) => x.key.channel),
      ['Organic Search'],
    );

    const bad = await runCli([
      'report',
      'attribution',
      '--workspace',
      ws,
      '--data-dir',
      dir,
      '--group-by',
      'colour',
    ]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--group-by.*colour|colour.*--group-by/s);
    writeFileSync(join(dir, 'bad.json'), line({ lookbackDays: 'long' }));
    const badSet = await runCli([
      'attribute',
      'settings',
      '--workspace',
      ws,
      '--data-dir',
      dir,
      '--set',
      join(dir, 'bad.json'),
    ]);
    assert.equal(badSet.code, 2);
    assert.match(badSet.stderr, /lookbackDays/);
  } finally {
    cleanup();
  }
});
