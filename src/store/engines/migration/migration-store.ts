// `closedloop migrate`'s engine side: a workspace's data (or every workspace's) moved from the DuckDB file
// into a ClickHouse store, resumable, then verified table by table. This folder spans two engines, so it
// is neither's: it reads DuckDB through its connection and the neutral queries, and writes ClickHouse
// through its connection and schema. This file is its whole public surface (store/migrate-data.ts).
//
// Derived tables are copied, not derived again on the target: the copy gives the very rows DuckDB's
// derive made, so every report answers the same after the move; `closedloop rebuild` on the target
// derives them there whenever wanted.
import type { ChdbLocation, ClickHouseLocation } from '../../store-url.js';
import type { Store } from '../../store.js';
import { duckDbOf } from '../duckdb/duckdb-store.js';
import { Checksum } from './checksum.js';
import { copyUnit } from './copy.js';
import { carryPrivacyKey } from './privacy-key.js';
import {
  countTargetRows,
  ensureProgressTable,
  progressOf,
  readProgress,
  type UnitProgress,
} from './progress.js';
import { openTarget } from './target.js';
import { sourceUnits, tablePlans, type TablePlan, type Unit } from './tables.js';
import { sourceChecksum, targetChecksum } from './verify.js';

export { TargetUnavailable } from './target.js';

export interface MigrateOptions {
  /** Only this workspace (default: every workspace the DuckDB file holds rows of). */
  workspaceId?: string;
  /** Rows per chunk copied, and about the most held in memory at once (default 20,000). */
  chunkRows?: number;
  /**
   * Copy again what the target holds of the workspaces moved (an earlier migration's rows, or rows of
   * another origin), instead of refusing rows this migration did not write and skipping finished tables.
   */
  replace?: boolean;
  onProgress?: (p: MigrationProgress) => void;
  /** Tests: called after each chunk is stored and before its progress is recorded. */
  afterChunkStored?: () => void | Promise<void>;
}

export interface MigrationProgress {
  phase: 'copy' | 'verify';
  table: string;
  workspaceId: string | null;
  /** Rows copied (or read, when verifying) so far, of `total`. */
  done: number;
  total: number;
}

export interface TableCheck {
  table: string;
  /** Rows this run copied (a resumed or finished table copies fewer than it holds, or none). */
  copied: number;
  source: { rows: number; checksum: string };
  target: { rows: number; checksum: string };
  ok: boolean;
}

export interface MigrationResult {
  /** The target's URL without its password. */
  target: string;
  workspaces: number;
  tables: TableCheck[];
  /** One line per table whose rows differ, naming both sides' figures. */
  mismatches: string[];
}

/** The target holds rows of a workspace that no migration into it wrote. */
export class ForeignRows extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ForeignRows';
  }
}

const DEFAULT_CHUNK_ROWS = 20_000;

