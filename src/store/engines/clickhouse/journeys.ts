// The journeys area on ClickHouse: a person's journey through the neutral reads and timeline every engine
// runs (../neutral/journey-queries.ts). The events are one read (journeyEventsSql): ClickHouse reads the
// wide columns only of the granules its narrow conditions keep, so DuckDB's row-reference detour is not
// needed here.
import type { PersonJourney } from '../../areas/journeys.js';
import { journeyEventsSql, readPersonJourney } from '../neutral/journey-queries.js';
import type { Sql } from '../neutral/sql.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

/** Everything known about one person, oldest first; undefined when the workspace has no such person. */
export function personJourney(
  s: ChStore,
  workspaceId: string,
  personId: string,
): Promise<PersonJourney | undefined> {
  const rows = (q: Sql) => queryNeutral(s.conn, s.database, q);
  return readPersonJourney(
    { rows, events: (anon, users) => rows(journeyEventsSql(workspaceId, anon, users)) },
    workspaceId,
    personId,
  );
}
