import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../test-helpers/tmp.js';
import { resolveSecretKey, SECRET_KEY_FILE, SecretKeyError } from './secret-key.js';

test('unset, a key is generated once into the data directory with mode 0600, then reused', () => {
  const { dir, cleanup } = tempDir();
  try {
    const first = resolveSecretKey(dir, {});
    assert.equal(first.source, 'generated');
    assert.ok(first.key.length >= 32);
    const path = join(dir, SECRET_KEY_FILE);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(readFileSync(path, 'utf8').trim(), first.key);
    const again = resolveSecretKey(dir, { CLOSEDLOOP_SECRET_KEY: '' });
    assert.deepEqual(again, { key: first.key, source: 'file' });
  } finally {
    cleanup();
  }
});

test('CLOSEDLOOP_SECRET_KEY wins when set; shorter than 32 characters is an error that does not show it', () => {
  const { dir, cleanup } = tempDir();
  try {
    const key = 'p'.repeat(32);
    assert.deepEqual(resolveSecretKey(dir, { CLOSEDLOOP_SECRET_KEY: key }), {
      key,
      source: 'environment',
    });
    assert.throws(
      () => resolveSecretKey(dir, { CLOSEDLOOP_SECRET_KEY: 'short-secret-value' }),
      (err: unknown) =>
        err instanceof SecretKeyError &&
        /CLOSEDLOOP_SECRET_KEY: the secret key must be at least 32 characters \(it has 18\)/.test(
          err.message,
        ) &&
        !err.message.includes('short-secret-value'),
    );
    writeFileSync(join(dir, SECRET_KEY_FILE), 'tiny\n');
    assert.throws(() => resolveSecretKey(dir, {}), /at least 32 characters/);
  } finally {
    cleanup();
  }
});
