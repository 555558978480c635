// A workspace's URL redaction settings (extra parameter names, the campaign-link identify parameter),
// validated here for the API and the CLI, and the cached rules the live ingestion path applies.
import { z } from 'zod';
import {
  compileRedaction,
  type CompiledRedaction,
  type RedactionRules,
} from '../collect/redaction-rules.js';
import type { Store } from '../store/store.js';

/** Setting key in workspace_settings. */
export const REDACTION = 'redaction';

const NAME = /^[A-Za-z0-9_.\-[\]]{1,64}$/;
export const ParamName = z.string().regex(NAME, 'must be 1 to 64 letters, digits or _ . - [ ]');
const KEPT = /^utm_/i;
/** A name whose values are redacted beside the built-in list (never a UTM parameter, which attribution reads). */
export const ExtraParamName = ParamName.refine(
  (n) => !KEPT.test(n),
  'UTM parameters are never redacted',
);
/** At most this many extra names, a workspace's or a run's. */
const ExtraParamNames = z.array(ExtraParamName).max(100, 'must hold at most 100 names');

export const RedactionSettings = z
  .object({
    /** Extra parameter names whose values are redacted in every stored URL (beside the built-in list). */
    params: ExtraParamNames.default([]),
    /** A parameter that carries the visitor's e-mail on a campaign link (e.g. cl_email): turned into an identify. */
    identifyParam: ParamName.nullable().default(null),
  })
  .strict()
  .refine(
    (s) =>
      !s.identifyParam || !s.params.some((p) => p.toLowerCase() === s.identifyParam!.toLowerCase()),
    {
      message: 'must not also be listed in params',
      path: ['identifyParam'],
    },
  );
export type RedactionSettings = z.infer<typeof RedactionSettings>;

/** A run of the stored-facts redaction (POST /api/privacy/redaction/apply): more names for this run only. */
export const RedactionRunRequest = z.object({ names: ExtraParamNames.default([]) }).strict();

export const DEFAULT_REDACTION_SETTINGS: RedactionSettings = { params: [], identifyParam: null };

/** The stored settings (defaults when never set; a stored value that no longer parses counts as unset). */
export async function getRedactionSettings(
  store: Store,
  workspaceId: string,
): Promise<RedactionSettings> {
  const raw = await store.getSetting(workspaceId, REDACTION);
  const r = RedactionSettings.safeParse(raw ?? {});
  return r.success ? r.data : DEFAULT_REDACTION_SETTINGS;
}

export async function setRedactionSettings(
  store: Store,
  workspaceId: string,
  settings: RedactionSettings,
): Promise<void> {
  await store.setSetting(workspaceId, REDACTION, settings);
}

/** The rules a workspace's events are redacted with: the configuration's names, the workspace's, and any given now. */
export function rulesFrom(
  settings: RedactionSettings,
  configNames: readonly string[],
  more: readonly string[] = [],
): RedactionRules {
  return {
    extraNames: [...new Set([...configNames, ...settings.params, ...more])],
    identifyParam: settings.identifyParam,
  };
}

/**
 * The live path's rules per workspace, cached briefly (every event needs them; a change through the API
 * invalidates at once, and one made elsewhere is picked up within the TTL).
 */
export class RedactionRulesCache {
  private entries = new Map<string, { rules: CompiledRedaction; until: number }>();
  constructor(
    private readonly store: Store,
    private readonly configNames: readonly string[],
    private readonly ttlMs = 5_000,
  ) {}

  /** The workspace's rules while the cached ones are fresh, else undefined (then rulesFor reads them). */
  cached(workspaceId: string): CompiledRedaction | undefined {
    const hit = this.entries.get(workspaceId);
    return hit && hit.until > Date.now() ? hit.rules : undefined;
  }

  async rulesFor(workspaceId: string): Promise<CompiledRedaction> {
    const hit = this.cached(workspaceId);
    if (hit) return hit;
    const now = Date.now();
    const rules = compileRedaction(
      rulesFrom(await getRedactionSettings(this.store, workspaceId), this.configNames),
    );
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(workspaceId, { rules, until: now + this.ttlMs });
    return rules;
  }

  invalidate(workspaceId: string): void {
    this.entries.delete(workspaceId);
  }
}
