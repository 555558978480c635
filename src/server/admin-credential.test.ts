import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync, writeFileSync } from 'node:fs';
import {
  loopbackUrl,
  newAdminToken,
  readServerFile,
  removeServerFile,
  serverFilePath,
  writeServerFile,
} from './admin-credential.js';
import { tempDir } from '../test-helpers/tmp.js';

test('an admin token matches itself only; two tokens differ', () => {
  const a = newAdminToken();
  const b = newAdminToken();
  assert.notEqual(a.token, b.token);
  assert.match(a.token, /^adm_[A-Za-z0-9_-]{43}$/);
  assert.equal(a.check.matches(a.token), true);
  assert.equal(a.check.matches(b.token), false);
  assert.equal(a.check.matches(a.token.slice(0, -1)), false);
  assert.equal(a.check.matches(''), false);
});

test('server.json is written owner-only with nothing left beside it, read back, and removed only by its own process', () => {
  const { dir, cleanup } = tempDir();
  try {
    const info = {
      url: 'http://127.0.0.1:8787',
      pid: process.pid,
      token: newAdminToken().token,
      startedAt: new Date().toISOString(),
    };
    writeServerFile(dir, info);
    assert.equal(statSync(serverFilePath(dir)).mode & 0o777, 0o600);
    assert.deepEqual(readdirSync(dir), ['server.json']);
    assert.deepEqual(readServerFile(dir), info);
    // written again (a restart): replaced whole
    writeServerFile(dir, { ...info, url: 'http://127.0.0.1:9999' });
    assert.equal(readServerFile(dir)?.url, 'http://127.0.0.1:9999');
    // another process's file stays
    removeServerFile(dir, process.pid + 1);
    assert.ok(readServerFile(dir));
    removeServerFile(dir);
    assert.equal(readServerFile(dir), undefined);
    // a file that is not ours to read is ignored
    writeFileSync(serverFilePath(dir), '{"url": 1');
    assert.equal(readServerFile(dir), undefined);
  } finally {
    cleanup();
  }
});

test('the CLI reaches a server bound to every interface on loopback, else at the address it bound', () => {
  assert.equal(loopbackUrl('0.0.0.0', 8787), 'http://127.0.0.1:8787');
  assert.equal(loopbackUrl('::', 8787), 'http://127.0.0.1:8787');
  assert.equal(loopbackUrl('localhost', 1), 'http://127.0.0.1:1');
  assert.equal(loopbackUrl('127.0.0.2', 80), 'http://127.0.0.2:80');
  assert.equal(loopbackUrl('::1', 80), 'http://[::1]:80');
  assert.equal(loopbackUrl('10.1.2.3', 80), 'http://10.1.2.3:80');
  assert.equal(loopbackUrl('fe80::1', 80), 'http://[fe80::1]:80');
});
