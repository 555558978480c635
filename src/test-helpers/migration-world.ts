// A DuckDB store with something in every kind of table, for the migration tests: simulated worlds
// imported (events, derived tables, the import's redaction log), a connector's identity link, dead
// letters with bytes that are not UTF-8 (and one naming no workspace), and a person's erasure (its audit
// record, tombstones and the privacy key).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { importEvents } from '../derive/import-events.js';
import { erasePerson } from '../derive/person-privacy.js';
import { simulate } from '../sim/index.js';
import { openStore } from '../store/open.js';
import type { Store } from '../store/store.js';
import { addWorkspace } from './copy-duck-rows.js';
import { identify } from './events.js';
import { goodLine, poisonLines, segmentBytes } from './poison.js';

export const ERASED_EMAIL = 'erase.me@example.com';

/**
 * The migration's source store under `dir`: DuckDB whatever engine the suite runs on
 * (CLOSEDLOOP_TEST_ENGINE), since a migration reads a DuckDB file into ClickHouse.
 */
export function openMigrationSource(dir: string): Promise<Store> {
  return openStore(dir, { store: 'duckdb' });
}

/** Seeds `store` with one simulated world per workspace; the first also gets the rarer rows. */
export async function seedWorld(
  store: Store,
  dir: string,
  workspaces: readonly { id: string; seed: number }[],
): Promise<void> {
  for (const { id, seed } of workspaces) {
    await addWorkspace(store, id);
    const outDir = join(dir, `sim-${id}`);
    await simulate({ seed, days: 10, visitorsPerDay: 25, end: '2026-10-31' }, { outDir });
    await importEvents(store, id, [join(outDir, 'events.ndjson')], { redactParams: [] });
  }
  const ws = workspaces[0]!.id;
  // a time with microseconds: the target keeps milliseconds, and the comparison must agree
  await store.appendIdentityLinks(ws, [
    {
      fromKind: 'crm_id',
      fromValue: 'crm-1',
      toKind: 'email',
      toValue: 'linked@example.com',
      source: 'crm',
      at: '2026-10-01T10:00:00.123456Z',
    },
  ]);
  const journal = join(dir, 'journal');
  mkdirSync(journal, { recursive: true });
  const segment = join(journal, 'segment-0001.ndjson');
  writeFileSync(
    segment,
    segmentBytes([goodLine(ws, 'dl-good'), ...poisonLines(ws).map((p) => p.raw)]),
  );
  await store.loadEventJournal(segment);
  await store.appendEvents(ws, [identify('anon-erased', '2026-10-20T09:00:00Z', ERASED_EMAIL)], {
    origin: 'api',
    receivedAt: new Date(),
  });
  const erased = await erasePerson(store, ws, { email: ERASED_EMAIL }, { via: 'cli' });
  if (!erased) throw new Error('the erased person was not found');
}
