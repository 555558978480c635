import { test } from 'node:test';
import assert from 'node:assert/strict';
import { passwordOf, withoutPassword } from './url-password.js';

test('a URL is shown without its password, in the user part or the query', () => {
  assert.equal(
    withoutPassword('postgres://ops:s3cr%40t@db.internal:5432/closedloop'),
    'postgres://ops@db.internal:5432/closedloop',
  );
  assert.equal(
    withoutPassword('postgresql://ops@db:5432/c?password=hunter2&sslmode=require'),
    'postgresql://ops@db:5432/c?sslmode=require',
  );
  assert.equal(withoutPassword('postgres://db/c'), 'postgres://db/c');
  // an unparseable string may be a password typed in the wrong place: never echoed
  assert.equal(withoutPassword('hunter2'), '(not a URL)');
});

test('the password itself is found, decoded, so a client message can be scrubbed of it', () => {
  assert.equal(passwordOf('postgres://ops:s3cr%40t@db/c'), 's3cr@t');
  assert.equal(passwordOf('postgres://ops@db/c?password=hunter2'), 'hunter2');
  assert.equal(passwordOf('postgres://ops@db/c'), '');
  assert.equal(passwordOf('nope'), '');
});
