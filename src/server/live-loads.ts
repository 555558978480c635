// Who is told when events land in the store: the journal loader hands each load on (store/journal-loader.ts
// onLoaded), and this passes the workspaces it touched to whoever listens now (the realtime stream).
// A listener must not wait: the loader's own listeners (the derive) keep the pace.
export type LoadsListener = (workspaces: ReadonlySet<string>) => void;

export class LiveLoads {
  private readonly listeners = new Set<LoadsListener>();

  /** Calls `fn` after each load until the returned function is called. */
  subscribe(fn: LoadsListener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  emit(workspaces: Iterable<string>): void {
    if (this.listeners.size === 0) return;
    const set = new Set(workspaces);
    if (set.size === 0) return;
    for (const fn of this.listeners) fn(set);
  }

  get size(): number {
    return this.listeners.size;
  }
}
