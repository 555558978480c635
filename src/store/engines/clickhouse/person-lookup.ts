// Finding a person's data for an export or an erasure on ClickHouse: the neutral queries every engine
// runs (../neutral/person-lookup-queries.ts). Dead letters keep their raw bytes in a String column, read
// as their current version (FINAL) and handed over as base64, so textMentions gives the same bytes as on
// DuckDB, and letters that are not UTF-8 always.
import type { DeviceSpan, IdentifierKey, SpellingCandidate } from '../../types.js';
import type { ReadRows } from '../neutral/identity-scope.js';
import * as lookup from '../neutral/person-lookup-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

const reader =
  (s: ChStore): ReadRows =>
  (q) =>
    queryNeutral(s.conn, s.database, q);

export function identifierSpellings(
  s: ChStore,
  ws: string,
  needles: { text: readonly string[]; digits: readonly string[] },
): Promise<SpellingCandidate[]> {
  return lookup.identifierSpellings(reader(s), ws, needles);
}

export function textMentions(
  s: ChStore,
  ws: string,
  opts: { eventNeedles: readonly string[]; letterNeedles: readonly string[]; unnamed: boolean },
): Promise<{
  events: { messageId: string; text: string }[];
  deadLetters: { id: string; raw: Buffer }[];
}> {
  return lookup.textMentions(reader(s), ws, opts);
}

export function personIdentifiers(
  s: ChStore,
  ws: string,
  personIds: readonly string[],
): Promise<IdentifierKey[]> {
  return lookup.personIdentifiers(reader(s), ws, personIds);
}

export function sharedDeviceSpans(
  s: ChStore,
  ws: string,
  personIds: readonly string[],
): Promise<DeviceSpan[]> {
  return lookup.sharedDeviceSpans(reader(s), ws, personIds);
}

export function formerPersonIds(
  s: ChStore,
  ws: string,
  seeds: readonly string[],
  current: readonly string[],
): Promise<string[]> {
  return lookup.formerPersonIds(reader(s), ws, seeds, current);
}
