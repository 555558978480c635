import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, loadConfig } from './config.js';
import { tempDir } from '../test-helpers/tmp.js';

test('defaults, then the config file, then the environment, then flags', () => {
  const { dir, cleanup } = tempDir();
  try {
    assert.equal(loadConfig({ env: {}, cwd: dir }).port, 8787);
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ port: 9000, dataDir: '/data' }));
    assert.deepEqual(
      [loadConfig({ env: {}, cwd: dir }).port, loadConfig({ env: {}, cwd: dir }).dataDir],
      [9000, '/data'],
    );
    assert.equal(loadConfig({ env: { PORT: '9100' }, cwd: dir }).port, 9100);
    assert.equal(loadConfig({ env: { PORT: '9100' }, cwd: dir, overrides: { port: '9200' } }).port, 9200);
  } finally {
    cleanup();
  }
});

test('every bad value is reported on its own line, naming where it came from', () => {
  const { dir, cleanup } = tempDir();
  try {
    writeFileSync(join(dir, 'closedloop.config.json'), JSON.stringify({ prot: 1, logLevel: 'loud' }));
    assert.throws(
      () => loadConfig({ env: { PORT: 'abc', CLOSEDLOOP_TRACKER_PATH: 'cl.js' }, cwd: dir }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.problems.length, 4, err.message);
        assert.ok(err.problems.some((p) => p.includes('prot: unknown setting')));
        assert.ok(err.problems.some((p) => p.startsWith('PORT: must be an integer from 1 to 65535 (got "abc")')));
        assert.ok(err.problems.some((p) => p.startsWith('closedloop.config.json logLevel: must be one of')));
        assert.ok(err.problems.some((p) => p.startsWith('CLOSEDLOOP_TRACKER_PATH:')));
        return true;
      },
    );
    writeFileSync(join(dir, 'closedloop.config.json'), '{ nope');
    assert.throws(() => loadConfig({ env: {}, cwd: dir }), /not valid JSON/);
  } finally {
    cleanup();
  }
});
