import { test } from 'node:test';
import assert from 'node:assert/strict';
import { secretBox, SecretBoxError } from './secret-box.js';

const KEY = 'k'.repeat(40);
const CTX = 'ws_1/stripe/webhookSecret';

test('a sealed value opens with the same key and context, and does not hold the plaintext', () => {
  const box = secretBox(KEY);
  const sealed = box.seal('whsec_plaintext_value', CTX);
  assert.match(sealed, /^cl1\.[A-Za-z0-9_-]{8}\.[A-Za-z0-9_-]+$/);
  assert.ok(!sealed.includes('whsec'));
  assert.equal(box.open(sealed, CTX), 'whsec_plaintext_value');
  // a fresh nonce each time: the same value seals differently
  assert.notEqual(box.seal('whsec_plaintext_value', CTX), sealed);
  assert.equal(box.open(box.seal('', CTX), CTX), '');
  assert.equal(box.open(box.seal('ünïcode ✓', CTX), CTX), 'ünïcode ✓');
});

test('a tampered value, another context or another key is refused, naming no value', () => {
  const box = secretBox(KEY);
  const sealed = box.seal('secret-1', CTX);
  const body = Buffer.from(sealed.split('.')[2]!, 'base64url');
  for (let i = 0; i < body.length; i += 7) {
    const flipped = Buffer.from(body);
    flipped[i] = flipped[i]! ^ 1;
    const tampered = `${sealed.split('.').slice(0, 2).join('.')}.${flipped.toString('base64url')}`;
    assert.throws(() => box.open(tampered, CTX), SecretBoxError, `byte ${i}`);
  }
  assert.throws(() => box.open(sealed, 'ws_2/stripe/webhookSecret'), /does not authenticate/);
  assert.throws(() => secretBox('x'.repeat(40)).open(sealed, CTX), /another secret key/);
  assert.throws(() => box.open('cl2.abc.def', CTX), /version cl1/);
  assert.throws(() => box.open(`cl1.${box.keyId}.AAAA`, CTX), /too short/);
  try {
    box.open(sealed, 'other');
  } catch (err) {
    assert.ok(!String((err as Error).message).includes('secret-1'));
  }
});
