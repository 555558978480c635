// Ad costs on ClickHouse: the rows, then the import that puts them in effect (no transaction: rows whose
// import was never recorded are in effect on no day), a file's rows staged in batches the same way; the
// reads are the neutral queries.
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
import { fn, p, sql } from '../neutral/sql.js';
import { commandNeutral, queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

async function insertRows(
  s: ChStore,
  workspaceId: string,
  imp: StagedAdCostImport,
  rows: readonly AdCostRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const head = {
    workspace_id: workspaceId,
    import_id: imp.importId,
    platform: imp.platform,
    account_id: imp.accountId,
  };
  await s.conn.insert(
    `${s.database}.ad_costs`,
    rows.map((r) => ({
      ...head,
      cost_date: r.date,
      currency: r.currency,
      campaign_id: r.campaignId,
      campaign_name: r.campaignName,
      ad_group_id: r.adGroupId,
      ad_group_name: r.adGroupName,
      ad_id: r.adId,
      ad_name: r.adName,
      keyword: r.keyword,
      match_type: r.matchType,
      impressions: r.impressions,
      clicks: r.clicks,
      cost_micros: r.costMicros,
      conversions: r.conversions,
      conversion_value: r.conversionValue,
    })),
  );
}

/** The import's record: one row, one insert, so its rows come into effect at once. */
async function insertImport(s: ChStore, workspaceId: string, imp: AdCostImport, rows: number) {
  await s.conn.insert(`${s.database}.ad_cost_imports`, [
    {
      workspace_id: workspaceId,
      import_id: imp.importId,
      platform: imp.platform,
      account_id: imp.accountId,
      date_from: imp.from,
      date_to: imp.to,
      source: imp.source,
      row_count: rows,
      imported_at: new Date().toISOString(),
    },
  ]);
}

const refuse = (imp: StagedAdCostImport, problem: string | undefined) => {
  if (problem) throw new Error(`ad costs of ${imp.platform} account ${imp.accountId}: ${problem}`);
};

export async function appendAdCosts(
  s: ChStore,
  workspaceId: string,
  imp: AdCostImport,
  rows: readonly AdCostRow[],
): Promise<{ rows: number }> {
  refuse(imp, adCostProblem(imp, rows));
  await insertRows(s, workspaceId, imp, rows);
  await insertImport(s, workspaceId, imp, rows.length);
  return { rows: rows.length };
}

// A file's import in batches: its rows staged as they are read (no import record, so no read sees
// them), the record last; a failed file's rows are deleted (a mutation, waited for: mutations_sync).
export async function stageAdCosts(
  s: ChStore,
  workspaceId: string,
  imp: StagedAdCostImport,
  rows: readonly AdCostRow[],
): Promise<void> {
  refuse(imp, adCostRowsProblem(rows));
  await insertRows(s, workspaceId, imp, rows);
}

export async function commitAdCosts(
  s: ChStore,
  workspaceId: string,
  imp: AdCostImport,
  rows: number,
): Promise<void> {
  refuse(imp, adCostPeriodProblem(imp));
  await insertImport(s, workspaceId, imp, rows);
}

export async function discardAdCosts(s: ChStore, workspaceId: string, importId: string) {
  await commandNeutral(
    s.conn,
    s.database,
    sql`DELETE FROM ${fn.table('ad_costs')} WHERE workspace_id = ${p.text(workspaceId)}
      AND import_id = ${p.text(importId)}`,
  );
}

export async function staleStagedAdCostImports(s: ChStore, workspaceId: string, before: string) {
  const rows = await queryNeutral(
    s.conn,
    s.database,
    staleStagedAdCostImportsSql(workspaceId, before),
  );
  return rows.map((r) => String(r.import_id));
}

export async function adCosts(
  s: ChStore,
  workspaceId: string,
  range: { from: string; to: string },
): Promise<StoredAdCostRow[]> {
  return (
    await queryNeutral(s.conn, s.database, adCostsSql(workspaceId, range.from, range.to))
  ).map(toStoredAdCostRow);
}

export async function adCostTotals(
  s: ChStore,
  workspaceId: string,
  q: Parameters<AdCostsStore['adCostTotals']>[1],
): Promise<{ rows: AdCostTotal[]; missingRates: { currency: string; date: string }[] }> {
  const rows = (await queryNeutral(s.conn, s.database, adCostTotalsSql(workspaceId, q))).map(
    toAdCostTotal(q.groupBy),
  );
  return { rows, missingRates: await missingAdCostRates(s, workspaceId, q) };
}

export async function missingAdCostRates(
  s: ChStore,
  workspaceId: string,
  q: Parameters<AdCostsStore['missingAdCostRates']>[1],
): Promise<{ currency: string; date: string }[]> {
  return (
    await queryNeutral(
      s.conn,
      s.database,
      missingAdCostRatesSql(workspaceId, q.from, q.to, q.currency),
    )
  ).map(toMissingRate);
}

export async function adCostImports(s: ChStore, workspaceId: string) {
  return (await queryNeutral(s.conn, s.database, adCostImportsSql(workspaceId))).map(
    toAdCostImport,
  );
}
