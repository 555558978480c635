// DuckDB's own SQL for identity that is not (yet) written once: the span rule as text for its string
// queries, and the scoped resolution's closure over temp tables. The links, seen ids, graph inputs,
// single persons and the lead milestone are neutral (../neutral/identity-queries.ts, lead-queries.ts).
import { spanHolds } from '../neutral/identity-spans.js';

// the span rule is the same SQL on every engine (neutral/identity-spans.ts)
export { spanHolds };

/** The ids (kind, value) in temp table `T`, as a row-value set for `(kind, value) IN ...`. */
export const inScope = (table: string, kind = 'kind', value = 'value'): string =>
  `(${kind}, ${value}) IN (SELECT (kind, value) FROM ${table})`;

/**
 * One step of the identity scope's closure: every id an edge joins to an id already in `identity_scope`
 * (not yet in it). Repeated until it adds nothing, the scope is a union of whole linked components, so a
 * resolution of the scope alone gives what resolving everything would give there. Parameter: $ws.
 */
export const SCOPE_STEP_SQL = `
  INSERT INTO identity_scope
  SELECT DISTINCT kind, value FROM (
    SELECT b_kind AS kind, b_value AS value FROM identity_edges
      WHERE workspace_id = $ws AND b_kind <> '' AND ${inScope('identity_scope', 'a_kind', 'a_value')}
    UNION ALL
    SELECT a_kind, a_value FROM identity_edges
      WHERE workspace_id = $ws AND b_kind <> '' AND ${inScope('identity_scope', 'b_kind', 'b_value')}
  ) n WHERE NOT ${inScope('identity_scope')}`;

/** The person id of a lone anchor (derive/identity/person-ids.ts), over columns `kind` and `value`. */
export const SINGLE_PERSON_ID = `'p_' || left(sha256(kind || ':' || value), 16)`;
