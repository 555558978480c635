// Ad costs on DuckDB: an import and its rows in one transaction, or a file's rows staged in batches and
// its import recorded last; the reads are the neutral queries.
import { listValue, type DuckDBConnection } from '@duckdb/node-api';
import {
  adCostPeriodProblem,
  adCostProblem,
  adCostRowsProblem,
  type StagedAdCostImport,
  type AdCostImport,
  type AdCostRow,
  type AdCostsStore,
  type AdCostTotal,
  type StoredAdCostRow,
} from '../../areas/ad-costs.js';
import {
  adCostImportsSql,
  adCostsSql,
  adCostTotalsSql,
  missingAdCostRatesSql,
  staleStagedAdCostImportsSql,
  toAdCostImport,
  toAdCostTotal,
  toMissingRate,
  toStoredAdCostRow,
} from '../neutral/ad-costs-queries.js';
import { VARCHAR_LIST, type Db } from './connection.js';
import { queryNeutral } from './dialect.js';

type Conn = DuckDBConnection;

async function insertRows(
  c: Conn,
  workspaceId: string,
  imp: StagedAdCostImport,
  rows: readonly AdCostRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const col = <T>(f: (r: AdCostRow) => T) => listValue(rows.map(f) as never[]);
  await c.run(
    `INSERT INTO ad_costs SELECT $ws, $imp, $platform, $account, unnest($d::DATE[]),
         unnest($cur::VARCHAR[]), unnest($cid::VARCHAR[]), unnest($cname::VARCHAR[]),
         unnest($gid::VARCHAR[]), unnest($gname::VARCHAR[]), unnest($aid::VARCHAR[]),
         unnest($aname::VARCHAR[]), unnest($kw::VARCHAR[]), unnest($mt::VARCHAR[]),
         unnest($imps::BIGINT[]), unnest($clicks::BIGINT[]), unnest($cost::BIGINT[]),
         unnest($conv::DOUBLE[]), unnest($cval::DOUBLE[])`,
    {
      ws: workspaceId,
      imp: imp.importId,
      platform: imp.platform,
      account: imp.accountId,
      d: col((r) => r.date),
      cur: col((r) => r.currency),
      cid: col((r) => r.campaignId),
      cname: col((r) => r.campaignName),
      gid: col((r) => r.adGroupId),
      gname: col((r) => r.adGroupName),
      aid: col((r) => r.adId),
      aname: col((r) => r.adName),
      kw: col((r) => r.keyword),
      mt: col((r) => r.matchType),
      imps: col((r) => BigInt(r.impressions)),
      clicks: col((r) => BigInt(r.clicks)),
      cost: col((r) => BigInt(r.costMicros)),
      // as text: a list of JS numbers is typed by its first element, so [380, 99.99] would
      // bind as integers and fail; the cast to DOUBLE[] reads the text exactly
      conv: col((r) => String(r.conversions)),
      cval: col((r) => String(r.conversionValue)),
    },
    // typed: a text list is typed by its first item, and a first NULL (a campaign-level row before
    // ad group rows) would make every ad group, ad and keyword of the file NULL
    Object.fromEntries(
      ['cur', 'cid', 'cname', 'gid', 'gname', 'aid', 'aname', 'kw', 'mt'].map((k) => [
        k,
        VARCHAR_LIST,
      ]),
    ),
  );
}

async function insertImport(c: Conn, workspaceId: string, imp: AdCostImport, rows: number) {
  await c.run(
    `INSERT INTO ad_cost_imports VALUES ($ws, $imp, $platform, $account, CAST($from AS DATE),
         CAST($to AS DATE), $source, $n, now())`,
    {
      ws: workspaceId,
      imp: imp.importId,
      platform: imp.platform,
      account: imp.accountId,
      from: imp.from,
      to: imp.to,
      source: imp.source,
      n: rows,
    },
  );
}

export async function appendAdCosts(
  db: Db,
  workspaceId: string,
  imp: AdCostImport,
  rows: readonly AdCostRow[],
): Promise<{ rows: number }> {
  const problem = adCostProblem(imp, rows);
  if (problem) throw new Error(`ad costs of ${imp.platform} account ${imp.accountId}: ${problem}`);
  await db.transaction(async (c) => {
    await insertRows(c, workspaceId, imp, rows);
    // the import last: until it is there, its rows are in effect on no day
    await insertImport(c, workspaceId, imp, rows.length);
  });
  return { rows: rows.length };
}

// A file's import in batches: each batch its own write (a transaction over the whole file would hold
// the one writer, and DuckDB's undo of it, for as long as the file takes to read), invisible until the
// import is recorded; a failed file's batches are deleted.
export async function stageAdCosts(
  db: Db,
  workspaceId: string,
  imp: StagedAdCostImport,
  rows: readonly AdCostRow[],
): Promise<void> {
  const problem = adCostRowsProblem(rows);
  if (problem) throw new Error(`ad costs of ${imp.platform} account ${imp.accountId}: ${problem}`);
  await db.write((c) => insertRows(c, workspaceId, imp, rows));
}

export async function commitAdCosts(
  db: Db,
  workspaceId: string,
  imp: AdCostImport,
  rows: number,
): Promise<void> {
  const problem = adCostPeriodProblem(imp);
  if (problem) throw new Error(`ad costs of ${imp.platform} account ${imp.accountId}: ${problem}`);
  await db.write((c) => insertImport(c, workspaceId, imp, rows));
}

export async function discardAdCosts(db: Db, workspaceId: string, importId: string) {
  await db.write((c) =>
    c.run(`DELETE FROM ad_costs WHERE workspace_id = $ws AND import_id = $imp`, {
      ws: workspaceId,
      imp: importId,
    }),
  );
  return undefined;
}

export async function staleStagedAdCostImports(db: Db, workspaceId: string, before: string) {
  const rows = await queryNeutral(db, staleStagedAdCostImportsSql(workspaceId, before));
  return rows.map((r) => String(r.import_id));
}

export async function adCosts(
  db: Db,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<StoredAdCostRow[]> {
  return (await queryNeutral(db, adCostsSql(workspaceId, range.from, range.to))).map(
    toStoredAdCostRow,
  );
}

export async function adCostTotals(
  db: Db,
  workspaceId: string,
  q: Parameters<AdCostsStore['adCostTotals']>[1],
): Promise<{ rows: AdCostTotal[]; missingRates: { currency: string; date: string }[] }> {
  const rows = (await queryNeutral(db, adCostTotalsSql(workspaceId, q))).map(
    toAdCostTotal(q.groupBy),
  );
  return { rows, missingRates: await missingAdCostRates(db, workspaceId, q) };
}

export async function missingAdCostRates(
  db: Db,
  workspaceId: string,
  q: Parameters<AdCostsStore['missingAdCostRates']>[1],
): Promise<{ currency: string; date: string }[]> {
  return (await queryNeutral(db, missingAdCostRatesSql(workspaceId, q.from, q.to, q.currency))).map(
    toMissingRate,
  );
}

export async function adCostImports(db: Db, workspaceId: string) {
  return (await queryNeutral(db, adCostImportsSql(workspaceId))).map(toAdCostImport);
}
