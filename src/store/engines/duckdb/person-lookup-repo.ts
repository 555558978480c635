// Finding a person's data for an export or an erasure on DuckDB: the neutral queries every engine runs
// (../neutral/person-lookup-queries.ts), read on the reader connection.
import { personLookups as neutralLookups } from '../neutral/person-lookup-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export const personLookups = (db: Db) => neutralLookups((q) => queryNeutral(db, q));
