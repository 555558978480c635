// The subscription-months area's writes on DuckDB (neutral/subscription-months-queries.ts): a workspace's
// rows replaced in one transaction, so a reader sees the months before or after a derive, never half.
import type { SubscriptionMonthRow } from '../../areas/subscription-months.js';
import {
  SUBSCRIPTION_MONTH_CASTS,
  SUBSCRIPTION_MONTH_COLUMNS,
  SUBSCRIPTION_MONTHS_TABLE,
  subscriptionMonthRow,
} from '../neutral/subscription-months-queries.js';
import type { Db } from './connection.js';
import { insertRows } from './crm-repo.js';

export function replaceSubscriptionMonths(
  db: Db,
  ws: string,
  rows: readonly SubscriptionMonthRow[],
): Promise<number> {
  return db.transaction(async (conn) => {
    await conn.run(`DELETE FROM ${SUBSCRIPTION_MONTHS_TABLE} WHERE workspace_id = $ws`, { ws });
    if (rows.length === 0) return 0;
    await insertRows(
      conn,
      SUBSCRIPTION_MONTHS_TABLE,
      SUBSCRIPTION_MONTH_COLUMNS,
      rows.map((r) => {
        const row = subscriptionMonthRow(ws, r);
        return { ...row, churned: String(row.churned), paying: String(row.paying) };
      }),
      SUBSCRIPTION_MONTH_CASTS,
    );
    return rows.length;
  });
}
