// What "the same rows" means across engines: each row as a canonical text, hashed, and the hashes summed
// (mod 2^64) with a row count. A sum is a multiset hash, so both sides may read their rows in any order and
// in any slices. The canonical text irons out what differs between the engines but not the data: times are
// compared at the millisecond (ClickHouse keeps ms, DuckDB µs; the copy truncates), JSON as parsed values
// with sorted keys (DuckDB may store it re-serialised), numbers as numbers (DuckDB hands 64-bit integers
// over as text, ClickHouse as JSON numbers), bytes as base64 (both engines encode them in SQL).
import { createHash } from 'node:crypto';

/** How a column is compared: its DuckDB type, grouped. */
export type ColumnKind = 'text' | 'json' | 'time' | 'date' | 'bytes' | 'int' | 'float' | 'bool';

/** The kind of a DuckDB column type (`duckdb_columns().data_type`); undefined for one we do not carry. */
export function kindOfDuckType(dataType: string): ColumnKind | undefined {
  const t = dataType.toUpperCase();
  if (t === 'VARCHAR') return 'text';
  if (t === 'JSON') return 'json';
  if (t.startsWith('TIMESTAMP')) return 'time';
  if (t === 'DATE') return 'date';
  if (t === 'BLOB') return 'bytes';
  if (/^(TINYINT|SMALLINT|INTEGER|BIGINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT)$/.test(t))
    return 'int';
  if (t === 'DOUBLE' || t === 'FLOAT') return 'float';
  if (t === 'BOOLEAN') return 'bool';
  return undefined;
}

/** JSON text with every object's keys sorted, so two serialisations of one value compare equal. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) out[k] = sortKeys((v as Record<string, unknown>)[k]);
    return out;
  }
  return v;
}

/** One value as the canonical text compares it (null stays null). */
export function canonicalValue(kind: ColumnKind, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  switch (kind) {
    case 'json': {
      if (typeof v !== 'string') return canonicalJson(v);
      try {
        return canonicalJson(JSON.parse(v));
      } catch {
        // not JSON after all: compared as written
        return v;
      }
    }
    case 'time': {
      const ms = typeof v === 'number' ? v : Date.parse(timeText(String(v)));
      return Number.isFinite(ms) ? new Date(ms).toISOString() : String(v);
    }
    case 'date':
      // a day as both engines write it as text (YYYY-MM-DD)
      return String(v).slice(0, 10);
    case 'int':
      return /^-?\d+$/.test(String(v)) ? BigInt(String(v)).toString() : String(v);
    case 'float': {
      // ClickHouse may write non-finite floats as nan and inf
      const t = String(v);
      return /^[+-]?inf/i.test(t)
        ? String(t.startsWith('-') ? -Infinity : Infinity)
        : String(Number(t));
    }
    case 'bool':
      return String(v === true || v === 1 || v === 'true');
    default:
      return String(v);
  }
}

/** `2024-01-01 10:00:00.123` (a ClickHouse time as text) read as UTC, like the ISO form. */
function timeText(s: string): string {
  return /^\d{4}-\d\d-\d\d \d/.test(s) && !/[zZ]|[+-]\d\d:?\d\d$/.test(s)
    ? `${s.replace(' ', 'T')}Z`
    : s;
}

/** A row's canonical text: its values, in column order, as a JSON array. */
export function canonicalRow(kinds: readonly ColumnKind[], values: readonly unknown[]): string {
  return JSON.stringify(kinds.map((k, i) => canonicalValue(k, values[i])));
}

const MASK = (1n << 64n) - 1n;

/** The first 64 bits of the row text's SHA-256. */
export function rowHash(text: string): bigint {
  return createHash('sha256').update(text).digest().readBigUInt64BE(0);
}

/** Rows and the sum of their hashes: equal multisets of rows give equal checksums. */
export class Checksum {
  rows = 0;
  private sum = 0n;

  /** Adds one row, its values in column order. */
  add(kinds: readonly ColumnKind[], values: readonly unknown[]): void {
    this.rows++;
    this.sum = (this.sum + rowHash(canonicalRow(kinds, values))) & MASK;
  }

  /** Adds another checksum's rows (of the same table: a slice or a workspace). */
  merge(other: Checksum): void {
    this.rows += other.rows;
    this.sum = (this.sum + other.sum) & MASK;
  }

  /** The sum as 16 hex digits. */
  get hex(): string {
    return this.sum.toString(16).padStart(16, '0');
  }

  equals(other: Checksum): boolean {
    return this.rows === other.rows && this.sum === other.sum;
  }
}
