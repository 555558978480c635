// Devices are weak links. Persons are first formed from the links between other identifiers (emails, user
// ids, phones, CRM ids, ...); an anonymous id then joins the persons it is linked to, unless two of them each
// hold an email (or each a user id): two distinct emails on one browser are two people (a family laptop, a
// kiosk, a sales rep demoing the form), so that device joins no one and its time is split between them
// (device-spans.ts). Every decision reads the whole graph at once, so the order of the facts cannot matter.
import { adjacency } from './adjacency.js';
import { UnionFind } from './union-find.js';

export interface DeviceJoinInput {
  size: number;
  kindOf: Uint16Array;
  /** Kind indexes of 'anonymous_id', 'email' and 'user_id' in the table (-1 when the kind never appeared). */
  anonKind: number;
  emailKind: number;
  userKind: number;
  linkA: Int32Array;
  linkB: Int32Array;
  linkCount: number;
  /** 1 for a quarantined identifier: none of its links is used. */
  quarantined: Uint8Array;
}

export interface DeviceJoin {
  /** Root of each identifier's person (a shared device is its own root, and no person). */
  roots: Int32Array;
  /** 1 for a shared device. */
  shared: Uint8Array;
  /** Shared devices, ascending. */
  sharedIds: number[];
  /**
   * 1 for a device in conflict (shared, or joined in step 3). A shared device's claims are its links to
   * identifiers that are not in conflict: the others decided nothing about it.
   */
  conflict: Uint8Array;
}

const EMAIL = 1;
const USER = 2;

export function joinWithDevices(input: DeviceJoinInput): DeviceJoin {
  const { size, kindOf, anonKind, emailKind, userKind, linkA, linkB, linkCount, quarantined } =
    input;
  const isAnon = (i: number): boolean => kindOf[i] === anonKind;
  const usable = (a: number, b: number): boolean =>
    a !== b && quarantined[a] === 0 && quarantined[b] === 0;

  // 1. persons without devices: every usable link with no anonymous end
  const uf = new UnionFind(size);
  for (let i = 0; i < linkCount; i++) {
    const a = linkA[i]!;
    const b = linkB[i]!;
    if (usable(a, b) && !isAnon(a) && !isAnon(b)) uf.union(a, b);
  }
  const named = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    const k = kindOf[i];
    if (k === emailKind) named[uf.find(i)]! |= EMAIL;
    else if (k === userKind) named[uf.find(i)]! |= USER;
  }

  // each device's neighbours over usable links
  const { start, neighbours } = adjacency(
    size,
    linkA,
    linkB,
    linkCount,
    (from, to) => usable(from, to) && isAnon(from),
  );

  // 2. a device whose neighbours fall in two persons holding an email (or two holding a user id) is in
  // conflict; decided on the persons of step 1, before any device joins anything
  const conflict = new Uint8Array(size);
  const seen = new Set<number>();
  for (let x = 0; x < size; x++) {
    if (start[x + 1]! - start[x]! < 2) continue;
    seen.clear();
    let emails = 0;
    let users = 0;
    for (let j = start[x]!; j < start[x + 1]!; j++) {
      const r = uf.find(neighbours[j]!);
      if (seen.has(r)) continue;
      seen.add(r);
      if ((named[r]! & EMAIL) !== 0) emails++;
      if ((named[r]! & USER) !== 0) users++;
    }
    if (emails > 1 || users > 1) conflict[x] = 1;
  }
  // every other device joins the persons it is linked to (not a device in conflict)
  for (let x = 0; x < size; x++) {
    if (conflict[x] === 1) continue;
    for (let j = start[x]!; j < start[x + 1]!; j++) {
      const y = neighbours[j]!;
      if (conflict[y] === 0) uf.union(x, y);
    }
  }

  // 3. a device in conflict whose neighbours all ended in one person (joined by other links) joins it;
  // otherwise it is shared. Joining adds the device alone, so no other device's decision moves.
  const shared = new Uint8Array(size);
  const sharedIds: number[] = [];
  const joins: [number, number][] = [];
  for (let x = 0; x < size; x++) {
    if (conflict[x] === 0) continue;
    let person = -1;
    let several = false;
    for (let j = start[x]!; j < start[x + 1]!; j++) {
      const y = neighbours[j]!;
      if (conflict[y] === 1) continue;
      const r = uf.find(y);
      if (person === -1) person = r;
      else if (r !== person) several = true;
    }
    if (several) {
      shared[x] = 1;
      sharedIds.push(x);
    } else if (person !== -1) joins.push([x, person]);
  }
  for (const [x, person] of joins) uf.union(x, person);
  return { roots: uf.roots(), shared, sharedIds, conflict };
}
