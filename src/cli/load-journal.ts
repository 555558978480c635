import { join } from 'node:path';
import { deriveAffected } from '../derive/derive.js';
import { EventJournal } from '../store/journal.js';
import { JournalLoader } from '../store/journal-loader.js';
import type { Store } from '../store/store.js';
import type { AffectedIds } from '../store/types.js';

/**
 * Loads what the ingestion journal still holds (a server that stopped uncleanly leaves segments) and derives
 * it, as the server would have at its next start.
 */
export async function loadJournal(store: Store, dataDir: string): Promise<void> {
  const journal = EventJournal.open(join(dataDir, 'journal'));
  const loader = new JournalLoader(journal, store);
  const affected = new Map<string, AffectedIds>();
  loader.onLoaded((l) => {
    for (const [ws, ids] of l.affected) affected.set(ws, ids);
  });
  try {
    await loader.flush();
  } finally {
    await journal.close();
  }
  for (const [ws, ids] of affected) {
    if (await store.getWorkspace(ws)) await deriveAffected(store, ws, ids);
  }
}
