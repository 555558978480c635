// Rule expressions evaluated by the real engine over many inputs at once (property tests of the rules
// an engine renders): one query per batch, each input's texts bound as parameters.
import { join, p, raw, sql, type Sql } from '../store/engines/neutral/sql.js';
import type { Store } from '../store/store.js';
import { queryData } from './engine-access.js';

/**
 * For each input row (in order), the columns `columns` computes over the row's texts (a column each, by
 * the row's keys; every row has the same keys), evaluated by the store's data engine. Booleans come back
 * as the engine gives them (true/false or 1/0).
 */
export async function evalOverRows(
  store: Store,
  inputs: readonly Readonly<Record<string, string>>[],
  columns: Readonly<Record<string, Sql>>,
): Promise<Record<string, unknown>[]> {
  if (inputs.length === 0) return [];
  const rows = rowsRelation(inputs);
  const cols = join(
    Object.entries(columns).map(([name, e]) => sql`${e} AS ${raw(name)}`),
    ', ',
  );
  const out = await queryData(store, sql`SELECT i, ${cols} FROM (${rows}) t ORDER BY i`);
  return out.map(({ i: _i, ...rest }) => rest);
}

/** evalOverRows for single texts, each in column `v`. */
export function evalOverTexts(
  store: Store,
  values: readonly string[],
  columns: Readonly<Record<string, Sql>>,
): Promise<Record<string, unknown>[]> {
  return evalOverRows(
    store,
    values.map((v) => ({ v })),
    columns,
  );
}

/** The input rows as a relation: column `i` (the row's index) and a text column per key. */
export function rowsRelation(inputs: readonly Readonly<Record<string, string>>[]): Sql {
  return join(
    inputs.map(
      (r, i) =>
        sql`SELECT ${raw(String(i))} AS i, ${join(
          Object.entries(r).map(([k, v]) => sql`${p.text(v)} AS ${raw(k)}`),
          ', ',
        )}`,
    ),
    ' UNION ALL ',
  );
}