/** Moves the data of `source`'s DuckDB file into the ClickHouse store at `to`, and verifies it. */
export async function migrateToClickHouse(
  source: Store,
  to: ClickHouseLocation | ChdbLocation,
  o: MigrateOptions = {},
): Promise<MigrationResult> {
  const db = duckDbOf(source);
  if (!db) throw new Error('the data plane is not a DuckDB file: there is nothing to migrate from');
  const chunkRows = o.chunkRows ?? DEFAULT_CHUNK_ROWS;
  if (!Number.isSafeInteger(chunkRows) || chunkRows < 1)
    throw new RangeError(`chunk rows must be a positive integer, not ${chunkRows}`);
  const plans = await tablePlans(db);
  const units = allUnits(plans, await sourceUnits(db, plans, o.workspaceId), o.workspaceId);
  const ch = await openTarget(to);
  try {
    await ensureProgressTable(ch);
    const tombstones = units
      .filter((u) => u.table.name === 'erased_identifiers')
      .reduce((s, u) => s + u.rows, 0);
    await carryPrivacyKey(db, ch, tombstones);

    // copy: facts first (the schema's order), so a target cut short holds facts before what they derive
    const progress = await readProgress(ch);
    // what an earlier run did; a replace starts each unit again (its progress versions still count up)
    const priorOf = (u: Unit): UnitProgress | undefined => {
      const p = progressOf(progress, u.table.name, u.workspaceId);
      return o.replace && p ? { ...p, state: 'copying', lastKey: null, rows: 0 } : p;
    };
    const copied = new Map<string, number>();
    const todo: Unit[] = [];
    for (const u of units) {
      const prior = priorOf(u);
      if (prior?.state === 'done') continue;
      if (!prior && !o.replace && (await countTargetRows(ch, u.table, u.workspaceId)) > 0)
        throw new ForeignRows(
          `the target already holds rows of ${u.workspaceId === null ? 'dead letters naming no workspace' : `workspace ${u.workspaceId}`} in ${u.table.name} that no migration into it wrote: run with --replace to copy over them`,
        );
      if (u.rows > 0 || o.replace) todo.push(u);
    }
    const resumed = (u: Unit) => {
      const p = priorOf(u);
      return p?.state === 'copying' && p.lastKey !== null && u.table.resumeKey ? p.rows : 0;
    };
    const total = todo.reduce((s, u) => s + Math.max(0, u.rows - resumed(u)), 0);
    let done = 0;
    for (const u of todo) {
      const report = () =>
        o.onProgress?.({
          phase: 'copy',
          table: u.table.name,
          workspaceId: u.workspaceId,
          done,
          total,
        });
      report();
      const n = await copyUnit(db, ch, u, priorOf(u), chunkRows, {
        onRows: (rows) => {
          done += rows;
          report();
        },
        ...(o.afterChunkStored ? { afterChunkStored: o.afterChunkStored } : {}),
      });
      copied.set(u.table.name, (copied.get(u.table.name) ?? 0) + n);
    }

    // verify: every unit, read afresh on both sides
    const sums = new Map<string, { source: Checksum; target: Checksum }>();
    const verifyTotal = 2 * units.reduce((s, u) => s + u.rows, 0);
    let read = 0;
    for (const u of units) {
      const report = (rows: number) => {
        read += rows;
        o.onProgress?.({
          phase: 'verify',
          table: u.table.name,
          workspaceId: u.workspaceId,
          done: Math.min(read, verifyTotal),
          total: verifyTotal,
        });
      };
      const s = sums.get(u.table.name) ?? { source: new Checksum(), target: new Checksum() };
      s.source.merge(await sourceChecksum(db, u, chunkRows, report));
      s.target.merge(await targetChecksum(ch, u, chunkRows, report));
      sums.set(u.table.name, s);
    }
    const tables = plans.map((t): TableCheck => {
      const s = sums.get(t.name) ?? { source: new Checksum(), target: new Checksum() };
      return {
        table: t.name,
        copied: copied.get(t.name) ?? 0,
        source: { rows: s.source.rows, checksum: s.source.hex },
        target: { rows: s.target.rows, checksum: s.target.hex },
        ok: s.source.equals(s.target),
      };
    });
    return {
      target: to.display,
      workspaces: new Set(units.map((u) => u.workspaceId)).size,
      tables,
      mismatches: tables
        .filter((t) => !t.ok)
        .map(
          (t) =>
            `${t.table}: DuckDB has ${t.source.rows} rows (checksum ${t.source.checksum}), ClickHouse ${t.target.rows} rows (checksum ${t.target.checksum})`,
        ),
    };
  } finally {
    await ch.conn.close();
  }
}

/**
 * Every table for every workspace moved, the empty ones too: a workspace's rows the target holds where
 * DuckDB has none are a difference as well. Dead letters that name no workspace go with a whole move.
 */
function allUnits(
  tables: readonly TablePlan[],
  found: readonly Unit[],
  workspaceId: string | undefined,
): Unit[] {
  const workspaces = new Set<string>(workspaceId === undefined ? [] : [workspaceId]);
  for (const u of found) if (u.workspaceId !== null) workspaces.add(u.workspaceId);
  const rows = new Map(found.map((u) => [`${u.table.name}\u0000${u.workspaceId}`, u.rows]));
  const units: Unit[] = [];
  for (const table of tables) {
    for (const ws of [...workspaces].sort())
      units.push({ table, workspaceId: ws, rows: rows.get(`${table.name}\u0000${ws}`) ?? 0 });
    const orphans = found.find((u) => u.table.name === table.name && u.workspaceId === null);
    if (orphans) units.push(orphans);
  }
  return units;
}
