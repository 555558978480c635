// Shapes of the identity graph's inputs and outputs. Pure data: no store or server types here, so the
// lead can feed rows from any engine and write the output back.

/** The kinds the product knows. Any other lower-case `[a-z][a-z0-9_]*` kind is accepted as an opaque id. */
export type KnownIdentifierKind =
  'anonymous_id' | 'user_id' | 'email' | 'phone' | 'crm_id' | 'stripe_customer';
// `string & {}` keeps editor completion for the known kinds while allowing any other.
export type IdentifierKind = KnownIdentifierKind | (string & {});

export interface Identifier {
  kind: IdentifierKind;
  value: string;
}

/** An identifier seen without a link (an anonymous visitor who never converts is still a person). */
export interface SeenIdentifier extends Identifier {
  /** When it was first seen (epoch ms). Optional; it only matters for choosing a person's anchor. */
  at?: number;
}

/** Two identifiers observed to belong to the same human, e.g. an identify call (anonymous_id ↔ user_id). */
export interface Link {
  a: Identifier;
  b: Identifier;
  /** Epoch ms of the observation. */
  at: number;
  /** Where the link came from: identify, alias, form, crm, call, chat, stripe, ... (reported, not used to merge). */
  source: string;
}

export interface NormaliseOptions {
  /** Country calling code for phone numbers written without one, e.g. '44' or '+1'. */
  defaultCountry?: string;
}

/** Identity rows from the previous resolution, e.g. `Resolution.assignments` written back and read again. */
export type PreviousAssignment = Iterable<{ identifier: Identifier; personId: string }>;

export interface ResolveOptions {
  /** An identifier linked to more distinct emails than this is quarantined. Default 3. */
  maxEmailsPerIdentifier?: number;
  /** An identifier linked to more distinct user ids than this is quarantined. Default 3. */
  maxUsersPerIdentifier?: number;
  /** The previous assignment, to report merges and splits against. */
  previous?: PreviousAssignment;
  /** Normalisation applied to every identifier (input, links and `personOf` look-ups). */
  normalise?: NormaliseOptions;
}

export interface QuarantinedIdentifier {
  identifier: Identifier;
  distinctEmails: number;
  distinctUsers: number;
  /** Human-readable, e.g. "linked to 8 distinct emails (limit 3)". */
  reason: string;
  /** Distinct link sources that touched it, sorted (to find the feed that causes it). */
  sources: string[];
}

/** Every previous id in `from` now means `into` (wholly or in part; see the split list for parts). */
export interface PersonMerge {
  into: string;
  from: string[];
}

export type SplitReason =
  /** The pieces were held together only through links of an identifier that is now quarantined. */
  | 'quarantine'
  /** A link that held the pieces together is no longer among the facts (deleted, erased, or now rejected). */
  | 'links_removed'
  /** Both: some pieces fell apart through a quarantine, others through removed links. */
  | 'quarantine_and_links_removed'
  /** The pieces were held together only through a device on which two persons identified (now shared). */
  | 'shared_device';

export interface PersonSplit {
  from: string;
  /** The new person ids holding the previous person's identifiers, sorted. */
  into: string[];
  reason: SplitReason;
  /** Human-readable explanation naming the quarantined identifiers, if any. */
  detail: string;
  /** Quarantined identifiers among the previous person's identifiers. */
  quarantined: Identifier[];
}

/** A link between a shared device and one of its persons, at the time it was observed (epoch ms). */
export interface DeviceClaim {
  personId: string;
  at: number;
}

/** Part of a shared device's time, `[from, until)` in epoch ms (null: unbounded), and whose it is. */
export interface DeviceSpan {
  personId: string;
  from: number | null;
  until: number | null;
}

/**
 * An anonymous id linked to persons two of whom each hold an email (or each a user id) that nothing but
 * devices joins: two people on one browser. It belongs to no one person; its time is split between them
 * (`deviceSpans`).
 */
export interface SharedDevice {
  identifier: Identifier;
  /** The persons it is linked to, sorted. */
  persons: string[];
  /** One per link to one of those persons (its earliest time); callers add every later occurrence. */
  claims: DeviceClaim[];
}

export interface Assignment {
  identifier: Identifier;
  personId: string;
}

/**
 * Bulk form of the assignment: row i says identifier (kinds[i], values[i]) belongs to personIds[i].
 * Rows are in first-appearance order of the input; the set of rows is independent of that order.
 */
export interface AssignmentColumns {
  kinds: readonly string[];
  values: readonly string[];
  personIds: readonly string[];
}

export interface RejectionSummary {
  /** Identifier occurrences (standalone or link ends) that failed normalisation. */
  identifiers: number;
  /** Links dropped because one of their ends failed normalisation. */
  links: number;
  /** Counts per `kind:reason`, e.g. `email:missing_at`. */
  byReason: Record<string, number>;
}

export interface Resolution {
  /** The person of an identifier (normalised first); undefined if it was never seen, is invalid or is a shared device. */
  personOf(id: Identifier): string | undefined;
  /** One row per distinct valid identifier except shared devices; re-iterable. */
  assignments: Iterable<Assignment>;
  columns: AssignmentColumns;
  /** Number of distinct persons (connected components, quarantined identifiers counting as their own; shared devices are none). */
  persons: number;
  /** Number of distinct valid identifiers. */
  identifiers: number;
  /** Sorted by kind, then value. */
  quarantined: QuarantinedIdentifier[];
  /** Devices split between persons by time, sorted by value. */
  sharedDevices: SharedDevice[];
  /** Empty without `previous`. Sorted by `into`. */
  merges: PersonMerge[];
  /** Empty without `previous`. Sorted by `from`. */
  splits: PersonSplit[];
  /** Previous person ids none of whose identifiers are present any more (their facts were removed). */
  removedPersons: string[];
  rejected: RejectionSummary;
}
