// The identity graph: persons are the connected components of identifiers joined by links, minus the
// links of quarantined identifiers, with devices as weak links (devices.ts: a device on which two persons
// with distinct emails identified joins neither, and its time is split between them). Pure: the caller reads facts from the store, feeds them here and
// writes the Resolution back; the same facts always give the same persons and person ids.
//
//   const graph = new IdentityGraph({ defaultCountry: '44' });
//   for (const row of rows) graph.addLink(row.from_kind, row.from_value, row.to_kind, row.to_value, row.at, row.source);
//   const resolution = graph.resolve({ previous });
import { diffAssignments } from './changes.js';
import { joinWithDevices } from './devices.js';
import { IdentifierTable, REJECTED } from './identifier-table.js';
import { assignPersonIds, compareStrings, personIdFor, type PersonIdHash } from './person-ids.js';
import { findQuarantined } from './quarantine.js';
import { UnionFind } from './union-find.js';
import type {
  Assignment,
  Identifier,
  Link,
  NormaliseOptions,
  QuarantinedIdentifier,
  Resolution,
  ResolveOptions,
  SeenIdentifier,
  SharedDevice,
} from './types.js';

export const DEFAULT_MAX_EMAILS_PER_IDENTIFIER = 3;
export const DEFAULT_MAX_USERS_PER_IDENTIFIER = 3;

/**
 * Accumulates identifiers and links as ints (no object per link), then resolves. Use it directly for
 * bulk input (rows straight from the store); `resolveIdentities` wraps it for object input.
 */
export class IdentityGraph {
  private readonly table: IdentifierTable;
  private linkA = new Int32Array(1024);
  private linkB = new Int32Array(1024);
  private linkSource = new Uint16Array(1024);
  private linkAt = new Float64Array(1024);
  private nLinks = 0;
  private rejectedLinks = 0;
  private readonly sources: string[] = [];
  private readonly sourceIndex = new Map<string, number>();
  private readonly normaliseOptions: NormaliseOptions;

  constructor(normalise: NormaliseOptions = {}) {
    this.normaliseOptions = normalise;
    this.table = new IdentifierTable(normalise);
  }

  /** A standalone identifier (seen, maybe never linked). `at` is when it was seen, if known. */
  addIdentifier(kind: string, value: string, at = Infinity): void {
    this.table.intern(kind, value, at);
  }

  /** A link between two identifiers observed at `at` (epoch ms). Both ends count as seen at `at`. */
  addLink(
    aKind: string,
    aValue: string,
    bKind: string,
    bValue: string,
    at: number,
    source = '',
  ): void {
    const a = this.table.intern(aKind, aValue, at);
    const b = this.table.intern(bKind, bValue, at);
    if (a === REJECTED || b === REJECTED) {
      this.rejectedLinks++;
      return;
    }
    const i = this.nLinks++;
    if (i === this.linkA.length) this.growLinks();
    this.linkA[i] = a;
    this.linkB[i] = b;
    this.linkSource[i] = this.sourceId(source);
    this.linkAt[i] = at;
  }

