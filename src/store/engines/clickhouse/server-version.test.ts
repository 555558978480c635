import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isSupportedVersion, versionOf } from './server-version.js';

test('a server version is read as major.minor and compared with 25.7', () => {
  assert.deepEqual(versionOf('26.7.2.1'), [26, 7]);
  assert.deepEqual(versionOf('25.10'), [25, 10]);
  assert.equal(versionOf('latest'), undefined);
  assert.equal(versionOf('25'), undefined);
  for (const v of ['25.7.1.1', '25.10.2.3', '26.1', '100.0.0.0'])
    assert.ok(isSupportedVersion(v), v);
  // 25.10 is newer than 25.7 (numbers, not text); 24.12 and 18.16 (Debian's) are older
  for (const v of ['25.6.9.9', '24.12.1.1', '18.16.1', '', 'x.y'])
    assert.ok(!isSupportedVersion(v), v);
});
