import { parseUserAgent } from '../collect/user-agent.js';
import type { Store } from '../store/store.js';
import type { DeriveStage } from '../store/types.js';

/**
 * Parses every user agent the events hold (or the affected ids' staged events) that has not been parsed
 * yet (a derived dictionary).
 */
export async function refreshUserAgents(
  store: Store,
  batch = 5000,
  affected?: { workspaceId: string; stage: DeriveStage },
): Promise<number> {
  let total = 0;
  for (;;) {
    const todo = await store.userAgentsToParse(batch, affected);
    if (todo.length === 0) return total;
    await store.saveUserAgents(todo.map((t) => ({ ...t, ...parseUserAgent(t.userAgent) })));
    total += todo.length;
  }
}
