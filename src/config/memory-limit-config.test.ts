import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { defaultMemoryLimit } from '../util/memory-limit.js';
import { tempDir } from '../test-helpers/tmp.js';

test('memoryLimit: default half the machine; file, then CLOSEDLOOP_MEMORY_LIMIT, then --memory-limit, in bytes', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(loadConfig({ env: {}, cwd: dir }).memoryLimit, defaultMemoryLimit());
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ memoryLimit: '3GB' }));
    assert.equal(loadConfig({ env: {}, cwd: dir }).memoryLimit, 3e9);
    assert.equal(
      loadConfig({ env: { CLOSEDLOOP_MEMORY_LIMIT: '2GB' }, cwd: dir }).memoryLimit,
      2e9,
    );
    assert.equal(
      loadConfig({
        env: { CLOSEDLOOP_MEMORY_LIMIT: '2GB' },
        cwd: dir,
        overrides: { memoryLimit: '512MiB' },
      }).memoryLimit,
      512 * 1024 ** 2,
    );
  } finally {
    cleanup();
  }
});

test('memoryLimit: a bad or too small value is reported naming where it came from and what is valid', () => {
  const { dir, cleanup } = tempDir();
  try {
    for (const [env, got] of [
      ['lots', '"lots"'],
      ['200MB', '"200MB"'],
      ['2 GB free', '"2 GB free"'],
    ] as const) {
      assert.throws(
        () => loadConfig({ env: { CLOSEDLOOP_MEMORY_LIMIT: env }, cwd: dir }),
        (err: unknown) => {
          assert.ok(err instanceof ConfigError);
          assert.deepEqual(err.problems, [
            `CLOSEDLOOP_MEMORY_LIMIT: must be a size such as 2GB, 1.5GiB or 512MB, at least 256MB (got ${got})`,
          ]);
          return true;
        },
      );
    }
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ memoryLimit: -1 }));
    assert.throws(
      () => loadConfig({ env: {}, cwd: dir }),
      /closedloop\.config\.json memoryLimit: must be a size/,
    );
    assert.throws(
      () => loadConfig({ env: {}, cwd: dir, overrides: { memoryLimit: '1XB' } }),
      /--memory-limit: must be a size/,
    );
  } finally {
    cleanup();
  }
});
