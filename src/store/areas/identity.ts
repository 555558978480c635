// The store's identity area: its types and what an engine must implement for it.
import type { OpaqueIdRule } from '../../rules/opaque-id.js';
import type { AffectedEvents, AffectedIds } from './derive-scope.js';

export interface IdentityLink {
  /** e.g. anonymous_id, user_id, email, phone, crm_id, stripe_customer */
  fromKind: string;
  fromValue: string;
  toKind: string;
  toValue: string;
  source: string;
  at: string;
}

/**
 * How opaque ids (anonymous and user ids) are normalised (rules/opaque-id.ts), so that the engine can
 * place ids that no link touches by itself.
 */
export type { OpaqueIdRule };

/**
 * Identity resolution's inputs, read out of the facts: every link, and the identifiers the graph must
 * place (the anonymous and user ids that a link touches or that the engine cannot normalise alone; all
 * of them with `everyIdentifier`), with when each was first seen and its current person.
 */
export interface IdentityInputs {
  /** Edges (normalised links) among the ids to place. */
  links: IdentityLinkRow[];
  /** Ids to place with when each was first seen (as an event's id, or as the valid end of a link whose other end was rejected). */
  seen: { kind: string; value: string; at: number }[];
  previous: IdentityRow[];
}

/** A link between two identifiers: raw as the facts state it, or normalised (an identity edge). */
export interface IdentityLinkRow {
  aKind: string;
  aValue: string;
  /** '' on an edge whose other end was rejected by normalisation: a sighting of `a` alone. */
  bKind: string;
  bValue: string;
  /** Epoch milliseconds of the earliest fact stating it. */
  at: number;
  source: string;
}

export interface IdentifierKey {
  kind: string;
  value: string;
}

export interface IdentityRow {
  kind: string;
  value: string;
  personId: string;
  /** A shared device's row holds only its span [from, until) (epoch ms; null: unbounded). Absent on every other row. */
  span?: { from: number | null; until: number | null };
}

export interface QuarantineRow {
  kind: string;
  value: string;
  distinctEmails: number;
  distinctUsers: number;
  reason: string;
  sources: string[];
}

export interface IdentityChangeRow {
  change: 'merge' | 'split' | 'removed';
  personId: string;
  others: string[];
  reason: string | null;
  detail: string | null;
}

/**
 * What a resolution writes back: the graph's assignment as parallel columns, the quarantine and the
 * changes. Every other seen id is its own person, with the id `'p_' || left(sha256(kind || ':' || value), 16)`.
 */
export interface IdentityOutput {
  kinds: readonly string[];
  values: readonly string[];
  personIds: readonly string[];
  quarantined: readonly QuarantineRow[];
  changes: readonly IdentityChangeRow[];
  /** Shared devices' spans: anonymous id `value` belongs to `personId` over [from, until) (epoch ms; null: unbounded). */
  spans?: readonly { value: string; personId: string; from: number | null; until: number | null }[];
}

/** What splits a shared device's time: every link touching it (each occurrence), and its session starts (epoch ms). */
export interface DeviceTimelines {
  links: { aKind: string; aValue: string; bKind: string; bValue: string; at: number }[];
  sessions: { anonymousId: string; at: number }[];
}

/** Identity: the links the facts state, their normalised edges, the resolved persons. */
export interface IdentityStore {
  /**
   * Brings the seen identifiers (each normalised anonymous and user id, first seen when) up to date:
   * all of them, or those in the affected ids' staged events after new events.
   */
  refreshSeenIdentifiers(
    workspaceId: string,
    rule: OpaqueIdRule,
    affected?: AffectedEvents,
  ): Promise<void>;
  /** The links the facts state, raw: all, or those in the affected ids' events (and every identity_links fact). */
  identityLinkFacts(workspaceId: string, affected?: AffectedEvents): Promise<IdentityLinkRow[]>;
  /**
   * Stores normalised links (identity edges): `full` replaces them all, else adds new ones and keeps each
   * one's earliest time. Returns the ids at the ends of edges added or moved earlier (none when full).
   */
  saveIdentityEdges(
    workspaceId: string,
    edges: readonly IdentityLinkRow[],
    opts: { full: boolean },
  ): Promise<IdentifierKey[]>;
  /** Whether the edges were written whole once (false for a new workspace or one resolved before edges were kept). */
  identityEdgesReady(workspaceId: string): Promise<boolean>;
  /** The seeds and affected ids (trimmed by the rule) with every id linked to them, transitively. */
  identityScope(
    workspaceId: string,
    rule: OpaqueIdRule,
    seeds: readonly IdentifierKey[],
    affected: AffectedIds,
  ): Promise<IdentifierKey[]>;
  /**
   * Identity resolution's inputs from the stored edges: the edges (of the scope's ids, when given), the ids
   * the graph must place with their first sightings (every seen id with everyIdentifier, which is for a
   * whole workspace), their persons.
   */
  identityInputs(
    workspaceId: string,
    opts?: { everyIdentifier?: boolean } | { scope: readonly IdentifierKey[] },
  ): Promise<IdentityInputs>;
  /** Every link touching these shared devices (anonymous ids), each time it was stated, and their session starts. */
  deviceTimelines(workspaceId: string, anonymousIds: readonly string[]): Promise<DeviceTimelines>;
  /**
   * Writes the graph's persons, then gives every seen id without one its own person (`full`: replaces
   * every row; else only graph rows are replaced). Returns how many such single-id persons were added
   * and how many person ids now name two persons (a hash collision: resolve again with everyIdentifier).
   */
  saveIdentities(
    workspaceId: string,
    out: IdentityOutput,
    opts: { full: boolean; scope?: readonly IdentifierKey[] },
  ): Promise<{ singles: number; collisions: number; persons?: string[] }>;
  personsByIdentifier(workspaceId: string, kind: string, value: string): Promise<string[]>;
  /** Persons that own these anonymous ids. */
  personsOfAnonymousIds(workspaceId: string, anonymousIds: readonly string[]): Promise<string[]>;
  countPersons(workspaceId: string): Promise<number>;

  appendIdentityLinks(workspaceId: string, links: readonly IdentityLink[]): Promise<number>;
}
