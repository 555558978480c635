// A replay of dead letters after a fix (`closedloop ingest retry`, on the store or through the server's
// POST /api/ingest/retry): the pending letters asked for go through the journal's load path again, and
// what the events that load now change is derived, as the live loader would derive it.
import type { Store } from '../store/store.js';
import type { DeadLetterFilter } from '../store/types.js';
import { deriveAffected } from './derive.js';

/** A retry that names what does not exist (`not_found`) or a letter already loaded (`conflict`). */
export class RetryTargetError extends Error {
  constructor(
    message: string,
    readonly field: 'workspace' | 'id',
    readonly kind: 'not_found' | 'conflict',
  ) {
    super(message);
    this.name = 'RetryTargetError';
  }
}

export interface RetryOutcome {
  /** Ids that loaded now (as new events, or as duplicates of events already stored). */
  loaded: string[];
  /** Ids that still cannot load, with today's reason. */
  failed: { id: string; reason: string }[];
  /** New events stored. */
  inserted: number;
}

/** Replays the pending dead letters of a workspace (or all), or one by id, and derives what loaded. */
export async function retryDeadLetters(
  store: Store,
  filter: DeadLetterFilter,
): Promise<RetryOutcome> {
  const { workspaceId, id } = filter;
  if (workspaceId !== undefined && !(await store.getWorkspace(workspaceId)))
    throw new RetryTargetError(`no workspace with id "${workspaceId}"`, 'workspace', 'not_found');
  if (id !== undefined) {
    const [d] = await store.listDeadLetters({ id, workspaceId, limit: 1 });
    if (!d)
      throw new RetryTargetError(
        `no dead letter with id "${id}"${workspaceId ? ` in workspace "${workspaceId}"` : ''}`,
        'id',
        'not_found',
      );
    if (d.retriedAt !== null)
      throw new RetryTargetError(
        `dead letter "${id}" was already loaded (at ${d.retriedAt})`,
        'id',
        'conflict',
      );
  }
  const r = await store.retryDeadLetters({ workspaceId, id });
  // what the new events change (sessions, persons, milestones); a workspace deleted since has nothing to derive
  for (const [ws, affected] of r.affected) {
    if (await store.getWorkspace(ws)) await deriveAffected(store, ws, affected);
  }
  return { loaded: r.loaded, failed: r.failed, inserted: r.inserted };
}
