// resolvePersons splits the work: ids that a link touches go through the graph, every other id is placed
// by the store. These tests hold that split to what the graph alone gives for every id.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simulate } from '../sim/index.js';
import type { Store } from '../store/store.js';
import type { IdentityRow, RawEvent } from '../store/types.js';
import { add, identify, page, withStore } from '../test-helpers/events.js';
import { tempDir } from '../test-helpers/tmp.js';
import { deriveAffected, rebuild, resolvePersons } from './derive.js';
import { IdentityGraph, personIdFor } from './identity/index.js';
import { DEFAULT_DERIVE_SETTINGS } from './workspace-settings.js';

const sorted = (rows: IdentityRow[]) =>
  [...rows].sort((a, b) => `${a.kind}|${a.value}`.localeCompare(`${b.kind}|${b.value}`));

/** What the graph gives when it places every id itself (no help from the store). */
async function graphAlone(store: Store, ws: string): Promise<IdentityRow[]> {
  const inputs = await store.identityInputs(ws, { everyIdentifier: true });
  const graph = new IdentityGraph();
  for (const s of inputs.seen) graph.addIdentifier(s.kind, s.value, s.at);
  for (const l of inputs.links) graph.addLink(l.aKind, l.aValue, l.bKind, l.bValue, l.at, l.source);
  const r = graph.resolve();
  return r.columns.kinds.map((kind, i) => ({
    kind,
    value: r.columns.values[i]!,
    personId: r.columns.personIds[i]!,
  }));
}

test('persons placed by the store equal the graph’s own, on a simulated world, and after live derives equal a rebuild', async () => {
  const { dir, cleanup } = tempDir();
  try {
    const sim = await simulate(
      { seed: 5, days: 20, visitorsPerDay: 40, end: '2026-09-30' },
      { outDir: dir },
    );
    await withStore(async (store) => {
      await store.importEventsFile('w', join(dir, 'events.ndjson'));
      const summary = await rebuild(store, 'w');
      const rows = sorted(await store.currentIdentities('w'));
      assert.equal(summary.identity.persons, sim.record.identity.resolvablePersons);
      assert.deepEqual(rows, sorted(await graphAlone(store, 'w')));
      // most persons are single visitors, placed by the store
      const linked = new Set(
        (await store.identityInputs('w')).seen.map((s) => `${s.kind}|${s.value}`),
      );
      assert.ok(
        linked.size < rows.length / 2,
        `${linked.size} of ${rows.length} ids went through the graph`,
      );
    });

    // the same facts arriving in three batches, each derived live, end as the rebuild did
    const events = readFileSync(join(dir, 'events.ndjson'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l) as RawEvent);
    events.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)));
    await withStore(async (store) => {
      const third = Math.ceil(events.length / 3);
      for (let i = 0; i < events.length; i += third) {
        const batch = events.slice(i, i + third);
        await add(store, batch);
        await deriveAffected(store, 'w', [...new Set(batch.map((e) => String(e.anonymousId)))]);
      }
      const live = sorted(await store.currentIdentities('w'));
      await rebuild(store, 'w');
      assert.deepEqual(live, sorted(await store.currentIdentities('w')));
      assert.deepEqual(live, sorted(await graphAlone(store, 'w')));
    });
  } finally {
    cleanup();
  }
});

test('ids the store cannot normalise alone (odd spaces, non-ASCII, placeholders) go through the graph and end the same', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('\u00a0plain-1\u3000', '2026-03-01T09:00:00Z', 'https://acme.io/'),
      page('plain-1', '2026-02-01T09:00:00Z', 'https://acme.io/'), // the same id, seen earlier
      page('naïve-2', '2026-03-01T09:00:00Z', 'https://acme.io/'),
      page('undefined', '2026-03-01T09:00:00Z', 'https://acme.io/'), // a placeholder: no person
      page('x'.repeat(600), '2026-03-01T09:00:00Z', 'https://acme.io/'), // too long: no person
      page('linked-3', '2026-03-01T09:00:00Z', 'https://acme.io/'),
      identify('linked-3', '2026-03-01T09:01:00Z', 'ann@acme.io'),
    ]);
    await rebuild(store, 'w');
    const rows = sorted(await store.currentIdentities('w'));
    assert.deepEqual(rows, sorted(await graphAlone(store, 'w')));
    assert.deepEqual(
      rows.map((r) => `${r.kind}:${r.value}`),
      [
        'anonymous_id:linked-3',
        'anonymous_id:naïve-2',
        'anonymous_id:plain-1',
        'email:ann@acme.io',
      ],
    );
    assert.equal(
      rows.find((r) => r.value === 'plain-1')?.personId,
      personIdFor('anonymous_id', 'plain-1', 0),
    );
  });
});

test('a person id collision between a single visitor and a linked person is caught, and resolved with a salted id', async () => {
  await withStore(async (store) => {
    await add(store, [
      page('lonely', '2026-03-01T09:00:00Z', 'https://acme.io/'),
      page('lead', '2026-03-01T10:00:00Z', 'https://acme.io/'),
      identify('lead', '2026-03-01T10:01:00Z', 'bob@acme.io'),
    ]);
    // a hash that gives the linked person the id the store gives the single visitor
    const clash = personIdFor('anonymous_id', 'lonely', 0);
    const personIdHash = (kind: string, value: string, salt: number) =>
      kind === 'anonymous_id' && value === 'lead' && salt === 0
        ? clash
        : personIdFor(kind, value, salt);
    const summary = await resolvePersons(store, 'w', { ...DEFAULT_DERIVE_SETTINGS, personIdHash });
    assert.equal(summary.persons, 2);
    const rows = await store.currentIdentities('w');
    const personOf = new Map(rows.map((r) => [`${r.kind}|${r.value}`, r.personId]));
    assert.equal(personOf.get('anonymous_id|lead'), personOf.get('email|bob@acme.io'));
    assert.notEqual(
      personOf.get('anonymous_id|lonely'),
      personOf.get('anonymous_id|lead'),
      'two persons never share an id',
    );
    assert.equal(new Set(personOf.values()).size, 2);
    // the colliding attempt left nothing behind: resolving again keeps the ids and records no merge or split
    const again = await resolvePersons(store, 'w', { ...DEFAULT_DERIVE_SETTINGS, personIdHash });
    assert.deepEqual([again.merges, again.splits, again.changedPersons], [0, 0, []]);
    assert.deepEqual(sorted(await store.currentIdentities('w')), sorted(rows));
  });
});
