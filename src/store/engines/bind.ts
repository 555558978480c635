// Binds repo functions `(handle, ...args)` to one database handle (a DuckDB Db, a PostgreSQL Pool), so an
// area's implementation is the list of its repo functions (no hand-written pass-through per method) and
// the compiler checks it against the area. Shared by the engines; it knows none of them.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list: checked per function by Bound<F>
type RepoFn<H> = (handle: H, ...args: any[]) => unknown;
type Bound<H, F> = F extends (handle: H, ...args: infer A) => infer R ? (...args: A) => R : never;

export function bind<H, T extends Record<string, RepoFn<H>>>(
  handle: H,
  fns: T,
): { [K in keyof T]: Bound<H, T[K]> } {
  const out: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(fns))
    out[name] = (...args: unknown[]) => fn(handle, ...args);
  return out as { [K in keyof T]: Bound<H, T[K]> };
}
