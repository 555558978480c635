// The CLI with a stale server.json beside its data directory (the server it names gone or silent): it
// opens the store itself. Apart from beside-server.test.ts so each file stays well inside the runner's
// two minutes a file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeServerFile } from '../server/admin-credential.js';
import { runCli } from '../test-helpers/cli.js';
import { freePort } from '../test-helpers/port.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { workspaceForSecret } from '../workspaces/create.js';

const ENV = { LOG_LEVEL: 'warn' };

test('a stale server.json is ignored (its process gone, or its URL silent); rotate-key and delete work on the store itself', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const cli = async (args: string[]) => {
      const r = await runCli([...args, '--data-dir', dir], ENV);
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stderr, '', 'no server announced');
      return r;
    };
    const ws = JSON.parse(
      (
        await cli([
          'workspace',
          'create',
          'Acme',
          '--currency',
          'GBP',
          '--timezone',
          'UTC',
          '--json',
        ])
      ).stdout,
    ) as { id: string; secretKey: string };
    // a process that has ended: its pid is free
    const gone = spawnSync(process.execPath, ['-e', '']).pid!;
    const stale = {
      url: `http://127.0.0.1:${await freePort()}`,
      pid: gone,
      token: 'adm_stale_token_of_a_dead_server',
      startedAt: new Date().toISOString(),
    };
    writeServerFile(dir, stale);
    const first = JSON.parse(
      (await cli(['workspace', 'rotate-key', '--workspace', ws.id, '--json'])).stdout,
    ) as { secretKey: string };
    // a live process (this test's) whose URL does not answer
    writeServerFile(dir, { ...stale, pid: process.pid });
    const second = JSON.parse(
      (await cli(['workspace', 'rotate-key', '--workspace', ws.id, '--json'])).stdout,
    ) as { secretKey: string };
    const store = await openTestStore(dir);
    try {
      assert.equal((await workspaceForSecret(store, second.secretKey))?.id, ws.id);
      for (const old of [ws.secretKey, first.secretKey])
        assert.equal(await workspaceForSecret(store, old), undefined);
    } finally {
      await store.close();
    }
    // delete works on the store itself too
    assert.match(
      (await cli(['workspace', 'delete', '--workspace', ws.id, '--yes'])).stdout,
      new RegExp(`Deleted workspace "Acme" \\(${ws.id}\\)`),
    );
    assert.equal((await cli(['workspace', 'list', '--json'])).stdout, '[]\n');
  } finally {
    cleanup();
  }
});
