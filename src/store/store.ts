import type { ControlStore } from './control.js';
import type { DataStore } from './data.js';

export type { ImportProgress } from './areas/events.js';
export type { ControlStore } from './control.js';
export type { DataStore } from './data.js';

/**
 * The only way into storage: the control plane (ControlStore: workspaces, settings, leases) joined to the
 * data plane (DataStore: facts and derived rows), each one interface per area (src/store/areas/) that an
 * engine implements (src/store/engines/<engine>/). store/open.ts opens one of each and joins them.
 */
export interface Store extends ControlStore, DataStore {
  /**
   * Removes the workspace and every fact, derived row, audit row and setting of it: first its rows in the
   * data plane, then its workspace row and settings in the control plane, each half all or nothing. If
   * the second half fails, the workspace is still listed, with no data, and its keys still work; running
   * the deletion again finishes it. Rows removed per table, or undefined when there is no such workspace.
   */
  deleteWorkspace(id: string): Promise<Record<string, number> | undefined>;
}