  resolve(
    options: Omit<ResolveOptions, 'normalise'> = {},
    hashFn: PersonIdHash = personIdFor,
  ): Resolution {
    const maxEmails = limit(
      options.maxEmailsPerIdentifier,
      DEFAULT_MAX_EMAILS_PER_IDENTIFIER,
      'maxEmailsPerIdentifier',
    );
    const maxUsers = limit(
      options.maxUsersPerIdentifier,
      DEFAULT_MAX_USERS_PER_IDENTIFIER,
      'maxUsersPerIdentifier',
    );
    const t = this.table;
    const size = t.size;
    const { linkA, linkB } = this;
    const linkCount = this.nLinks;

    const q = findQuarantined({
      size,
      kindOf: t.kindOf,
      emailKind: t.kindNames.indexOf('email'),
      userKind: t.kindNames.indexOf('user_id'),
      linkA,
      linkB,
      linkCount,
      maxEmails,
      maxUsers,
    });
    const devices = joinWithDevices({
      size,
      kindOf: t.kindOf,
      anonKind: t.kindNames.indexOf('anonymous_id'),
      emailKind: t.kindNames.indexOf('email'),
      userKind: t.kindNames.indexOf('user_id'),
      linkA,
      linkB,
      linkCount,
      quarantined: q.flags,
    });
    const persons = assignPersonIds(
      {
        size,
        kindOf: t.kindOf,
        kindNames: t.kindNames,
        values: t.values,
        firstSeen: t.firstSeen,
        roots: devices.roots,
        skip: devices.shared,
      },
      hashFn,
    );
    const sharedDevices = this.sharedDevices(
      devices.sharedIds,
      devices.conflict,
      q.flags,
      persons.personOf,
      persons.ids,
    );

    const identifierAt = (i: number): Identifier => ({ kind: t.kind(i), value: t.values[i]! });
    const reasonText = (emails: number, users: number): string => {
      const parts: string[] = [];
      if (emails > maxEmails)
        parts.push(`linked to ${emails} distinct emails (limit ${maxEmails})`);
      if (users > maxUsers) parts.push(`linked to ${users} distinct user ids (limit ${maxUsers})`);
      return parts.join(' and ');
    };
    const quarantineReasons = new Map<number, string>();
    const quarantined: QuarantinedIdentifier[] = q.ids.map((i, j) => {
      const distinctEmails = q.distinctEmails[j]!;
      const distinctUsers = q.distinctUsers[j]!;
      const reason = reasonText(distinctEmails, distinctUsers);
      quarantineReasons.set(i, reason);
      return {
        identifier: identifierAt(i),
        distinctEmails,
        distinctUsers,
        reason,
        sources: [] as string[],
      };
    });
    this.fillSources(q.flags, q.ids, quarantined);
    quarantined.sort(
      (x, y) =>
        compareStrings(x.identifier.kind, y.identifier.kind) ||
        compareStrings(x.identifier.value, y.identifier.value),
    );

    const changes =
      options.previous === undefined
        ? { merges: [], splits: [], removedPersons: [] }
        : diffAssignments({
            size,
            find: (kind, value) => t.find(kind, value),
            identifierAt,
            personOf: persons.personOf,
            personIds: persons.ids,
            sharedPersons: sharedDevices.persons,
            quarantined: q.flags,
            quarantineReason: (i) => quarantineReasons.get(i) ?? '',
            rootsWithAllLinks: () => {
              const all = new UnionFind(size);
              for (let i = 0; i < linkCount; i++) all.union(linkA[i]!, linkB[i]!);
              return all.roots();
            },
            previous: options.previous,
          });

    // one row per identifier with a person: every one but the shared devices
    const rows = size - sharedDevices.list.length;
    const kinds = new Array<string>(rows);
    const values = new Array<string>(rows);
    const personIds = new Array<string>(rows);
    const rowOf = new Int32Array(size).fill(-1);
    for (let i = 0, k = 0; i < size; i++) {
      if (devices.shared[i] === 1) continue;
      kinds[k] = t.kindNames[t.kindOf[i]!]!;
      values[k] = t.values[i]!;
      personIds[k] = persons.ids[persons.personOf[i]!]!;
      rowOf[i] = k++;
    }
    const byReason = Object.fromEntries(
      [...t.rejections].sort((x, y) => compareStrings(x[0], y[0])),
    );

    return {
      personOf: (id: Identifier) => {
        const i = t.find(id.kind, id.value);
        return i === undefined || rowOf[i] === -1 ? undefined : personIds[rowOf[i]!];
      },
      assignments: {
        *[Symbol.iterator](): Iterator<Assignment> {
          for (let i = 0; i < rows; i++)
            yield { identifier: { kind: kinds[i]!, value: values[i]! }, personId: personIds[i]! };
        },
      },
      columns: { kinds, values, personIds },
      persons: persons.ids.length,
      identifiers: size,
      quarantined,
      sharedDevices: sharedDevices.list,
      merges: changes.merges,
      splits: changes.splits,
      removedPersons: changes.removedPersons,
      rejected: { identifiers: t.rejectedCount, links: this.rejectedLinks, byReason },
    };
  }

  /** Links kept so far (links with a rejected end are not kept). */
  get linkCount(): number {
    return this.nLinks;
  }

