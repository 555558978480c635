// A unit's rows counted and checksummed on each side, read afresh from each engine (nothing the copy
// remembers is trusted). DuckDB streams the unit in one read; ClickHouse is read in slices, a hash of
// non-null key columns spreading the rows over them, so no answer holds more than about `sliceRows` rows.
// The target is read without FINAL: a row stored twice counts twice.
import { p, raw, sql } from '../neutral/sql.js';
import type { ChStore } from '../clickhouse/events.js';
import { queryNeutral } from '../clickhouse/dialect.js';
import type { Db } from '../duckdb/connection.js';
import { Checksum } from './checksum.js';
import { forEachDuckBatch } from './copy.js';
import { countTargetRows } from './progress.js';
import { readUnitSql, type Unit } from './tables.js';

/** The unit as the DuckDB file holds it. */
export async function sourceChecksum(
  db: Db,
  unit: Unit,
  batchRows: number,
  onRows: (rows: number) => void = () => undefined,
): Promise<Checksum> {
  const sum = new Checksum();
  if (unit.rows === 0) return sum;
  await forEachDuckBatch(db, readUnitSql(unit.table, unit.workspaceId), batchRows, async (rows) => {
    for (const r of rows) sum.add(unit.table.kinds, r);
    onRows(rows.length);
  });
  return sum;
}

/** The unit as the target holds it. */
export async function targetChecksum(
  ch: ChStore,
  unit: Unit,
  sliceRows: number,
  onRows: (rows: number) => void = () => undefined,
): Promise<Checksum> {
  const t = unit.table;
  const sum = new Checksum();
  const n = await countTargetRows(ch, t, unit.workspaceId);
  if (n === 0) return sum;
  const slices = t.spread.length === 0 ? 1 : Math.ceil(n / sliceRows);
  const spread = raw(`cityHash64(${t.spread.join(', ')})`);
  for (let s = 0; s < slices; s++) {
    const where =
      slices > 1 ? sql`${spread} % toUInt64(${p.int(slices)}) = ${p.int(s)}` : undefined;
    const rows = await queryNeutral(
      ch.conn,
      ch.database,
      readUnitSql(t, unit.workspaceId, where ? { where } : {}),
    );
    for (const r of rows)
      sum.add(
        t.kinds,
        t.columns.map((_, i) => r[`c${i}`]),
      );
    onRows(rows.length);
  }
  // the slices cover every row once, or the comparison would mean nothing
  if (sum.rows !== n)
    throw new Error(`${t.name}: the target's slices held ${sum.rows} rows, its count ${n}`);
  return sum;
}
