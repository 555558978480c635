// The Store over a control part and a data part (store/open.ts opens the parts and joins them here).
import type { ControlStore } from './control.js';
import type { DataStore } from './data.js';
import type { Store } from './store.js';

// the parts of each joined store, for an engine's own tests that reach its internals (duckDbOf)
const PARTS = new WeakMap<object, { control: ControlStore; data: DataStore }>();

/** The control and data parts a store was joined from, or undefined for anything else (an engine's tests, test helpers). */
export function storeParts(store: object): { control: ControlStore; data: DataStore } | undefined {
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
