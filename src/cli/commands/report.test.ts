import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

// two leads: one from a Google Ads click, one from a newsletter; first touch credits each its own channel
const events = [
  {
    type: 'page',
    messageId: 'a1',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:00:00Z',
    context: { page: { url: 'https://acme.io/?gclid=abc' } },
  },
  {
    type: 'identify',
    messageId: 'a2',
    anonymousId: 'anon-a',
    timestamp: '2026-05-01T10:05:00Z',
    traits: { email: 'a@acme.io' },
  },
  {
    type: 'page',
    messageId: 'b1',
    anonymousId: 'anon-b',
    timestamp: '2026-05-02T10:00:00Z',
    context: { page: { url: 'https://acme.io/?utm_source=newsletter&utm_medium=email' } },
  },
  {
    type: 'identify',
    messageId: 'b2',
    anonymousId: 'anon-b',
    timestamp: '2026-05-02T10:01:00Z',
    traits: { email: 'b@acme.io' },
  },
];

test('closedloop report <name>: every report of the registry, flags from its schema, refusals naming the flag', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const created = await runCli([
      'workspace',
      'create',
      'Acme',
      '--currency',
      'USD',
      '--timezone',
      'UTC',
      '--data-dir',
      dir,
      '--json',
    ]);
    const ws = (JSON.parse(created.stdout) as { id: string }).id;
    const file = join(dir, 'e.ndjson');
    writeFileSync(file, events.map((e) => JSON.stringify(e)).join('\n'));
    assert.equal(
      (await runCli(['import', 'events', file, '--workspace', ws, '--data-dir', dir])).code,
      0,
    );

    const r = await runCli([
      'report',
      'attribution',
      '--workspace',
      ws,
      '--model',
      'first_touch',
      '--group-by',
      'channel',
      '--data-dir',
      dir,
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      model: string;
      totals: { conversions: number };
      rows: { key: { channel: string }; conversions: number }[];
    };
    assert.equal(report.model, 'first_touch');
    assert.equal(report.totals.conversions, 2);
    assert.deepEqual(Object.fromEntries(report.rows.map((x) => [x.key.channel, x.conversions])), {
      'Paid Search': 1,
      Email: 1,
    });

    const text = await runCli(['report', 'model-comparison', '--workspace', ws, '--data-dir', dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /lead conversions credited by each model/);
    assert.match(text.stdout, /^channel\s+first_touch\s+last_touch/m);

    const fits = await runCli([
      'report',
      'attribution-fits',
      '--workspace',
      ws,
      '--data-dir',
      dir,
      '--json',
    ]);
    assert.equal(fits.code, 0, fits.stderr);
    assert.ok(Array.isArray((JSON.parse(fits.stdout) as { fits: unknown[] }).fits));

    for (const [args, flag] of [
      [['--model', 'magic'], '--model'],
      [['--group-by', 'colour'], '--group-by'],
      [['--from', '2026-06-01', '--to', '2026-05-01'], '--to'],
      [['--lookback-days', '30', '--group-by', 'campaign'], '--group-by'],
    ] as const) {
      const bad = await runCli([
        'report',
        'attribution',
        '--workspace',
        ws,
        '--data-dir',
        dir,
        ...args,
      ]);
      assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
      assert.ok(bad.stderr.includes(flag), `${args.join(' ')}: ${bad.stderr}`);
    }
  } finally {
    cleanup();
  }
});
