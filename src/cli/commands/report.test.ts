import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cliWorkspaceWith, runCli, TWO_LEADS } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

test('closedloop report <name>: every report of the registry, flags from its schema, refusals naming the flag', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const ws = await cliWorkspaceWith(dir, TWO_LEADS);

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
