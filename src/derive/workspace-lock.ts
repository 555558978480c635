// One derive at a time per workspace: a background derive and a settings change both rewrite derived
// tables from reads they made first, so they must not interleave.
const tails = new Map<string, Promise<unknown>>();

export async function withWorkspaceLock<T>(workspaceId: string, fn: () => Promise<T>): Promise<T> {
  const prev = tails.get(workspaceId) ?? Promise.resolve();
  const run = prev.then(fn, fn);
  const tail = run.catch(() => undefined);
  tails.set(workspaceId, tail);
  try {
    return await run;
  } finally {
    if (tails.get(workspaceId) === tail) tails.delete(workspaceId);
  }
}
