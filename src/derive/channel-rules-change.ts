import type { Store } from '../store/store.js';
import type { ChannelMove } from '../store/types.js';
import { compileRules, resolveRulesConfig, RuleSetError } from './channels/index.js';
import { settingsFor, CHANNEL_RULES } from './workspace-settings.js';
import { deriveSessions } from './sessions.js';
import { creditWorkspace } from './attribution-credits.js';
import { withWorkspaceLock } from './workspace-lock.js';

export interface ChannelRulesChange {
  sessions: number;
  /** Sessions whose channel changed. */
  moved: number;
  channels: { channel: string; before: number; after: number; change: number }[];
  /** From → to, for the sessions that moved. */
  matrix: { from: string; to: string; sessions: number }[];
}

/** Summarises a re-derive's moves into before/after counts per channel and the from→to matrix. */
export function summariseMoves(moves: readonly ChannelMove[]): ChannelRulesChange {
  const before = new Map<string, number>();
  const after = new Map<string, number>();
  let sessions = 0;
  let moved = 0;
  const matrix: ChannelRulesChange['matrix'] = [];
  for (const m of moves) {
    if (m.from !== null) before.set(m.from, (before.get(m.from) ?? 0) + m.sessions);
    if (m.to !== null) {
      after.set(m.to, (after.get(m.to) ?? 0) + m.sessions);
      sessions += m.sessions;
    }
    if (m.from !== m.to && m.from !== null && m.to !== null) {
      moved += m.sessions;
      matrix.push({ from: m.from, to: m.to, sessions: m.sessions });
    }
  }
  const names = [...new Set([...before.keys(), ...after.keys()])].sort();
  const channels = names
    .map((channel) => ({
      channel,
      before: before.get(channel) ?? 0,
      after: after.get(channel) ?? 0,
      change: (after.get(channel) ?? 0) - (before.get(channel) ?? 0),
    }))
    .sort((a, b) => b.after - a.after || a.channel.localeCompare(b.channel));
  matrix.sort(
    (a, b) => b.sessions - a.sessions || a.from.localeCompare(b.from) || a.to.localeCompare(b.to),
  );
  return { sessions, moved, channels, matrix };
}

/**
 * Sets a workspace's channel rules (a rules file's JSON; null restores the GA4 defaults), re-derives
 * every session of its history with them (and re-credits) and reports exactly what moved. Invalid rules throw a
 * RuleSetError listing every problem, and nothing changes.
 */
export async function changeChannelRules(
  store: Store,
  workspaceId: string,
  config: unknown,
): Promise<ChannelRulesChange> {
  if (config !== null) compileRules(resolveRulesConfig(config)); // validate before storing anything
  return withWorkspaceLock(store, workspaceId, async () => {
    await store.setSetting(workspaceId, CHANNEL_RULES, config);
    const settings = await settingsFor(store, workspaceId);
    const r = await deriveSessions(store, workspaceId, settings.sessions, undefined, true);
    // touches changed channel: first touches and credits follow
    await store.deriveFirstTouches(workspaceId);
    await store.deriveReportSessions(workspaceId);
    await creditWorkspace(store, workspaceId);
    return summariseMoves(r.moves ?? []);
  });
}

export { RuleSetError };
