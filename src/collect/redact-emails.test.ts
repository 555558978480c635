import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compileRedaction } from './redaction-rules.js';
import { redactEmails } from './redact-emails.js';
import { redactUrl } from './redact-url.js';

const rules = compileRedaction();

test('an e-mail scan is linear: a long hostile string is handled quickly', () => {
  const hostile = `${'a'.repeat(30_000)}@${'b'.repeat(30_000)}%40${'c.'.repeat(10_000)}`;
  const t = performance.now();
  redactEmails(hostile, new Set());
  redactUrl(`/x?${'a=%40&'.repeat(5000)}`, rules);
  redactUrl(`/x?r=${'%25'.repeat(10_000)}3D`, rules);
  assert.ok(performance.now() - t < 500, `took ${performance.now() - t} ms`);
});
