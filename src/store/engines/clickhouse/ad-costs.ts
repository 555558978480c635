// Ad costs on ClickHouse: the rows, then the import that puts them in effect (no transaction: rows whose
// import was never recorded are in effect on no day); the reads are the neutral queries.
import {
  adCostProblem,
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
  toAdCostImport,
  toAdCostTotal,
  toStoredAdCostRow,
} from '../neutral/ad-costs-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function appendAdCosts(
  s: ChStore,
  workspaceId: string,
  imp: AdCostImport,
  rows: readonly AdCostRow[],
): Promise<{ rows: number }> {
  const problem = adCostProblem(imp, rows);
  if (problem) throw new Error(`ad costs of ${imp.platform} account ${imp.accountId}: ${problem}`);
  const head = {
    workspace_id: workspaceId,
    import_id: imp.importId,
    platform: imp.platform,
    account_id: imp.accountId,
  };
  if (rows.length > 0)
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
  await s.conn.insert(`${s.database}.ad_cost_imports`, [
    {
      ...head,
      date_from: imp.from,
      date_to: imp.to,
      source: imp.source,
      row_count: rows.length,
      imported_at: new Date().toISOString(),
    },
  ]);
  return { rows: rows.length };
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
  const missing = await queryNeutral(
    s.conn,
    s.database,
    missingAdCostRatesSql(workspaceId, q.from, q.to, q.currency),
  );
  return {
    rows,
    missingRates: missing.map((r) => ({ currency: String(r.currency), date: String(r.day) })),
  };
}

export async function adCostImports(s: ChStore, workspaceId: string) {
  return (await queryNeutral(s.conn, s.database, adCostImportsSql(workspaceId))).map(
    toAdCostImport,
  );
}
