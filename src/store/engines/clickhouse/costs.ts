// Spend matched to sessions on ClickHouse: the neutral query (neutral/costs-queries.ts).
import type { CostsQuery, CostsRow } from '../../areas/costs.js';
import { costsReportSql, toCostsRow } from '../neutral/costs-queries.js';
import { queryNeutral } from './dialect.js';
import type { ChStore } from './events.js';

export async function costsReport(s: ChStore, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (await queryNeutral(s.conn, s.database, costsReportSql(ws, q))).map(toCostsRow(q.groupBy));
}
