// The store's user-agents area: its types and what an engine must implement for it.
import type { DeriveStage } from './derive-scope.js';

export interface UserAgentRow {
  workspaceId: string;
  userAgent: string;
  browser: string | null;
  browserVersion: string | null;
  os: string | null;
  deviceType: string;
  bot: boolean;
  botReason: string | null;
}

/** The derived user-agent dictionary. */
export interface UserAgentsStore {
  /** Distinct user agents in events that have not been parsed yet. */
  /** User agents not parsed yet: in every event, or in the affected ids' staged events. */
  userAgentsToParse(
    limit: number,
    affected?: { workspaceId: string; stage: DeriveStage },
  ): Promise<{ workspaceId: string; userAgent: string }[]>;
  saveUserAgents(rows: readonly UserAgentRow[]): Promise<void>;
}
