// Merges and splits against the previous assignment. Derived data keyed by person (journeys, credits)
// must be recomputed for every person named here; a split is never silent, it always carries a reason.
import { compareStrings } from './person-ids.js';
import type {
  Identifier,
  PersonMerge,
  PersonSplit,
  PreviousAssignment,
  SplitReason,
} from './types.js';

export interface ChangesInput {
  size: number;
  /** Identifier int of a previous identifier (normalised look-up), undefined when it is gone. */
  find: (kind: string, value: string) => number | undefined;
  identifierAt: (id: number) => Identifier;
  /** Person index of each identifier; -1 for a shared device. */
  personOf: Int32Array;
  personIds: readonly string[];
  /** Shared devices and the person indexes they are linked to. */
  sharedPersons: ReadonlyMap<number, readonly number[]>;
  quarantined: Uint8Array;
  /** Why each quarantined identifier was quarantined (for split details). */
  quarantineReason: (id: number) => string;
  /** Components when quarantined identifiers' links are used too; only computed if there is a split. */
  rootsWithAllLinks: () => Int32Array;
  previous: PreviousAssignment;
}

export interface Changes {
  merges: PersonMerge[];
  splits: PersonSplit[];
  removedPersons: string[];
}

export function diffAssignments(input: ChangesInput): Changes {
  const { size, personOf, personIds } = input;
  const prevNames: string[] = [];
  const prevIndex = new Map<string, number>();
  const prevOf = new Int32Array(size).fill(-1);
  // an identifier that had several previous persons was a shared device already: its spans say nothing
  // about which person became which, the persons' other identifiers do
  const prevSeveral = new Uint8Array(size);
  let present = new Uint8Array(1024);
  for (const { identifier, personId } of input.previous) {
    let p = prevIndex.get(personId);
    if (p === undefined) {
      p = prevNames.length;
      prevNames.push(personId);
      prevIndex.set(personId, p);
      if (p === present.length) {
        const grown = new Uint8Array(p * 2);
        grown.set(present);
        present = grown;
      }
    }
    const i = input.find(identifier.kind, identifier.value);
    if (i === undefined) continue;
    if (prevOf[i]! >= 0 && prevOf[i] !== p) prevSeveral[i] = 1;
    prevOf[i] = p;
    present[p] = 1;
  }
  const prevCount = prevNames.length;

  // Distinct (new person, previous person) pairs, packed in one float for a native numeric sort.
  if (personIds.length * prevCount > Number.MAX_SAFE_INTEGER)
    throw new RangeError('too many persons to pack (new × previous > 2^53)');
  // a device that became shared lies in each of its persons now: its previous person split between them
  const nowOf = (i: number): readonly number[] =>
    personOf[i]! >= 0 ? [personOf[i]!] : (input.sharedPersons.get(i) ?? []);
  let pairCount = 0;
  for (let i = 0; i < size; i++)
    if (prevOf[i]! >= 0 && prevSeveral[i] === 0) pairCount += nowOf(i).length;
  const pairs = new Float64Array(pairCount);
  let k = 0;
  for (let i = 0; i < size; i++) {
    if (prevOf[i]! < 0 || prevSeveral[i] === 1) continue;
    for (const c of nowOf(i)) pairs[k++] = c * prevCount + prevOf[i]!;
  }
  pairs.sort();

  const newOfPair = (x: number): number => Math.floor(x / prevCount);
  const prevOfPair = (x: number): number => x % prevCount;
  const piecesOf = new Int32Array(prevCount);
  for (let j = 0; j < pairs.length; j++)
    if (j === 0 || pairs[j] !== pairs[j - 1]) piecesOf[prevOfPair(pairs[j]!)]!++;

  const merges: PersonMerge[] = [];
  const splitInto = new Map<number, string[]>();
  for (let j = 0; j < pairs.length;) {
    const c = newOfPair(pairs[j]!);
    const into = personIds[c]!;
    const from: number[] = [];
    for (; j < pairs.length && newOfPair(pairs[j]!) === c; j++) {
      if (j > 0 && pairs[j] === pairs[j - 1]) continue;
      const p = prevOfPair(pairs[j]!);
      from.push(p);
      if (piecesOf[p]! > 1) {
        const list = splitInto.get(p);
        if (list === undefined) splitInto.set(p, [into]);
        else list.push(into);
      }
    }
    const fromNames = from.map((p) => prevNames[p]!).filter((n) => n !== into);
    // One previous person under a new name is a merge only if it moved whole; a piece is told by its split.
    const isMerge = from.length > 1 || (fromNames.length === 1 && piecesOf[from[0]!] === 1);
    if (isMerge) merges.push({ into, from: fromNames.sort(compareStrings) });
  }
  merges.sort((x, y) => compareStrings(x.into, y.into));

  const splits = splitInto.size === 0 ? [] : describeSplits(input, prevOf, prevNames, splitInto);
  const removedPersons: string[] = [];
  for (let p = 0; p < prevCount; p++) if (present[p] === 0) removedPersons.push(prevNames[p]!);
  removedPersons.sort(compareStrings);
  return { merges, splits, removedPersons };
}

