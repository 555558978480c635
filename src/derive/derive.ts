// The derive step: facts in, derived tables out. `rebuild` re-derives a whole workspace; `deriveAffected`
// does the same work for only what a batch of new events affected (through their anonymous and user
// ids). A rebuild over unchanged facts gives identical derived tables.
import type { Store } from '../store/store.js';
import type { AffectedIds } from '../store/types.js';
import {
  creditPersons,
  creditWorkspace,
  refitDataDriven,
  type CreditSummary,
} from './attribution-credits.js';
import { deriveCrmMilestones } from './crm-milestones.js';
import { rederiveStripeMilestones } from './stripe-milestones.js';
import { resolvePersons, type IdentitySummary } from './resolve-persons.js';
import { deriveSessions } from './sessions.js';
import { refreshUserAgents } from './user-agents.js';
import { withWorkspaceLock } from './workspace-lock.js';
import { DEFAULT_DERIVE_SETTINGS, settingsFor, type DeriveSettings } from './workspace-settings.js';

export { DEFAULT_DERIVE_SETTINGS, type DeriveSettings };
export { resolvePersons, type IdentitySummary };

export interface DeriveSummary {
  sessions: number;
  identity: IdentitySummary;
  leads: number;
  credits: CreditSummary;
}

/** The steps of a rebuild, in the order it runs them. */
export const REBUILD_PHASES = [
  'user agents',
  'sessions',
  'identity',
  'report tables',
  'milestones',
  'attribution credits',
] as const;
export type RebuildPhase = (typeof REBUILD_PHASES)[number];

export interface RebuildOptions {
  /** Told each step's wall time as it ends (the derive bench times the rebuild users run, not a copy). */
  onPhase?: (phase: RebuildPhase, seconds: number) => void;
}

/** Re-derives everything of a workspace from its facts. */
export function rebuild(
  store: Store,
  workspaceId: string,
  settings?: DeriveSettings,
  opts: RebuildOptions = {},
): Promise<DeriveSummary> {
  return withWorkspaceLock(store, workspaceId, () =>
    rebuildUnlocked(store, workspaceId, settings, opts),
  );
}

async function rebuildUnlocked(
  store: Store,
  workspaceId: string,
  settings: DeriveSettings | undefined,
  opts: RebuildOptions,
): Promise<DeriveSummary> {
  settings ??= await settingsFor(store, workspaceId);
  let started = performance.now();
  const ended = (phase: RebuildPhase) => {
    const now = performance.now();
    opts.onPhase?.(phase, (now - started) / 1000);
    started = now;
  };
  await refreshUserAgents(store);
  ended('user agents');
  const s = await deriveSessions(store, workspaceId, settings.sessions);
  ended('sessions');
  const identity = await resolvePersons(store, workspaceId, settings);
  ended('identity');
  // each person's first visit, which the reports group by (docs/reports.md, "First touch")
  await store.deriveFirstTouches(workspaceId);
  // each session with its person and parsed parameters, as the reports read it (docs/reports.md, "Speed")
  await store.deriveReportSessions(workspaceId);
  ended('report tables');
  const leads = await store.deriveLeadMilestones(workspaceId);
  // the Stripe customers' milestones too (merged with the CRM's customers)
  await deriveCrmMilestones(store, workspaceId);
  ended('milestones');
  const credits = await creditWorkspace(store, workspaceId);
  ended('attribution credits');
  return { sessions: s.sessions, identity, leads, credits };
}

/**
 * New events arrived for these anonymous ids (and user ids): their sessions are re-derived alone; persons
 * are re-resolved for the linked components around them (one link can join any two persons, so the
 * component is followed as far as it goes), and milestones and rule-based credits for the persons
 * concerned; the data-driven fits over the workspace (unless `dataDriven` is false: live ingestion
 * refits them apart, at most every so often).
 */
export function deriveAffected(
  store: Store,
  workspaceId: string,
  affected: readonly string[] | AffectedIds,
  settings?: DeriveSettings,
  opts: { dataDriven?: boolean } = {},
): Promise<DeriveSummary> {
  const ids: AffectedIds = isAffectedIds(affected)
    ? affected
    : { anonymousIds: [...affected], userIds: [] };
  return withWorkspaceLock(store, workspaceId, () =>
    deriveAffectedUnlocked(store, workspaceId, ids, settings, opts),
  );
}

function isAffectedIds(t: readonly string[] | AffectedIds): t is AffectedIds {
  return !Array.isArray(t);
}

/** Refits the data-driven models of a workspace (deriveAffected with `dataDriven: false` leaves them for later). */
export function refitWorkspace(store: Store, workspaceId: string): Promise<void> {
  return withWorkspaceLock(store, workspaceId, () => refitDataDriven(store, workspaceId));
}

async function deriveAffectedUnlocked(
  store: Store,
  workspaceId: string,
  affected: AffectedIds,
  settings: DeriveSettings | undefined,
  opts: { dataDriven?: boolean },
): Promise<DeriveSummary> {
  settings ??= await settingsFor(store, workspaceId);
  const staged = await store.stageAffectedEvents(workspaceId, affected);
  try {
    await refreshUserAgents(store, undefined, { workspaceId, stage: staged.stage });
    const s = await deriveSessions(store, workspaceId, settings.sessions, staged);
    const identity = await resolvePersons(store, workspaceId, settings, staged);
    // persons whose touches, identity or milestones may have moved: those of the re-resolved scope (or,
    // after a whole resolution, the owners of the affected ids), and every person a merge or split made or retired
    let leads: number;
    let persons: Set<string>;
    if (identity.scope) {
      const { identifiers, persons: scopePersons } = identity.scope;
      // the staged events hold all of the scope's events when its ids are all among the affected ones
      const anon = new Set(affected.anonymousIds);
      const users = new Set(affected.userIds);
      const allStaged = identifiers.every((i) =>
        i.kind === 'anonymous_id'
          ? anon.has(i.value)
          : i.kind === 'user_id'
            ? users.has(i.value)
            : true,
      );
      leads = await store.deriveLeadMilestones(workspaceId, {
        identifiers,
        persons: scopePersons,
        ...(allStaged ? { stage: staged.stage } : {}),
      });
      persons = new Set([...scopePersons, ...identity.changedPersons]);
    } else {
      leads = await store.deriveLeadMilestones(workspaceId);
      persons = new Set([
        ...(await store.personsOfAnonymousIds(workspaceId, affected.anonymousIds)),
        ...identity.changedPersons,
      ]);
    }
    // their first touches: a new visit, a merge or a split can change which visit came first
    await store.deriveFirstTouches(workspaceId, [...persons]);
    // their sessions as the reports read them: the re-derived sessions, and those whose person moved
    await store.deriveReportSessions(workspaceId, {
      anonymousIds: [...new Set([...affected.anonymousIds, ...staged.anonymousIds])],
      persons: [...persons],
    });
    // CRM milestones follow their persons through merges and splits (whole: CRM facts are few)
    // and so do the Stripe customers' (a customer matched only now reaches its milestone now)
    if ((await store.crmStageKeys(workspaceId)).length > 0)
      await deriveCrmMilestones(store, workspaceId);
    else await rederiveStripeMilestones(store, workspaceId, null);
    // a scoped resolution names every person whose ids, events or milestones moved
    const credits = await creditPersons(store, workspaceId, [...persons], {
      ...opts,
      complete: identity.scope !== undefined,
    });
    return { sessions: s.sessions, identity, leads, credits };
  } finally {
    await store.releaseAffectedEvents(staged);
  }
}
