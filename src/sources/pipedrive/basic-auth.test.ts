import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PipedriveAuthError,
  pipedriveBasicAuthHeader,
  verifyPipedriveBasicAuth,
  type PipedriveAuthFailure,
} from './basic-auth.js';

const refused = (
  header: unknown,
  options: Parameters<typeof verifyPipedriveBasicAuth>[1],
  reason: PipedriveAuthFailure,
) =>
  assert.throws(
    () => verifyPipedriveBasicAuth(header as string, options),
    (err: unknown) => err instanceof PipedriveAuthError && err.reason === reason,
    `${String(header)} -> ${reason}`,
  );

test('the webhook password (and user, when set) is accepted; any other is refused as wrong_credentials', () => {
  const header = pipedriveBasicAuthHeader('closedloop', 's3cret:with:colons');
  assert.deepEqual(verifyPipedriveBasicAuth(header, { password: 's3cret:with:colons' }), {
    user: 'closedloop',
  });
  assert.deepEqual(
    verifyPipedriveBasicAuth(header, { password: 's3cret:with:colons', user: 'closedloop' }),
    { user: 'closedloop' },
  );
  // the scheme's case and surrounding spaces do not matter; an array header takes its first value
  assert.doesNotThrow(() =>
    verifyPipedriveBasicAuth(`  basic ${header.slice(6)} `, { password: 's3cret:with:colons' }),
  );
  assert.doesNotThrow(() => verifyPipedriveBasicAuth([header], { password: 's3cret:with:colons' }));
  // while a password is rotated, either is accepted
  assert.doesNotThrow(() =>
    verifyPipedriveBasicAuth(header, { password: ['new-one', 's3cret:with:colons'] }),
  );
  refused(header, { password: 's3cret:with:colon' }, 'wrong_credentials');
  refused(header, { password: 's3cret:with:colons', user: 'someone' }, 'wrong_credentials');
  refused(pipedriveBasicAuthHeader('closedloop', ''), { password: 'x' }, 'wrong_credentials');
});

test('each refusal names its reason', () => {
  refused(pipedriveBasicAuthHeader('u', 'p'), { password: '' }, 'no_secret');
  refused(pipedriveBasicAuthHeader('u', 'p'), { password: [] }, 'no_secret');
  refused(undefined, { password: 'p' }, 'missing_authorization');
  refused('', { password: 'p' }, 'missing_authorization');
  refused('Bearer abc', { password: 'p' }, 'not_basic');
  refused('Basic', { password: 'p' }, 'not_basic');
  refused('Basic not*base64', { password: 'p' }, 'malformed_credentials');
  refused(
    `Basic ${Buffer.from('no-colon').toString('base64')}`,
    { password: 'p' },
    'malformed_credentials',
  );
  // the message never repeats what was sent
  try {
    verifyPipedriveBasicAuth(pipedriveBasicAuthHeader('u', 'guess'), { password: 'p' });
  } catch (err) {
    assert.ok(!String(err).includes('guess'));
  }
});
