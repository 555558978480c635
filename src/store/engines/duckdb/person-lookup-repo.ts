// Finding a person's data for an export or an erasure on DuckDB: the neutral queries every engine runs
// (../neutral/person-lookup-queries.ts), read on the reader connection.
import type { DeviceSpan, IdentifierKey, SpellingCandidate } from '../../types.js';
import type { ReadRows } from '../neutral/identity-scope.js';
import * as lookup from '../neutral/person-lookup-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

const reader =
  (db: Db): ReadRows =>
  (q) =>
    queryNeutral(db, q);

export function identifierSpellings(
  db: Db,
  ws: string,
  needles: { text: readonly string[]; digits: readonly string[] },
): Promise<SpellingCandidate[]> {
  return lookup.identifierSpellings(reader(db), ws, needles);
}

export function textMentions(
  db: Db,
  ws: string,
  opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
): Promise<{
  events: { messageId: string; text: string }[];
  deadLetters: { id: string; raw: Buffer }[];
}> {
  return lookup.textMentions(reader(db), ws, opts);
}

export function personIdentifiers(
  db: Db,
  ws: string,
  personIds: readonly string[],
): Promise<IdentifierKey[]> {
  return lookup.personIdentifiers(reader(db), ws, personIds);
}

export function sharedDeviceSpans(
  db: Db,
  ws: string,
  personIds: readonly string[],
): Promise<DeviceSpan[]> {
  return lookup.sharedDeviceSpans(reader(db), ws, personIds);
}

export function formerPersonIds(
  db: Db,
  ws: string,
  seeds: readonly string[],
  current: readonly string[],
): Promise<string[]> {
  return lookup.formerPersonIds(reader(db), ws, seeds, current);
}
