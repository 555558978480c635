import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { register, runAttributePaths } from './attribute.js';

const fixture = fileURLToPath(
  new URL(
    '../../attribution/fixtures/fractribution/snowplow_fractribution_path_summary_expected.csv',
    import.meta.url,
  ),
);

describe('closedloop attribute paths', () => {
  it('prints every model as JSON for a Fractribution file', () => {
    const out = JSON.parse(runAttributePaths(fixture, {})) as {
      totals: { conversions: number; value: number };
      models: Record<string, { channel: string; conversions: number }[]>;
      removal_effects: { channel: string; removal_effect: number }[];
    };
    assert.equal(out.totals.conversions, 6);
    assert.ok(Math.abs(out.totals.value - 500.92) < 1e-9);
    assert.deepEqual(Object.keys(out.models), [
      'first_touch',
      'last_touch',
      'last_non_direct',
      'linear',
      'position_based',
      'markov',
      'shapley',
      'shapley_simplified',
    ]);
    const direct = out.models.shapley_simplified!.find((r) => r.channel === 'Direct')!;
    assert.ok(Math.abs(direct.conversions - 3.54095826906646) < 1e-6);
    assert.equal(out.removal_effects.length, 6);
  });

  it('prints CSV and honours --models, --sep, --delimiter, --columns and --exclude', () => {
    const dir = mkdtempSync(join(tmpdir(), 'attribute-'));
    const file = join(dir, 'paths.csv');
    writeFileSync(file, 'p;c;v\nA|Direct;2;10\nDirect;1;5\n');
    const csv = runAttributePaths(file, {
      format: 'csv',
      models: 'last_touch,last_non_direct',
      sep: '|',
      delimiter: ';',
      columns: 'path=p,conversions=c,value=v',
    });
    assert.equal(
      csv,
      [
        'model,channel,conversions,value,removal_effect',
        'last_touch,Direct,3,15,',
        'last_touch,A,0,0,',
        'last_non_direct,A,2,10,',
        'last_non_direct,Direct,1,5,',
        '',
      ].join('\n'),
    );
    const excluded = JSON.parse(
      runAttributePaths(file, {
        models: 'linear',
        sep: '|',
        delimiter: ';',
        columns: 'path=p,conversions=c,value=v',
        exclude: 'Direct',
      }),
    );
    assert.deepEqual(excluded.models.linear, [
      { channel: 'A', conversions: 2, value: 10 },
      { channel: 'Direct', conversions: 0, value: 0 },
      { channel: '(no touchpoint)', conversions: 1, value: 5 },
    ]);
  });

  it('rejects bad flags with UsageError naming the flag', () => {
    const bad = (flags: Record<string, string>, field: string): void => {
      assert.throws(
        () => runAttributePaths(fixture, flags),
        (e: unknown) => e instanceof UsageError && e.field === field,
      );
    };
    bad({ models: 'markov,magic' }, '--models');
    bad({ order: '5' }, '--order');
    bad({ format: 'xml' }, '--format');
    bad({ delimiter: '|' }, '--delimiter');
    bad({ columns: 'paths=x' }, '--columns');
    bad({ transform: 'shuffle' }, '--transform');
    bad({ shapleyValue: 'auto' }, '--shapley-value');
    assert.throws(
      () => runAttributePaths('/nonexistent/file.csv', {}),
      (e: unknown) => e instanceof UsageError && e.field === 'FILE',
    );
  });

  it('registers as a commander sub-command', async () => {
    const program = new Command('closedloop').exitOverride();
    register(program);
    const written: string[] = [];
    const original = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => {
      written.push(chunk);
      return true;
    }) as typeof process.stdout.write;
    try {
      await program.parseAsync(
        [
          'attribute',
          'paths',
          fixture,
          '--models',
          'first_touch',
          '--transform',
          'exposure',
          '--json',
        ],
        { from: 'user' },
      );
    } finally {
      process.stdout.write = original;
    }
    const out = JSON.parse(written.join(''));
    assert.deepEqual(Object.keys(out.models), ['first_touch']);
  });
});
