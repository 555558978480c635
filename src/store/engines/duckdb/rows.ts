// Small converters from DuckDB's JSON-friendly rows.

/** A JSON column arrives as text. */
export function parseJson(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : (v ?? null);
}

export const str = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

/** TIMESTAMPTZ as ISO-8601 UTC with milliseconds, formatted in SQL. */
export const isoSql = (col: string) =>
  `strftime(${col} AT TIME ZONE 'UTC', '%Y-%m-%dT%H:%M:%S.%gZ')`;
