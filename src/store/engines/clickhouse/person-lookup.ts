// Finding a person's data for an export or an erasure on ClickHouse: the neutral queries every engine runs
// (../neutral/person-lookup-queries.ts).
import { personLookups as neutralLookups } from '../neutral/person-lookup-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export const personLookups = (s: ChStore) =>
  neutralLookups((q) => queryNeutral(s.conn, s.database, q));
