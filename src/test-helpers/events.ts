// Small event builders and a scratch store with workspace "w", shared by the derive and credit tests.
import { openTestStore } from './store.js';
import type { Store } from '../store/store.js';
import type { RawEvent } from '../store/types.js';
import { tempDir } from './tmp.js';

export const TEST_WORKSPACE = {
  id: 'w',
  name: 'w',
  currency: 'USD',
  timezone: 'UTC',
  writeKey: 'k',
  secretKeyHash: 'h',
};

let n = 0;
export const page = (anon: string, at: string, url: string, referrer?: string): RawEvent => ({
  type: 'page',
  messageId: `m${n++}`,
  anonymousId: anon,
  timestamp: at,
  context: { page: { url, ...(referrer ? { referrer } : {}) } },
});
export const identify = (anon: string, at: string, email: string): RawEvent => ({
  type: 'identify',
  messageId: `m${n++}`,
  anonymousId: anon,
  timestamp: at,
  traits: { email },
});

/** A fresh store holding workspace "w", closed and deleted after `fn`. */
export async function withStore(fn: (store: Store) => Promise<void>): Promise<void> {
  const { dir, cleanup } = tempDir();
  const store = await openTestStore(dir);
  try {
    await store.createWorkspace(TEST_WORKSPACE);
    await fn(store);
  } finally {
    await store.close();
    cleanup();
  }
}

/** A second workspace `id` of the scratch store in a time zone (its days end at its midnights). */
export const zonedWorkspace = (store: Store, id: string, timezone: string) =>
  store.createWorkspace({
    ...TEST_WORKSPACE,
    id,
    name: id,
    writeKey: `k-${id}`,
    secretKeyHash: `h-${id}`,
    timezone,
  });

/** Appends events to workspace "w" as an import would. */
export const add = (store: Store, events: RawEvent[]) =>
  store.appendEvents('w', events, { origin: 'import', receivedAt: new Date() });
