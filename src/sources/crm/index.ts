// What every CRM connector hands on: change records, match keys, the default funnel, amounts in minor
// units (docs/crm.md).
export * from './records.js';
export * from './amount.js';