  /** The normalisation this graph applies, e.g. to normalise look-ups the same way elsewhere. */
  get normalise(): NormaliseOptions {
    return this.normaliseOptions;
  }

  /** Each shared device with its persons and its claims (its usable links to identifiers not in conflict). */
  private sharedDevices(
    ids: readonly number[],
    conflict: Uint8Array,
    quarantined: Uint8Array,
    personOf: Int32Array,
    personIds: readonly string[],
  ): { list: SharedDevice[]; persons: Map<number, number[]> } {
    const persons = new Map<number, number[]>();
    if (ids.length === 0) return { list: [], persons };
    const claims = new Map<number, { person: number; at: number }[]>(ids.map((i) => [i, []]));
    const claim = (device: number, other: number, at: number): void => {
      const list = claims.get(device);
      if (
        list === undefined ||
        device === other ||
        quarantined[device] === 1 ||
        quarantined[other] === 1 ||
        conflict[other] === 1
      )
        return;
      list.push({ person: personOf[other]!, at });
    };
    for (let i = 0; i < this.nLinks; i++) {
      claim(this.linkA[i]!, this.linkB[i]!, this.linkAt[i]!);
      claim(this.linkB[i]!, this.linkA[i]!, this.linkAt[i]!);
    }
    const list: SharedDevice[] = [];
    for (const [device, cs] of claims) {
      const ps = [...new Set(cs.map((c) => c.person))];
      persons.set(device, ps);
      list.push({
        identifier: { kind: this.table.kind(device), value: this.table.values[device]! },
        persons: ps.map((p) => personIds[p]!).sort(compareStrings),
        claims: cs.map((c) => ({ personId: personIds[c.person]!, at: c.at })),
      });
    }
    list.sort((x, y) => compareStrings(x.identifier.value, y.identifier.value));
    return { list, persons };
  }

  private fillSources(flags: Uint8Array, ids: number[], out: QuarantinedIdentifier[]): void {
    if (ids.length === 0) return;
    const position = new Map<number, number>(ids.map((id, j) => [id, j]));
    const seen = ids.map(() => new Set<number>());
    for (let i = 0; i < this.nLinks; i++) {
      const a = this.linkA[i]!;
      const b = this.linkB[i]!;
      if (flags[a] === 1) seen[position.get(a)!]!.add(this.linkSource[i]!);
      if (flags[b] === 1) seen[position.get(b)!]!.add(this.linkSource[i]!);
    }
    seen.forEach(
      (set, j) => (out[j]!.sources = [...set].map((s) => this.sources[s]!).sort(compareStrings)),
    );
  }

  private sourceId(source: string): number {
    let s = this.sourceIndex.get(source);
    if (s === undefined) {
      if (this.sources.length >= 0xffff)
        throw new RangeError('more than 65535 distinct link sources');
      s = this.sources.length;
      this.sources.push(source);
      this.sourceIndex.set(source, s);
    }
    return s;
  }

  private growLinks(): void {
    const n = this.linkA.length * 2;
    const a = new Int32Array(n);
    a.set(this.linkA);
    this.linkA = a;
    const b = new Int32Array(n);
    b.set(this.linkB);
    this.linkB = b;
    const s = new Uint16Array(n);
    s.set(this.linkSource);
    this.linkSource = s;
    const at = new Float64Array(n);
    at.set(this.linkAt);
    this.linkAt = at;
  }
}

/** Resolves persons from identifiers and links given as objects. See IdentityGraph for bulk input. */
export function resolveIdentities(
  input: { identifiers: readonly SeenIdentifier[]; links: readonly Link[] },
  options: ResolveOptions = {},
): Resolution {
  const graph = new IdentityGraph(options.normalise);
  for (const id of input.identifiers) graph.addIdentifier(id.kind, id.value, id.at);
  for (const l of input.links)
    graph.addLink(l.a.kind, l.a.value, l.b.kind, l.b.value, l.at, l.source);
  return graph.resolve(options);
}

function limit(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!(value >= 0) || (!Number.isInteger(value) && value !== Infinity))
    throw new RangeError(`${name} must be a non-negative integer or Infinity, got ${value}`);
  return value;
}
