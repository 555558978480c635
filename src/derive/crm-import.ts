// A CRM CSV/JSON import (docs/crm.md, "The CRM CSV/JSON format") into a workspace's CRM facts: the
// file is read as a stream (src/sources/crm-csv) and its records stored in batches by key, so memory
// stays bounded whatever the file's size and a re-import stores nothing new. Bad rows are reported by
// line and column while the good ones are stored (the rows around a bad one still count). The CRM
// milestones and credits are derived once, after the last batch.
import {
  ColumnMapError,
  readCrmImport,
  ValueError,
  type CrmImportInput,
  type CrmImportOptions,
} from '../sources/crm-csv/index.js';
import type { CrmChangeRecord } from '../sources/crm/index.js';
import type { RevenueRecord } from '../sources/crm/revenue-records.js';
import type { Store } from '../store/store.js';
import type { CrmAppendResult } from '../store/types.js';
import { creditWorkspace } from './attribution-credits.js';
import { deriveCrmMilestones } from './crm-milestones.js';
import { funnelFor } from './funnel.js';
import { withWorkspaceLock } from './workspace-lock.js';

/** Records held before a batch is stored: bounds memory, and keeps each store transaction short. */
export const CRM_IMPORT_BATCH = 10_000;
/** Errors listed in a report; the rest are counted. */
export const CRM_IMPORT_MAX_LISTED = 100;

export interface CrmImportLineError {
  line: number;
  field: string | null;
  reason: string;
}

export interface CrmImportReport {
  /** Rows read that gave records. */
  rows: number;
  changes: CrmAppendResult;
  revenue: CrmAppendResult;
  /** Bad lines (a line with two bad fields counts twice). */
  errorCount: number;
  errors: CrmImportLineError[];
  /** Headers that are none of our columns. */
  ignoredColumns: string[];
  /** CRM milestone rows derived after the import. */
  milestones: number;
}

/** An import refused before any row: a `--map` or header problem, or an option out of range. */
export class CrmImportError extends Error {
  constructor(
    message: string,
    readonly field: 'map' | 'timeZone' | 'type',
  ) {
    super(message);
  }
}

export interface CrmImportRun extends Omit<CrmImportOptions, 'settings'> {
  /** Called after each stored batch with the rows read so far. */
  onBatch?: (rows: number) => void;
  /**
   * Derive the CRM milestones and credits after the import (default true). A caller about to
   * rebuild the workspace anyway (the Demo workspace) skips it: the rebuild derives them.
   */
  derive?: boolean;
}

/** Imports one CRM file into a workspace's facts, then derives its CRM milestones and credits. */
export async function importCrm(
  store: Store,
  workspaceId: string,
  input: CrmImportInput,
  run: CrmImportRun = {},
): Promise<CrmImportReport> {
  const { onBatch, derive = true, ...options } = run;
  const funnel = await funnelFor(store, workspaceId);
  // every count the store reports is summed over the batches, whichever it reports
  const zero = () => ({ inserted: 0, duplicates: 0 }) as CrmAppendResult;
  const report: CrmImportReport = {
    rows: 0,
    changes: zero(),
    revenue: zero(),
    errorCount: 0,
    errors: [],
    ignoredColumns: [],
    milestones: 0,
  };
  let changes: CrmChangeRecord[] = [];
  let revenue: RevenueRecord[] = [];
  const add = (to: CrmAppendResult, r: CrmAppendResult) => {
    const sums = to as unknown as Record<string, number>;
    for (const [k, v] of Object.entries(r)) if (typeof v === 'number') sums[k] = (sums[k] ?? 0) + v;
  };
  const flush = async () => {
    const c = changes;
    const v = revenue;
    changes = [];
    revenue = [];
    if (c.length === 0 && v.length === 0) return;
    // appends take the derive lock, as recordCrmChanges does, so two imports never race on a key
    await withWorkspaceLock(store, workspaceId, async () => {
      add(report.changes, await store.appendCrmChanges(workspaceId, c));
      add(report.revenue, await store.appendRevenueRecords(workspaceId, v));
    });
    onBatch?.(report.rows);
  };
  try {
    for await (const item of readCrmImport(input, { ...options, settings: funnel.crm.csv ?? {} })) {
      if (item.kind === 'header') report.ignoredColumns = item.ignored;
      else if (item.kind === 'error') {
        report.errorCount++;
        if (report.errors.length < CRM_IMPORT_MAX_LISTED)
          report.errors.push({ line: item.line, field: item.field, reason: item.reason });
      } else {
        report.rows++;
        changes.push(...item.changes);
        revenue.push(...item.revenue);
        if (changes.length + revenue.length >= CRM_IMPORT_BATCH) await flush();
      }
    }
  } catch (err) {
    if (err instanceof ColumnMapError) throw new CrmImportError(err.message, 'map');
    if (err instanceof ValueError) throw new CrmImportError(err.message, 'timeZone');
    throw err;
  }
  await flush();
  report.errors.sort((a, b) => a.line - b.line);
  if (derive && (report.changes.inserted > 0 || report.revenue.inserted > 0))
    report.milestones = await withWorkspaceLock(store, workspaceId, async () => {
      const n = await deriveCrmMilestones(store, workspaceId, funnel);
      await creditWorkspace(store, workspaceId);
      return n;
    });
  return report;
}
