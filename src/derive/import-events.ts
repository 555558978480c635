// A file import, the same whether the CLI runs it on its own store or the server runs it for the CLI:
// bulk-load each file, redact what it loaded, then derive the workspace once.
import type { ImportProgress, Store } from '../store/store.js';
import type { IngestResult } from '../store/types.js';
import { rebuild } from './derive.js';
import { redactStored } from './redact-stored.js';

export interface ImportOptions {
  /** The configuration's redaction parameter names (config.redactParams). */
  redactParams: readonly string[];
  /** Progress within the file at `index` of the list. */
  onProgress?: (index: number, p: ImportProgress) => void;
}

/** Imports Segment-format NDJSON files into a workspace; one result per file, in order. */
export async function importEvents(
  store: Store,
  workspaceId: string,
  files: readonly string[],
  opts: ImportOptions,
): Promise<IngestResult[]> {
  const results: IngestResult[] = [];
  for (const [i, file] of files.entries()) {
    const r = await store.importEventsFile(
      workspaceId,
      file,
      opts.onProgress && ((p) => opts.onProgress!(i, p)),
    );
    results.push(r);
    // the bulk load is SQL only: its URLs pass the same redaction before anything is derived from them
    if (r.inserted > 0 && r.batchId)
      await redactStored(store, workspaceId, {
        configNames: opts.redactParams,
        batchId: r.batchId,
      });
  }
  // derive what the new events change (sessions, persons, milestones) for the workspace
  if (results.some((r) => r.inserted > 0)) await rebuild(store, workspaceId);
  return results;
}
