// A person's journey on DuckDB: the neutral reads and timeline of ../neutral/journey-queries.ts, with
// DuckDB's own way to a person's events (below).
import type { DuckDBConnection } from '@duckdb/node-api';
import type { PersonJourney } from '../../types.js';
import {
  journeyEventRangesSql,
  journeyEventRefsSql,
  journeyEventScanSql,
  journeyEventsSql,
  readPersonJourney,
} from '../neutral/journey-queries.js';
import type { Db, Row } from './connection.js';
import { queryNeutral, readNeutral } from './dialect.js';

/** How a journey's events are read; a parameter so that tests can take each path on a small world. */
export interface JourneyReadOptions {
  /** Rowids at most this far apart are fetched as one range (a visitor's events often sit side by side). */
  rangeGap: number;
  /**
   * Above this many ranges, one filtered scan (bounded by the lowest and highest rowid found) replaces the
   * point reads. Measured on 10M events, 2 cores: a range costs ~3 ms, a scan of the whole table ~1.7 s.
   */
  maxRanges: number;
}

export const JOURNEY_READ: JourneyReadOptions = { rangeGap: 32, maxRanges: 400 };

/** Everything known about one person, oldest first: sessions with their pages, events, milestones, identity changes. */
export function personJourney(
  db: Db,
  ws: string,
  personId: string,
  opts: JourneyReadOptions = JOURNEY_READ,
): Promise<PersonJourney | undefined> {
  return readPersonJourney(
    {
      rows: (q) => queryNeutral(db, q),
      events: (anon, users) => journeyEvents(db, ws, anon, users, opts),
    },
    ws,
    personId,
  );
}

/**
 * The events carrying one of the person's anonymous or user ids, by time then message id.
 *
 * DuckDB pushes a single equality into the table scan, reading the wide JSON columns (properties, traits,
 * context) only where it matches, but not a test against several values: that reads them for every event.
 * So one id is one query; several are two reads on one snapshot: the rowids of the matching events from a
 * narrow scan, then those rows by rowid ranges, or for very many, one scan bounded by the rowids found.
 */
export async function journeyEvents(
  db: Db,
  ws: string,
  anon: readonly string[],
  users: readonly string[],
  opts: JourneyReadOptions = JOURNEY_READ,
): Promise<Row[]> {
  if (anon.length + users.length === 0) return [];
  if (anon.length + users.length === 1) return queryNeutral(db, journeyEventsSql(ws, anon, users));
  return db.readTransaction(async (conn: DuckDBConnection) => {
    const found = await readNeutral(conn, journeyEventRefsSql(ws, anon, users, 'rowid'));
    if (found.length === 0) return [];
    const messageOf = new Map(found.map((r) => [Number(r.rid), String(r.message_id)]));
    const ranges = rowidRanges(
      [...messageOf.keys()].sort((a, b) => a - b),
      opts.rangeGap,
    );
    // rowids are written into the SQL as integers (a bound parameter would hide the rowid filter)
    const scan = ranges.length > opts.maxRanges;
    const rows = await readNeutral(
      conn,
      scan
        ? journeyEventScanSql(ws, anon, users, [ranges[0]![0], ranges.at(-1)![1]], 'rowid')
        : journeyEventRangesSql(ranges, 'rowid'),
    );
    // a range also holds the rows between the person's: keep theirs, and check both reads saw the same events
    const events = rows.filter((r) => messageOf.has(Number(r.rid)));
    const same = events.length === messageOf.size && (!scan || rows.length === events.length);
    if (!same || events.some((r) => messageOf.get(Number(r.rid)) !== String(r.message_id))) {
      throw new Error(
        `journey read: the events found (${messageOf.size}) and the events fetched (${events.length}) differ`,
      );
    }
    return events.map(({ rid: _rid, ...e }) => e);
  });
}

/** Sorted rowids as [lo, hi] ranges, merging neighbours at most `gap` apart. */
export function rowidRanges(sorted: readonly number[], gap: number): [number, number][] {
  const ranges: [number, number][] = [];
  for (const r of sorted) {
    const last = ranges.at(-1);
    if (last && r - last[1] <= gap) last[1] = r;
    else ranges.push([r, r]);
  }
  return ranges;
}
