// DuckDB's own SQL for identity that is not written once: the temp-table sets and the single person id
// its transactional scoped write uses (../duckdb/identity-scope-repo.ts). The links, seen ids, graph
// inputs, single persons and the lead milestone are neutral (../neutral/identity-queries.ts,
// lead-queries.ts), as is the scope's closure (../neutral/identity-scope.ts).
import { spanHolds } from '../neutral/identity-spans.js';

// the span rule is the same SQL on every engine (neutral/identity-spans.ts)
export { spanHolds };

/** The ids (kind, value) in temp table `T`, as a row-value set for `(kind, value) IN ...`. */
export const inScope = (table: string, kind = 'kind', value = 'value'): string =>
  `(${kind}, ${value}) IN (SELECT (kind, value) FROM ${table})`;

/** The person id of a lone anchor (derive/identity/person-ids.ts), over columns `kind` and `value`. */
export const SINGLE_PERSON_ID = `'p_' || left(sha256(kind || ':' || value), 16)`;
