// Binds repo functions `(db, ...args)` to one database, so an area's implementation is the list of its
// repo functions (no hand-written pass-through per method) and the compiler checks it against the area.
import type { Db } from './connection.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any parameter list: checked per function by Bound<F>
type RepoFn = (db: Db, ...args: any[]) => unknown;
type Bound<F> = F extends (db: Db, ...args: infer A) => infer R ? (...args: A) => R : never;

export function bind<T extends Record<string, RepoFn>>(
  db: Db,
  fns: T,
): { [K in keyof T]: Bound<T[K]> } {
  const out: Record<string, (...args: unknown[]) => unknown> = {};
  for (const [name, fn] of Object.entries(fns)) out[name] = (...args: unknown[]) => fn(db, ...args);
  return out as { [K in keyof T]: Bound<T[K]> };
}
