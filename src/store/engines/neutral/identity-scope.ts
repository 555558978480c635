// A scoped identity resolution's reads, written once for every engine: the linked components around a
// live batch's ids (followed through the stored edges until whole), and the graph's inputs for them.
// Each read touches the big identity tables once, filtered by the scope's ids, so its cost follows the
// scope, not the workspace. The engine hands in how it reads a neutral query.
import type { AffectedIds, IdentifierKey, IdentityInputs, OpaqueIdRule } from '../../types.js';
import { edgeInputs, keysIn } from './identity-queries.js';
import { fn, p, sql, type Sql } from './sql.js';

export type ReadRows = (q: Sql) => Promise<Record<string, unknown>[]>;

const keyOf = (kind: unknown, value: unknown): string => `${String(kind)}\u0000${String(value)}`;

/** `value` with the rule's characters trimmed from both ends (by code point, as the engines' trims). */
export function trimByRule(value: string, chars: string): string {
  const set = new Set(chars);
  const cps = [...value];
  let a = 0;
  let b = cps.length;
  while (a < b && set.has(cps[a]!)) a++;
  while (b > a && set.has(cps[b - 1]!)) b--;
  return cps.slice(a, b).join('');
}

/**
 * The ids a scoped resolution must re-place: the seeds, the affected anonymous and user ids (trimmed by
 * the rule), and every id linked to those, transitively (whole linked components), in one order.
 */
export async function identityScopeOf(
  read: ReadRows,
  ws: string,
  rule: OpaqueIdRule,
  seeds: readonly IdentifierKey[],
  affected: AffectedIds,
): Promise<IdentifierKey[]> {
  const scope = new Map<string, IdentifierKey>();
  let frontier: IdentifierKey[] = [];
  const add = (kind: string, value: string) => {
    const key = keyOf(kind, value);
    if (value === '' || scope.has(key)) return;
    scope.set(key, { kind, value });
    frontier.push({ kind, value });
  };
  for (const s of seeds) add(s.kind, s.value);
  for (const a of affected.anonymousIds) add('anonymous_id', trimByRule(a, rule.trimChars));
  for (const u of affected.userIds) add('user_id', trimByRule(u, rule.trimChars));
  while (frontier.length > 0) {
    // by value alone (one set): an edge whose end only shares a value is read and passed over below
    const values = p.texts([...new Set(frontier.map((f) => f.value))]);
    frontier = [];
    const edges = await read(
      sql`SELECT a_kind, a_value, b_kind, b_value FROM ${fn.table('identity_edges')}
        WHERE workspace_id = ${p.text(ws)} AND b_kind <> ''
          AND (${fn.inSet('a_value', values)} OR ${fn.inSet('b_value', values)})`,
    );
    for (const e of edges) {
      const a = { kind: String(e.a_kind), value: String(e.a_value) };
      const b = { kind: String(e.b_kind), value: String(e.b_value) };
      if (scope.has(keyOf(a.kind, a.value))) add(b.kind, b.value);
      if (scope.has(keyOf(b.kind, b.value))) add(a.kind, a.value);
    }
  }
  return [...scope.values()].sort((x, y) =>
    x.kind < y.kind ? -1 : x.kind > y.kind ? 1 : x.value < y.value ? -1 : x.value > y.value ? 1 : 0,
  );
}

/**
 * The graph's inputs for a scope (whole linked components): its edges, the ids to place (those an edge
 * touches or that are not clean) with their first sightings, and their current persons.
 */
export async function scopedInputsOf(
  read: ReadRows,
  ws: string,
  scope: readonly IdentifierKey[],
): Promise<IdentityInputs> {
  const w = p.text(ws);
  const edges = await read(
    sql`SELECT a_kind, a_value, b_kind, b_value, first_at, source FROM ${fn.table('identity_edges')}
      WHERE workspace_id = ${w} AND ${keysIn(scope, 'a_kind', 'a_value')}
      ORDER BY a_kind, a_value, b_kind, b_value, source`,
  );
  const { links, seen } = edgeInputs(edges);
  const seenRows = await read(
    sql`SELECT kind, value, ${fn.epochMs('first_seen')} AS at, clean FROM ${fn.table('identity_seen')}
      WHERE workspace_id = ${w} AND ${keysIn(scope)} ORDER BY kind, value`,
  );
  const prevRows = await read(
    sql`SELECT kind, value, person_id, linked FROM ${fn.table('identities')}
      WHERE workspace_id = ${w} AND ${keysIn(scope)} ORDER BY kind, value, person_id`,
  );
  // as for the whole workspace: the graph places the ids an edge touches and those not clean
  const toPlace = new Set<string>();
  for (const l of links) {
    toPlace.add(keyOf(l.aKind, l.aValue));
    toPlace.add(keyOf(l.bKind, l.bValue));
  }
  for (const s of seen) toPlace.add(keyOf(s.kind, s.value));
  for (const r of seenRows) if (!r.clean) toPlace.add(keyOf(r.kind, r.value));
  const placed = (r: Record<string, unknown>): boolean => toPlace.has(keyOf(r.kind, r.value));
  for (const r of seenRows)
    if (placed(r)) seen.push({ kind: String(r.kind), value: String(r.value), at: Number(r.at) });
  // a single id the graph does not place this time stays as it is, so it is no previous of the graph's
  const previous = prevRows
    .filter((r) => Boolean(r.linked) || placed(r))
    .map((r) => ({ kind: String(r.kind), value: String(r.value), personId: String(r.person_id) }));
  return { links, seen, previous };
}
