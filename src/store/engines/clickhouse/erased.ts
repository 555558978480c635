// The erased-identifier check of a ClickHouse load: an event is skipped when its anonymous id, user id or
// e-mail was erased in its workspace after the event's time (and, for a stretch of a shared device, when
// the event falls in that stretch), as DuckDB's NOT_ERASED_SQL does. The tombstones are keyed hashes
// (sha256 of the install's privacy key, the kind, ':' and the normalised value); the rows of a segment
// are already in JavaScript, so their hashes are made here and only matching tombstones are read.
import { ERASED_ID_SPECS, erasedIdValue } from '../../../rules/erased-ids.js';
import { parseIsoParts } from '../../../rules/iso-time.js';
import { keyHash } from '../neutral/tombstone-hash.js';
import type { ChStore } from './events.js';
import type { EventRow } from './journal-rows.js';

/** The kinds a load checks, with their normalisation: the rule's reference itself (rules/erased-ids.ts). */
const KINDS: readonly {
  kind: string;
  of: (r: EventRow) => string | null;
  norm: (v: string) => string;
}[] = ERASED_ID_SPECS.map((spec) => ({
  kind: spec.kind,
  of: (r) => r[spec.column],
  norm: (v) => erasedIdValue(spec, v),
}));

export { keyHash };

const micros = (iso: string): number => {
  const p = parseIsoParts(iso);
  if (!p) throw new Error(`not an ISO time: ${iso}`);
  return p[0] * 1_000_000 + p[1];
};

interface Tombstone {
  workspace_id: string;
  key_hash: string;
  erased_at: string;
  from_at: string | null;
  until_at: string | null;
}

/** The rows no tombstone names (all of them when the install has no privacy key yet: nothing was erased). */
export async function notErased(
  s: ChStore,
  rows: readonly EventRow[],
): Promise<readonly EventRow[]> {
  const key = s.privacyKey;
  if (key === undefined || rows.length === 0) return rows;
  const hashesOf = rows.map((r) =>
    KINDS.flatMap(({ kind, of, norm }) => {
      const v = of(r);
      return v === null ? [] : [keyHash(key, kind, norm(v))];
    }),
  );
  const tombstones = await s.conn.query<Tombstone>(
    `SELECT workspace_id, key_hash, toString(erased_at) AS erased_at,
       toString(from_at) AS from_at, toString(until_at) AS until_at
     FROM ${s.database}.erased_identifiers
     WHERE workspace_id IN {ws:Array(String)} AND key_hash IN {hashes:Array(String)}`,
    {
      ws: [...new Set(rows.map((r) => r.workspace_id))],
      hashes: [...new Set(hashesOf.flat())],
    },
  );
  if (tombstones.length === 0) return rows;
  const byHash = new Map<string, Tombstone[]>();
  for (const t of tombstones) byHash.set(t.key_hash, [...(byHash.get(t.key_hash) ?? []), t]);
  const utc = (t: string) => `${t.replace(' ', 'T')}Z`;
  return rows.filter((r, i) => {
    const ts = micros(r.ts);
    return !hashesOf[i]!.some((h) =>
      (byHash.get(h) ?? []).some(
        (t) =>
          t.workspace_id === r.workspace_id &&
          micros(utc(t.erased_at)) > ts &&
          (t.from_at === null || ts >= micros(utc(t.from_at))) &&
          (t.until_at === null || ts < micros(utc(t.until_at))),
      ),
    );
  });
}
