// `closedloop costs rules / set-rules` as a user runs them (real CLI processes) on the store the CLI
// opens: a rule file set and listed; a bad file is exit 2 naming the field, and the rules in force stay.
// (Beside a running server: costs-beside-server.test.ts.)
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };
const rule = (id: string) => ({
  id,
  field: 'landing_path',
  op: 'starts_with',
  value: '/pricing',
  platform: 'meta',
  campaign: '120',
  adGroup: '7',
});

test(
  'costs set-rules and rules on the store; a bad file refused by field',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, [], ENV);
      const cli = (args: string[]) =>
        runCli(['costs', ...args, '--workspace', ws, '--data-dir', data], ENV);
      const file = (name: string, body: unknown) => {
        const path = join(dir, name);
        writeFileSync(path, JSON.stringify(body));
        return path;
      };
      const set = await cli(['set-rules', file('one.json', { rules: [rule('pricing')] })]);
      assert.equal(set.code, 0, set.stderr);
      assert.equal(set.stdout, '1 cost mapping rule(s) in effect.\n');

      const bad = await cli([
        'set-rules',
        file('bad.json', { rules: [{ ...rule('x'), field: 'utm_content' }] }),
      ]);
      assert.equal(bad.code, 2);
      assert.match(bad.stderr, /rules\[0\]\.field: must be one of utm_campaign/);

      const shown = await cli(['rules']);
      assert.equal(shown.code, 0, shown.stderr);
      assert.match(shown.stdout, /pricing .*landing_path starts_with "\/pricing" +meta +120 +7/);
      assert.doesNotMatch(shown.stdout, /utm_content/);
    } finally {
      cleanup();
    }
  },
);
