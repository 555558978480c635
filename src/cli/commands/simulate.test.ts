import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { parseSimulateArgs, register } from './simulate.js';

const root = mkdtempSync(join(tmpdir(), 'closedloop-simulate-cli-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Runs the command with its output captured (the test runner owns the real stdout). */
async function run(args: string[]): Promise<string> {
  let out = '';
  const p = new Command('closedloop').exitOverride();
  register(p, { stdout: { write: (text: string) => (out += text) }, stderr: process.stderr });
  await p.parseAsync(['simulate', ...args], { from: 'user' });
  return out;
}

describe('closedloop simulate', () => {
  const bad: [string, string[]][] = [
    ['--seed', ['--seed', 'abc']],
    ['--seed', ['--seed', '1.5']],
    ['--days', ['--days', '0']],
    ['--days', ['--days', '3651']],
    ['--visitors-per-day', ['--visitors-per-day', '1000001']],
    ['--end', ['--end', '2026-02-30']],
    ['--out', []],
  ];
  for (const [field, extra] of bad) {
    it(`rejects a bad ${field} (${extra.join(' ') || 'missing'}) and writes nothing`, async () => {
      const out = join(root, `bad-${field}-${extra.join('_')}`);
      const base = [
        '--seed',
        '1',
        '--days',
        '3',
        '--visitors-per-day',
        '10',
        '--end',
        '2026-01-31',
        ...(field === '--out' ? [] : ['--out', out]),
      ];
      await assert.rejects(
        run([...base, ...extra]),
        (err: unknown) => err instanceof UsageError && err.field === field,
      );
      assert.equal(existsSync(out), false);
    });
  }

  it('defaults --end to the given today', () => {
    const parsed = parseSimulateArgs(
      { seed: '1', days: '2', visitorsPerDay: '5', out: join(root, 'x') },
      () => '2026-07-04',
    );
    assert.equal(parsed.options.end, '2026-07-04');
  });

  it('writes events, ad costs, record and truth, and prints a JSON summary', async () => {
    const out = join(root, 'good');
    const text = await run([
      '--seed',
      '4',
      '--days',
      '5',
      '--visitors-per-day',
      '40',
      '--end',
      '2026-01-31',
      '--out',
      out,
      '--truth',
      join(out, 'truth.json'),
      '--json',
    ]);
    const summary = JSON.parse(text) as { record: { events: { total: number } }; files: string[] };
    for (const f of ['events.ndjson', 'ad_costs.ndjson', 'record.json', 'truth.json', 'crm.csv'])
      assert.ok(existsSync(join(out, f)), f);
    const lines = readFileSync(join(out, 'events.ndjson'), 'utf8').trimEnd().split('\n');
    assert.equal(lines.length, summary.record.events.total);
    assert.equal(summary.files.length, 5);
    assert.equal(existsSync(join(out, 'ads')), false, 'platform exports only when asked');
  });

  it("with --mistakes and --ad-exports: the mistakes in the truth, each platform's files in ads/", async () => {
    const out = join(root, 'mistakes');
    const text = await run([
      '--seed',
      '4',
      '--days',
      '30',
      '--visitors-per-day',
      '20',
      '--end',
      '2026-01-31',
      '--out',
      out,
      '--truth',
      join(out, 'truth.json'),
      '--mistakes',
      '--ad-exports',
      '--json',
    ]);
    const summary = JSON.parse(text) as { mistakes: { kind: string }[]; files: string[] };
    const kinds = ['no_utms', 'renamed', 'auto_tagging_off', 'id_mismatch'];
    assert.deepEqual(
      summary.mistakes.map((m) => m.kind),
      kinds,
    );
    const truth = JSON.parse(readFileSync(join(out, 'truth.json'), 'utf8')) as {
      run: { mistakes?: boolean };
      taggingMistakes: { kind: string; spend: number }[];
    };
    assert.equal(truth.run.mistakes, true);
    assert.deepEqual(
      truth.taggingMistakes.map((m) => m.kind),
      kinds,
    );
    for (const f of [
      'google-ads.csv',
      'google-ads.searchstream.json',
      'meta-ads.csv',
      'meta-ads.insights.json',
      'linkedin-ads.csv',
      'linkedin-ads.adanalytics.json',
      'microsoft-ads.csv',
      'microsoft-ads.report.zip',
    ])
      assert.ok(existsSync(join(out, 'ads', f)), f);
    assert.ok(summary.files.includes(join(out, 'ads')));
  });
});
