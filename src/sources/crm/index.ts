// What every CRM connector hands on: change records, one-off revenue records, match keys, the default
// funnel, amounts in minor units (docs/crm.md).
export * from './records.js';
export * from './revenue-records.js';
export * from './amount.js';
