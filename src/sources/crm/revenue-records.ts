// One-off revenue as a source hands it on, whatever the source: a payment, a refund or an invoice paid
// outside any subscription (issue 15: "one-off revenue through CSV and API"). Subscription revenue
// takes the revenue layer's histories instead (src/revenue). Like a change record, each has a `key`
// that is the same however often the same payment arrives, so storing it twice changes nothing.

import type { CrmMatchKeys, CrmMoney, CrmSource } from './records.js';

export interface RevenueRecord {
  /** The same payment has the same key however often it is imported; a store keeps one per key. */
  key: string;
  source: CrmSource;
  /** The account or file set it came from (an import's `--account`); null when none was named. */
  account: string | null;
  /** The payment's own id in the source, when it has one. */
  paymentId: string | null;
  /** Epoch ms: when it was paid (or refunded). */
  occurredAt: number;
  /** Negative for a refund. */
  amount: CrmMoney;
  /** The deal it pays for, when the source says. */
  dealId: string | null;
  description: string | null;
  /** Who paid: e-mails, phones, contact and company ids, as for change records. */
  match: CrmMatchKeys;
}
