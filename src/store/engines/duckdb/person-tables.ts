// DuckDB's side of a person's rows: which rows are theirs is written once (neutral/privacy-queries.ts);
// here, how DuckDB reads a table's rows for an export, and a list parameter's values for hand-written SQL.

/** `(SELECT unnest($param))`: the values of a list parameter, for `x IN ...`. */
export const inList = (param: string) => `(SELECT unnest($${param}::VARCHAR[]))`;

/**
 * The relation an export reads a table's rows from: the table, but for dead letters, whose raw line may
 * not be UTF-8: base64 keeps it exact, and the text is there when it is readable.
 */
export function exportSource(table: string): string {
  return table === 'dead_letters'
    ? '(SELECT * EXCLUDE (raw), try(decode(raw)) AS raw_text, base64(raw) AS raw_base64 FROM dead_letters)'
    : table;
}
