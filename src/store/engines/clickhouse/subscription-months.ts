// The subscription-months area's writes on ClickHouse (neutral/subscription-months-queries.ts): a
// workspace's rows built in a stage and swapped in whole (partition-swap.ts).
import type { SubscriptionMonthRow } from '../../areas/subscription-months.js';
import {
  SUBSCRIPTION_MONTHS_TABLE,
  subscriptionMonthRow,
} from '../neutral/subscription-months-queries.js';
import { sql } from '../neutral/sql.js';
import type { ChStore } from './events.js';
import { swapPartition } from './partition-swap.js';

export async function replaceSubscriptionMonths(
  s: ChStore,
  ws: string,
  rows: readonly SubscriptionMonthRow[],
): Promise<number> {
  await swapPartition(
    s,
    SUBSCRIPTION_MONTHS_TABLE,
    ws,
    sql`FALSE`,
    rows.map((r) => subscriptionMonthRow(ws, r)),
  );
  return rows.length;
}
