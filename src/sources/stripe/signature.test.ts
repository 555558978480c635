import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import {
  StripeSignatureError,
  stripeSignatureHeader,
  verifyStripeSignature,
  type SignatureFailure,
} from './signature.js';

const SECRET = 'whsec_test_0123456789abcdef';
const OLD_SECRET = 'whsec_test_rolled_away';
const NOW = Date.UTC(2026, 2, 1, 12); // ms
const T = NOW / 1000;
const BODY = '{"id":"evt_1","object":"event","type":"customer.created"}';

function refused(fn: () => unknown): SignatureFailure {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof StripeSignatureError, String(err));
    assert.ok(err.message.length > 0);
    assert.ok(!err.message.includes(SECRET), 'a refusal never shows the secret');
    return err.reason;
  }
  assert.fail('accepted');
}

test('a delivery signed as Stripe signs it is accepted, and its timestamp returned', () => {
  // the HMAC computed independently of the module: sha256 over `${t}.${body}`
  const v1 = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
  assert.deepEqual(verifyStripeSignature(`t=${T},v1=${v1}`, BODY, { secrets: SECRET, now: NOW }), {
    timestamp: T,
  });
  assert.equal(stripeSignatureHeader(BODY, SECRET, T), `t=${T},v1=${v1}`);
  // the body as bytes is the same body
  assert.ok(
    verifyStripeSignature(`t=${T},v1=${v1}`, Buffer.from(BODY), { secrets: SECRET, now: NOW }),
  );
  // spaces after commas, a v0 entry and unknown schemes are tolerated
  assert.ok(
    verifyStripeSignature(`t=${T}, v0=abc, v1=${v1}, v9=x`, BODY, { secrets: SECRET, now: NOW }),
  );
});

test('during a secret rotation: any v1 entry matching any configured secret is enough', () => {
  // Stripe sends one v1 per live secret; we may hold the new secret only, or both
  const both = stripeSignatureHeader(BODY, [OLD_SECRET, SECRET], T);
  assert.equal(both.split(',').length, 3);
  assert.ok(verifyStripeSignature(both, BODY, { secrets: SECRET, now: NOW }));
  assert.ok(verifyStripeSignature(both, BODY, { secrets: OLD_SECRET, now: NOW }));
  // signed with the old secret only, we hold both while rotating ours
  const oldOnly = stripeSignatureHeader(BODY, OLD_SECRET, T);
  assert.ok(verifyStripeSignature(oldOnly, BODY, { secrets: [SECRET, OLD_SECRET], now: NOW }));
  assert.equal(
    refused(() => verifyStripeSignature(oldOnly, BODY, { secrets: SECRET, now: NOW })),
    'no_matching_signature',
  );
});

test('a changed body, a wrong secret or a forged signature is refused as no_matching_signature', () => {
  const header = stripeSignatureHeader(BODY, SECRET, T);
  const opts = { secrets: SECRET, now: NOW };
  assert.equal(
    refused(() => verifyStripeSignature(header, BODY.replace('evt_1', 'evt_2'), opts)),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyStripeSignature(header, `${BODY}\n`, opts)),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyStripeSignature(header, BODY, { ...opts, secrets: 'whsec_other' })),
    'no_matching_signature',
  );
  // the timestamp is signed too: moving it breaks the signature
  const moved = header.replace(`t=${T}`, `t=${T + 1}`);
  assert.equal(
    refused(() => verifyStripeSignature(moved, BODY, opts)),
    'no_matching_signature',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},v1=${'0'.repeat(64)}`, BODY, opts)),
    'no_matching_signature',
  );
});

test('a timestamp outside the 5-minute tolerance is refused as too old or in the future', () => {
  const opts = { secrets: SECRET, now: NOW };
  const at = (secondsFromNow: number) => stripeSignatureHeader(BODY, SECRET, T + secondsFromNow);
  assert.ok(verifyStripeSignature(at(-300), BODY, opts));
  assert.ok(verifyStripeSignature(at(300), BODY, opts));
  assert.equal(
    refused(() => verifyStripeSignature(at(-301), BODY, opts)),
    'timestamp_too_old',
  );
  assert.equal(
    refused(() => verifyStripeSignature(at(301), BODY, opts)),
    'timestamp_in_future',
  );
  // a tolerance of its own
  assert.ok(verifyStripeSignature(at(-600), BODY, { ...opts, toleranceSeconds: 900 }));
});

test('a missing or malformed header, or no secret configured, is refused naming why', () => {
  const opts = { secrets: SECRET, now: NOW };
  const v1 = stripeSignatureHeader(BODY, SECRET, T).split(',')[1]!;
  assert.equal(
    refused(() => verifyStripeSignature(undefined, BODY, opts)),
    'missing_header',
  );
  assert.equal(
    refused(() => verifyStripeSignature('', BODY, opts)),
    'missing_header',
  );
  assert.equal(
    refused(() => verifyStripeSignature(v1, BODY, opts)),
    'malformed_header',
  ); // no t=
  assert.equal(
    refused(() => verifyStripeSignature(`t=soon,${v1}`, BODY, opts)),
    'malformed_header',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},t=${T},${v1}`, BODY, opts)),
    'malformed_header',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},garbage`, BODY, opts)),
    'malformed_header',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T}`, BODY, opts)),
    'no_v1_signature',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},v1=abc`, BODY, opts)),
    'no_v1_signature',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},${v1}`, BODY, { ...opts, secrets: [] })),
    'no_secret',
  );
  assert.equal(
    refused(() => verifyStripeSignature(`t=${T},${v1}`, BODY, { ...opts, secrets: '' })),
    'no_secret',
  );
});
