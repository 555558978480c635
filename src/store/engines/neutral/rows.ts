// Converters for rows of neutral queries: each engine hands values over in its own JSON shape (a JSON
// column as text or as a value, a 64-bit integer as a number or as text), and these read both alike.

/** A JSON column: text is parsed, a value kept, absence null. */
export function json(v: unknown): unknown {
  return typeof v === 'string' ? (JSON.parse(v) as unknown) : (v ?? null);
}

/** Text, or null. */
export const text = (v: unknown): string | null =>
  v === null || v === undefined ? null : String(v);

/** A number (64-bit integers may arrive as text), or null. */
export const num = (v: unknown): number | null =>
  v === null || v === undefined ? null : Number(v);
