// The person-id hash and the opaque-id rule (rules/person-id.ts, rules/opaque-id.ts) are rendered into
// the engine's SQL, which places the visitors no link touches by itself. The rules' own tests hold each
// expression to its reference; this holds the whole path (load, seen ids, single persons) to the
// JavaScript on random ids (spaces of every kind around them, non-ASCII, placeholders).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { rebuild } from '../derive.js';
import { withPropertyStore } from '../../test-helpers/store.js';
import { normaliseOpaqueId, TRIMMED_CHARS } from '../../rules/opaque-id.js';
import { personIdFor } from '../../rules/person-id.js';

const core = fc.oneof(
  fc.string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcXYZ019-_.:@'.split('')) }),
  fc.string({ minLength: 1, maxLength: 6, unit: 'grapheme' }),
  fc.constantFrom('undefined', 'NULL', 'Anonymous', '0', 'n/a', 'é-visitor', '访客'),
);
const pad = fc.string({ maxLength: 3, unit: fc.constantFrom(...TRIMMED_CHARS.split('')) });
const idArb = fc.tuple(pad, core, pad).map(([a, b, c]) => `${a}${b}${c}`);

test('lone visitors: the engine trims, refuses and names persons exactly as the JavaScript rule does', async () => {
  await withPropertyStore(async (nextRun) => {
    await fc.assert(
      fc.asyncProperty(fc.uniqueArray(idArb, { minLength: 1, maxLength: 12 }), async (ids) => {
        const { store, workspaceId: ws, load } = await nextRun();
        const lines = ids.map((anonymousId, i) => ({
          type: 'page',
          messageId: `m${i}`,
          anonymousId,
          timestamp: '2026-04-01T09:00:00Z',
        }));
        const inserted = await load(lines);
        await rebuild(store, ws);
        // what the JavaScript rule makes of the ids the store accepted: one person per distinct normalised id
        const stored = new Set(
          (await store.queryEvents(ws, { limit: 1000 }))
            .map((e) => e.anonymousId)
            .filter((a): a is string => a !== null),
        );
        assert.equal(stored.size, inserted);
        const want = new Map<string, string>();
        for (const raw of stored) {
          const n = normaliseOpaqueId(raw);
          if (n.value !== undefined) want.set(n.value, personIdFor('anonymous_id', n.value, 0));
        }
        const got = new Map(
          (await store.currentIdentities(ws))
            .filter((r) => r.kind === 'anonymous_id')
            .map((r) => [r.value, r.personId]),
        );
        assert.deepEqual(got, want);
      }),
      { numRuns: 60, seed: 20261206 },
    );
  });
});
