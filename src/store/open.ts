import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ControlStore } from './control.js';
import type { DataStore } from './data.js';
import type { Store } from './store.js';
import { openDuckDbStore } from './engines/duckdb/duckdb-store.js';
import { openPostgresControl } from './engines/postgres/postgres-store.js';
import { defaultMemoryLimit, threadsFor } from '../util/memory-limit.js';
import { withoutPassword } from '../util/url-password.js';

export const DB_FILE = 'closedloop.duckdb';
/** Where the engine spills what does not fit in its memory limit (emptied by the engine itself). */
export const SPILL_DIR = 'spill';

export interface StoreLimits {
  /** The engine's memory cap in bytes (default: half of the machine, as the config's default). */
  memoryLimit?: number;
}

export interface StoreOptions extends StoreLimits {
  /**
   * Where the control plane lives: a postgres:// URL (CLOSEDLOOP_CONTROL), or undefined for the DuckDB
   * file under the data directory.
   */
  control?: string;
}

/** True for a URL the control plane can live at (PostgreSQL). */
export function isControlUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//i.test(url);
}

/**
 * Opens (creating if needed) the store: the data plane in the DuckDB file under the data directory, the
 * control plane in PostgreSQL when `control` names it (else in the same file), each migrated. Throws
 * StoreUnavailable (naming the URL without its password) when PostgreSQL is down or refuses.
 */
export async function openStore(dataDir: string, opts: StoreOptions = {}): Promise<Store> {
  let control: ControlStore | undefined;
  if (opts.control !== undefined) {
    if (!isControlUrl(opts.control))
      throw new Error(
        `control: ${withoutPassword(opts.control)} is not a postgres:// or postgresql:// URL`,
      );
    // first, so a control plane that is down stops the start before the data file is touched
    control = await openPostgresControl(opts.control);
  }
  try {
    const dir = resolve(dataDir);
    mkdirSync(dir, { recursive: true });
    const memoryLimit = opts.memoryLimit ?? defaultMemoryLimit();
    const tempDirectory = join(dir, SPILL_DIR);
    mkdirSync(tempDirectory, { recursive: true });
    const duck = await openDuckDbStore(join(dir, DB_FILE), {
      memoryLimit,
      threads: threadsFor(memoryLimit),
      tempDirectory,
    });
    return joinStore(control ?? duck.control, duck.data);
  } catch (err) {
    await control?.close();
    throw err;
  }
}

// the parts of each joined store, for tests that reach one engine's internals (duckDbOf)
const PARTS = new WeakMap<Store, { control: ControlStore; data: DataStore }>();

/** The control and data parts a store was joined from (tests and test helpers only). */
export function storeParts(store: Store): { control: ControlStore; data: DataStore } | undefined {
  return PARTS.get(store);
}

/** Every method and value of a part, own or inherited (a class's methods live on its prototype), bound to it. */
function membersOf<T extends object>(part: T): T {
  const out: Record<string, unknown> = {};
  for (let o: object | null = part; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
    for (const name of Object.getOwnPropertyNames(o)) {
      if (name === 'constructor' || name in out) continue;
      const v: unknown = (part as Record<string, unknown>)[name];
      out[name] = typeof v === 'function' ? v.bind(part) : v;
    }
  }
  return out as T;
}

/**
 * The Store over a control part and a data part: each method goes to the part that has it, and the
 * three that span both are written here (ready, close, deleteWorkspace).
 */
export function joinStore(control: ControlStore, data: DataStore): Store {
  const store: Store = {
    ...membersOf(data),
    ...membersOf(control),
    ready: () => control.ready() && data.ready(),
    async close() {
      try {
        await control.close();
      } finally {
        await data.close();
      }
    },
    // data first, then the control row: a failure between the two leaves a listed workspace with no
    // data (nothing orphaned), and running the deletion again finishes it
    async deleteWorkspace(id: string) {
      if (!(await control.getWorkspace(id))) return undefined;
      const removedData = await data.deleteWorkspaceData(id);
      const removedControl = await control.deleteWorkspaceControl(id);
      // another deletion removed the row between the halves: this one removed the data only
      const { workspaces = 0, ...rest } = { ...removedData, ...removedControl };
      return {
        workspaces,
        ...Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))),
      };
    },
  };
  PARTS.set(store, { control, data });
  return store;
}
