// `closedloop costs rules / set-rules` beside a running server (real server and CLI processes): through
// its API, said so; a refused file is exit 2 naming the field, the rules in force stay; --reset.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli, serveCli } from '../../test-helpers/cli.js';
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

test('costs set-rules and rules beside a running server', { timeout: 240_000 }, async () => {
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
    const listed = async () => {
      const r = await cli(['rules', '--json']);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { rules: { id: string }[] }).rules.map((x) => x.id);
    };
    const { server, url } = await serveCli(data, ENV);
    try {
      const there = await cli([
        'set-rules',
        file('two.json', { rules: [rule('a'), rule('b')] }),
        '--json',
      ]);
      assert.equal(there.code, 0, there.stderr);
      assert.ok(there.stderr.startsWith(`via the running server at ${url}\n`), there.stderr);
      assert.deepEqual(
        (JSON.parse(there.stdout) as { rules: { id: string }[] }).rules.map((x) => x.id),
        ['a', 'b'],
      );
      const refused = await cli(['set-rules', file('dup.json', { rules: [rule('a'), rule('a')] })]);
      assert.equal(refused.code, 2, refused.stderr);
      assert.match(refused.stderr, /rules\[1\]\.id/);
      assert.deepEqual(await listed(), ['a', 'b']);
      const reset = await cli(['set-rules', '--reset']);
      assert.equal(reset.code, 0, reset.stderr);
      assert.deepEqual(await listed(), []);
    } finally {
      await server.stop();
    }
  } finally {
    cleanup();
  }
});
