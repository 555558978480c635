// `closedloop import fx` as a user runs it (real CLI processes): on the store it opens, then beside a running
// server (through its API, said so), with the same report; a bad file is exit 2 naming the flag.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliWorkspaceWith, runCli, serveCli } from '../../test-helpers/cli.js';
import { tempDir } from '../../test-helpers/tmp.js';

const ENV = { LOG_LEVEL: 'warn' };

test(
  'import fx: rates in from an ECB file, again changes nothing, beside a server too; bad files refused by flag',
  { timeout: 240_000 },
  async () => {
    const { dir, cleanup } = tempDir();
    const data = join(dir, 'data');
    try {
      const ws = await cliWorkspaceWith(data, [], ENV);
      const ecb = join(dir, 'eurofxref-hist.csv');
      writeFileSync(ecb, 'Date,USD,GBP,\n2026-01-05,1.20,0.80,\n2026-01-02,1.10,N/A,\n');
      const cli = (args: string[]) =>
        runCli(['import', 'fx', ...args, '--workspace', ws, '--data-dir', data], ENV);

      const first = await cli([ecb, '--base', 'EUR']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(
        first.stdout,
        `${ecb}: 3 rates added, 0 already in effect, 0 rejected (of 2 lines)\n`,
      );
      const noBase = await cli([ecb]);
      assert.equal(noBase.code, 2);
      assert.match(noBase.stderr, /--base/);

      const { server, url } = await serveCli(data, ENV);
      try {
        const bad = join(dir, 'bad.csv');
        writeFileSync(bad, 'date,base,quote,rate\n2026-01-06,EUR,USD,1.3\n2026-01-07,EUR,USD,-1\n');
        const there = await cli([bad, '--json']);
        assert.equal(there.code, 3, there.stderr);
        assert.ok(there.stderr.startsWith(`via the running server at ${url}\n`), there.stderr);
        assert.deepEqual(JSON.parse(there.stdout), {
          shape: 'long',
          lines: 2,
          rates: 1,
          added: 1,
          unchanged: 0,
          rejectedCount: 1,
          rejected: [{ line: 3, field: 'rate', reason: 'not a positive number: "-1"' }],
        });
        const again = await cli([ecb, '--base', 'EUR', '--json']);
        assert.equal(again.code, 0, again.stderr);
        assert.equal((JSON.parse(again.stdout) as { unchanged: number }).unchanged, 3);
        const wide = await cli([ecb]);
        assert.equal(wide.code, 2);
        assert.match(wide.stderr, /--base/);
      } finally {
        await server.stop();
      }
    } finally {
      cleanup();
    }
  },
);
