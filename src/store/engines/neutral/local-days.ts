// A time's day in a time zone as a day number (days since 1970-01-01 of the zone's wall clock), written
// once for every engine without the engines' per-row time zone conversion (DuckDB's ICU conversion cost
// most of the overview's daily series): the zone's offsets over the range are found here, once per
// query, and the SQL adds the offset in force to the epoch milliseconds.
import { fn, join, p, raw, sql, type Piece, type Sql } from './sql.js';

const DAY_MS = 86_400_000;

/** The zone's offset (ms) from UTC at an instant, from a formatter made once per zone. */
function offsetReader(zone: string): (at: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  });
  return (at) => {
    const parts = format.formatToParts(new Date(at));
    const n = (t: string) => Number(parts.find((x) => x.type === t)?.value);
    const wall = Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
    return wall - Math.floor(at / 1000) * 1000;
  };
}

/** One offset and the instant from which it holds (the first from the range's start). */
export interface ZoneSegment {
  from: number;
  offsetMs: number;
}

/**
 * The zone's offsets over [from, to]: the first, then each change (found day by day, then to the
 * millisecond), in order. A zone changes its offset at most a few times a year.
 */
export function zoneSegments(zone: string, from: number, to: number): ZoneSegment[] {
  const offset = offsetReader(zone);
  const out: ZoneSegment[] = [{ from, offsetMs: offset(from) }];
  for (let t = from; t < to;) {
    const next = Math.min(t + DAY_MS, to);
    const was = out[out.length - 1]!.offsetMs;
    if (offset(next) !== was) {
      // the first instant in (t, next] with the new offset
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offset(mid) === was) lo = mid;
        else hi = mid;
      }
      out.push({ from: hi, offsetMs: offset(hi) });
    }
    t = next;
  }
  return out;
}

/** The day number of time `t` on the zone's wall clock, for times within [from, to]. */
export function localDayNumberSql(t: Piece | string, zone: string, from: number, to: number): Sql {
  const e = typeof t === 'string' ? raw(t) : t;
  const segs = zoneSegments(zone, from, to);
  const offset =
    segs.length === 1
      ? sql`${p.int(segs[0]!.offsetMs)}`
      : sql`CASE ${join(
          segs
            .slice(1)
            .map(
              (s, i) =>
                sql`WHEN ${e} < ${p.time(new Date(s.from))} THEN ${p.int(segs[i]!.offsetMs)}`,
            ),
          ' ',
        )} ELSE ${p.int(segs[segs.length - 1]!.offsetMs)} END`;
  return sql`CAST(floor((${fn.epochMs(t)} + ${offset}) / 86400000.0) AS BIGINT)`;
}

/** The day number of a day's text (YYYY-MM-DD). */
export function dayTextNumberSql(day: Piece | string): Sql {
  const d = typeof day === 'string' ? raw(day) : day;
  return sql`CAST(floor(${fn.epochMs(fn.toTime(sql`${d} || 'T00:00:00Z'`))} / 86400000.0) AS BIGINT)`;
}

/** A day number's day (YYYY-MM-DD). */
export const dayOfNumber = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
