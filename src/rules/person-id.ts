// A person's id, made from its anchor identifier (derive/identity/person-ids.ts picks the anchor): the
// product rule as data, with its JavaScript reference. The engines render the same data into their SQL
// for the persons of one identifier (store/engines/neutral/identity-queries.ts, singlePersonId); a
// property test holds each engine to this reference on arbitrary identifiers (person-id.test.ts).
import { hash } from 'node:crypto';

/**
 * `prefix` + the first `hexDigits` hex digits of SHA-256 over the UTF-8 of `kind` + `separator` +
 * `value`. 64 bits: a collision between two anchors is a one-in-millions event per workspace, stepped
 * around by appending `saltMark` and a number to the hashed text (only the JavaScript does that: the
 * engines' single-id persons are checked for collisions and handed to it).
 */
export const PERSON_ID = { prefix: 'p_', hexDigits: 16, separator: ':', saltMark: '#' } as const;

/** The reference: the id of the person anchored at (kind, value); salt 0 unless stepping around a collision. */
export function personIdFor(kind: string, value: string, salt: number): string {
  const text = `${kind}${PERSON_ID.separator}${value}${salt === 0 ? '' : `${PERSON_ID.saltMark}${salt}`}`;
  return `${PERSON_ID.prefix}${hash('sha256', text, 'hex').slice(0, PERSON_ID.hexDigits)}`;
}
