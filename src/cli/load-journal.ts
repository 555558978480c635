import { join } from 'node:path';
import { deriveAffected } from '../derive/derive.js';
import { EventJournal } from '../store/journal.js';
import { JournalLoader } from '../store/journal-loader.js';
import type { Store } from '../store/store.js';
import type { AffectedIds } from '../store/types.js';

/**
 * Loads what the ingestion journal still holds (a server that stopped uncleanly leaves segments, stored
 * or not) and derives it, as the server would have at its next start. The stored segments are deleted
 * once derived; a derive that fails keeps them for the next start, and throws.
 */
export async function loadJournal(store: Store, dataDir: string): Promise<void> {
  const journal = EventJournal.open(join(dataDir, 'journal'));
  const loader = new JournalLoader(journal, store);
  const affected = new Map<string, { anon: Set<string>; users: Set<string> }>();
  let derivedAll: () => void = () => {};
  let failed: (err: unknown) => void = () => {};
  const derived = new Promise<void>((resolve, reject) => {
    derivedAll = resolve;
    failed = reject;
  });
  derived.catch(() => undefined); // (the loader reads the outcome; this only marks it handled)
  loader.onLoaded((l) => {
    for (const [ws, ids] of l.affected) {
      const a = affected.get(ws) ?? { anon: new Set<string>(), users: new Set<string>() };
      for (const id of ids.anonymousIds) a.anon.add(id);
      for (const id of ids.userIds) a.users.add(id);
      affected.set(ws, a);
    }
    return derived;
  });
  try {
    try {
      await loader.flush();
    } finally {
      await journal.close();
    }
    for (const [ws, a] of affected) {
      const ids: AffectedIds = { anonymousIds: [...a.anon], userIds: [...a.users] };
      if (await store.getWorkspace(ws)) await deriveAffected(store, ws, ids);
    }
    derivedAll();
  } catch (err) {
    failed(err);
    throw err;
  } finally {
    await loader.derived();
  }
}
