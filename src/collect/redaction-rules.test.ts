import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_CLICK_IDS } from '../derive/channels/landing-params.js';
import { compileRedaction, hintWords } from './redaction-rules.js';

const rules = compileRedaction();

test('the default list: each name and its close variants are redacted, case-insensitively', () => {
  const redacted = [
    'password',
    'passwd',
    'pwd',
    'pw',
    'pass',
    'secret',
    'token',
    'access_token',
    'id_token',
    'refresh_token',
    'auth',
    'authorization',
    'api_key',
    'apikey',
    'key',
    'session',
    'sid',
    'csrf',
    'xsrf',
    'card',
    'cardnumber',
    'cc',
    'cvv',
    'cvc',
    'ssn',
    'iban',
    'PASSWORD',
    'Token',
    'user[password]',
    'user[newPassword]',
    'new_password',
    'newpassword',
    'card_number',
    'cardNumber',
    'card-number',
    'x-api-key',
    'X-Api-Key',
    'xApiKey',
    'client_secret',
    'oauth_token',
    'accessToken',
    'sessionid',
    'session_id',
    'PHPSESSID',
    'jsessionid',
    'csrfmiddlewaretoken',
    '_csrf',
    'authenticity_token',
    'cc_number',
    'cc-cvc',
    'user.password',
    'pin',
    'otp',
    'passcode',
  ];
  for (const n of redacted) assert.ok(rules.redacts(n), `${n} is redacted`);
  const kept = [
    'q',
    'page',
    'keyword',
    'monkey',
    'author',
    'passenger',
    'sidebar',
    'cardinal',
    'email',
    'ref',
    'lang',
    'id',
    'name',
    'passage',
    'utm_source',
    'utm_term',
    'utm_key',
    'utm_token',
    'UTM_Content',
    ...DEFAULT_CLICK_IDS.map((c) => c.param),
  ];
  for (const n of kept) assert.equal(rules.redacts(n), false, `${n} is kept`);
});

test('extra names match whole names and words of names; UTMs and click ids stay kept', () => {
  const extra = compileRedaction({ extraNames: ['nonce', 'member.ref'] });
  assert.ok(extra.redacts('nonce'));
  assert.ok(extra.redacts('NONCE_x'));
  assert.ok(extra.redacts('form[nonce]'));
  assert.ok(extra.redacts('member.ref'));
  assert.ok(!extra.redacts('nonces'));
  assert.ok(!rules.redacts('nonce'));
  assert.ok(!compileRedaction({ extraNames: ['gclid'] }).redacts('gclid'));
});

test('hint words: every redacted name contains one (the stored-facts pre-filter relies on it)', () => {
  const rr = { extraNames: ['nonce', 'Member.Ref'], identifyParam: 'cl_email' };
  const compiled = compileRedaction(rr);
  const hints = hintWords(rr);
  const names = [
    'user[newPassword]',
    'X-Api-Key',
    'cardNumber',
    'PHPSESSID',
    'nonce_x',
    'member.ref',
    'cc-cvc',
    'oauth_token',
    'pin',
    'sid',
    'pass+word',
  ];
  for (const n of names) {
    assert.ok(compiled.redacts(n.replace('+', ' ')), n);
    assert.ok(
      [...hints.anywhere, ...hints.words].some((h) => n.toLowerCase().includes(h)),
      `${n} contains a hint word`,
    );
  }
});
