import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { singlePersonId } from '../store/engines/neutral/identity-queries.js';
import { evalOverRows } from '../test-helpers/engine-values.js';
import { openTestStore } from '../test-helpers/store.js';
import { tempDir } from '../test-helpers/tmp.js';
import { personIdFor } from './person-id.js';

test('personIdFor: p_ and 16 hex digits of sha256 over kind:value; a salt changes it', () => {
  const hex = createHash('sha256').update('email:ann@x.io').digest('hex');
  assert.equal(personIdFor('email', 'ann@x.io', 0), `p_${hex.slice(0, 16)}`);
  assert.match(personIdFor('email', 'ann@x.io', 1), /^p_[0-9a-f]{16}$/);
  assert.notEqual(personIdFor('email', 'ann@x.io', 1), personIdFor('email', 'ann@x.io', 0));
});

const kindArb = fc.constantFrom('anonymous_id', 'user_id', 'email', 'phone', 'crm_id');
// values as they reach the store: well-formed text without NUL (collect/sanitise.ts)
const valueArb = fc
  .oneof(fc.string({ maxLength: 12, unit: 'binary' }), fc.string({ maxLength: 12 }))
  .map((s) => s.replaceAll('\u0000', '\ufffd'));

test("the engine names a single identifier's person exactly as the JavaScript reference does, on arbitrary values", async () => {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.tuple(kindArb, valueArb), { minLength: 1, maxLength: 40 }),
        async (ids) => {
          const got = await evalOverRows(
            store,
            ids.map(([kind, value]) => ({ kind, value })),
            { id: singlePersonId('kind', 'value') },
          );
          assert.deepEqual(
            got.map((r) => r.id),
            ids.map(([k, v]) => personIdFor(k, v, 0)),
          );
        },
      ),
      { numRuns: 100, seed: 20261206 },
    );
  } finally {
    await store.close();
    cleanup();
  }
});
