import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { trimByRule } from '../store/engines/neutral/identity-scope.js';
import { plainIdSql, trimmedIdSql } from '../store/engines/neutral/identity-queries.js';
import { evalOverTexts } from '../test-helpers/engine-values.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import {
  ID_PLACEHOLDERS,
  isPlainId,
  normaliseOpaqueId,
  OPAQUE_ID_RULE,
  TRIMMED_CHARS,
} from './opaque-id.js';

test('normaliseOpaqueId: trimmed, case kept; empty, too long and placeholders (any case) refused', () => {
  assert.deepEqual(normaliseOpaqueId('\u00a0 Visitor-1\u3000'), { value: 'Visitor-1' });
  assert.deepEqual(normaliseOpaqueId(' \t'), { value: undefined, reason: 'empty' });
  assert.deepEqual(normaliseOpaqueId('x'.repeat(513)), { value: undefined, reason: 'too_long' });
  assert.deepEqual(normaliseOpaqueId(' UNDEFINED '), { value: undefined, reason: 'placeholder' });
  assert.equal(isPlainId('Visitor-1'), true);
  assert.equal(isPlainId('访客'), false, 'not ASCII: the JavaScript places it');
  assert.equal(isPlainId('Null'), false);
});

test('TRIMMED_CHARS is exactly what String.prototype.trim removes', () => {
  const listed = new Set(TRIMMED_CHARS);
  for (let code = 0; code <= 0xffff; code++) {
    const c = String.fromCharCode(code);
    assert.equal(
      `${c}x${c}`.trim() === 'x',
      listed.has(c),
      `U+${code.toString(16).padStart(4, '0')}`,
    );
  }
});

// Ids as they reach the store: well-formed text without NUL (collect/sanitise.ts), padded with every
// kind of space, placeholders in any case, non-ASCII and control characters inside.
const core = fc.oneof(
  fc.string({ maxLength: 10, unit: 'binary' }),
  fc.string({
    minLength: 1,
    maxLength: 8,
    unit: fc.constantFrom(...'aZ09-_.:@ ~\u007f\u00e9'.split('')),
  }),
  fc.constantFrom(
    ...ID_PLACEHOLDERS,
    'UNDEFINED',
    'Anonymous',
    'N/A',
    '访客',
    'x'.repeat(512),
    'y'.repeat(513),
  ),
);
const pad = fc.string({ maxLength: 3, unit: fc.constantFrom(...TRIMMED_CHARS.split('')) });
const idArb = fc
  .tuple(pad, core, pad)
  .map(([a, b, c]) => `${a}${b}${c}`.replaceAll('\u0000', '\ufffd'));

test('the engine trims and places opaque ids exactly as the JavaScript reference does, on arbitrary ids', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(idArb, { minLength: 1, maxLength: 40 }), async (ids) => {
        const got = await evalOverTexts(store, ids, {
          trimmed: trimmedIdSql('v', OPAQUE_ID_RULE),
          plain: plainIdSql(trimmedIdSql('v', OPAQUE_ID_RULE), OPAQUE_ID_RULE),
        });
        const want = ids.map((raw) => ({ trimmed: raw.trim(), plain: isPlainId(raw.trim()) }));
        assert.deepEqual(
          got.map((r) => ({ trimmed: r.trimmed, plain: Boolean(r.plain) })),
          want,
        );
        for (const raw of ids) {
          // the trim the scoped resolution does in JavaScript is the same
          assert.equal(trimByRule(raw, OPAQUE_ID_RULE.trimChars), raw.trim());
          // an id the engine places alone is one the reference keeps, spelled the same
          if (isPlainId(raw.trim())) assert.equal(normaliseOpaqueId(raw).value, raw.trim());
        }
      }),
      { numRuns: 100, seed: 20261206 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});
