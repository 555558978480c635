import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, passwordProblem, SCRYPT, verifyPassword } from './password.js';
import { retryAfterMs, throttleSubjects } from './throttle.js';
import { csrfFor, sameSecret } from './tokens.js';

test('a password hash carries its scrypt parameters and a salt of its own, and verifies only its password', async () => {
  const a = await hashPassword('correct horse battery');
  const b = await hashPassword('correct horse battery');
  const [scheme, N, r, p, salt, key] = a.split('$');
  assert.deepEqual(
    [scheme, Number(N), Number(r), Number(p)],
    ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p],
  );
  assert.equal(Buffer.from(salt!, 'base64url').length, SCRYPT.saltBytes);
  assert.equal(Buffer.from(key!, 'base64url').length, SCRYPT.keyBytes);
  assert.notEqual(a, b, 'two hashes of one password differ by their salts');
  assert.ok(!a.includes('correct horse'));
  assert.equal(await verifyPassword('correct horse battery', a), true);
  assert.equal(await verifyPassword('correct horse battery', b), true);
  assert.equal(await verifyPassword('correct horse batterY', a), false);
  assert.equal(await verifyPassword('', a), false);
});

test('a hash with other (stored) parameters still verifies; a malformed or implausible one is refused, not run', async () => {
  // made with N = 2^14: the parameters come from the stored hash, not from today's constants
  const { scryptSync, randomBytes } = await import('node:crypto');
  const salt = randomBytes(16);
  const key = scryptSync('an older password', salt, 32, { N: 2 ** 14, r: 8, p: 1 });
  const older = [
    'scrypt',
    2 ** 14,
    8,
    1,
    salt.toString('base64url'),
    key.toString('base64url'),
  ].join('$');
  assert.equal(await verifyPassword('an older password', older), true);
  assert.equal(await verifyPassword('another password', older), false);
  for (const bad of [
    '',
    'plain text',
    older.replace(/^scrypt/, 'bcrypt'),
    older.replace(`$${2 ** 14}$`, `$${2 ** 30}$`), // a minutes-long hash
    older.replace(`$${2 ** 14}$`, '$1000$'), // not a power of two
    older.split('$').slice(0, 5).join('$'),
  ])
    assert.equal(await verifyPassword('an older password', bad), false, bad.slice(0, 30));
});

test('password length limits', () => {
  assert.match(passwordProblem('short')!, /at least 10/);
  assert.equal(passwordProblem('long enough!'), undefined);
  assert.match(passwordProblem('x'.repeat(1025))!, /at most 1024/);
});

test('the CSRF token follows from the session token one way; secrets compare by value', () => {
  const t = 'ses_abc';
  assert.equal(csrfFor(t), csrfFor(t));
  assert.notEqual(csrfFor(t), csrfFor('ses_abd'));
  assert.ok(!csrfFor(t).includes('abc'));
  assert.equal(sameSecret('a', 'a'), true);
  assert.equal(sameSecret('a', 'b'), false);
  assert.equal(sameSecret('a', 'aa'), false);
});

test('sign-in throttle: subjects are the e-mail hashed and the address; a refusal lasts until the limit-th newest failure leaves the window', () => {
  const [email, address] = throttleSubjects('ann@x', '10.0.0.1', {
    perEmail: 3,
    perAddress: 5,
    windowMs: 60_000,
  });
  assert.equal(email.limit, 3);
  assert.equal(address.limit, 5);
  assert.ok(!email.key.includes('ann'), 'the e-mail is not stored in clear');
  assert.equal(email.key, throttleSubjects('ann@x', '10.9.9.9')[0].key, 'any address, one e-mail');
  assert.notEqual(email.key, throttleSubjects('bob@x', '10.0.0.1')[0].key);
  assert.equal(address.key, 'address:10.0.0.1');
  const subjects = [email, address];
  // under both limits: no wait
  assert.equal(retryAfterMs([[3000, 2000], [3000]], subjects, 60_000), 0);
  // the e-mail at its limit: until its third newest (the oldest counted) is 60 s old
  assert.equal(retryAfterMs([[1000, 2000, 3000], []], subjects, 60_000), 57_000);
  // the address at its limit too, with an older fifth: the longer wait wins
  assert.equal(
    retryAfterMs(
      [
        [1000, 2000, 3000],
        [100, 200, 300, 400, 500],
      ],
      subjects,
      60_000,
    ),
    59_500,
  );
  assert.equal(retryAfterMs([[], [100, 200, 300, 400, 500]], subjects, 60_000), 59_500);
});
