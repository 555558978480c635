// Change records in brief, for the CRM import's tests.

import type { CrmChangeRecord } from '../sources/crm/records.js';

export const ms = (iso: string) => Date.parse(iso);
export const brief = (r: CrmChangeRecord) => [
  r.key,
  r.objectType,
  r.change,
  r.stage,
  r.outcome,
  r.milestone,
  r.amount ? `${r.amount.minor} ${r.amount.currency}` : null,
  r.lostReason,
];
