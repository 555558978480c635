// Spend matched to sessions on DuckDB: the neutral query (neutral/costs-queries.ts).
import type { CostsQuery, CostsRow } from '../../areas/costs.js';
import { costsReportSql, toCostsRow } from '../neutral/costs-queries.js';
import type { Db } from './connection.js';
import { queryNeutral } from './dialect.js';

export async function costsReport(db: Db, ws: string, q: CostsQuery): Promise<CostsRow[]> {
  return (await queryNeutral(db, costsReportSql(ws, q))).map(toCostsRow(q.groupBy));
}
