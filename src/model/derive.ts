// The derive step: facts in, derived tables out. `rebuild` re-derives a whole workspace; `deriveTouched`
// does the same work for only the anonymous ids a batch of new events touched. A rebuild over unchanged
// facts gives identical derived tables.
import type { Store } from '../store/store.js';
import type { IdentityChangeRow } from '../store/types.js';
import { creditPersons, creditWorkspace, refitDataDriven, type CreditSummary } from './attribution-credits.js';
import { IdentityGraph, OPAQUE_ID_RULE } from './identity/index.js';
import { deriveSessions } from './sessions.js';
import { refreshUserAgents } from './user-agents.js';
import { withWorkspaceLock } from './workspace-lock.js';
import { DEFAULT_DERIVE_SETTINGS, settingsFor, type DeriveSettings } from './workspace-settings.js';

export { DEFAULT_DERIVE_SETTINGS, type DeriveSettings };

export interface IdentitySummary {
  persons: number;
  identifiers: number;
  quarantined: number;
  merges: number;
  splits: number;
  /** Person ids that a merge, split or removal created or retired in this resolve. */
  changedPersons: string[];
}

/**
 * Resolves persons from every link in the facts and writes them back, with what changed since last
 * time. Only ids that a link touches go through the graph; every other id is its own person, placed by
 * the store with the same person id the graph would give it. `anonymousIds`: only these got new events
 * (the graph is still solved whole: one link can join any two persons).
 */
export async function resolvePersons(
  store: Store,
  workspaceId: string,
  settings: DeriveSettings = DEFAULT_DERIVE_SETTINGS,
  anonymousIds?: readonly string[],
): Promise<IdentitySummary> {
  await store.refreshSeenIdentifiers(workspaceId, OPAQUE_ID_RULE, anonymousIds);
  const first = await resolveGraph(store, workspaceId, settings, { everyIdentifier: false, full: anonymousIds === undefined });
  if (first.collisions === 0) return first.summary;
  // a single id's hash equals another person's id (about one in 10^7 per million persons): the graph
  // then places every id, and steps around the collision with a salted id
  return (await resolveGraph(store, workspaceId, settings, { everyIdentifier: true, full: true })).summary;
}

async function resolveGraph(
  store: Store,
  workspaceId: string,
  settings: DeriveSettings,
  mode: { everyIdentifier: boolean; full: boolean },
): Promise<{ summary: IdentitySummary; collisions: number }> {
  const inputs = await store.identityInputs(workspaceId, OPAQUE_ID_RULE, { everyIdentifier: mode.everyIdentifier });
  const graph = new IdentityGraph();
  for (const s of inputs.seen) graph.addIdentifier(s.kind, s.value, s.at);
  for (const l of inputs.links) graph.addLink(l.aKind, l.aValue, l.bKind, l.bValue, l.at, l.source);
  const r = graph.resolve(
    {
      previous: inputs.previous.map((p) => ({ identifier: { kind: p.kind, value: p.value }, personId: p.personId })),
      ...(settings.maxEmailsPerIdentifier !== undefined ? { maxEmailsPerIdentifier: settings.maxEmailsPerIdentifier } : {}),
      ...(settings.maxUsersPerIdentifier !== undefined ? { maxUsersPerIdentifier: settings.maxUsersPerIdentifier } : {}),
    },
    settings.personIdHash,
  );
  const changes: IdentityChangeRow[] = [
    ...r.merges.map((m): IdentityChangeRow => ({ change: 'merge', personId: m.into, others: m.from, reason: null, detail: `merged ${m.from.join(', ')}` })),
    ...r.splits.map((s): IdentityChangeRow => ({ change: 'split', personId: s.from, others: s.into, reason: s.reason, detail: s.detail })),
    ...r.removedPersons.map((p): IdentityChangeRow => ({ change: 'removed', personId: p, others: [], reason: 'links_removed', detail: 'none of its identifiers remain' })),
  ];
  const saved = await store.saveIdentities(
    workspaceId,
    {
      ...r.columns,
      quarantined: r.quarantined.map((q) => ({
        kind: q.identifier.kind,
        value: q.identifier.value,
        distinctEmails: q.distinctEmails,
        distinctUsers: q.distinctUsers,
        reason: q.reason,
        sources: q.sources,
      })),
      changes,
    },
    { full: mode.full },
  );
  const changedPersons = new Set<string>();
  for (const c of changes) {
    changedPersons.add(c.personId);
    for (const o of c.others) changedPersons.add(o);
  }
  const persons = await store.countPersons(workspaceId);
  return {
    collisions: saved.collisions,
    summary: {
      persons,
      identifiers: r.identifiers + saved.singles,
      quarantined: r.quarantined.length,
      merges: r.merges.length,
      splits: r.splits.length,
      changedPersons: [...changedPersons],
    },
  };
}

