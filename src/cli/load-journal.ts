import { join } from 'node:path';
import { deriveTouched } from '../model/derive.js';
import { EventJournal } from '../store/journal.js';
import { JournalLoader } from '../store/journal-loader.js';
import type { Store } from '../store/store.js';
import type { TouchedIds } from '../store/types.js';

/**
 * Loads what the ingestion journal still holds (a server that stopped uncleanly leaves segments) and derives
 * it, as the server would have at its next start.
 */
export async function loadJournal(store: Store, dataDir: string): Promise<void> {
  const journal = EventJournal.open(join(dataDir, 'journal'));
  const loader = new JournalLoader(journal, store);
  const touched = new Map<string, TouchedIds>();
  loader.onLoaded((l) => {
    for (const [ws, ids] of l.touched) touched.set(ws, ids);
  });
  try {
    await loader.flush();
  } finally {
    await journal.close();
  }
  for (const [ws, ids] of touched) {
    if (await store.getWorkspace(ws)) await deriveTouched(store, ws, ids);
  }
}
