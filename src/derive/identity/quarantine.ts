// The over-merge guard. An identifier directly linked to more distinct emails (or distinct user ids) than
// the limit is quarantined: a shared office PC, a kiosk, a `sales@` inbox used as several logins. The
// counts are taken over all the facts at once, so the decision cannot depend on the order links arrived.

import { adjacency } from './adjacency.js';

export interface QuarantineInput {
  size: number;
  kindOf: Uint16Array;
  /** Kind indexes of 'email' and 'user_id' in the table (-1 when the kind never appeared). */
  emailKind: number;
  userKind: number;
  linkA: Int32Array;
  linkB: Int32Array;
  linkCount: number;
  maxEmails: number;
  maxUsers: number;
}

export interface QuarantineResult {
  /** 1 for a quarantined identifier. */
  flags: Uint8Array;
  /** Quarantined identifier ints, ascending, with their distinct counts. */
  ids: number[];
  distinctEmails: number[];
  distinctUsers: number[];
}

export function findQuarantined(input: QuarantineInput): QuarantineResult {
  const { size, kindOf, emailKind, userKind, linkA, linkB, linkCount, maxEmails, maxUsers } = input;
  const counted = (id: number): boolean => {
    const k = kindOf[id];
    return k === emailKind || k === userKind;
  };
  // Adjacency of "counted" edges only (x → its email / user id neighbours).
  const { start, neighbours } = adjacency(
    size,
    linkA,
    linkB,
    linkCount,
    (from, to) => from !== to && counted(to),
  );

  const flags = new Uint8Array(size);
  const result: QuarantineResult = { flags, ids: [], distinctEmails: [], distinctUsers: [] };
  // Fewer counted edges than the smaller limit cannot exceed either limit: most identifiers stop here.
  const floor = Math.min(maxEmails, maxUsers);
  for (let x = 0; x < size; x++) {
    const from = start[x]!;
    const to = start[x + 1]!;
    if (to - from <= floor) continue;
    const list = neighbours.subarray(from, to).sort();
    let emails = 0;
    let users = 0;
    for (let j = 0; j < list.length; j++) {
      const n = list[j]!;
      if (j > 0 && list[j - 1] === n) continue;
      if (kindOf[n] === emailKind) emails++;
      else users++;
    }
    if (emails > maxEmails || users > maxUsers) {
      flags[x] = 1;
      result.ids.push(x);
      result.distinctEmails.push(emails);
      result.distinctUsers.push(users);
    }
  }
  return result;
}