export interface DeriveSummary {
  sessions: number;
  identity: IdentitySummary;
  leads: number;
  credits: CreditSummary;
}

/** Re-derives everything of a workspace from its facts. */
export function rebuild(store: Store, workspaceId: string, settings?: DeriveSettings): Promise<DeriveSummary> {
  return withWorkspaceLock(workspaceId, () => rebuildUnlocked(store, workspaceId, settings));
}

async function rebuildUnlocked(store: Store, workspaceId: string, settings?: DeriveSettings): Promise<DeriveSummary> {
  settings ??= await settingsFor(store, workspaceId);
  await refreshUserAgents(store);
  const s = await deriveSessions(store, workspaceId, settings.sessions);
  const identity = await resolvePersons(store, workspaceId, settings);
  const leads = await store.deriveLeadMilestones(workspaceId);
  const credits = await creditWorkspace(store, workspaceId);
  return { sessions: s.sessions, identity, leads, credits };
}

/**
 * New events arrived for these anonymous ids: their sessions are re-derived alone; persons and
 * milestones are re-resolved for the workspace (identity is a graph: one link can join any two persons);
 * rule-based credits are redone for the persons concerned, the data-driven fits over the workspace
 * (unless `dataDriven` is false: live ingestion refits them apart, at most every so often).
 */
export function deriveTouched(
  store: Store,
  workspaceId: string,
  anonymousIds: readonly string[],
  settings?: DeriveSettings,
  opts: { dataDriven?: boolean } = {},
): Promise<DeriveSummary> {
  return withWorkspaceLock(workspaceId, () => deriveTouchedUnlocked(store, workspaceId, anonymousIds, settings, opts));
}

/** Refits the data-driven models of a workspace (deriveTouched with `dataDriven: false` leaves them for later). */
export function refitWorkspace(store: Store, workspaceId: string): Promise<void> {
  return withWorkspaceLock(workspaceId, () => refitDataDriven(store, workspaceId));
}

async function deriveTouchedUnlocked(
  store: Store,
  workspaceId: string,
  anonymousIds: readonly string[],
  settings: DeriveSettings | undefined,
  opts: { dataDriven?: boolean },
): Promise<DeriveSummary> {
  settings ??= await settingsFor(store, workspaceId);
  await refreshUserAgents(store);
  const s = await deriveSessions(store, workspaceId, settings.sessions, anonymousIds);
  const identity = await resolvePersons(store, workspaceId, settings, anonymousIds);
  const leads = await store.deriveLeadMilestones(workspaceId);
  // persons whose touches, identity or milestones may have moved: owners of the touched ids, and
  // every person a merge or split made or retired
  const persons = new Set([...(await store.personsOfAnonymousIds(workspaceId, anonymousIds)), ...identity.changedPersons]);
  const credits = await creditPersons(store, workspaceId, [...persons], opts);
  return { sessions: s.sessions, identity, leads, credits };
}
