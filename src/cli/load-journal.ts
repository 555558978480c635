import { join } from 'node:path';
import { deriveAffected } from '../derive/derive.js';
import { EventJournal } from '../store/journal.js';
import { JournalLoader } from '../store/journal-loader.js';
import type { Store } from '../store/store.js';

/**
 * Loads what the ingestion journal still holds (a server that stopped uncleanly leaves segments) and derives
 * it, as the server would have at its next start.
 */
export async function loadJournal(store: Store, dataDir: string): Promise<void> {
  const journal = EventJournal.open(join(dataDir, 'journal'));
  const loader = new JournalLoader(journal, store);
  // derived before the loader deletes the segments (a stop in between finds them again)
  loader.onLoaded(async (l) => {
    for (const [ws, ids] of l.affected)
      if (await store.getWorkspace(ws)) await deriveAffected(store, ws, ids);
  });
  try {
    await loader.flush();
  } finally {
    await journal.close();
  }
}