function describeSplits(
  input: ChangesInput,
  prevOf: Int32Array,
  prevNames: readonly string[],
  splitInto: Map<number, string[]>,
): PersonSplit[] {
  const allRoots = input.rootsWithAllLinks();
  // Per split person: its quarantined members, and whether all its pieces still connect with every link.
  const quarantined = new Map<number, number[]>();
  const viaDevice = new Set<number>();
  const firstRoot = new Map<number, number>();
  const reconnects = new Map<number, boolean>();
  for (let i = 0; i < input.size; i++) {
    const p = prevOf[i]!;
    if (p < 0 || !splitInto.has(p)) continue;
    if (input.sharedPersons.has(i)) viaDevice.add(p);
    if (input.quarantined[i] === 1) {
      const list = quarantined.get(p);
      if (list === undefined) quarantined.set(p, [i]);
      else list.push(i);
    }
    const r = firstRoot.get(p);
    if (r === undefined) firstRoot.set(p, allRoots[i]!);
    else if (r !== allRoots[i]) reconnects.set(p, false);
  }
  const splits: PersonSplit[] = [];
  for (const [p, into] of splitInto) {
    const q = quarantined.get(p) ?? [];
    const heldOnlyByQuarantine = reconnects.get(p) !== false;
    const shared = q.length === 0 && viaDevice.has(p);
    const reason: SplitReason = heldOnlyByQuarantine
      ? shared
        ? 'shared_device'
        : 'quarantine'
      : q.length > 0
        ? 'quarantine_and_links_removed'
        : 'links_removed';
    const ids = q.map((i) => input.identifierAt(i));
    const named = q.slice(0, 5).map((i) => {
      const id = input.identifierAt(i);
      return `${id.kind}:${id.value} (${input.quarantineReason(i)})`;
    });
    const more = q.length > 5 ? ` and ${q.length - 5} more` : '';
    const parts: string[] = [];
    if (heldOnlyByQuarantine && shared)
      parts.push(
        'held together only through a device on which several persons identified (now split between them by time)',
      );
    else if (heldOnlyByQuarantine)
      parts.push(
        `held together only through quarantined identifiers${named.length > 0 ? `: ${named.join(', ')}${more}` : ''}`,
      );
    else {
      if (named.length > 0) parts.push(`quarantined: ${named.join(', ')}${more}`);
      parts.push('a link that joined its identifiers is no longer among the facts');
    }
    splits.push({
      from: prevNames[p]!,
      into: into.sort(compareStrings),
      reason,
      detail: parts.join('; '),
      quarantined: ids,
    });
  }
  return splits.sort((x, y) => compareStrings(x.from, y.from));
}
