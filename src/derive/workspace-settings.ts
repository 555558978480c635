import type { Store } from '../store/store.js';
import {
  compileRules,
  defaultCompiledRules,
  resolveRulesConfig,
  type CompiledRules,
} from './channels/index.js';
import type { PersonIdHash } from './identity/index.js';
import { DEFAULT_SESSION_SETTINGS, type SessionSettings } from './sessions.js';

export interface DeriveSettings {
  sessions: SessionSettings;
  maxEmailsPerIdentifier?: number;
  maxUsersPerIdentifier?: number;
  /** How a person id is made from its anchor (default: personIdFor, which the store's SQL repeats). */
  personIdHash?: PersonIdHash;
}

export const DEFAULT_DERIVE_SETTINGS: DeriveSettings = { sessions: DEFAULT_SESSION_SETTINGS };

/** Setting keys. */
export const CHANNEL_RULES = 'channel_rules';

const compiled = new Map<string, CompiledRules>();

/** The channel rules a workspace derives with: its own rules file if set, else the GA4 defaults. */
export async function channelRulesFor(store: Store, workspaceId: string): Promise<CompiledRules> {
  const config = await store.getSetting(workspaceId, CHANNEL_RULES);
  if (config === undefined || config === null) return defaultCompiledRules();
  const key = JSON.stringify(config);
  let rules = compiled.get(key);
  if (!rules) {
    rules = compileRules(resolveRulesConfig(config));
    if (compiled.size > 100) compiled.clear();
    compiled.set(key, rules);
  }
  return rules;
}

/** Derive settings of a workspace (its channel rules; other settings are the defaults for now). */
export async function settingsFor(store: Store, workspaceId: string): Promise<DeriveSettings> {
  return {
    ...DEFAULT_DERIVE_SETTINGS,
    sessions: {
      ...DEFAULT_DERIVE_SETTINGS.sessions,
      rules: await channelRulesFor(store, workspaceId),
    },
  };
}
