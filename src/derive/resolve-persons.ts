// Identity resolution against the store: the links the facts state are normalised into stored edges;
// persons are resolved by the graph (derive/identity) for the ids that a link touches, and every other
// id is its own person, placed by the store with the same person id the graph would give it.
//
// A shared device (two persons with distinct emails identified on it) belongs to no one person: its
// time is split between them by their identifies, read again for it alone (every occurrence, with its
// session starts), and written as one row per span.
//
// After new events only the linked components around the affected ids are resolved again: the scope is
// followed through the edges until it holds whole components, so resolving it alone gives what
// resolving everything would (persons never cross a component; quarantine counts a node's own edges).
import type {
  AffectedEvents,
  IdentifierKey,
  IdentityChangeRow,
  IdentityStore,
} from '../store/types.js';
import {
  IdentityGraph,
  normaliseLinks,
  OPAQUE_ID_RULE,
  sharedDeviceSpans,
  type DeviceSpanRow,
} from './identity/index.js';
import { DEFAULT_DERIVE_SETTINGS, type DeriveSettings } from './workspace-settings.js';

export interface IdentitySummary {
  /** Persons in the workspace, after a whole resolution (a scoped one does not count them). */
  persons?: number;
  /** Identifiers placed by this resolution. */
  identifiers: number;
  /** Identifiers quarantined among those placed. */
  quarantined: number;
  merges: number;
  splits: number;
  /** Person ids that a merge, split or removal created or retired in this resolve. */
  changedPersons: string[];
  /** A scoped resolution's ids, and the persons they had before it or have now. */
  scope?: { identifiers: IdentifierKey[]; persons: string[] };
}

/**
 * Resolves persons and writes them back, with what changed since last time: every link in the facts,
 * or (`affected`) the linked components around the ids that got new events, read from their staged events.
 */
export async function resolvePersons(
  store: IdentityStore,
  workspaceId: string,
  settings: DeriveSettings = DEFAULT_DERIVE_SETTINGS,
  affected?: AffectedEvents,
): Promise<IdentitySummary> {
  await store.refreshSeenIdentifiers(workspaceId, OPAQUE_ID_RULE, affected);
  // a workspace resolved before edges were stored is resolved whole once
  if (affected && (await store.identityEdgesReady(workspaceId))) {
    const seeds = await store.saveIdentityEdges(
      workspaceId,
      normaliseLinks(await store.identityLinkFacts(workspaceId, affected)),
      { full: false },
    );
    const scope = await store.identityScope(workspaceId, OPAQUE_ID_RULE, seeds, affected);
    const scoped = await resolveGraph(store, workspaceId, settings, {
      everyIdentifier: false,
      full: false,
      scope,
    });
    if (scoped.collisions === 0) return scoped.summary;
  } else {
    await store.saveIdentityEdges(
      workspaceId,
      normaliseLinks(await store.identityLinkFacts(workspaceId)),
      { full: true },
    );
    const whole = await resolveGraph(store, workspaceId, settings, {
      everyIdentifier: false,
      full: true,
    });
    if (whole.collisions === 0) return whole.summary;
  }
  // a person id names two persons (a single id's hash equals another person's id, about one in 10^7
  // per million persons; or a scope's person meets a salted id outside it): the graph then places every
  // id, and steps around the collision with a salted id
  return (await resolveGraph(store, workspaceId, settings, { everyIdentifier: true, full: true }))
    .summary;
}

async function resolveGraph(
  store: IdentityStore,
  workspaceId: string,
  settings: DeriveSettings,
  mode: { everyIdentifier: boolean; full: boolean; scope?: IdentifierKey[] },
): Promise<{ summary: IdentitySummary; collisions: number }> {
  const inputs = await store.identityInputs(
    workspaceId,
    mode.scope ? { scope: mode.scope } : { everyIdentifier: mode.everyIdentifier },
  );
  const graph = new IdentityGraph();
  for (const s of inputs.seen) graph.addIdentifier(s.kind, s.value, s.at);
  for (const l of inputs.links) graph.addLink(l.aKind, l.aValue, l.bKind, l.bValue, l.at, l.source);
  const r = graph.resolve(
    {
      previous: inputs.previous.map((p) => ({
        identifier: { kind: p.kind, value: p.value },
        personId: p.personId,
      })),
      ...(settings.maxEmailsPerIdentifier !== undefined
        ? { maxEmailsPerIdentifier: settings.maxEmailsPerIdentifier }
        : {}),
      ...(settings.maxUsersPerIdentifier !== undefined
        ? { maxUsersPerIdentifier: settings.maxUsersPerIdentifier }
        : {}),
    },
    settings.personIdHash,
  );
  let spans: DeviceSpanRow[] = [];
  if (r.sharedDevices.length > 0) {
    const timelines = await store.deviceTimelines(
      workspaceId,
      r.sharedDevices.map((d) => d.identifier.value),
    );
    spans = sharedDeviceSpans(
      r.sharedDevices,
      r.personOf,
      timelines.links,
      timelines.sessions,
      graph.normalise,
    );
  }
  const changes: IdentityChangeRow[] = [
    ...r.merges.map((m): IdentityChangeRow => ({
      change: 'merge',
      personId: m.into,
      others: m.from,
      reason: null,
      detail: `merged ${m.from.join(', ')}`,
    })),
    ...r.splits.map((s): IdentityChangeRow => ({
      change: 'split',
      personId: s.from,
      others: s.into,
      reason: s.reason,
      detail: s.detail,
    })),
    ...r.removedPersons.map((p): IdentityChangeRow => ({
      change: 'removed',
      personId: p,
      others: [],
      reason: 'links_removed',
      detail: 'none of its identifiers remain',
    })),
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
      spans,
    },
    { full: mode.full, ...(mode.scope ? { scope: mode.scope } : {}) },
  );
  const changedPersons = new Set<string>();
  for (const c of changes) {
    changedPersons.add(c.personId);
    for (const o of c.others) changedPersons.add(o);
  }
  const summary: IdentitySummary = {
    identifiers: r.identifiers + saved.singles,
    quarantined: r.quarantined.length,
    merges: r.merges.length,
    splits: r.splits.length,
    changedPersons: [...changedPersons],
  };
  if (mode.scope) summary.scope = { identifiers: mode.scope, persons: saved.persons ?? [] };
  else summary.persons = await store.countPersons(workspaceId);
  return { collisions: saved.collisions, summary };
}
