import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { campaignNameKeySql } from '../store/engines/neutral/costs-queries.js';
import { evalOverTexts } from '../test-helpers/engine-values.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { campaignNameKey } from './campaign-name-key.js';

test('campaignNameKey: case, %20 and separators make one key; other characters stay', () => {
  for (const name of [
    'Spring Sale',
    'spring_sale',
    ' SPRING-sale ',
    'Spring+Sale',
    'Spring%20Sale',
  ])
    assert.equal(campaignNameKey(name), 'spring sale');
  assert.equal(campaignNameKey('B2B | Launch :: v2'), 'b2b launch v2');
  assert.equal(campaignNameKey('Été,été'), 'été,été');
  assert.equal(campaignNameKey('__'), '');
  assert.equal(campaignNameKey(null), '');
});

// Names as marketers type them: separators, spaces of every kind, case, accents and other scripts.
const nameArb = fc.string({
  maxLength: 14,
  unit: fc.constantFrom(...'aZ9 _-+.|:/%20\t\u00a0\u2028ÉéΣς,&'.split('')),
});

test('the engine keys campaign names exactly as the JavaScript reference does', async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(nameArb, { minLength: 1, maxLength: 30 }), async (names) => {
        const got = await evalOverTexts(store, names, { key: campaignNameKeySql('v') });
        assert.deepEqual(
          got.map((r) => r.key),
          names.map(campaignNameKey),
        );
      }),
      { numRuns: 60, seed: 20261207 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});
