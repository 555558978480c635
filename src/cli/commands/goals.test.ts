// `closedloop goals set / show` and `closedloop report goals` as a user runs them (real CLI processes) on
// the store the CLI opens: a goal file set and shown, its progress reported, a bad file exit 2 naming
// the field (the goals in force stay), a bad report flag exit 2 naming the flag.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };

test(
  'goals set and show; the goals report; bad files and flags refused by name',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, [], ENV);
      const cli = (args: string[]) => runCli([...args, '--workspace', ws, '--data-dir', data], ENV);
      const file = (name: string, body: unknown) => {
        const path = join(dir, name);
        writeFileSync(path, JSON.stringify(body));
        return path;
      };
      const goals = [
        { period: '2026-03', metric: 'leads', target: 120 },
        { period: '2026-Q1', metric: 'cpl', target: 80 },
      ];
      const set = await cli(['goals', 'set', file('goals.json', { goals })]);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, '2 goal(s) set.\n');

      const bad = await cli([
        'goals',
        'set',
        file('bad.json', { goals: [{ period: 'March', metric: 'leads', target: 1 }] }),
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /goals\[0\]\.period: must be a month \(YYYY-MM\) or a quarter/);

      const shown = await cli(['goals', 'show', '--json']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.deepEqual(JSON.parse(shown.stdout), { goals });

      const report = await cli(['report', 'goals', '--at', '2026-03-16T00:00:00Z', '--json']);
      assert.equal(report.code, 0, report.stderr);
      const r = JSON.parse(report.stdout) as {
        goals: { period: string; metric: string; elapsed: number }[];
      };
      assert.deepEqual(
        r.goals.map((g) => [g.period, g.metric, g.elapsed]),
        [
          // 15 of March's 31 days; 74 of Q1's 90
          ['2026-03', 'leads', 0.4839],
          ['2026-Q1', 'cpl', 0.8222],
        ],
      );
      const flag = await cli(['report', 'goals', '--period', '2026-Q7']);
      assert.equal(flag.code, 2);
      assert.match(flag.stderr, /--period/);
    } finally {
      cleanup();
    }
  },
);
